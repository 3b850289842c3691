#pragma once

// sdk::Status <-> grpc::Status. The SDK codes are numbered like gRPC's, so most map one to one;
// the gRPC codes the SDK lacks fold into the nearest SDK code, keeping the original name in the
// message so nothing is lost for the reader.

#include <grpcpp/support/status.h>
#include <skiff/sdk/status.h>

namespace skiff::wire {

grpc::StatusCode ToGrpcCode(sdk::StatusCode code);
sdk::StatusCode FromGrpcCode(grpc::StatusCode code);

grpc::Status ToGrpc(const sdk::Status& status);
sdk::Status FromGrpc(const grpc::Status& status);

}  // namespace skiff::wire
