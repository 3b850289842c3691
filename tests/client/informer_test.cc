// The Client implementations and the Informer against a real API server on a memory store:
// the in-process client directly, the HTTP client through a real HTTP server.

#include "core/client/informer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <mutex>
#include <thread>

#include "core/apiserver/api_handler.h"
#include "core/apiserver/http_server.h"
#include "core/apiserver/registry.h"
#include "core/client/http_client.h"
#include "core/client/in_process_client.h"
#include "core/store/memory_store.h"

namespace skiff::client {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

class ClientTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    store_ = store::NewMemoryStore();
    registry_ = std::make_unique<apiserver::ObjectRegistry>(*store_, api::KindRegistry::Builtin());
    ns_kind_ = api::KindRegistry::Builtin().ByResource("", "v1", "namespaces");
    cm_kind_ = api::KindRegistry::Builtin().ByResource("", "v1", "configmaps");
    ASSERT_TRUE(registry_->Create(*ns_kind_, "", Object{{"metadata", {{"name", "default"}}}}).ok());
    if (GetParam()) {
      handler_ = std::make_unique<apiserver::ApiHandler>(*registry_);
      apiserver::HttpServerOptions opts;
      opts.port = 0;
      auto server = apiserver::HttpServer::Start(
          opts, [h = handler_.get()](auto ex) { h->Handle(std::move(ex)); });
      ASSERT_TRUE(server.ok());
      server_ = std::move(server.value());
      auto c = NewHttpClient("http://127.0.0.1:" + std::to_string(server_->port()));
      ASSERT_TRUE(c.ok());
      client_ = std::move(c.value());
    } else {
      client_ = NewInProcessClient(*registry_);
    }
  }

  void TearDown() override {
    client_.reset();
    if (server_) server_->Stop();
    handler_.reset();
  }

  Object ConfigMap(const std::string& name, const std::string& value) {
    return Object{{"apiVersion", "v1"},
                  {"kind", "ConfigMap"},
                  {"metadata", {{"name", name}, {"labels", {{"app", "x"}}}}},
                  {"data", {{"v", value}}}};
  }

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<apiserver::ObjectRegistry> registry_;
  std::unique_ptr<apiserver::ApiHandler> handler_;
  std::unique_ptr<apiserver::HttpServer> server_;
  std::unique_ptr<Client> client_;
  const api::Kind* ns_kind_ = nullptr;
  const api::Kind* cm_kind_ = nullptr;
};

TEST_P(ClientTest, CrudRoundTrip) {
  auto created = client_->Create(*cm_kind_, "default", ConfigMap("a", "1"));
  ASSERT_TRUE(created.ok()) << created.error().message;
  auto got = client_->Get(*cm_kind_, "default", "a");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->at("data").at("v"), "1");
  Object update = *got;
  update["data"].as_object()["v"] = "2";
  auto updated = client_->Update(*cm_kind_, update);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  auto stale = client_->Update(*cm_kind_, update);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, 409);
  auto patched = client_->Patch(*cm_kind_, "default", "a", PatchType::kMerge,
                                json::parse(R"({"data":{"w":"3"}})"));
  ASSERT_TRUE(patched.ok());
  EXPECT_EQ(patched->at("data").at("w"), "3");
  auto list = client_->List(*cm_kind_, "default", ListOptions{"app=x", "", 0, ""});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->items.size(), 1u);
  ASSERT_TRUE(client_->Delete(*cm_kind_, "default", "a").ok());
  auto gone = client_->Get(*cm_kind_, "default", "a");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, 404);
  EXPECT_EQ(gone.error().reason, "NotFound");
}

