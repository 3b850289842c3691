#pragma once

// Keeps one gRPC plugin sidecar available to the host. Two modes:
//   connect: `command` empty - the endpoint is run by someone else (containerd, a CSI driver,
//            a sidecar started by systemd); we wait for it and health-check it.
//   spawn:   `command` set - we fork/exec it (stdout+stderr to `log_path`), wait for its socket
//            to accept connections, health-check it periodically, and when it exits or stops
//            answering, restart it with exponential backoff (capped).
// The state (see SidecarState) is what `skiff plugin list` shows. Thread-safe: status() may be
// called from any thread; Start and Stop from the owner. One thread per supervisor does the
// work, and every process is spawned from it.

#include <skiff/sdk/status.h>
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/pluginhost/sidecar_health.h"

namespace skiff::pluginhost {

class SidecarProcess;

enum class SidecarState {
  kStarting,    // first launch under way
  kRunning,     // answering health checks
  kUnhealthy,   // connect mode: the endpoint stopped answering (we cannot restart it)
  kRestarting,  // spawn mode: exited or stopped answering; relaunching after backoff
  kFailed,      // gave up: the first start failed, or too many restarts in a row
  kStopped,     // Stop() was called
};

std::string_view SidecarStateName(SidecarState state);

struct SidecarConfig {
  std::string name;                  // the plugin's name, for messages and `skiff plugin list`
  std::string endpoint;              // "unix:///run/skiff/mock.sock": where the sidecar listens
  std::vector<std::string> command;  // argv to spawn; empty = connect mode
  std::string log_path;              // spawn mode; default: the socket path + ".log"

  // The socket must accept connections and the health check pass within this.
  std::chrono::milliseconds start_timeout = std::chrono::seconds(10);
  std::chrono::milliseconds health_interval = std::chrono::seconds(5);
  int health_failures_before_restart = 3;  // consecutive
  std::chrono::milliseconds backoff_initial = std::chrono::milliseconds(500);
  std::chrono::milliseconds backoff_max = std::chrono::seconds(30);
  // Running this long forgets earlier failures: the next restart starts at backoff_initial.
  std::chrono::milliseconds backoff_reset_after = std::chrono::seconds(60);
  int max_restarts_in_a_row = 10;  // then kFailed; negative = never give up
  std::chrono::milliseconds stop_grace = std::chrono::seconds(5);  // SIGTERM before SIGKILL
};

struct SidecarStatus {
  std::string name;
  std::string endpoint;
  SidecarState state = SidecarState::kStarting;
  std::string last_error;  // why it last failed, restarted or went unhealthy; "" if never
  int restarts = 0;        // relaunches since Start
  pid_t pid = 0;           // spawn mode, while a process runs; else 0
};

class SidecarSupervisor {
 public:
  // `on_change`, if set, is called (on the supervisor's thread) after every state change.
  SidecarSupervisor(SidecarConfig config, HealthCheck health,
                    std::function<void(const SidecarStatus&)> on_change = {});
  ~SidecarSupervisor();  // Stop()
  SidecarSupervisor(const SidecarSupervisor&) = delete;
  SidecarSupervisor& operator=(const SidecarSupervisor&) = delete;

  // Launches (or connects) and returns once the sidecar answers its health check, or with a
  // clear error: the exit code and log tail of a sidecar that died while starting, "socket ...
  // never appeared" after start_timeout, or the last health-check failure. On error the state
  // is kFailed and nothing is restarted. Call once.
  sdk::Status Start();

  // Stops supervising; in spawn mode terminates the sidecar (SIGTERM, then SIGKILL after
  // stop_grace). Idempotent.
  void Stop();

  SidecarStatus status() const;
  const SidecarConfig& config() const { return config_; }

 private:
  void Run();
  // One launch (spawn mode) or wait (connect mode) until healthy; OK or why not.
  sdk::Status Launch();
  // Watches a healthy sidecar until it exits, stops answering, or Stop(); returns why it ended
  // (OK when stopping).
  sdk::Status Watch();
  void SetState(SidecarState state, std::string last_error = {});
  // Sleeps up to `d`; false if Stop() interrupted it.
  bool SleepFor(std::chrono::milliseconds d);
  bool stopping() const;
  std::chrono::milliseconds Backoff(int attempt) const;
  // Spawn mode: the last lines of the sidecar's log, ready to append to an error.
  std::string LogTailForError() const;

  const SidecarConfig config_;
  const std::string socket_path_;
  const HealthCheck health_;
  const std::function<void(const SidecarStatus&)> on_change_;

  mutable std::mutex mu_;
  std::condition_variable cv_;  // wakes Start (first outcome) and SleepFor (stop)
  SidecarStatus status_;
  bool stop_ = false;
  std::optional<sdk::Status> start_result_;
  std::thread thread_;
  std::unique_ptr<SidecarProcess> process_;  // only touched by thread_
};

}  // namespace skiff::pluginhost
