#pragma once

// The cheap call that tells a supervisor a sidecar is alive and answering, one per plugin
// kind: runtime -> CRI Version, storage -> CSI Probe (ready), network -> Status (ready).

#include <skiff/sdk/network.h>
#include <skiff/sdk/runtime.h>
#include <skiff/sdk/status.h>
#include <skiff/sdk/storage.h>

#include <functional>
#include <memory>

#include "core/pluginhost/grpc_client_options.h"

namespace skiff::pluginhost {

// OK when healthy; otherwise the reason. Must return within its own deadline.
using HealthCheck = std::function<sdk::Status()>;

enum class SidecarKind { kRuntime, kStorage, kNetwork };

HealthCheck RuntimeHealthCheck(std::shared_ptr<sdk::RuntimeService> runtime);
HealthCheck StorageHealthCheck(std::shared_ptr<sdk::StoragePlugin> storage);
HealthCheck NetworkHealthCheck(std::shared_ptr<sdk::NetworkPlugin> network);

// A health check through its own gRPC client for `kind` at options.endpoint, whose calls use
// options.call_timeout as their deadline.
HealthCheck GrpcHealthCheck(SidecarKind kind, const GrpcClientOptions& options);

}  // namespace skiff::pluginhost
