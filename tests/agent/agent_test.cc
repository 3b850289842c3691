// The agent end to end in one process: a memory store, the in-process client, the fake
// runtime. Node registration, Lease, pods through their lifecycle, restart policies, deletion
// and adoption after an agent restart.

#include "core/agent/agent.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <thread>

#include "core/api/json_fields.h"
#include "core/apiserver/registry.h"
#include "core/client/in_process_client.h"
#include "core/store/memory_store.h"
#include "tests/agent/agent_fixture.h"
#include "tests/agent/fake_runtime.h"

namespace skiff::agent {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

using testing::KindOf;

class AgentTest : public testing::AgentFixture {
 protected:
  void SetUp() override {
    AgentFixture::SetUp();
    StartAgent();
  }

  void StartAgent() {
    AgentConfig cfg = NodeConfig();
    cfg.labels = {{"disk", "ssd"}};
    cfg.heartbeat = AgentConfig{}.heartbeat;
    cfg.backoff_initial = 200ms;
    cfg.backoff_max = 800ms;
    pluginhost::PluginSet plugins;
    plugins.runtime = runtime_;
    AgentFixture::StartAgent(cfg, std::move(plugins), 4);
  }

  void RestartAgent() {
    agent_->Stop();
    executor_->Stop();
    agent_.reset();
    StartAgent();
  }

  void CreatePod(const std::string& name, const std::string& policy,
                 std::vector<std::string> command, json::array init = {}) {
    json::array cmd;
    for (auto& c : command) cmd.push_back(json::string(c));
    json::object spec = MainContainerSpec("busybox:1", policy, std::move(cmd));
    if (!init.empty()) spec["initContainers"] = init;
    AgentFixture::CreatePod(name, std::move(spec));
  }

  // Waits until pred(pod) holds; returns the pod seen last.
  client::Object WaitPod(const std::string& name,
                         const std::function<bool(const client::Object&)>& pred,
                         std::chrono::milliseconds timeout = 10s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::optional<client::Object> pod;
    while (std::chrono::steady_clock::now() < deadline) {
      pod = GetPod(name);
      if (pod && pred(*pod)) return *pod;
      std::this_thread::sleep_for(20ms);
    }
    ADD_FAILURE() << "timed out waiting for pod " << name << ": "
                  << (pod ? json::serialize(*pod) : "gone");
    return pod.value_or(client::Object{});
  }

  static std::string Phase(const client::Object& pod) {
    return std::string(api::GetString(pod, "status.phase"));
  }

