#pragma once

// An API server on a memory store with an in-process client, for controller tests. There is
// no scheduler or node agent: tests play their part by patching pod status.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "core/api/api_time.h"
#include "core/api/json_fields.h"
#include "core/apiserver/registry.h"
#include "core/client/in_process_client.h"
#include "core/client/informer_factory.h"
#include "core/store/memory_store.h"

namespace skiff::controllers::testing {

namespace json = boost::json;

inline const api::Kind& KindOf(std::string_view group, std::string_view resource) {
  return *api::KindRegistry::Builtin().ByResource(group, "v1", resource);
}

class TestCluster {
 public:
  TestCluster() {
    store_ = store::NewMemoryStore();
    registry_ = std::make_unique<apiserver::ObjectRegistry>(*store_, api::KindRegistry::Builtin());
    client_ = client::NewInProcessClient(*registry_);
    informers_ = std::make_unique<client::InformerFactory>(*client_);
    auto r = client_->Create(KindOf("", "namespaces"), "",
                             client::Object{{"metadata", {{"name", "default"}}}});
    EXPECT_TRUE(r.ok());
  }

  client::Client& client() { return *client_; }
  // The controllers under test share these, as in `skiff server`.
  client::InformerFactory& informers() { return *informers_; }

  std::vector<client::Object> List(const api::Kind& kind, const std::string& selector = "") {
    client::ListOptions opts;
    opts.label_selector = selector;
    auto r = client_->List(kind, "default", opts);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->items : std::vector<client::Object>{};
  }

  std::vector<client::Object> Pods(const std::string& selector = "") {
    return List(KindOf("", "pods"), selector);
  }

  // The Events about the object named name of kind (involvedObject.kind) with reason.
  std::vector<client::Object> Events(const std::string& kind, const std::string& name,
                                     const std::string& reason) {
    std::vector<client::Object> out;
    for (auto& e : List(KindOf("", "events"))) {
      if (api::GetString(e, "involvedObject.kind") == kind &&
          api::GetString(e, "involvedObject.name") == name &&
          api::GetString(e, "reason") == reason) {
        out.push_back(std::move(e));
      }
    }
    return out;
  }

  // Marks a pod Running and Ready (as a node agent would), Ready since `since`.
  void MakeReady(const client::Object& pod,
                 std::chrono::system_clock::time_point since = std::chrono::system_clock::now()) {
    std::string t = api::ApiTime(since);
    json::value patch{
        {"status",
         {{"phase", "Running"},
          {"conditions", json::array{json::object{
                             {"type", "Ready"}, {"status", "True"}, {"lastTransitionTime", t}}}}}}};
    auto r = client_->Patch(KindOf("", "pods"), "default", api::GetString(pod, "metadata.name"),
                            client::PatchType::kMerge, patch, true);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  }

  // MakeReady for a pod that may be gone meanwhile.
  bool TryMakeReady(const client::Object& pod) {
    json::value patch{
        {"status",
         {{"phase", "Running"},
          {"conditions", json::array{json::object{{"type", "Ready"},
                                                  {"status", "True"},
                                                  {"lastTransitionTime", api::NowApiTime()}}}}}}};
    return client_
        ->Patch(KindOf("", "pods"), "default", api::GetString(pod, "metadata.name"),
                client::PatchType::kMerge, patch, true)
        .ok();
  }

  // Makes every pod matching selector that is not ready yet ready; returns how many.
  int MakeAllReady(const std::string& selector = "") {
    int n = 0;
    for (const auto& p : Pods(selector)) {
      if (!api::GetString(p, "metadata.deletionTimestamp").empty()) continue;
      if (api::GetString(p, "status.phase") == "Running") continue;
      if (TryMakeReady(p)) ++n;
    }
    return n;
  }

 private:
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<apiserver::ObjectRegistry> registry_;
  std::unique_ptr<client::Client> client_;
  std::unique_ptr<client::InformerFactory> informers_;
};

// Plays the node agent while alive: makes every new pod Running and Ready within ~20 ms.
class AutoReady {
 public:
  explicit AutoReady(TestCluster& cluster) : cluster_(cluster), thread_([this] { Run(); }) {}
  ~AutoReady() {
    stop_ = true;
    thread_.join();
  }

 private:
  void Run() {
    while (!stop_) {
      cluster_.MakeAllReady();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  TestCluster& cluster_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Polls cond every 20 ms until it holds or the deadline passes.
inline bool Eventually(const std::function<bool()>& cond,
                       std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cond();
}

}  // namespace skiff::controllers::testing
