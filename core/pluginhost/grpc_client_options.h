#pragma once

// How the host reaches one gRPC plugin (a skiff sidecar, containerd, a CSI driver) and how long
// it waits for each call. Every call carries a deadline, so a hung plugin costs the caller a
// DeadlineExceeded naming the plugin and the operation, never a stuck thread.

#include <chrono>
#include <string>

namespace skiff::pluginhost {

struct GrpcClientOptions {
  std::string plugin_name;  // named in every error, e.g. "mock" or "containerd"
  std::string endpoint;     // "unix:///run/skiff/mock.sock"
  // Deadline of an ordinary call.
  std::chrono::milliseconds call_timeout = std::chrono::seconds(10);
  // Calls that carry their own timeout (StopContainer, ExecSync) get that timeout plus this
  // margin, so the plugin's own timeout fires first and its answer still reaches us.
  std::chrono::milliseconds timeout_margin = std::chrono::seconds(5);
  // Calls that legitimately take long with no timeout of their own: PullImage, and ExecSync
  // with timeout 0 ("none"). Still bounded, so nothing waits forever.
  std::chrono::milliseconds long_call_timeout = std::chrono::minutes(5);
};

}  // namespace skiff::pluginhost
