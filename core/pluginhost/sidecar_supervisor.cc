#include "core/pluginhost/sidecar_supervisor.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>

#include "core/pluginhost/sidecar_process.h"
#include "plugin-sdk/serve/wire/unix_socket.h"

namespace skiff::pluginhost {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How often a starting sidecar's socket is probed and a running one's exit is polled.
constexpr milliseconds kPollInterval{50};

std::string Seconds(milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + "s";
  return std::to_string(d.count()) + "ms";
}

}  // namespace

std::string_view SidecarStateName(SidecarState state) {
  switch (state) {
    case SidecarState::kStarting:
      return "Starting";
    case SidecarState::kRunning:
      return "Running";
    case SidecarState::kUnhealthy:
      return "Unhealthy";
    case SidecarState::kRestarting:
      return "Restarting";
    case SidecarState::kFailed:
      return "Failed";
    case SidecarState::kStopped:
      return "Stopped";
  }
  return "Unknown";
}

SidecarSupervisor::SidecarSupervisor(SidecarConfig config, HealthCheck health,
                                     std::function<void(const SidecarStatus&)> on_change)
    : config_(std::move(config)),
      socket_path_(wire::UnixSocketPathFromEndpoint(config_.endpoint)),
      health_(std::move(health)),
      on_change_(std::move(on_change)) {
  status_.name = config_.name;
  status_.endpoint = config_.endpoint;
}

SidecarSupervisor::~SidecarSupervisor() { Stop(); }

sdk::Status SidecarSupervisor::Start() {
  if (socket_path_.empty()) {
    auto error = sdk::Status::InvalidArgument("sidecar '" + config_.name +
                                              "': endpoint must be unix:///<path>, got '" +
                                              config_.endpoint + "'");
    SetState(SidecarState::kFailed, std::string(error.message()));
    return error;
  }
  {
    std::lock_guard lock(mu_);
    if (thread_.joinable() || stop_) {
      return sdk::Status::FailedPrecondition("sidecar '" + config_.name + "' already started");
    }
  }
  SetState(SidecarState::kStarting);
  thread_ = std::thread([this] { Run(); });
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return start_result_.has_value(); });
  return *start_result_;
}

void SidecarSupervisor::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

SidecarStatus SidecarSupervisor::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

void SidecarSupervisor::Run() {
  int in_a_row = 0;  // restarts since the sidecar last ran long enough to count as stable
  bool started = false;
  auto publish_start = [&](sdk::Status s) {
    {
      std::lock_guard lock(mu_);
      start_result_ = std::move(s);
    }
    cv_.notify_all();
  };

  while (!stopping()) {
    sdk::Status launched = Launch();
    if (stopping()) break;
    sdk::Status ended = launched;
    if (launched.ok()) {
      SetState(SidecarState::kRunning);
      if (!started) {
        started = true;
        publish_start(sdk::Status::Ok());
      }
      auto running_since = Clock::now();
      ended = Watch();
      if (stopping()) break;
      if (Clock::now() - running_since >= config_.backoff_reset_after) in_a_row = 0;
    } else if (!started) {
      // A first start that fails is a configuration problem to report, not to retry.
      SetState(SidecarState::kFailed, std::string(launched.message()));
      publish_start(std::move(launched));
      break;
    }

    ++in_a_row;
    if (config_.max_restarts_in_a_row >= 0 && in_a_row > config_.max_restarts_in_a_row) {
      SetState(SidecarState::kFailed,
               "gave up after " + std::to_string(config_.max_restarts_in_a_row) +
                   " restarts in a row; last error: " + std::string(ended.message()));
      break;
    }
    milliseconds wait = Backoff(in_a_row);
    SetState(SidecarState::kRestarting, std::string(ended.message()));
    spdlog::warn("sidecar '{}': {}; restarting in {}", config_.name, ended.message(),
                 Seconds(wait));
    if (!SleepFor(wait)) break;
    std::lock_guard lock(mu_);
    ++status_.restarts;
  }

  if (process_) {
    ProcessExit exit = process_->Stop(config_.stop_grace);
    spdlog::info("sidecar '{}' (pid {}) stopped: {}", config_.name, process_->pid(),
                 exit.Describe());
    process_.reset();
  }
  if (!started && !start_result_) {
    publish_start(sdk::Status::Aborted("sidecar '" + config_.name + "' stopped while starting"));
  }
  bool failed;
  {
    std::lock_guard lock(mu_);
    status_.pid = 0;
    failed = status_.state == SidecarState::kFailed;
  }
  if (!failed) SetState(SidecarState::kStopped);
}

