#pragma once

// Conformance runner options that reach plugins over gRPC, through the host's own clients:
//   --runtime-endpoint unix:///PATH   a CRI runtime.v1 endpoint (a skiff sidecar, containerd)
//   --storage-endpoint unix:///PATH   a CSI csi.v1 endpoint (a skiff sidecar, any CSI driver)
//   --network-endpoint unix:///PATH   a skiff.network.v1 endpoint
// The plugin at the endpoint is already running with its own config, so --config is ignored.
// Every case gets a fresh client (a fresh connection) to the same long-lived plugin.

#include <skiff/conformance/runner.h>

#include <vector>

namespace skiff::pluginhost {

std::vector<conformance::FactorySource> GrpcFactorySources();

}  // namespace skiff::pluginhost
