#pragma once

// Starts a gRPC server for a set of services on a unix socket; the Start*Server functions of
// serve.h are this plus the services of one plugin kind.

#include <skiff/sdk/serve.h>

#include <memory>
#include <string>

#include "plugin-sdk/serve/grpc_services.h"

namespace skiff::serve {

sdk::Result<std::unique_ptr<sdk::SidecarServer>> StartSidecarServer(
    Services services, const std::string& unix_socket_path);

}  // namespace skiff::serve
