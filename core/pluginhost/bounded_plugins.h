#pragma once

// Deadlines for plugins loaded in-process (shared libraries and the built-in plugins). A gRPC
// plugin that hangs costs its caller a DeadlineExceeded; without these, a library plugin that
// hangs would hold the caller's thread forever, and a few of them would stall every pod
// worker and the node heartbeat of the agent. BoundPlugin wraps a plugin so each call runs on
// a pool thread (see bounded_call.h) under the same deadlines as the gRPC clients
// (CallTimeouts: StopContainer and ExecSync get their own timeout plus the margin, PullImage
// the long timeout) and fails with the same message. Answers within the deadline, values and
// errors alike, pass through unchanged.
//
// The wrapper shares ownership of the plugin with every call still running, so a late answer
// finds it alive (and its library mapped) after the wrapper is gone. Thread-safe.

#include <skiff/sdk/network.h>
#include <skiff/sdk/runtime.h>
#include <skiff/sdk/storage.h>

#include <memory>
#include <string>

#include "core/pluginhost/call_timeouts.h"

namespace skiff::pluginhost {

struct BoundOptions {
  std::string plugin_name;  // named in every error
  CallTimeouts timeouts;
  // Calls past their deadline that may still be running before the plugin is refused
  // (Unavailable) until some of them return.
  int max_stuck_calls = 64;
};

std::shared_ptr<sdk::RuntimeService> BoundPlugin(std::shared_ptr<sdk::RuntimeService> plugin,
                                                 BoundOptions options);
std::shared_ptr<sdk::NetworkPlugin> BoundPlugin(std::shared_ptr<sdk::NetworkPlugin> plugin,
                                                BoundOptions options);
std::shared_ptr<sdk::StoragePlugin> BoundPlugin(std::shared_ptr<sdk::StoragePlugin> plugin,
                                                BoundOptions options);

}  // namespace skiff::pluginhost
