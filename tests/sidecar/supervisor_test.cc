// SidecarSupervisor with real processes: the mock runtime sidecar, and shell commands standing
// in for sidecars that misbehave.

#include <gtest/gtest.h>
#include <signal.h>
#include <skiff/sdk/serve.h>

#include <atomic>
#include <cerrno>
#include <fstream>
#include <mutex>
#include <thread>

#include "core/pluginhost/grpc_clients.h"
#include "core/pluginhost/sidecar_supervisor.h"
#include "tests/sidecar/recording_plugins.h"
#include "tests/sidecar/test_support.h"

namespace skiff::sidecar_test {
namespace {

using pluginhost::SidecarConfig;
using pluginhost::SidecarKind;
using pluginhost::SidecarState;
using pluginhost::SidecarStatus;
using pluginhost::SidecarSupervisor;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

bool ProcessExists(pid_t pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno != ESRCH); }

// Every state change the supervisor reports, in order.
class StateLog {
 public:
  std::function<void(const SidecarStatus&)> Callback() {
    return [this](const SidecarStatus& s) {
      std::lock_guard lock(mu_);
      seen_.push_back(s);
    };
  }
  std::vector<SidecarStatus> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }
  bool Saw(SidecarState state) {
    for (const auto& s : seen()) {
      if (s.state == state) return true;
    }
    return false;
  }
  std::string Describe() {
    std::string out;
    for (const auto& s : seen()) {
      out += std::string(pluginhost::SidecarStateName(s.state)) + "(" + s.last_error + ") ";
    }
    return out;
  }

 private:
  std::mutex mu_;
  std::vector<SidecarStatus> seen_;
};

class Supervisor : public ::testing::Test {
 protected:
  SidecarConfig MockConfig() {
    SidecarConfig c;
    c.name = "mock";
    c.endpoint = dir_.Endpoint("mock");
    c.command = {SKIFF_MOCK_RUNTIME_SIDECAR, "--socket", dir_.Socket("mock")};
    c.log_path = (dir_.path() / "mock.log").string();
    c.health_interval = milliseconds(100);
    c.backoff_initial = milliseconds(50);
    c.backoff_max = milliseconds(400);
    c.stop_grace = milliseconds(2000);
    return c;
  }
  SidecarConfig ShellConfig(const std::string& script) {
    SidecarConfig c = MockConfig();
    c.name = "broken";
    c.command = {"/bin/sh", "-c", script};
    return c;
  }
  pluginhost::HealthCheck RuntimeHealth() {
    return pluginhost::GrpcHealthCheck(SidecarKind::kRuntime, {.plugin_name = "mock",
                                                               .endpoint = dir_.Endpoint("mock"),
                                                               .call_timeout = milliseconds(1000)});
  }
  // Polls until `done` holds or `within` passes.
  template <typename Pred>
  bool Eventually(Pred done, milliseconds within = milliseconds(10000)) {
    auto deadline = Clock::now() + within;
    while (Clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(milliseconds(20));
    }
    return done();
  }

  ScratchDir dir_;
  StateLog log_;
};

TEST_F(Supervisor, SpawnsTheSidecarAndItServes) {
  SidecarSupervisor supervisor(MockConfig(), RuntimeHealth(), log_.Callback());
  SKIFF_ASSERT_OK(supervisor.Start());
  SidecarStatus s = supervisor.status();
  EXPECT_EQ(s.state, SidecarState::kRunning);
  EXPECT_GT(s.pid, 0);
  EXPECT_EQ(s.restarts, 0);
  EXPECT_TRUE(log_.Saw(SidecarState::kStarting));

  auto client =
      pluginhost::NewGrpcRuntimeClient({.plugin_name = "mock", .endpoint = dir_.Endpoint("mock")});
  auto version = client->Version("v1");
  SKIFF_ASSERT_OK(version);
  EXPECT_FALSE(version->runtime_name.empty());
}