TEST_P(ClientTest, InformerSeesListThenWatchEvents) {
  ASSERT_TRUE(client_->Create(*cm_kind_, "default", ConfigMap("before", "0")).ok());
  std::mutex mu;
  std::vector<std::string> seen;
  auto record = [&](std::string what) {
    std::lock_guard lock(mu);
    seen.push_back(std::move(what));
  };
  InformerHandlers h;
  h.on_add = [&](const Object& o) { record("add " + ObjectKey(o)); };
  h.on_update = [&](const Object&, const Object& n) { record("update " + ObjectKey(n)); };
  h.on_delete = [&](const Object& o) { record("delete " + ObjectKey(o)); };
  Informer informer(*client_, *cm_kind_, "default", {}, h);
  informer.Start();
  ASSERT_TRUE(informer.WaitForSync(5s));
  ASSERT_TRUE(client_->Create(*cm_kind_, "default", ConfigMap("after", "1")).ok());
  ASSERT_TRUE(client_
                  ->Patch(*cm_kind_, "default", "after", PatchType::kMerge,
                          json::parse(R"({"data":{"v":"2"}})"))
                  .ok());
  ASSERT_TRUE(client_->Delete(*cm_kind_, "default", "before").ok());
  std::vector<std::string> want = {"add default/before", "add default/after",
                                   "update default/after", "delete default/before"};
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard lock(mu);
      if (seen.size() >= want.size()) break;
    }
    std::this_thread::sleep_for(10ms);
  }
  std::lock_guard lock(mu);
  EXPECT_EQ(seen, want);
  EXPECT_NE(informer.Get("default", "after"), nullptr);
  EXPECT_EQ(informer.Get("default", "before"), nullptr);
}

// The in-process client on a registry over a memory store, with a "default" namespace.
class InProcessClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const api::Kind& ns_kind = *api::KindRegistry::Builtin().ByResource("", "v1", "namespaces");
    ASSERT_TRUE(registry_.Create(ns_kind, "", Object{{"metadata", {{"name", "default"}}}}).ok());
  }

  // The informer's cached default/name, once it has it (null after 5 s).
  static ObjectPtr WaitFor(const Informer& informer, const std::string& name) {
    ObjectPtr cached;
    for (int i = 0; i < 500 && !cached; ++i) {
      cached = informer.Get("default", name);
      if (!cached) std::this_thread::sleep_for(10ms);
    }
    return cached;
  }

  const api::Kind& cm_kind_ = *api::KindRegistry::Builtin().ByResource("", "v1", "configmaps");
  std::unique_ptr<store::Store> store_ = store::NewMemoryStore();
  apiserver::ObjectRegistry registry_{*store_, api::KindRegistry::Builtin()};
  std::unique_ptr<Client> client_ = NewInProcessClient(registry_);
};

// In process, an event is parsed once: informers of one client share the object (no copies).
TEST_F(InProcessClientTest, InformersShareOneParsedObjectPerEvent) {
  Informer first(*client_, cm_kind_, "default", {}, {});
  Informer second(*client_, cm_kind_, "", {}, {});
  first.Start();
  second.Start();
  ASSERT_TRUE(first.WaitForSync(5s));
  ASSERT_TRUE(second.WaitForSync(5s));
  ASSERT_TRUE(client_
                  ->Create(cm_kind_, "default",
                           Object{{"metadata", {{"name", "a"}}}, {"data", {{"v", "1"}}}})
                  .ok());
  ObjectPtr a = WaitFor(first, "a");
  ObjectPtr b = WaitFor(second, "a");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ(a->at("data").at("v"), "1");
}

// A watch with a selector: the registry parsed the event to match it, and the in-process client
// hands out that parsed object instead of parsing the text again.
TEST_F(InProcessClientTest, ASelectorWatchReusesTheRegistrysParse) {
  std::mutex mu;
  std::shared_ptr<const json::value> registry_parse;
  apiserver::WatchQuery query;
  query.label_selector = "app=x";
  auto watch = registry_.Watch(cm_kind_, "default", query, [&](auto events) {
    std::lock_guard lock(mu);
    registry_parse = events.back().parsed;
  });
  ASSERT_TRUE(watch.ok());
  ListOptions selected;
  selected.label_selector = "app=x";
  Informer informer(*client_, cm_kind_, "default", selected, {});
  informer.Start();
  ASSERT_TRUE(informer.WaitForSync(5s));
  ASSERT_TRUE(client_
                  ->Create(cm_kind_, "default",
                           Object{{"metadata", {{"name", "a"}, {"labels", {{"app", "x"}}}}}})
                  .ok());
  ObjectPtr cached = WaitFor(informer, "a");
  ASSERT_NE(cached, nullptr);
  std::lock_guard lock(mu);
  ASSERT_NE(registry_parse, nullptr);
  EXPECT_EQ(cached.get(), &registry_parse->as_object());
}

INSTANTIATE_TEST_SUITE_P(InProcessAndHttp, ClientTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Http" : "InProcess"; });

}  // namespace
}  // namespace skiff::client
