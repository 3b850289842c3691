#pragma once

// The reference plugins compiled into the `skiff` binary, so `skiff server` runs pods with no
// .so files around and `--simulate` can make a thousand mock runtimes cheaply. A config names
// one with `library: builtin:mock` (or builtin:bridge, builtin:hostpath); every other spec
// goes to the default openers (loader, sidecar, CNI).

#include "core/pluginhost/plugin_set.h"

namespace skiff::agent {

pluginhost::PluginOpeners BuiltinAwareOpeners();

// The embedded agent's plugins when `skiff server` gets no agent config: the mock runtime,
// and as root a real network namespace per pod on the bridge network (skiff0, 10.88.0.0/16).
std::string DefaultEmbeddedPluginsYaml(bool root, const std::string& data_dir);

}  // namespace skiff::agent