sdk::Status SidecarSupervisor::Launch() {
  const bool spawn = !config_.command.empty();
  if (spawn) {
    process_.reset();
    // A live server on our path would take our health checks; a stale file would only confuse
    // the wait below.
    switch (wire::ProbeUnixSocket(socket_path_)) {
      case wire::SocketProbe::kListening:
        return sdk::Status::FailedPrecondition("sidecar '" + config_.name +
                                               "': another process already serves " + socket_path_);
      case wire::SocketProbe::kStale:
        ::unlink(socket_path_.c_str());
        break;
      default:
        break;
    }
    std::string log_path = config_.log_path.empty() ? socket_path_ + ".log" : config_.log_path;
    auto spawned = SidecarProcess::Spawn(config_.command, log_path);
    if (!spawned.ok()) {
      return sdk::Status(spawned.status().code(), "sidecar '" + config_.name + "': " +
                                                      std::string(spawned.status().message()));
    }
    process_ = std::move(spawned).value();
    {
      std::lock_guard lock(mu_);
      status_.pid = process_->pid();
    }
    spdlog::info("sidecar '{}' spawned as pid {} (log {})", config_.name, process_->pid(),
                 log_path);
  }

  const auto deadline = Clock::now() + config_.start_timeout;
  sdk::Status last_health = sdk::Status::Unavailable("socket not accepting connections yet");
  bool socket_seen = false;
  while (!stopping()) {
    if (spawn) {
      if (auto exit = process_->Poll()) {
        std::string error = "sidecar '" + config_.name + "' " + exit->Describe() +
                            " while starting" + LogTailForError();
        process_.reset();
        std::lock_guard lock(mu_);
        status_.pid = 0;
        return sdk::Status::Unavailable(error);
      }
    }
    if (wire::ProbeUnixSocket(socket_path_) == wire::SocketProbe::kListening) {
      socket_seen = true;
      last_health = health_();
      if (last_health.ok()) return sdk::Status::Ok();
    }
    if (Clock::now() >= deadline) break;
    SleepFor(kPollInterval);
  }
  if (stopping()) return sdk::Status::Aborted("stopping");

  std::string error =
      socket_seen ? "sidecar '" + config_.name + "' did not pass its health check within " +
                        Seconds(config_.start_timeout) + ": " + std::string(last_health.message())
                  : "sidecar '" + config_.name + "': socket " + socket_path_ +
                        " never appeared within " + Seconds(config_.start_timeout);
  if (spawn) {
    error += LogTailForError();
    process_->Stop(config_.stop_grace);
    process_.reset();
    std::lock_guard lock(mu_);
    status_.pid = 0;
  }
  return sdk::Status::Unavailable(error);
}

sdk::Status SidecarSupervisor::Watch() {
  const bool spawn = process_ != nullptr;
  int failures = 0;
  auto next_check = Clock::now() + config_.health_interval;
  while (!stopping()) {
    if (spawn) {
      if (auto exit = process_->Poll()) {
        std::string error =
            "sidecar '" + config_.name + "' " + exit->Describe() + LogTailForError();
        process_.reset();
        std::lock_guard lock(mu_);
        status_.pid = 0;
        return sdk::Status::Unavailable(error);
      }
    }
    if (Clock::now() >= next_check) {
      sdk::Status health = health_();
      next_check = Clock::now() + config_.health_interval;
      if (health.ok()) {
        failures = 0;
        if (status().state != SidecarState::kRunning) SetState(SidecarState::kRunning);
      } else if (!spawn) {
        // Someone else runs it; all we can do is say so until it answers again.
        SetState(SidecarState::kUnhealthy, "health check failed: " + std::string(health.message()));
      } else if (++failures >= config_.health_failures_before_restart) {
        std::string error = "sidecar '" + config_.name + "' failed " + std::to_string(failures) +
                            " health checks in a row: " + std::string(health.message());
        process_->Stop(config_.stop_grace);
        process_.reset();
        std::lock_guard lock(mu_);
        status_.pid = 0;
        return sdk::Status::Unavailable(error);
      }
    }
    // Exits are noticed within a poll interval; health checks run at their own pace.
    SleepFor(spawn ? kPollInterval * 2
                   : std::max(milliseconds(1),
                              std::chrono::duration_cast<milliseconds>(next_check - Clock::now())));
  }
  return sdk::Status::Ok();
}

void SidecarSupervisor::SetState(SidecarState state, std::string last_error) {
  if (last_error.empty()) {
    spdlog::info("sidecar '{}': {}", config_.name, SidecarStateName(state));
  } else {
    spdlog::info("sidecar '{}': {} - {}", config_.name, SidecarStateName(state), last_error);
  }
  SidecarStatus snapshot;
  {
    std::lock_guard lock(mu_);
    status_.state = state;
    if (!last_error.empty()) status_.last_error = std::move(last_error);
    snapshot = status_;
  }
  if (on_change_) on_change_(snapshot);
}

bool SidecarSupervisor::SleepFor(milliseconds d) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, d, [&] { return stop_; });
}

bool SidecarSupervisor::stopping() const {
  std::lock_guard lock(mu_);
  return stop_;
}

milliseconds SidecarSupervisor::Backoff(int attempt) const {
  milliseconds wait = config_.backoff_initial;
  for (int i = 1; i < attempt && wait < config_.backoff_max; ++i) wait *= 2;
  return std::min(wait, config_.backoff_max);
}

std::string SidecarSupervisor::LogTailForError() const {
  if (!process_) return "";
  std::string tail = process_->LogTail();
  std::string log_path = config_.log_path.empty() ? socket_path_ + ".log" : config_.log_path;
  if (tail.empty()) return " (its log " + log_path + " is empty)";
  return "; last lines of " + log_path + ":\n" + tail;
}

}  // namespace skiff::pluginhost
