#pragma once

// How the host reaches one gRPC plugin (a skiff sidecar, containerd, a CSI driver) and how long
// it waits for each call. Every call carries a deadline, so a hung plugin costs the caller a
// DeadlineExceeded naming the plugin and the operation, never a stuck thread.

#include <chrono>
#include <string>

#include "core/pluginhost/call_timeouts.h"

namespace skiff::pluginhost {

struct GrpcClientOptions {
  std::string plugin_name;  // named in every error, e.g. "mock" or "containerd"
  std::string endpoint;     // "unix:///run/skiff/mock.sock"
  // The deadlines, as in CallTimeouts (which has the defaults and the policy).
  std::chrono::milliseconds call_timeout = CallTimeouts{}.call_timeout;
  std::chrono::milliseconds timeout_margin = CallTimeouts{}.timeout_margin;
  std::chrono::milliseconds long_call_timeout = CallTimeouts{}.long_call_timeout;
  // Runtime: ask PodSandboxStatus for the sandbox's netns path. That takes a verbose status,
  // which costs containerd a round trip to the sandbox's shim and a JSON dump of its spec;
  // only a network plugin of ours needs the path (without one the runtime wires pods itself).
  bool sandbox_netns = true;

  CallTimeouts timeouts() const { return {call_timeout, timeout_margin, long_call_timeout}; }
};

}  // namespace skiff::pluginhost
