#pragma once

// gRPC clients that adapt remote plugins onto the SDK interfaces, so the agent cannot tell a
// sidecar from a shared library:
//   runtime: CRI runtime.v1 (RuntimeService + ImageService) - works unchanged against
//            containerd's or CRI-O's CRI socket as well as a skiff runtime sidecar;
//   storage: CSI csi.v1 (Identity + Controller + Node) - any CSI driver;
//   network: skiff.network.v1.
// Errors: the plugin's own status code is kept and the message is prefixed with the plugin
// name and the operation; a call past its deadline is DeadlineExceeded, an unreachable endpoint
// Unavailable. Creating a client does not connect; the first call does, and later calls
// reconnect on their own after the plugin restarts. Clients are thread-safe and cheap to call
// concurrently (one HTTP/2 connection, many streams).

#include <skiff/sdk/network.h>
#include <skiff/sdk/runtime.h>
#include <skiff/sdk/storage.h>

#include <memory>

#include "core/pluginhost/grpc_client_options.h"

namespace skiff::pluginhost {

std::unique_ptr<sdk::RuntimeService> NewGrpcRuntimeClient(const GrpcClientOptions& options);
std::unique_ptr<sdk::StoragePlugin> NewGrpcStorageClient(const GrpcClientOptions& options);
std::unique_ptr<sdk::NetworkPlugin> NewGrpcNetworkClient(const GrpcClientOptions& options);

}  // namespace skiff::pluginhost
