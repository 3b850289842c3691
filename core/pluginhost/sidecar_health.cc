#include "core/pluginhost/sidecar_health.h"

#include "core/pluginhost/grpc_clients.h"

namespace skiff::pluginhost {

HealthCheck RuntimeHealthCheck(std::shared_ptr<sdk::RuntimeService> runtime) {
  return [runtime = std::move(runtime)] { return runtime->Version("v1").status(); };
}

HealthCheck StorageHealthCheck(std::shared_ptr<sdk::StoragePlugin> storage) {
  return [storage = std::move(storage)] {
    auto ready = storage->Probe();
    if (!ready.ok()) return ready.status();
    if (!*ready) return sdk::Status::Unavailable("CSI Probe: plugin reports not ready");
    return sdk::Status::Ok();
  };
}

HealthCheck NetworkHealthCheck(std::shared_ptr<sdk::NetworkPlugin> network) {
  return [network = std::move(network)] { return network->GetStatus(); };
}

HealthCheck GrpcHealthCheck(SidecarKind kind, const GrpcClientOptions& options) {
  switch (kind) {
    case SidecarKind::kRuntime:
      return RuntimeHealthCheck(NewGrpcRuntimeClient(options));
    case SidecarKind::kStorage:
      return StorageHealthCheck(NewGrpcStorageClient(options));
    case SidecarKind::kNetwork:
      return NetworkHealthCheck(NewGrpcNetworkClient(options));
  }
  return [] { return sdk::Status::Internal("unknown sidecar kind"); };
}

}  // namespace skiff::pluginhost
