#pragma once

// The public face of the bridge plugin: a factory for skiff::sdk::NetworkPlugin. The same
// object serves skiff in-process, the .so plugin (bridge_export.cc), the CNI binary
// (cni_main.cc) and any gRPC sidecar that wraps a NetworkPlugin.

#include <skiff/sdk/network.h>
#include <skiff/sdk/status.h>

#include <memory>
#include <string>

namespace skiff::bridge_cni {

// `config_json` is the bridge config (see bridge_config.h); InvalidArgument if malformed,
// Unavailable if its IPAM directory cannot be opened. Creates no links until first used.
sdk::Result<std::unique_ptr<sdk::NetworkPlugin>> NewBridgePlugin(const std::string& config_json);

// The CNI versions the plugin speaks (what Version() returns), without building a plugin.
sdk::NetworkVersionInfo BridgePluginVersion();

}  // namespace skiff::bridge_cni
