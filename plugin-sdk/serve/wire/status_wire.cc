#include "plugin-sdk/serve/wire/status_wire.h"

#include <string>

namespace skiff::wire {

grpc::StatusCode ToGrpcCode(sdk::StatusCode code) {
  switch (code) {
    case sdk::StatusCode::kOk:
      return grpc::StatusCode::OK;
    case sdk::StatusCode::kInvalidArgument:
      return grpc::StatusCode::INVALID_ARGUMENT;
    case sdk::StatusCode::kDeadlineExceeded:
      return grpc::StatusCode::DEADLINE_EXCEEDED;
    case sdk::StatusCode::kNotFound:
      return grpc::StatusCode::NOT_FOUND;
    case sdk::StatusCode::kAlreadyExists:
      return grpc::StatusCode::ALREADY_EXISTS;
    case sdk::StatusCode::kResourceExhausted:
      return grpc::StatusCode::RESOURCE_EXHAUSTED;
    case sdk::StatusCode::kFailedPrecondition:
      return grpc::StatusCode::FAILED_PRECONDITION;
    case sdk::StatusCode::kAborted:
      return grpc::StatusCode::ABORTED;
    case sdk::StatusCode::kOutOfRange:
      return grpc::StatusCode::OUT_OF_RANGE;
    case sdk::StatusCode::kUnimplemented:
      return grpc::StatusCode::UNIMPLEMENTED;
    case sdk::StatusCode::kInternal:
      return grpc::StatusCode::INTERNAL;
    case sdk::StatusCode::kUnavailable:
      return grpc::StatusCode::UNAVAILABLE;
  }
  return grpc::StatusCode::UNKNOWN;
}

sdk::StatusCode FromGrpcCode(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return sdk::StatusCode::kOk;
    case grpc::StatusCode::INVALID_ARGUMENT:
      return sdk::StatusCode::kInvalidArgument;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return sdk::StatusCode::kDeadlineExceeded;
    case grpc::StatusCode::NOT_FOUND:
      return sdk::StatusCode::kNotFound;
    case grpc::StatusCode::ALREADY_EXISTS:
      return sdk::StatusCode::kAlreadyExists;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return sdk::StatusCode::kResourceExhausted;
    case grpc::StatusCode::FAILED_PRECONDITION:
      return sdk::StatusCode::kFailedPrecondition;
    case grpc::StatusCode::ABORTED:
      return sdk::StatusCode::kAborted;
    case grpc::StatusCode::OUT_OF_RANGE:
      return sdk::StatusCode::kOutOfRange;
    case grpc::StatusCode::UNIMPLEMENTED:
      return sdk::StatusCode::kUnimplemented;
    case grpc::StatusCode::UNAVAILABLE:
      return sdk::StatusCode::kUnavailable;
    // A cancelled call did not complete; the caller may retry it like an aborted one.
    case grpc::StatusCode::CANCELLED:
      return sdk::StatusCode::kAborted;
    // The peer refused us: nothing a retry fixes until someone changes configuration.
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED:
      return sdk::StatusCode::kFailedPrecondition;
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::DATA_LOSS:
    case grpc::StatusCode::INTERNAL:
    default:
      return sdk::StatusCode::kInternal;
  }
}

namespace {

// The name of a gRPC code, for messages where it folded into a different SDK code.
const char* GrpcCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    default:
      return nullptr;
  }
}

}  // namespace

grpc::Status ToGrpc(const sdk::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(ToGrpcCode(status.code()), std::string(status.message()));
}

sdk::Status FromGrpc(const grpc::Status& status) {
  if (status.ok()) return sdk::Status::Ok();
  std::string message = status.error_message();
  if (const char* folded = GrpcCodeName(status.error_code())) {
    message = std::string(folded) + ": " + message;
  }
  return sdk::Status(FromGrpcCode(status.error_code()), message);
}

}  // namespace skiff::wire
