// InformerFactory and shared Informers: one informer per kind and selectors, handler sets
// added late get the cache first, removed ones get nothing more.

#include "core/client/informer_factory.h"

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/apiserver/registry.h"
#include "core/client/in_process_client.h"
#include "core/store/memory_store.h"

namespace skiff::client {
namespace {

using namespace std::chrono_literals;

// The events one handler set saw, as "add NAME" / "update NAME" / "delete NAME".
class Seen {
 public:
  InformerHandlers Handlers() {
    return InformerHandlers{
        [this](const Object& o) { Record("add " + ObjectKey(o)); },
        [this](const Object&, const Object& n) { Record("update " + ObjectKey(n)); },
        [this](const Object& o) { Record("delete " + ObjectKey(o)); }};
  }
  std::vector<std::string> Get() const {
    std::lock_guard lock(mu_);
    return events_;
  }
  // Waits (up to 5 s) until at least n events were seen.
  std::vector<std::string> WaitFor(std::size_t n) const {
    for (int i = 0; i < 500 && Get().size() < n; ++i) std::this_thread::sleep_for(10ms);
    return Get();
  }

 private:
  void Record(std::string what) {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(what));
  }
  mutable std::mutex mu_;
  std::vector<std::string> events_;
};

class InformerFactoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(registry_.Create(ns_kind_, "", Object{{"metadata", {{"name", "default"}}}}).ok());
  }

  void CreateConfigMap(const std::string& name) {
    auto r = client_->Create(cm_kind_, "default",
                             Object{{"metadata", {{"name", name}, {"labels", {{"app", "x"}}}}}});
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  const api::Kind& ns_kind_ = *api::KindRegistry::Builtin().ByResource("", "v1", "namespaces");
  const api::Kind& cm_kind_ = *api::KindRegistry::Builtin().ByResource("", "v1", "configmaps");
  std::unique_ptr<store::Store> store_ = store::NewMemoryStore();
  apiserver::ObjectRegistry registry_{*store_, api::KindRegistry::Builtin()};
  std::unique_ptr<Client> client_ = NewInProcessClient(registry_);
  InformerFactory informers_{*client_};
};

TEST_F(InformerFactoryTest, OneInformerPerKindAndSelectors) {
  Informer& configmaps = informers_.For(cm_kind_);
  EXPECT_EQ(&informers_.For(cm_kind_), &configmaps);
  EXPECT_NE(&informers_.For(ns_kind_), &configmaps);
  ListOptions labelled;
  labelled.label_selector = "app=x";
  Informer& selected = informers_.For(cm_kind_, labelled);
  EXPECT_NE(&selected, &configmaps);
  EXPECT_EQ(&informers_.For(cm_kind_, labelled), &selected);
}

TEST_F(InformerFactoryTest, LateHandlersGetTheCacheFirstThenEveryChange) {
  Informer& informer = informers_.For(cm_kind_);
  Seen early;
  auto early_handlers = informer.AddHandlers(early.Handlers());
  informer.Start();
  informer.Start();  // a second consumer starting it changes nothing
  ASSERT_TRUE(informer.WaitForSync(5s));
  CreateConfigMap("a");
  ASSERT_EQ(early.WaitFor(1), std::vector<std::string>{"add default/a"});

  Seen late;
  auto late_handlers = informer.AddHandlers(late.Handlers());
  // The cached object, before AddHandlers returned.
  EXPECT_EQ(late.Get(), std::vector<std::string>{"add default/a"});
  CreateConfigMap("b");
  ASSERT_TRUE(client_->Delete(cm_kind_, "default", "a").ok());
  std::vector<std::string> want = {"add default/a", "add default/b", "delete default/a"};
  EXPECT_EQ(early.WaitFor(3), want);
  EXPECT_EQ(late.WaitFor(3), want);
}

TEST_F(InformerFactoryTest, RemovedHandlersSeeNothingMore) {
  Informer& informer = informers_.For(cm_kind_);
  Seen kept, removed;
  auto kept_handlers = informer.AddHandlers(kept.Handlers());
  auto removed_handlers = informer.AddHandlers(removed.Handlers());
  informer.Start();
  ASSERT_TRUE(informer.WaitForSync(5s));
  CreateConfigMap("a");
  ASSERT_EQ(removed.WaitFor(1), std::vector<std::string>{"add default/a"});
  removed_handlers.reset();
  CreateConfigMap("b");
  ASSERT_EQ(kept.WaitFor(2), (std::vector<std::string>{"add default/a", "add default/b"}));
  EXPECT_EQ(removed.Get(), std::vector<std::string>{"add default/a"});
}

}  // namespace
}  // namespace skiff::client
