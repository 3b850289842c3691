// A runtime plugin that hangs, behind the deadline wrapper every in-process plugin gets: the
// pods whose calls hang show the deadline in their container's waiting reason and in an
// Event, while a pod that does not touch the hung call reaches Running and the Node's Lease
// keeps being renewed. More pods hang than the agent has executor threads, so without the
// deadlines the whole node would stall.

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

constexpr const char* kHungImage = "hang:1";
constexpr int kExecutorThreads = 4;

const api::Kind& KindOf(const char* group, const char* resource) {
  return *api::KindRegistry::Builtin().ByResource(group, "v1", resource);
}

// CreateContainer for kHungImage waits until Release(); everything else is FakeRuntime.
class HangingRuntime : public testing::FakeRuntime {
 public:
  sdk::Result<std::string> CreateContainer(
      const std::string& sandbox, const sdk::ContainerConfig& config,
      const sdk::PodSandboxConfig& sb_config) noexcept override {
    if (config.image.image == kHungImage) {
      std::unique_lock lock(hang_mu_);
      ++hung_calls_;
      cv_.wait(lock, [&] { return released_; });
    }
    return FakeRuntime::CreateContainer(sandbox, config, sb_config);
  }
  void Release() {
    std::lock_guard lock(hang_mu_);
    released_ = true;
    cv_.notify_all();
  }
  int hung_calls() {
    std::lock_guard lock(hang_mu_);
    return hung_calls_;
  }

 private:
  std::mutex hang_mu_;
  std::condition_variable cv_;
  bool released_ = false;
  int hung_calls_ = 0;
};

class PluginHangTest : public ::testing::Test {
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
    runtime_ = std::make_shared<HangingRuntime>();
    root_ = std::filesystem::temp_directory_path() /
            ("skiff-plugin-hang-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    executor_ = std::make_unique<Executor>(kExecutorThreads);

    AgentConfig cfg;
    cfg.node_name = "node-a";
    cfg.root_dir = root_.string();
    cfg.kubelet_port = 0;
    cfg.capacity = {{"cpu", "4"}, {"memory", "8Gi"}, {"pods", "110"}};
    cfg.heartbeat = 1s;
    cfg.backoff_initial = 200ms;
    cfg.backoff_max = 800ms;
    cfg.pleg_period = 100ms;
    pluginhost::PluginSet plugins;
    plugins.runtime = pluginhost::BoundPlugin(runtime_, {"hang", {.call_timeout = 300ms}});
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

  void CreatePod(const std::string& name, const std::string& image) {
    json::object spec{
        {"nodeName", "node-a"},
        {"restartPolicy", "Always"},
        {"containers",
         json::array{json::object{{"name", "main"}, {"image", image}, {"command", {"serve"}}}}}};
    auto r = client_->Create(KindOf("", "pods"), "default",
                             json::object{{"apiVersion", "v1"},
                                          {"kind", "Pod"},
                                          {"metadata", {{"name", name}}},
                                          {"spec", spec},
                                          {"status", json::object{}}});
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  // Polls `probe` until it holds; false after `timeout`.
  static bool Eventually(const std::function<bool()>& probe, std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (probe()) return true;
      std::this_thread::sleep_for(20ms);
    }
    return probe();
  }

  std::optional<client::Object> GetPod(const std::string& name) {
    auto r = client_->Get(KindOf("", "pods"), "default", name);
    if (!r.ok()) return std::nullopt;
    return r.value();
  }

  std::string RenewTime() {
    auto lease = client_->Get(
        *api::KindRegistry::Builtin().ByResource("coordination.k8s.io", "v1", "leases"),
        "kube-node-lease", "node-a");
    return lease.ok() ? std::string(api::GetString(*lease, "spec.renewTime")) : "";
  }

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<apiserver::ObjectRegistry> registry_;
  std::unique_ptr<client::Client> client_;
  std::shared_ptr<HangingRuntime> runtime_;
  std::unique_ptr<Executor> executor_;
  std::shared_ptr<Agent> agent_;
  std::filesystem::path root_;
};

TEST_F(PluginHangTest, HungCreateContainerFailsOnlyItsPodsWithTheDeadlineMessage) {
  const std::string deadline_message =
      "runtime plugin 'hang' CreateContainer: no answer within 300ms";
  std::vector<std::string> hung;
  for (int i = 0; i <= kExecutorThreads; ++i) {
    hung.push_back("hung-" + std::to_string(i));
    CreatePod(hung.back(), kHungImage);
  }
  CreatePod("fine", "busybox:1");
  const std::string renewed_before = RenewTime();

  // The pod that does not touch the hung call runs.
  std::optional<client::Object> fine;
  EXPECT_TRUE(Eventually(
      [&] {
        fine = GetPod("fine");
        return fine && api::GetString(*fine, "status.phase") == "Running";
      },
      15s))
      << (fine ? json::serialize(*fine) : "gone");

  // Each hung pod shows the deadline in its container's waiting state.
  for (const auto& name : hung) {
    std::optional<client::Object> pod;
    EXPECT_TRUE(Eventually(
        [&] {
          pod = GetPod(name);
          const json::array* cs = pod ? api::FindArray(*pod, "status.containerStatuses") : nullptr;
          if (!cs || cs->empty()) return false;
          const json::object& c = (*cs)[0].as_object();
          return api::GetString(c, "state.waiting.reason") == "CreateContainerError" &&
                 api::GetString(c, "state.waiting.message").find(deadline_message) !=
                     std::string_view::npos;
        },
        15s))
        << name << ": " << (pod ? json::serialize(*pod) : "gone");
  }
  EXPECT_GE(runtime_->hung_calls(), static_cast<int>(hung.size()));

  // ... and in a Warning Event about it.
  for (const auto& name : hung) {
    EXPECT_TRUE(Eventually(
        [&] {
          auto events = client_->List(KindOf("", "events"), "default");
          if (!events.ok()) return false;
          for (const auto& e : events->items) {
            if (api::GetString(e, "involvedObject.name") == name &&
                api::GetString(e, "type") == "Warning" &&
                api::GetString(e, "message").find(deadline_message) != std::string_view::npos) {
              return true;
            }
          }
          return false;
        },
        10s))
        << "no Warning event with the deadline for " << name;
  }

  // The heartbeat goes on: the Lease is renewed twice more while the calls hang.
  std::string seen = RenewTime();
  EXPECT_NE(seen, "");
  for (int beat = 0; beat < 2; ++beat) {
    std::string previous = seen;
    EXPECT_TRUE(Eventually(
        [&] {
          seen = RenewTime();
          return seen != previous;
        },
        10s))
        << "lease not renewed after " << previous << " (first seen " << renewed_before << ")";
  }
  // The hung pods are still retried with back-off (each retry is a new call that hangs).
  int calls = runtime_->hung_calls();
  EXPECT_TRUE(Eventually([&] { return runtime_->hung_calls() > calls; }, 10s));
}

}  // namespace
}  // namespace skiff::agent
