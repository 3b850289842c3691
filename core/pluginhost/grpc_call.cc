#include "core/pluginhost/grpc_call.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "plugin-sdk/serve/wire/status_wire.h"

namespace skiff::pluginhost {

namespace {

constexpr int kMaxMessageBytes = 16 * 1024 * 1024;

}  // namespace

std::shared_ptr<grpc::Channel> NewPluginChannel(const std::string& endpoint) {
  grpc::ChannelArguments args;
  // Reconnect to a restarted sidecar quickly. Not GRPC_ARG_MIN_RECONNECT_BACKOFF_MS: gRPC also
  // takes it as the time a connection attempt has to finish its HTTP/2 handshake, and a
  // sidecar on a busy machine can need more than a fraction of a second; each call's own
  // deadline bounds the wait instead.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  return grpc::CreateCustomChannel(endpoint, grpc::InsecureChannelCredentials(), args);
}

GrpcCaller::GrpcCaller(std::string kind, GrpcClientOptions options)
    : kind_(std::move(kind)),
      options_(std::move(options)),
      channel_(NewPluginChannel(options_.endpoint)) {}

sdk::Status GrpcCaller::Failure(std::string_view op, std::chrono::milliseconds timeout,
                                bool expired, const grpc::Status& status) const {
  std::string prefix = PluginCallPrefix(kind_, options_.plugin_name, op);
  switch (status.error_code()) {
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      if (!expired) break;
      return sdk::Status::DeadlineExceeded(
          NoAnswerMessage(kind_, options_.plugin_name, op, timeout));
    case grpc::StatusCode::UNAVAILABLE:
      return sdk::Status::Unavailable(prefix + "unavailable at " + options_.endpoint + " (" +
                                      status.error_message() + ")");
    default:
      break;
  }
  sdk::Status mapped = wire::FromGrpc(status);
  return sdk::Status(mapped.code(), prefix + std::string(mapped.message()));
}

}  // namespace skiff::pluginhost
