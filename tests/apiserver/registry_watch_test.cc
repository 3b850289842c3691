// ObjectRegistry::Watch: a watch with a selector gets each event's parsed text along with the
// text (so in-process watchers need not parse it again); one without a selector gets none.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "core/apiserver/registry.h"
#include "core/store/memory_store.h"

namespace skiff::apiserver {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// The events one watch received.
class Received {
 public:
  WatchSink Sink() {
    return [this](std::vector<WatchEvent> events) {
      std::lock_guard lock(mu_);
      for (auto& e : events) events_.push_back(std::move(e));
      cv_.notify_all();
    };
  }
  // Waits (up to 5 s) for n events; what arrived by then.
  std::vector<WatchEvent> WaitFor(std::size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, 5s, [&] { return events_.size() >= n; });
    return events_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<WatchEvent> events_;
};

TEST(RegistryWatchTest, ASelectorWatchGetsTheParsedTextAlongWithTheText) {
  auto store = store::NewMemoryStore();
  ObjectRegistry registry(*store, api::KindRegistry::Builtin());
  const api::Kind& ns_kind = *api::KindRegistry::Builtin().ByResource("", "v1", "namespaces");
  const api::Kind& cm_kind = *api::KindRegistry::Builtin().ByResource("", "v1", "configmaps");
  ASSERT_TRUE(registry.Create(ns_kind, "", json::object{{"metadata", {{"name", "default"}}}}).ok());
  auto created =
      registry.Create(cm_kind, "default", json::object{{"metadata", {{"name", "seed"}}}});
  ASSERT_TRUE(created.ok());
  WatchQuery from_now;
  from_now.resource_version =
      std::string(created->at("metadata").as_object().at("resourceVersion").as_string());
  WatchQuery selected = from_now;
  selected.label_selector = "app=x";

  Received all, labelled;
  auto all_watch = registry.Watch(cm_kind, "default", from_now, all.Sink());
  auto labelled_watch = registry.Watch(cm_kind, "default", selected, labelled.Sink());
  ASSERT_TRUE(all_watch.ok() && labelled_watch.ok());
  ASSERT_TRUE(registry
                  .Create(cm_kind, "default",
                          json::object{{"metadata", {{"name", "a"}, {"labels", {{"app", "x"}}}}}})
                  .ok());
  // Its label removed: DELETED for the selector's watch, still with the parsed new state.
  json::object relabelled{{"metadata", {{"name", "a"}, {"labels", {{"app", "y"}}}}}};
  ASSERT_TRUE(registry.Update(cm_kind, "default", "a", relabelled, Subresource::kNone).ok());

  auto plain = all.WaitFor(2);
  ASSERT_EQ(plain.size(), 2u);
  for (const auto& e : plain) EXPECT_EQ(e.parsed, nullptr);

  auto events = labelled.WaitFor(2);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, "ADDED");
  EXPECT_EQ(events[1].type, "DELETED");
  for (std::size_t i = 0; i < events.size(); ++i) {
    ASSERT_NE(events[i].parsed, nullptr);
    // The same event's text, parsed: resourceVersion included.
    EXPECT_EQ(*events[i].parsed, json::parse(*events[i].object));
    EXPECT_EQ(events[i].object, plain[i].object);  // one shared text for both watches
    EXPECT_FALSE(events[i]
                     .parsed->as_object()
                     .at("metadata")
                     .as_object()
                     .at("resourceVersion")
                     .as_string()
                     .empty());
  }
}

}  // namespace
}  // namespace skiff::apiserver
