// client::EventRecorder on an in-process API server: the Event it writes, and the per-object
// rate limit (a burst, then nothing) that keeps a 10,000-pod ReplicaSet from writing 10,000.

#include "core/client/event_recorder.h"

#include <gtest/gtest.h>

#include "core/api/json_fields.h"
#include "core/apiserver/registry.h"
#include "core/client/in_process_client.h"
#include "core/store/memory_store.h"

namespace skiff::client {
namespace {

const api::Kind& KindOf(std::string_view group, std::string_view resource) {
  return *api::KindRegistry::Builtin().ByResource(group, "v1", resource);
}

class EventRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = store::NewMemoryStore();
    registry_ = std::make_unique<apiserver::ObjectRegistry>(*store_, api::KindRegistry::Builtin());
    client_ = NewInProcessClient(*registry_);
    ASSERT_TRUE(
        client_->Create(KindOf("", "namespaces"), "", Object{{"metadata", {{"name", "default"}}}})
            .ok());
  }

  std::vector<Object> Events() {
    auto r = client_->List(KindOf("", "events"), "default");
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->items : std::vector<Object>{};
  }

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<apiserver::ObjectRegistry> registry_;
  std::unique_ptr<Client> client_;
};

TEST_F(EventRecorderTest, WritesTheEventAboutTheObject) {
  Object rs{
      {"metadata",
       {{"name", "web"}, {"namespace", "default"}, {"uid", "u-1"}, {"resourceVersion", "7"}}}};
  EventRecorder recorder(*client_, "replicaset-controller", 100, 1);
  recorder.Record(ReferenceTo(rs, KindOf("apps", "replicasets")), "Normal", "SuccessfulCreate",
                  "Created pod: web-abcde", "", "node-1");
  recorder.Flush();
  auto events = Events();
  ASSERT_EQ(events.size(), 1u);
  const Object& e = events[0];
  EXPECT_EQ(api::GetString(e, "involvedObject.apiVersion"), "apps/v1");
  EXPECT_EQ(api::GetString(e, "involvedObject.kind"), "ReplicaSet");
  EXPECT_EQ(api::GetString(e, "involvedObject.name"), "web");
  EXPECT_EQ(api::GetString(e, "involvedObject.uid"), "u-1");
  EXPECT_EQ(api::GetString(e, "reason"), "SuccessfulCreate");
  EXPECT_EQ(api::GetString(e, "message"), "Created pod: web-abcde");
  EXPECT_EQ(api::GetString(e, "type"), "Normal");
  EXPECT_EQ(api::GetString(e, "source.component"), "replicaset-controller");
  EXPECT_EQ(api::GetString(e, "source.host"), "node-1");
  EXPECT_EQ(api::GetString(e, "reportingInstance"), "node-1");
}

TEST_F(EventRecorderTest, RateLimitsEachObjectAfterABurst) {
  EventRecorder recorder(*client_, "test", 1000, 2);
  ObjectReference a{"v1", "Pod", "default", "a", "uid-a", ""};
  ObjectReference b{"v1", "Pod", "default", "b", "uid-b", ""};
  for (int i = 0; i < EventRecorder::kSpamBurst + 10; ++i) {
    recorder.Record(a, "Normal", "Tick", "tick " + std::to_string(i));
  }
  recorder.Record(b, "Normal", "Tick", "b still gets through");
  recorder.Flush();
  int about_a = 0, about_b = 0;
  for (const auto& e : Events()) {
    about_a += api::GetString(e, "involvedObject.name") == "a";
    about_b += api::GetString(e, "involvedObject.name") == "b";
  }
  EXPECT_EQ(about_a, EventRecorder::kSpamBurst);
  EXPECT_EQ(about_b, 1);
}

}  // namespace
}  // namespace skiff::client
