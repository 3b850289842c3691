#include "core/pluginhost/grpc_conformance_sources.h"

#include "core/pluginhost/grpc_clients.h"
#include "plugin-sdk/serve/wire/unix_socket.h"

namespace skiff::pluginhost {
namespace {

// Runs `fill` with client options for `endpoint`, after checking it names a unix socket.
template <typename Fill>
sdk::Result<conformance::SuiteFactories> ForEndpoint(const std::string& endpoint, Fill fill) {
  if (wire::UnixSocketPathFromEndpoint(endpoint).empty()) {
    return sdk::Status::InvalidArgument("endpoint must be unix:///<path>, got '" + endpoint + "'");
  }
  GrpcClientOptions options;
  options.plugin_name = endpoint;
  options.endpoint = endpoint;
  conformance::SuiteFactories factories;
  fill(options, factories);
  return factories;
}

}  // namespace

std::vector<conformance::FactorySource> GrpcFactorySources() {
  return {
      {"--runtime-endpoint", "unix:///PATH",
       "a CRI runtime.v1 endpoint: a skiff runtime sidecar, containerd or CRI-O",
       [](const std::string& endpoint, const std::string&) {
         return ForEndpoint(endpoint, [](GrpcClientOptions o, conformance::SuiteFactories& f) {
           f.runtime = [o]() -> sdk::Result<std::shared_ptr<sdk::RuntimeService>> {
             return std::shared_ptr<sdk::RuntimeService>(NewGrpcRuntimeClient(o));
           };
         });
       }},
      {"--storage-endpoint", "unix:///PATH",
       "a CSI csi.v1 endpoint: a skiff storage sidecar or any CSI driver",
       [](const std::string& endpoint, const std::string&) {
         return ForEndpoint(endpoint, [](GrpcClientOptions o, conformance::SuiteFactories& f) {
           f.storage = [o]() -> sdk::Result<std::shared_ptr<sdk::StoragePlugin>> {
             return std::shared_ptr<sdk::StoragePlugin>(NewGrpcStorageClient(o));
           };
         });
       }},
      {"--network-endpoint", "unix:///PATH", "a skiff.network.v1 endpoint: a network sidecar",
       [](const std::string& endpoint, const std::string&) {
         return ForEndpoint(endpoint, [](GrpcClientOptions o, conformance::SuiteFactories& f) {
           f.network = [o]() -> sdk::Result<std::shared_ptr<sdk::NetworkPlugin>> {
             return std::shared_ptr<sdk::NetworkPlugin>(NewGrpcNetworkClient(o));
           };
         });
       }},
  };
}

}  // namespace skiff::pluginhost
