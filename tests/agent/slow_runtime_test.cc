// Many pods whose RunPodSandbox is slow (here: waits until the test releases it), more than
// the agent's executor has threads, all reach that call together, and a pod that does not hit
// the slow call starts meanwhile: one pod's slow runtime call never delays another's worker.
// The calls' deadline is far away, so it is the pool, not the deadline, that frees the node.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <condition_variable>
#include <filesystem>
#include <thread>

#include "core/agent/agent.h"
#include "core/api/json_fields.h"
#include "core/apiserver/registry.h"
#include "core/client/in_process_client.h"
#include "core/pluginhost/bounded_plugins.h"
#include "core/store/memory_store.h"
#include "tests/agent/fake_runtime.h"

namespace skiff::agent {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

constexpr int kExecutorThreads = 2;
constexpr int kSlowPods = 12;  // far more than kExecutorThreads

const api::Kind& KindOf(const char* group, const char* resource) {
  return *api::KindRegistry::Builtin().ByResource(group, "v1", resource);
}

// RunPodSandbox of a pod named "slow-*" waits until Release(); the rest is FakeRuntime.
class SlowSandboxRuntime : public testing::FakeRuntime {
 public:
  sdk::Result<std::string> RunPodSandbox(const sdk::PodSandboxConfig& config,
                                         const std::string& handler) noexcept override {
    if (config.metadata.name.starts_with("slow-")) {
      std::unique_lock lock(mu_);
      ++waiting_;
      cv_.wait(lock, [&] { return released_; });
      --waiting_;
    }
    return FakeRuntime::RunPodSandbox(config, handler);
  }
  void Release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }
  int waiting() {
    std::lock_guard lock(mu_);
    return waiting_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
  int waiting_ = 0;
};

class SlowRuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
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
    runtime_ = std::make_shared<SlowSandboxRuntime>();
    root_ = std::filesystem::temp_directory_path() /
            ("skiff-slow-runtime-test-" + std::to_string(::getpid()));
    executor_ = std::make_unique<Executor>(kExecutorThreads);

    AgentConfig cfg;
    cfg.node_name = "node-a";
    cfg.root_dir = root_.string();
    cfg.kubelet_port = 0;
    cfg.capacity = {{"cpu", "4"}, {"memory", "8Gi"}, {"pods", "110"}};
    cfg.heartbeat = 1s;
    cfg.pleg_period = 100ms;
    pluginhost::PluginSet plugins;
    // The in-process wrapper every library plugin gets, with a deadline out of reach.
    plugins.runtime = pluginhost::BoundPlugin(runtime_, {"slow", {.call_timeout = 120s}});
    agent_ = Agent::Create(*client_, cfg, std::move(plugins), *executor_);
    ASSERT_TRUE(agent_->Start().ok());
  }

  void TearDown() override {
    runtime_->Release();
    if (agent_) agent_->Stop();
    executor_->Stop();
    agent_.reset();
    client_.reset();
    std::filesystem::remove_all(root_);
  }

  void CreatePod(const std::string& name) {
    json::object spec{
        {"nodeName", "node-a"},
        {"restartPolicy", "Always"},
        {"containers", json::array{json::object{
                           {"name", "main"}, {"image", "busybox:1"}, {"command", {"serve"}}}}}};
    auto r = client_->Create(KindOf("", "pods"), "default",
                             json::object{{"apiVersion", "v1"},
                                          {"kind", "Pod"},
                                          {"metadata", {{"name", name}}},
                                          {"spec", spec},
                                          {"status", json::object{}}});
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  bool Running(const std::string& name) {
    auto r = client_->Get(KindOf("", "pods"), "default", name);
    return r.ok() && api::GetString(*r, "status.phase") == "Running";
  }

  static bool Eventually(const std::function<bool()>& probe, std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (probe()) return true;
      std::this_thread::sleep_for(20ms);
    }
    return probe();
  }

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<apiserver::ObjectRegistry> registry_;
  std::unique_ptr<client::Client> client_;
  std::shared_ptr<SlowSandboxRuntime> runtime_;
  std::unique_ptr<Executor> executor_;
  std::shared_ptr<Agent> agent_;
  std::filesystem::path root_;
};

TEST_F(SlowRuntimeTest, SlowSandboxCallsRunTogetherAndDoNotDelayOtherPods) {
  for (int i = 0; i < kSlowPods; ++i) CreatePod("slow-" + std::to_string(i));
  // Every slow pod's worker is inside RunPodSandbox at the same time.
  EXPECT_TRUE(Eventually([&] { return runtime_->waiting() == kSlowPods; }, 20s))
      << runtime_->waiting() << " of " << kSlowPods << " pods reached RunPodSandbox";

  // A pod that does not hit the slow call starts while they all wait.
  CreatePod("quick");
  EXPECT_TRUE(Eventually([&] { return Running("quick"); }, 20s));
  EXPECT_EQ(runtime_->waiting(), kSlowPods);
  EXPECT_EQ(runtime_->sandboxes_created.load(), 1);

  // Released, the slow ones start too.
  runtime_->Release();
  for (int i = 0; i < kSlowPods; ++i) {
    std::string name = "slow-" + std::to_string(i);
    EXPECT_TRUE(Eventually([&] { return Running(name); }, 20s)) << name;
  }
}

}  // namespace
}  // namespace skiff::agent
