// Deadlines for in-process plugins: a hung call fails at its deadline with the gRPC path's
// message, its late answer is dropped safely, calls with their own timeout wait for it, a
// plugin with too many stuck calls is refused, and answers in time pass through unchanged.

#include "core/pluginhost/bounded_plugins.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "tests/pluginhost/gated_plugins.h"

namespace skiff::pluginhost {
namespace {

using namespace std::chrono_literals;
using sdk::StatusCode;
using testing::Gate;
using testing::GatedNetwork;
using testing::GatedRuntime;
using testing::GatedStorage;
using Clock = std::chrono::steady_clock;

// Generous: the test machine is shared and the build has sanitizers on.
constexpr auto kSlack = 3s;

CallTimeouts Timeouts(std::chrono::milliseconds call, std::chrono::milliseconds margin = 5s,
                      std::chrono::milliseconds long_call = 5min) {
  return CallTimeouts{call, margin, long_call};
}

sdk::NetworkAttachment Attachment(const std::string& sandbox) {
  sdk::NetworkAttachment a;
  a.container_id = sandbox;
  return a;
}

sdk::NodeStageVolumeRequest Stage(const std::string& volume) {
  sdk::NodeStageVolumeRequest r;
  r.volume_id = volume;
  return r;
}

template <typename F>
std::chrono::milliseconds Timed(F&& f) {
  auto start = Clock::now();
  f();
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

TEST(BoundedPlugins, AnswersInTimePassThroughUnchanged) {
  auto gate = std::make_shared<Gate>(/*open=*/true);
  auto runtime = BoundPlugin(std::make_shared<GatedRuntime>(gate), {"gated", Timeouts(5s)});
  auto version = runtime->Version("v1");
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(version->runtime_name, "gated");
  EXPECT_EQ(version->version, "v1");

  sdk::PodSandboxConfig config;
  config.metadata.name = "web";
  auto sandbox = runtime->RunPodSandbox(config, "");
  ASSERT_TRUE(sandbox.ok());
  EXPECT_EQ(*sandbox, "sb-web");
  auto listed = runtime->ListPodSandbox({});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 3u);

  // The plugin's own errors keep their code and message.
  auto missing = runtime->GetPodSandboxStatus("nope");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "sandbox nope does not exist");

  auto network = BoundPlugin(std::make_shared<GatedNetwork>(gate), {"br", Timeouts(5s)});
  EXPECT_TRUE(network->Add(Attachment("sb1")).ok());
  sdk::Status del = network->Del(Attachment("sb1"));
  EXPECT_EQ(del.code(), StatusCode::kInternal);
  EXPECT_EQ(del.message(), "cannot delete sb1");

  auto storage = BoundPlugin(std::make_shared<GatedStorage>(gate), {"hp", Timeouts(5s)});
  auto info = storage->GetPluginInfo();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->name, "gated.csi.skiff.dev");
  EXPECT_EQ(storage->NodeGetInfo().status().message(), "not in this test");
}

