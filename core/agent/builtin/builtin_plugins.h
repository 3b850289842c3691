#pragma once

// The reference plugins compiled into the `skiff` binary, so `skiff server` runs pods with no
// .so files around and `--simulate` can make a thousand mock runtimes cheaply. A config names
// one with `library: builtin:mock` (or builtin:bridge, builtin:hostpath); every other spec
// goes to the default openers (loader, sidecar, CNI).

#include "core/pluginhost/plugin_set.h"

namespace skiff::agent {

// How the agent calls a built-in plugin. kBounded: as a library plugin, with the call's deadline
// (it runs on a pool thread while the caller waits at most the deadline). kDirect: on the
// caller's thread, as hollow nodes do (`--simulate`, like kubemark's fake runtime): their
// built-ins are in-memory fakes that answer in microseconds, and the thread hand-off per call
// was two thirds of a hollow node's CPU. A direct call has no deadline.
enum class BuiltinCalls { kBounded, kDirect };

pluginhost::PluginOpeners BuiltinAwareOpeners(BuiltinCalls calls = BuiltinCalls::kBounded);

// The embedded agent's plugins when `skiff server` gets no agent config: the mock runtime,
// and as root a real network namespace per pod on the bridge network (skiff0, 10.88.0.0/16).
std::string DefaultEmbeddedPluginsYaml(bool root, const std::string& data_dir);

}  // namespace skiff::agent
