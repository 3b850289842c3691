#pragma once

// Runs one CNI plugin binary: environment in, config on stdin, stdout/stderr captured, and a
// hard deadline. A plugin that hangs is killed together with anything it spawned (it runs
// in its own process group), so a caller never waits longer than the deadline.
// Thread-safe: any number of calls may run at once.

#include <chrono>
#include <string>
#include <vector>

namespace skiff::pluginhost {

struct CniProcessRequest {
  std::string binary;            // path to execute
  std::vector<std::string> env;  // "KEY=VALUE", added to this process's environment
  std::string stdin_data;
  std::chrono::milliseconds timeout{10000};
};

struct CniProcessOutcome {
  enum class Kind { kExited, kSignaled, kTimedOut, kSpawnFailed };
  Kind kind = Kind::kSpawnFailed;
  int exit_code = 0;    // kExited
  int signal = 0;       // kSignaled
  int spawn_errno = 0;  // kSpawnFailed
  std::string stdout_data;
  std::string stderr_data;
  std::chrono::microseconds elapsed{0};
};

CniProcessOutcome RunCniProcess(const CniProcessRequest& request);

}  // namespace skiff::pluginhost