TEST(BoundedPlugins, HungCallFailsAtItsDeadlineNamingPluginAndOp) {
  auto gate = std::make_shared<Gate>();
  auto runtime = BoundPlugin(std::make_shared<GatedRuntime>(gate), {"slow", Timeouts(300ms)});
  sdk::Result<sdk::VersionInfo> version = sdk::Status::Internal("not called");
  auto took = Timed([&] { version = runtime->Version("v1"); });
  EXPECT_EQ(version.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(version.status().message(), "runtime plugin 'slow' Version: no answer within 300ms");
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 300ms + kSlack);
  EXPECT_EQ(gate->entered(), 1);

  // Other calls of the same plugin are not held up by the stuck one.
  EXPECT_TRUE(runtime->GetStatus().ok());

  auto network = BoundPlugin(std::make_shared<GatedNetwork>(gate), {"br", Timeouts(200ms)});
  EXPECT_EQ(network->Add(Attachment("sb1")).status().message(),
            "network plugin 'br' Add: no answer within 200ms");
  auto storage = BoundPlugin(std::make_shared<GatedStorage>(gate), {"hp", Timeouts(1s)});
  sdk::Status staged = storage->NodeStageVolume(Stage("v1"));
  EXPECT_EQ(staged.code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(staged.message(), "storage plugin 'hp' NodeStageVolume: no answer within 1s");
  gate->Open();
  EXPECT_TRUE(gate->WaitPassed(3, 10s));
}

// The stuck call outlives the wrapper, the plugin reference the test held and the caller's
// argument; when it finally returns, its answer is dropped (ASan sees any dangling access).
TEST(BoundedPlugins, LateAnswerIsDroppedSafely) {
  auto gate = std::make_shared<Gate>();
  {
    auto runtime =
        BoundPlugin(std::make_shared<GatedRuntime>(gate), {"slow", Timeouts(100ms, 5s, 100ms)});
    std::string id = "container-with-a-name-longer-than-any-small-string-buffer";
    EXPECT_EQ(runtime->StartContainer(id).code(), StatusCode::kDeadlineExceeded);
    sdk::ImageSpec image{"busybox:with-a-tag-longer-than-any-small-string-buffer", {}};
    EXPECT_EQ(runtime->PullImage(image, {}, {}).status().code(), StatusCode::kDeadlineExceeded);
    id.assign(id.size(), 'x');  // the call must have its own copy
  }
  gate->Open();
  ASSERT_TRUE(gate->WaitPassed(2, 10s));
  auto args = gate->passed_args();
  std::sort(args.begin(), args.end());
  EXPECT_EQ(args[0], "busybox:with-a-tag-longer-than-any-small-string-buffer");
  EXPECT_EQ(args[1], "container-with-a-name-longer-than-any-small-string-buffer");
}

TEST(BoundedPlugins, CallsWithTheirOwnTimeoutGetItPlusTheMargin) {
  auto gate = std::make_shared<Gate>();
  auto plugin = std::make_shared<GatedRuntime>(gate);
  plugin->stop_takes = 700ms;
  auto runtime = BoundPlugin(plugin, {"slow", Timeouts(100ms, 300ms, 400ms)});
  // Answers after 700 ms: past the ordinary deadline, within 1 s + 300 ms.
  sdk::Status stopped;
  auto took = Timed([&] { stopped = runtime->StopContainer("c1", 1s); });
  EXPECT_TRUE(stopped.ok()) << stopped.ToString();
  EXPECT_GE(took, 700ms);
  // A stop without a timeout of its own gets the ordinary deadline.
  EXPECT_EQ(runtime->StopContainer("c1", 0s).message(),
            "runtime plugin 'slow' StopContainer: no answer within 100ms");
  // PullImage gets the long-call deadline.
  sdk::Status pulled;
  took = Timed([&] { pulled = runtime->PullImage({"busybox", {}}, {}, {}).status(); });
  EXPECT_EQ(pulled.message(), "runtime plugin 'slow' PullImage: no answer within 400ms");
  EXPECT_GE(took, 400ms);
  gate->Open();
  EXPECT_TRUE(gate->WaitPassed(1, 10s));
}

TEST(BoundedPlugins, StopContainerHungPastItsTimeoutFailsAtTimeoutPlusMargin) {
  auto gate = std::make_shared<Gate>();
  auto plugin = std::make_shared<GatedRuntime>(gate);
  plugin->stop_takes = 3s;  // past the deadline
  auto runtime = BoundPlugin(plugin, {"slow", Timeouts(100ms, 300ms)});
  sdk::Status stopped;
  auto took = Timed([&] { stopped = runtime->StopContainer("c1", 1s); });
  EXPECT_EQ(stopped.code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(stopped.message(), "runtime plugin 'slow' StopContainer: no answer within 1300ms");
  EXPECT_GE(took, 1300ms);
  EXPECT_LT(took, 1300ms + kSlack);
}

TEST(BoundedPlugins, TooManyStuckCallsRefuseThePluginUntilTheyReturn) {
  auto gate = std::make_shared<Gate>();
  auto runtime = BoundPlugin(std::make_shared<GatedRuntime>(gate),
                             {"slow", Timeouts(50ms), /*max_stuck_calls=*/2});
  EXPECT_EQ(runtime->Version("v1").status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(runtime->StartContainer("c1").code(), StatusCode::kDeadlineExceeded);
  // A third call is not made at all.
  sdk::Status refused = runtime->StartContainer("c2");
  EXPECT_EQ(refused.code(), StatusCode::kUnavailable);
  EXPECT_EQ(refused.message(),
            "runtime plugin 'slow' StartContainer: not called: the plugin has 2 calls that "
            "never returned");
  EXPECT_EQ(runtime->GetStatus().status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(gate->entered(), 2);

  // Once the stuck calls return, the plugin is called again.
  gate->Open();
  ASSERT_TRUE(gate->WaitPassed(2, 10s));
  auto deadline = Clock::now() + 10s;
  sdk::Status started = sdk::Status::Internal("not called");
  while (Clock::now() < deadline) {
    started = runtime->StartContainer("c3");
    if (started.ok()) break;
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(started.ok()) << started.ToString();
}

TEST(BoundedPlugins, ManyConcurrentCallersAllGetAnswers) {
  auto gate = std::make_shared<Gate>(/*open=*/true);
  auto runtime = BoundPlugin(std::make_shared<GatedRuntime>(gate), {"fast", Timeouts(10s)});
  std::vector<std::thread> callers;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    callers.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        auto v = runtime->Version("v" + std::to_string(t));
        ok += v.ok() && v->version == "v" + std::to_string(t);
      }
    });
  }
  for (auto& c : callers) c.join();
  EXPECT_EQ(ok, 8 * 200);
}

}  // namespace
}  // namespace skiff::pluginhost