  std::shared_ptr<testing::FakeRuntime> runtime_ = std::make_shared<testing::FakeRuntime>();
};

TEST_F(AgentTest, RegistersNodeAndLease) {
  auto node = client_->Get(KindOf("", "nodes"), "", "node-a");
  ASSERT_TRUE(node.ok());
  const json::object* labels = api::FindObject(*node, "metadata.labels");
  ASSERT_TRUE(labels);
  EXPECT_EQ(labels->at("kubernetes.io/hostname").as_string(), "node-a");
  EXPECT_EQ(labels->at("kubernetes.io/os").as_string(), "linux");
  EXPECT_EQ(labels->at("disk").as_string(), "ssd");
  EXPECT_EQ(api::GetString(*node, "status.capacity.cpu"), "4");
  EXPECT_EQ(api::GetString(*node, "status.allocatable.pods"), "110");
  EXPECT_EQ(api::GetString(*node, "status.nodeInfo.containerRuntimeVersion"), "fake://0.1");
  EXPECT_EQ(api::GetInt(*node, "status.daemonEndpoints.kubeletEndpoint.Port").value_or(0),
            agent_->kubelet_port());
  bool ready = false;
  for (const auto& c : *api::FindArray(*node, "status.conditions")) {
    if (api::GetString(c.as_object(), "type") == "Ready") {
      ready = api::GetString(c.as_object(), "status") == "True";
    }
  }
  EXPECT_TRUE(ready);
  auto lease =
      client_->Get(*api::KindRegistry::Builtin().ByResource("coordination.k8s.io", "v1", "leases"),
                   "kube-node-lease", "node-a");
  ASSERT_TRUE(lease.ok());
  EXPECT_EQ(api::GetString(*lease, "spec.holderIdentity"), "node-a");
  EXPECT_FALSE(api::GetString(*lease, "spec.renewTime").empty());
}

TEST_F(AgentTest, PodReachesRunningWithConditions) {
  CreatePod("web", "Always", {"serve"});
  auto pod = WaitPod("web", [](const auto& p) { return Phase(p) == "Running"; });
  const json::array* cs = api::FindArray(pod, "status.containerStatuses");
  ASSERT_TRUE(cs && cs->size() == 1);
  EXPECT_TRUE(api::FindObject((*cs)[0].as_object(), "state.running"));
  EXPECT_EQ(api::GetString((*cs)[0].as_object(), "containerID").substr(0, 7), "fake://");
  EXPECT_EQ(api::GetString(pod, "status.hostIP"), "127.0.0.1");
  int true_conditions = 0;
  for (const auto& c : *api::FindArray(pod, "status.conditions")) {
    true_conditions += api::GetString(c.as_object(), "status") == "True";
  }
  EXPECT_EQ(true_conditions, 4);
  // Events tell the story.
  std::this_thread::sleep_for(200ms);
  auto events = client_->List(KindOf("", "events"), "default");
  ASSERT_TRUE(events.ok());
  std::set<std::string> reasons;
  for (const auto& e : events->items) reasons.insert(std::string(api::GetString(e, "reason")));
  EXPECT_TRUE(reasons.count("Pulled") && reasons.count("Created") && reasons.count("Started"));
}

TEST_F(AgentTest, CrashLoopBackOffWithGrowingRestartCount) {
  CreatePod("crash", "Always", {"exit", "1"});
  auto pod = WaitPod("crash", [](const auto& p) {
    const json::array* cs = api::FindArray(p, "status.containerStatuses");
    return cs && !cs->empty() &&
           api::GetInt((*cs)[0].as_object(), "restartCount").value_or(0) >= 2 &&
           api::GetString((*cs)[0].as_object(), "state.waiting.reason") == "CrashLoopBackOff";
  });
  const json::object& cs = (*api::FindArray(pod, "status.containerStatuses"))[0].as_object();
  EXPECT_EQ(api::GetInt(cs, "lastState.terminated.exitCode").value_or(-1), 1);
  EXPECT_EQ(Phase(pod), "Running");
}

TEST_F(AgentTest, NeverPolicyFails) {
  CreatePod("once", "Never", {"exit", "3"});
  auto pod = WaitPod("once", [](const auto& p) { return Phase(p) == "Failed"; });
  const json::object& cs = (*api::FindArray(pod, "status.containerStatuses"))[0].as_object();
  EXPECT_EQ(api::GetInt(cs, "state.terminated.exitCode").value_or(-1), 3);
  EXPECT_EQ(api::GetString(cs, "state.terminated.reason"), "Error");
  EXPECT_EQ(api::GetInt(cs, "restartCount").value_or(-1), 0);
}

TEST_F(AgentTest, OnFailureExitZeroSucceeds) {
  CreatePod("job", "OnFailure", {"exit", "0"});
  auto pod = WaitPod("job", [](const auto& p) { return Phase(p) == "Succeeded"; });
  const json::object& cs = (*api::FindArray(pod, "status.containerStatuses"))[0].as_object();
  EXPECT_EQ(api::GetString(cs, "state.terminated.reason"), "Completed");
}

TEST_F(AgentTest, InitContainersRunFirst) {
  CreatePod("init", "Always", {"serve"},
            json::array{json::object{
                {"name", "setup"}, {"image", "busybox:1"}, {"command", json::array{"exit", "0"}}}});
  auto pod = WaitPod("init", [](const auto& p) { return Phase(p) == "Running"; });
  const json::array* init = api::FindArray(pod, "status.initContainerStatuses");
  ASSERT_TRUE(init && init->size() == 1);
  EXPECT_EQ(api::GetString((*init)[0].as_object(), "state.terminated.reason"), "Completed");
}

TEST_F(AgentTest, ImagePullFailureShowsInWaitingReason) {
  runtime_->fail_pull = true;
  CreatePod("nopull", "Always", {"serve"});
  WaitPod("nopull", [](const auto& p) {
    const json::array* cs = api::FindArray(p, "status.containerStatuses");
    if (!cs || cs->empty()) return false;
    std::string_view r = api::GetString((*cs)[0].as_object(), "state.waiting.reason");
    return r == "ErrImagePull" || r == "ImagePullBackOff";
  });
  runtime_->fail_pull = false;
  WaitPod("nopull", [](const auto& p) { return Phase(p) == "Running"; });
}

TEST_F(AgentTest, GracefulDeletionTearsDownAndDeletesPod) {
  CreatePod("gone", "Always", {"serve"});
  WaitPod("gone", [](const auto& p) { return Phase(p) == "Running"; });
  ASSERT_EQ(runtime_->SandboxCount(), 1u);
  auto r = client_->Delete(KindOf("", "pods"), "default", "gone");
  ASSERT_TRUE(r.ok());
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (GetPod("gone") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(GetPod("gone"));
  EXPECT_EQ(runtime_->SandboxCount(), 0u);
}

TEST_F(AgentTest, NewPodStartsWithoutAskingWhatTheAgentKnows) {
  CreatePod("first", "Always", {"serve"});
  WaitPod("first", [](const auto& p) { return Phase(p) == "Running"; });
  int image_checks = runtime_->image_status_calls;
  CreatePod("second", "Always", {"serve"});
  WaitPod("second", [](const auto& p) { return Phase(p) == "Running"; });
  // Both were created after the agent started: no earlier agent left a sandbox to adopt.
  EXPECT_EQ(runtime_->pod_sandbox_lookups, 0);
  // The image the first pod used was just seen present.
  EXPECT_EQ(runtime_->image_status_calls, image_checks);
}

TEST_F(AgentTest, RestartAdoptsRunningPodsAndCleansUpDeletedOnes) {
  CreatePod("keep", "Always", {"serve"});
  CreatePod("drop", "Always", {"serve"});
  auto keep = WaitPod("keep", [](const auto& p) { return Phase(p) == "Running"; });
  WaitPod("drop", [](const auto& p) { return Phase(p) == "Running"; });
  std::string id(api::GetString((*api::FindArray(keep, "status.containerStatuses"))[0].as_object(),
                                "containerID"));
  int started = runtime_->containers_started;
  agent_->Stop();
  executor_->Stop();
  // While the agent is down the pod is deleted for good (as if its node had been forced).
  client::DeleteOptions now;
  now.grace_period_seconds = 0;
  ASSERT_TRUE(client_->Delete(KindOf("", "pods"), "default", "drop", now).ok());
  agent_.reset();
  executor_ = std::make_unique<Executor>(4);
  StartAgent();
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (runtime_->SandboxCount() != 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(runtime_->SandboxCount(), 1u);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(runtime_->containers_started, started);  // nothing restarted
  auto again = GetPod("keep");
  ASSERT_TRUE(again);
  EXPECT_EQ(Phase(*again), "Running");
  EXPECT_EQ(api::GetString((*api::FindArray(*again, "status.containerStatuses"))[0].as_object(),
                           "containerID"),
            id);
}

TEST_F(AgentTest, RuntimeManagedNetworkGivesPodIp) {
  runtime_->SetManagedIp("10.99.0.7");
  CreatePod("ip", "Always", {"serve"});
  auto pod = WaitPod("ip", [](const auto& p) { return Phase(p) == "Running"; });
  EXPECT_EQ(api::GetString(pod, "status.podIP"), "10.99.0.7");
}

}  // namespace
}  // namespace skiff::agent
