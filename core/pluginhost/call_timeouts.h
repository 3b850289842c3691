#pragma once

// How long the host waits for each plugin call, whichever way the plugin is reached (a gRPC
// sidecar or a library loaded in-process), and how an expired wait reads. One policy, so a hung
// plugin looks the same to the agent in every mode. Plain values and pure functions.

#include <chrono>
#include <string>
#include <string_view>

namespace skiff::pluginhost {

struct CallTimeouts {
  // Deadline of an ordinary call.
  std::chrono::milliseconds call_timeout = std::chrono::seconds(10);
  // Calls that carry their own timeout (StopContainer, ExecSync) get that timeout plus this
  // margin, so the plugin's own timeout fires first and its answer still reaches us.
  std::chrono::milliseconds timeout_margin = std::chrono::seconds(5);
  // Calls that legitimately take long with no timeout of their own: PullImage, and ExecSync
  // with timeout 0 ("none"). Still bounded, so nothing waits forever.
  std::chrono::milliseconds long_call_timeout = std::chrono::minutes(5);

  // The runtime calls with a deadline of their own; a timeout of 0 means "none" in CRI.
  std::chrono::milliseconds StopContainer(std::chrono::seconds timeout) const {
    return OwnTimeout(timeout, call_timeout);
  }
  std::chrono::milliseconds ExecSync(std::chrono::seconds timeout) const {
    return OwnTimeout(timeout, long_call_timeout);
  }
  std::chrono::milliseconds PullImage() const { return long_call_timeout; }

 private:
  std::chrono::milliseconds OwnTimeout(std::chrono::seconds timeout,
                                       std::chrono::milliseconds when_none) const {
    if (timeout.count() <= 0) return when_none;
    return std::chrono::duration_cast<std::chrono::milliseconds>(timeout) + timeout_margin;
  }
};

// "10s", "300ms".
std::string FormatDuration(std::chrono::milliseconds d);

// "runtime plugin 'mock' StartContainer: ", the prefix of every error about one call.
// `kind` is "runtime", "network" or "storage".
std::string PluginCallPrefix(std::string_view kind, std::string_view plugin, std::string_view op);

// "runtime plugin 'mock' StartContainer: no answer within 10s".
std::string NoAnswerMessage(std::string_view kind, std::string_view plugin, std::string_view op,
                            std::chrono::milliseconds timeout);

}  // namespace skiff::pluginhost
