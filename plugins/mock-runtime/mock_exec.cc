#include "plugins/mock-runtime/mock_exec.h"

#include <charconv>
#include <thread>

namespace skiff::mock {
namespace {

bool ParseInt(const std::string& text, int64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::string Join(std::vector<std::string>::const_iterator begin,
                 std::vector<std::string>::const_iterator end) {
  std::string out;
  for (auto it = begin; it != end; ++it) {
    if (it != begin) out += ' ';
    out += *it;
  }
  return out;
}

sdk::ExecSyncResult Failed(int32_t code, std::string err) {
  sdk::ExecSyncResult result;
  result.exit_code = code;
  result.stderr = std::move(err);
  return result;
}

}  // namespace

sdk::Result<sdk::ExecSyncResult> RunMockCommand(const std::vector<std::string>& cmd,
                                                const ExecEnvironment& environment,
                                                std::chrono::seconds timeout) {
  if (cmd.empty()) return sdk::Status::InvalidArgument("exec: empty command");
  const std::string& program = cmd[0];
  sdk::ExecSyncResult result;
  if (program == "echo") {
    bool newline = !(cmd.size() > 1 && cmd[1] == "-n");
    result.stdout = Join(cmd.begin() + (newline ? 1 : 2), cmd.end()) + (newline ? "\n" : "");
  } else if (program == "true") {
  } else if (program == "false") {
    result.exit_code = 1;
  } else if (program == "env") {
    for (const auto& kv : environment.envs) result.stdout += kv.key + "=" + kv.value + "\n";
  } else if (program == "hostname") {
    result.stdout = environment.hostname + "\n";
  } else if (program == "exit") {
    int64_t code = 0;
    if (cmd.size() > 1 && !ParseInt(cmd[1], code)) return Failed(2, "exit: bad number\n");
    result.exit_code = static_cast<int32_t>(code & 0xff);
  } else if (program == "sleep") {
    int64_t seconds = 0;
    if (cmd.size() != 2 || !ParseInt(cmd[1], seconds) || seconds < 0) {
      return Failed(1, "sleep: invalid time interval\n");
    }
    if (timeout.count() > 0 && seconds > timeout.count()) {
      std::this_thread::sleep_for(timeout);
      return sdk::Status::DeadlineExceeded("exec " + Join(cmd.begin(), cmd.end()) +
                                           ": timed out after " + std::to_string(timeout.count()) +
                                           "s");
    }
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
  } else {
    return Failed(127, "exec: \"" + program + "\": executable file not found in $PATH\n");
  }
  return result;
}

}  // namespace skiff::mock
