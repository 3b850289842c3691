// Every host call carries a deadline: a hung plugin costs DeadlineExceeded naming the plugin and
// the operation, within the deadline plus a small margin, and never a stuck caller; a sidecar
// that is down costs Unavailable at once; a restarted one is reachable again by the same client.

#include <gtest/gtest.h>
#include <skiff/sdk/serve.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "core/pluginhost/grpc_clients.h"
#include "tests/sidecar/recording_plugins.h"
#include "tests/sidecar/test_support.h"

namespace skiff::sidecar_test {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// How late a DeadlineExceeded may arrive on a loaded two-core machine.
// Generous for a loaded CI machine, and still far below the plugin's 30 s hang.
constexpr milliseconds kSlack{5000};
// gRPC's deadline timer fires on its own millisecond clock and may come a few ms early.
constexpr milliseconds kEarly{10};

// Holds every plugin call until opened (or 30 s pass), like a plugin stuck in a syscall.
class Gate {
 public:
  void Wait() {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(30), [&] { return open_; });
  }
  void Open() {
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

class HungPlugin : public ::testing::Test {
 protected:
  void SetUp() override {
    plugin_->on_call = [this](const std::string&) { gate_.Wait(); };
    auto server = sdk::StartRuntimeServer(plugin_, dir_.Socket("slow"));
    SKIFF_ASSERT_OK(server);
    server_ = std::move(server).value();
    client_ = pluginhost::NewGrpcRuntimeClient({.plugin_name = "slow",
                                                .endpoint = dir_.Endpoint("slow"),
                                                .call_timeout = milliseconds(300),
                                                .timeout_margin = milliseconds(200),
                                                .long_call_timeout = milliseconds(600)});
  }
  void TearDown() override {
    gate_.Open();  // let the server's handlers return so it can stop
    server_.reset();
  }

  template <typename Call>
  std::pair<sdk::Status, milliseconds> Timed(Call&& call) {
    auto start = Clock::now();
    sdk::Status s = call();
    return {s, std::chrono::duration_cast<milliseconds>(Clock::now() - start)};
  }

  ScratchDir dir_;
  Gate gate_;
  std::shared_ptr<RecordingRuntime> plugin_ = std::make_shared<RecordingRuntime>();
  std::unique_ptr<sdk::SidecarServer> server_;
  std::unique_ptr<sdk::RuntimeService> client_;
};

TEST_F(HungPlugin, OrdinaryCallFailsAtItsDeadline) {
  auto [s, took] = Timed([&] { return client_->Version("v1").status(); });
  EXPECT_EQ(s.code(), sdk::StatusCode::kDeadlineExceeded) << s.ToString();
  EXPECT_NE(s.message().find("'slow'"), std::string_view::npos) << s.ToString();
  EXPECT_NE(s.message().find("Version"), std::string_view::npos) << s.ToString();
  EXPECT_NE(s.message().find("no answer within 300ms"), std::string_view::npos) << s.ToString();
  EXPECT_GE(took, milliseconds(300) - kEarly);
  EXPECT_LT(took, milliseconds(300) + kSlack);
}

TEST_F(HungPlugin, StopContainerWaitsItsTimeoutPlusMargin) {
  auto [s, took] = Timed([&] { return client_->StopContainer("c", std::chrono::seconds(1)); });
  EXPECT_EQ(s.code(), sdk::StatusCode::kDeadlineExceeded) << s.ToString();
  EXPECT_NE(s.message().find("StopContainer"), std::string_view::npos);
  EXPECT_GE(took, milliseconds(1200) - kEarly);
  EXPECT_LT(took, milliseconds(1200) + kSlack);
}

TEST_F(HungPlugin, ExecSyncWaitsItsTimeoutPlusMargin) {
  auto [s, took] =
      Timed([&] { return client_->ExecSync("c", {"true"}, std::chrono::seconds(1)).status(); });
  EXPECT_EQ(s.code(), sdk::StatusCode::kDeadlineExceeded) << s.ToString();
  EXPECT_GE(took, milliseconds(1200) - kEarly);
  EXPECT_LT(took, milliseconds(1200) + kSlack);
}

TEST_F(HungPlugin, ExecSyncWithoutTimeoutIsStillBounded) {
  auto [s, took] =
      Timed([&] { return client_->ExecSync("c", {"true"}, std::chrono::seconds(0)).status(); });
  EXPECT_EQ(s.code(), sdk::StatusCode::kDeadlineExceeded) << s.ToString();
  EXPECT_GE(took, milliseconds(600) - kEarly);
  EXPECT_LT(took, milliseconds(600) + kSlack);
}

TEST_F(HungPlugin, ConcurrentCallersAllReturn) {
  std::vector<std::future<sdk::Status>> calls;
  auto start = Clock::now();
  for (int i = 0; i < 8; ++i) {
    calls.push_back(std::async(std::launch::async, [&] { return client_->GetStatus().status(); }));
  }
  for (auto& call : calls) {
    ASSERT_EQ(call.wait_for(milliseconds(300) + kSlack * 2), std::future_status::ready);
    // A server whose threads are all stuck may refuse a call (Unavailable) rather than let it
    // time out; either way the caller gets its error in time.
    auto code = call.get().code();
    EXPECT_TRUE(code == sdk::StatusCode::kDeadlineExceeded || code == sdk::StatusCode::kUnavailable)
        << static_cast<int>(code);
  }
  EXPECT_LT(Clock::now() - start, milliseconds(300) + kSlack * 2);
}

TEST(SidecarDown, UnreachableEndpointIsUnavailableAtOnce) {
  ScratchDir dir;
  auto client =
      pluginhost::NewGrpcRuntimeClient({.plugin_name = "gone", .endpoint = dir.Endpoint("nobody")});
  auto start = Clock::now();
  sdk::Status s = client->Version("v1").status();
  EXPECT_EQ(s.code(), sdk::StatusCode::kUnavailable) << s.ToString();
  EXPECT_NE(s.message().find("'gone'"), std::string_view::npos);
  EXPECT_NE(s.message().find(dir.Socket("nobody")), std::string_view::npos);
  EXPECT_LT(Clock::now() - start, milliseconds(1000));
}

TEST(SidecarDown, SameClientReachesARestartedSidecar) {
  ScratchDir dir;
  auto plugin = std::make_shared<RecordingRuntime>();
  auto client =
      pluginhost::NewGrpcRuntimeClient({.plugin_name = "flappy", .endpoint = dir.Endpoint("rt")});
  {
    auto server = sdk::StartRuntimeServer(plugin, dir.Socket("rt"));
    SKIFF_ASSERT_OK(server);
    SKIFF_ASSERT_OK(client->Version("v1"));
  }
  EXPECT_EQ(client->Version("v1").status().code(), sdk::StatusCode::kUnavailable);

  auto server = sdk::StartRuntimeServer(plugin, dir.Socket("rt"));
  SKIFF_ASSERT_OK(server);
  // The channel's reconnect backoff is capped at 1 s, so it comes back well within 3.
  auto deadline = Clock::now() + std::chrono::seconds(3);
  sdk::Status s;
  do {
    s = client->Version("v1").status();
    if (s.ok()) break;
    std::this_thread::sleep_for(milliseconds(50));
  } while (Clock::now() < deadline);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

}  // namespace
}  // namespace skiff::sidecar_test
