#pragma once

// The one shape every server handler has: call the plugin, and either return its error as a
// gRPC status or fill the response from its value.

#include <grpcpp/support/status.h>
#include <skiff/sdk/status.h>

#include <utility>

#include "plugin-sdk/serve/wire/status_wire.h"

namespace skiff::serve {

template <typename T, typename Fill>
grpc::Status Reply(sdk::Result<T> result, Fill&& fill) {
  if (!result.ok()) return wire::ToGrpc(result.status());
  std::forward<Fill>(fill)(std::move(result).value());
  return grpc::Status::OK;
}

inline grpc::Status Reply(const sdk::Status& status) { return wire::ToGrpc(status); }

}  // namespace skiff::serve
