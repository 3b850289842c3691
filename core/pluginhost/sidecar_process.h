#pragma once

// One spawned sidecar process: fork/exec of an argv with stdout and stderr appended to a log
// file, and the ways it ends. Not thread-safe: owned and driven by one SidecarSupervisor
// thread (which also makes that thread the child's parent for PR_SET_PDEATHSIG, so a sidecar
// never outlives the host that spawned it).

#include <skiff/sdk/status.h>
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace skiff::pluginhost {

// How a process ended.
struct ProcessExit {
  bool signaled = false;
  int code = 0;  // exit code, or the signal number when signaled

  // "exited with code 3" or "killed by signal 9 (Killed)".
  std::string Describe() const;
};

class SidecarProcess {
 public:
  // Starts argv[0] (looked up in PATH) with the rest as arguments. Fails when argv is empty,
  // the log file cannot be opened or the program cannot be executed (with exec's reason).
  static sdk::Result<std::unique_ptr<SidecarProcess>> Spawn(const std::vector<std::string>& argv,
                                                            const std::string& log_path);

  // Kills (SIGKILL) and reaps the process if it still runs.
  ~SidecarProcess();
  SidecarProcess(const SidecarProcess&) = delete;
  SidecarProcess& operator=(const SidecarProcess&) = delete;

  pid_t pid() const { return pid_; }

  // How it ended, once it has (and reaps it); nothing while it runs. Never blocks.
  std::optional<ProcessExit> Poll();

  // SIGTERM, then SIGKILL if it has not exited after `grace`. Returns how it ended.
  ProcessExit Stop(std::chrono::milliseconds grace);

  // The last lines this run wrote to its log (output of earlier runs is left out).
  std::string LogTail(std::size_t max_bytes = 2048) const;

 private:
  SidecarProcess(pid_t pid, std::string log_path, off_t log_start)
      : pid_(pid), log_path_(std::move(log_path)), log_start_(log_start) {}

  pid_t pid_;
  std::string log_path_;
  off_t log_start_;  // the log's size when this run started
  std::optional<ProcessExit> exit_;
};

}  // namespace skiff::pluginhost
