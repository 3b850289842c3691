// A runtime plugin that hangs, behind the deadline wrapper every in-process plugin gets: the
// pods whose calls hang show the deadline in their container's waiting reason and in an
// Event, while a pod that does not touch the hung call reaches Running and the Node's Lease
// keeps being renewed. More pods hang than the agent has executor threads, so without the
// deadlines the whole node would stall.

#include "tests/agent/agent_fixture.h"
#include "tests/agent/fake_runtime.h"

namespace skiff::agent {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;
using testing::Eventually;
using testing::KindOf;

constexpr const char* kHungImage = "hang:1";
constexpr int kExecutorThreads = 4;

// CreateContainer for kHungImage waits at the gate; everything else is FakeRuntime.
class HangingRuntime : public testing::FakeRuntime {
 public:
  sdk::Result<std::string> CreateContainer(
      const std::string& sandbox, const sdk::ContainerConfig& config,
      const sdk::PodSandboxConfig& sb_config) noexcept override {
    if (config.image.image == kHungImage) gate.Wait();
    return FakeRuntime::CreateContainer(sandbox, config, sb_config);
  }
  testing::Gate gate;
};

class PluginHangTest : public testing::AgentFixture {
 protected:
  void SetUp() override {
    AgentFixture::SetUp();
    AgentConfig cfg = NodeConfig();
    cfg.backoff_initial = 200ms;
    cfg.backoff_max = 800ms;
    pluginhost::PluginSet plugins;
    plugins.runtime = pluginhost::BoundPlugin(runtime_, {"hang", {.call_timeout = 300ms}});
    StartAgent(cfg, std::move(plugins), kExecutorThreads);
  }
  void TearDown() override {
    runtime_->gate.Open();
    AgentFixture::TearDown();
  }

  std::string RenewTime() {
    auto lease = client_->Get(
        *api::KindRegistry::Builtin().ByResource("coordination.k8s.io", "v1", "leases"),
        "kube-node-lease", "node-a");
    return lease.ok() ? std::string(api::GetString(*lease, "spec.renewTime")) : "";
  }

  std::shared_ptr<HangingRuntime> runtime_ = std::make_shared<HangingRuntime>();
};

TEST_F(PluginHangTest, HungCreateContainerFailsOnlyItsPodsWithTheDeadlineMessage) {
  const std::string deadline_message =
      "runtime plugin 'hang' CreateContainer: no answer within 300ms";
  std::vector<std::string> hung;
  for (int i = 0; i <= kExecutorThreads; ++i) {
    hung.push_back("hung-" + std::to_string(i));
    CreatePod(hung.back(), MainContainerSpec(kHungImage, "Always", {"serve"}));
  }
  CreatePod("fine", MainContainerSpec("busybox:1", "Always", {"serve"}));
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
  EXPECT_GE(runtime_->gate.entered(), static_cast<int>(hung.size()));

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
  int calls = runtime_->gate.entered();
  EXPECT_TRUE(Eventually([&] { return runtime_->gate.entered() > calls; }, 10s));
}

}  // namespace
}  // namespace skiff::agent
