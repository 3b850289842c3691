// Many pods whose RunPodSandbox is slow (here: waits until the test opens a gate), more than
// the agent's executor has threads, all reach that call together, and a pod that does not hit
// the slow call starts meanwhile: one pod's slow runtime call never delays another's worker.
// The calls' deadline is far away, so it is the pool, not the deadline, that frees the node.

#include "tests/agent/agent_fixture.h"
#include "tests/agent/fake_runtime.h"

namespace skiff::agent {
namespace {

using namespace std::chrono_literals;
using testing::Eventually;

constexpr int kExecutorThreads = 2;
constexpr int kSlowPods = 12;  // far more than kExecutorThreads

// RunPodSandbox of a pod named "slow-*" waits at the gate; the rest is FakeRuntime.
class SlowSandboxRuntime : public testing::FakeRuntime {
 public:
  sdk::Result<std::string> RunPodSandbox(const sdk::PodSandboxConfig& config,
                                         const std::string& handler) noexcept override {
    if (config.metadata.name.starts_with("slow-")) gate.Wait();
    return FakeRuntime::RunPodSandbox(config, handler);
  }
  testing::Gate gate;
};

class SlowRuntimeTest : public testing::AgentFixture {
 protected:
  void SetUp() override {
    AgentFixture::SetUp();
    pluginhost::PluginSet plugins;
    // The in-process wrapper every library plugin gets, with a deadline out of reach.
    plugins.runtime = pluginhost::BoundPlugin(runtime_, {"slow", {.call_timeout = 120s}});
    StartAgent(NodeConfig(), std::move(plugins), kExecutorThreads);
  }
  void TearDown() override {
    runtime_->gate.Open();
    AgentFixture::TearDown();
  }

  static boost::json::object Spec() { return MainContainerSpec("busybox:1", "Always", {"serve"}); }

  bool Running(const std::string& name) {
    auto pod = GetPod(name);
    return pod && api::GetString(*pod, "status.phase") == "Running";
  }

  std::shared_ptr<SlowSandboxRuntime> runtime_ = std::make_shared<SlowSandboxRuntime>();
};

TEST_F(SlowRuntimeTest, SlowSandboxCallsRunTogetherAndDoNotDelayOtherPods) {
  for (int i = 0; i < kSlowPods; ++i) CreatePod("slow-" + std::to_string(i), Spec());
  // Every slow pod's worker is inside RunPodSandbox at the same time.
  EXPECT_TRUE(Eventually([&] { return runtime_->gate.waiting() == kSlowPods; }, 20s))
      << runtime_->gate.waiting() << " of " << kSlowPods << " pods reached RunPodSandbox";

  // A pod that does not hit the slow call starts while they all wait.
  CreatePod("quick", Spec());
  EXPECT_TRUE(Eventually([&] { return Running("quick"); }, 20s));
  EXPECT_EQ(runtime_->gate.waiting(), kSlowPods);
  EXPECT_EQ(runtime_->sandboxes_created.load(), 1);

  // Released, the slow ones start too.
  runtime_->gate.Open();
  for (int i = 0; i < kSlowPods; ++i) {
    std::string name = "slow-" + std::to_string(i);
    EXPECT_TRUE(Eventually([&] { return Running(name); }, 20s)) << name;
  }
}

}  // namespace
}  // namespace skiff::agent
