#pragma once

// What the agent's tests share: Eventually (poll with a deadline), Gate (calls that block until
// the test opens it), and AgentFixture: an in-process API (memory store, registry, client) with
// the namespaces an agent writes to, a scratch root dir, one agent on node "node-a" with the
// test's plugins, and pods bound to it.

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/agent/agent.h"
#include "core/api/json_fields.h"
#include "core/apiserver/registry.h"
#include "core/client/in_process_client.h"
#include "core/pluginhost/bounded_plugins.h"
#include "core/store/memory_store.h"

namespace skiff::agent::testing {

inline const api::Kind& KindOf(const char* group, const char* resource) {
  return *api::KindRegistry::Builtin().ByResource(group, "v1", resource);
}

// Polls `probe` until it holds; false after `timeout`.
inline bool Eventually(const std::function<bool()>& probe,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (probe()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return probe();
}

// Wait() blocks until Open(). waiting(): callers blocked now; entered(): calls ever made.
class Gate {
 public:
  void Wait() {
    std::unique_lock lock(mu_);
    ++waiting_;
    ++entered_;
    cv_.wait(lock, [&] { return open_; });
    --waiting_;
  }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  int waiting() {
    std::lock_guard lock(mu_);
    return waiting_;
  }
  int entered() {
    std::lock_guard lock(mu_);
    return entered_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  int waiting_ = 0;
  int entered_ = 0;
};

class AgentFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    namespace json = boost::json;
    store_ = store::NewMemoryStore();
    registry_ = std::make_unique<apiserver::ObjectRegistry>(*store_, api::KindRegistry::Builtin());
    for (const char* ns : {"default", "kube-node-lease"}) {
      ASSERT_TRUE(registry_
                      ->Create(KindOf("", "namespaces"), "",
                               json::object{{"metadata", {{"name", ns}}},
                                            {"spec", json::object{}},
                                            {"status", json::object{}}})
                      .ok());
    }
    client_ = client::NewInProcessClient(*registry_);
    root_ = std::filesystem::temp_directory_path() /
            ("skiff-agent-fixture-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }

  void TearDown() override {
    if (agent_) agent_->Stop();
    if (executor_) executor_->Stop();
    agent_.reset();
    client_.reset();
    std::filesystem::remove_all(root_);
  }

  // Node "node-a" with a short heartbeat and relist period.
  AgentConfig NodeConfig() const {
    using namespace std::chrono_literals;
    AgentConfig cfg;
    cfg.node_name = "node-a";
    cfg.root_dir = root_.string();
    cfg.kubelet_port = 0;
    cfg.capacity = {{"cpu", "4"}, {"memory", "8Gi"}, {"pods", "110"}};
    cfg.heartbeat = 1s;
    cfg.pleg_period = 100ms;
    return cfg;
  }

  // Starts the agent on a fresh executor of `threads`.
  void StartAgent(const AgentConfig& cfg, pluginhost::PluginSet plugins, int threads) {
    executor_ = std::make_unique<Executor>(threads);
    agent_ = Agent::Create(*client_, cfg, std::move(plugins), *executor_);
    ASSERT_TRUE(agent_->Start().ok());
  }

  // A pod spec bound to node-a with one container "main".
  static boost::json::object MainContainerSpec(const std::string& image, const std::string& policy,
                                               boost::json::array command) {
    namespace json = boost::json;
    return json::object{
        {"nodeName", "node-a"},
        {"restartPolicy", policy},
        {"containers", json::array{json::object{
                           {"name", "main"}, {"image", image}, {"command", std::move(command)}}}}};
  }

  void CreatePod(const std::string& name, boost::json::object spec) {
    namespace json = boost::json;
    auto r = client_->Create(KindOf("", "pods"), "default",
                             json::object{{"apiVersion", "v1"},
                                          {"kind", "Pod"},
                                          {"metadata", {{"name", name}}},
                                          {"spec", std::move(spec)},
                                          {"status", json::object{}}});
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  std::optional<client::Object> GetPod(const std::string& name) {
    auto r = client_->Get(KindOf("", "pods"), "default", name);
    if (!r.ok()) return std::nullopt;
    return r.value();
  }

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<apiserver::ObjectRegistry> registry_;
  std::unique_ptr<client::Client> client_;
  std::unique_ptr<Executor> executor_;
  std::shared_ptr<Agent> agent_;
  std::filesystem::path root_;
};

}  // namespace skiff::agent::testing