TEST_F(Supervisor, RestartsASidecarKilledWithSigkill) {
  SidecarSupervisor supervisor(MockConfig(), RuntimeHealth(), log_.Callback());
  SKIFF_ASSERT_OK(supervisor.Start());
  pid_t first = supervisor.status().pid;
  ASSERT_EQ(::kill(first, SIGKILL), 0);

  ASSERT_TRUE(Eventually([&] {
    auto s = supervisor.status();
    return s.state == SidecarState::kRunning && s.pid != first && s.restarts == 1;
  })) << log_.Describe();
  EXPECT_FALSE(ProcessExists(first));

  // Starting -> Running -> Restarting (why) -> Running.
  auto seen = log_.seen();
  auto restarting = std::find_if(seen.begin(), seen.end(), [](const SidecarStatus& s) {
    return s.state == SidecarState::kRestarting;
  });
  ASSERT_NE(restarting, seen.end()) << log_.Describe();
  EXPECT_NE(restarting->last_error.find("killed by signal 9"), std::string::npos)
      << restarting->last_error;
  EXPECT_EQ(seen.back().state, SidecarState::kRunning);

  auto client =
      pluginhost::NewGrpcRuntimeClient({.plugin_name = "mock", .endpoint = dir_.Endpoint("mock")});
  SKIFF_ASSERT_OK(client->Version("v1"));
}

TEST_F(Supervisor, SidecarThatExitsAtStartIsAClearError) {
  SidecarSupervisor supervisor(ShellConfig("echo 'bad --config: no such key' >&2; exit 3"),
                               RuntimeHealth(), log_.Callback());
  sdk::Status s = supervisor.Start();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'broken' exited with code 3"), std::string_view::npos)
      << s.ToString();
  EXPECT_NE(s.message().find("bad --config: no such key"), std::string_view::npos) << s.ToString();
  EXPECT_EQ(supervisor.status().state, SidecarState::kFailed);
  EXPECT_EQ(supervisor.status().last_error, s.message());
  EXPECT_EQ(supervisor.status().pid, 0);
}

TEST_F(Supervisor, SocketThatNeverAppearsIsAClearError) {
  SidecarConfig config = ShellConfig("echo listening soon; exec sleep 30");
  config.start_timeout = milliseconds(500);
  pid_t spawned = 0;
  SidecarSupervisor supervisor(config, RuntimeHealth(), [&](const SidecarStatus& s) {
    if (s.pid > 0) spawned = s.pid;
  });
  auto start = Clock::now();
  sdk::Status s = supervisor.Start();
  ASSERT_FALSE(s.ok());
  EXPECT_LT(Clock::now() - start, milliseconds(500 + 2500));
  EXPECT_NE(s.message().find("socket " + dir_.Socket("mock") + " never appeared within 500ms"),
            std::string_view::npos)
      << s.ToString();
  EXPECT_NE(s.message().find("listening soon"), std::string_view::npos) << s.ToString();
  EXPECT_EQ(supervisor.status().state, SidecarState::kFailed);
  EXPECT_FALSE(ProcessExists(spawned));
}

TEST_F(Supervisor, CommandThatCannotRunIsAClearError) {
  SidecarConfig config = MockConfig();
  config.command = {"/nonexistent/skiff-sidecar", "--socket", dir_.Socket("mock")};
  SidecarSupervisor supervisor(config, RuntimeHealth());
  sdk::Status s = supervisor.Start();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("cannot execute sidecar command '/nonexistent/skiff-sidecar'"),
            std::string_view::npos)
      << s.ToString();
  EXPECT_EQ(supervisor.status().state, SidecarState::kFailed);
}

TEST_F(Supervisor, RestartsASidecarThatStopsAnswering) {
  std::atomic<bool> sick{false};
  auto real = RuntimeHealth();
  SidecarConfig config = MockConfig();
  config.health_failures_before_restart = 2;
  SidecarSupervisor supervisor(
      config,
      [&] { return sick ? sdk::Status::DeadlineExceeded("Version: no answer within 1s") : real(); },
      log_.Callback());
  SKIFF_ASSERT_OK(supervisor.Start());
  pid_t first = supervisor.status().pid;

  sick = true;
  ASSERT_TRUE(Eventually([&] { return supervisor.status().state == SidecarState::kRestarting; }))
      << log_.Describe();
  EXPECT_NE(supervisor.status().last_error.find("failed 2 health checks in a row"),
            std::string::npos)
      << supervisor.status().last_error;
  EXPECT_TRUE(Eventually([&] { return !ProcessExists(first); }));

  sick = false;
  ASSERT_TRUE(Eventually([&] {
    auto s = supervisor.status();
    return s.state == SidecarState::kRunning && s.pid != first;
  })) << log_.Describe();
}

