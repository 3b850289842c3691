#pragma once

// What ExecSync "runs" inside a mock container: a handful of shell builtins, enough for probes
// and tests. echo [-n] ARGS, true, false, env, hostname, sleep SECONDS, exit CODE; anything
// else exits 127 with runc's "executable file not found" message.

#include <skiff/sdk/runtime_types.h>
#include <skiff/sdk/status.h>

#include <chrono>
#include <string>
#include <vector>

namespace skiff::mock {

struct ExecEnvironment {
  std::vector<sdk::KeyValue> envs;
  std::string hostname;
};

// Blocks for `sleep`; DeadlineExceeded when that outlasts a non-zero `timeout`.
sdk::Result<sdk::ExecSyncResult> RunMockCommand(const std::vector<std::string>& cmd,
                                                const ExecEnvironment& environment,
                                                std::chrono::seconds timeout);

}  // namespace skiff::mock
