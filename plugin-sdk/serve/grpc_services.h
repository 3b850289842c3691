#pragma once

// The gRPC service implementations behind the serve helpers, one factory per plugin kind.
// Each service translates wire messages to SDK structs, calls the plugin and translates back.

#include <grpcpp/impl/service_type.h>
#include <skiff/sdk/network.h>
#include <skiff/sdk/runtime.h>
#include <skiff/sdk/storage.h>

#include <memory>
#include <vector>

namespace skiff::serve {

using Services = std::vector<std::unique_ptr<grpc::Service>>;

// runtime.v1 RuntimeService and ImageService.
Services MakeRuntimeServices(std::shared_ptr<sdk::RuntimeService> runtime);
// csi.v1 Identity, Controller and Node.
Services MakeStorageServices(std::shared_ptr<sdk::StoragePlugin> storage);
// skiff.network.v1 Network.
Services MakeNetworkServices(std::shared_ptr<sdk::NetworkPlugin> network);

}  // namespace skiff::serve