TEST_F(Supervisor, GivesUpAfterTooManyRestartsInARow) {
  // Serves once, then fails at every relaunch.
  std::string marker = (dir_.path() / "ran-once").string();
  SidecarConfig config =
      ShellConfig("if [ -e " + marker + " ]; then echo again >&2; exit 4; fi; touch " + marker +
                  "; exec " + SKIFF_MOCK_RUNTIME_SIDECAR + " --socket " + dir_.Socket("mock"));
  config.max_restarts_in_a_row = 2;
  SidecarSupervisor supervisor(config, RuntimeHealth(), log_.Callback());
  SKIFF_ASSERT_OK(supervisor.Start());
  ASSERT_EQ(::kill(supervisor.status().pid, SIGKILL), 0);

  ASSERT_TRUE(Eventually([&] { return supervisor.status().state == SidecarState::kFailed; }))
      << log_.Describe();
  std::string error = supervisor.status().last_error;
  EXPECT_NE(error.find("gave up after 2 restarts in a row"), std::string::npos) << error;
  EXPECT_NE(error.find("exited with code 4"), std::string::npos) << error;
  EXPECT_EQ(supervisor.status().restarts, 2);
}

TEST_F(Supervisor, StopTerminatesTheSidecar) {
  SidecarSupervisor supervisor(MockConfig(), RuntimeHealth(), log_.Callback());
  SKIFF_ASSERT_OK(supervisor.Start());
  pid_t pid = supervisor.status().pid;
  auto start = Clock::now();
  supervisor.Stop();
  // Well inside stop_grace (2 s): SIGTERM did it, no SIGKILL was needed.
  EXPECT_LT(Clock::now() - start, milliseconds(1500));
  EXPECT_FALSE(ProcessExists(pid));
  EXPECT_EQ(supervisor.status().state, SidecarState::kStopped);
  EXPECT_EQ(supervisor.status().pid, 0);
  // SIGTERM let the sidecar shut down cleanly: it removed its socket.
  EXPECT_FALSE(std::filesystem::exists(dir_.Socket("mock")));
}

TEST_F(Supervisor, ConnectModeWatchesAnEndpointItDoesNotOwn) {
  auto plugin = std::make_shared<RecordingRuntime>();
  auto server = sdk::StartRuntimeServer(plugin, dir_.Socket("mock"));
  SKIFF_ASSERT_OK(server);

  SidecarConfig config = MockConfig();
  config.command.clear();
  SidecarSupervisor supervisor(config, RuntimeHealth(), log_.Callback());
  SKIFF_ASSERT_OK(supervisor.Start());
  EXPECT_EQ(supervisor.status().state, SidecarState::kRunning);
  EXPECT_EQ(supervisor.status().pid, 0);

  (*server)->Shutdown(milliseconds(100));
  ASSERT_TRUE(Eventually([&] { return supervisor.status().state == SidecarState::kUnhealthy; }))
      << log_.Describe();
  EXPECT_NE(supervisor.status().last_error.find("health check failed"), std::string::npos);

  auto again = sdk::StartRuntimeServer(plugin, dir_.Socket("mock"));
  SKIFF_ASSERT_OK(again);
  EXPECT_TRUE(Eventually([&] { return supervisor.status().state == SidecarState::kRunning; }))
      << log_.Describe();
}

TEST_F(Supervisor, ConnectModeToAnAbsentEndpointFailsToStart) {
  SidecarConfig config = MockConfig();
  config.command.clear();
  config.start_timeout = milliseconds(300);
  SidecarSupervisor supervisor(config, RuntimeHealth());
  sdk::Status s = supervisor.Start();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("never appeared"), std::string_view::npos) << s.ToString();
}

TEST_F(Supervisor, EndpointMustBeAUnixSocket) {
  SidecarConfig config = MockConfig();
  config.endpoint = "localhost:1234";
  SidecarSupervisor supervisor(config, RuntimeHealth());
  sdk::Status s = supervisor.Start();
  EXPECT_EQ(s.code(), sdk::StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_EQ(supervisor.status().state, SidecarState::kFailed);
}

}  // namespace
}  // namespace skiff::sidecar_test
