#include "core/agent/probe_grpc.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <chrono>

#include "grpc/health/v1/health.grpc.pb.h"

namespace skiff::agent {

namespace health = ::grpc::health::v1;

ProbeAttempt GrpcHealthProbe(const ProbeSpec& spec, const std::string& host) {
  const std::string target = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                             std::to_string(spec.port);
  const std::string timeout = std::to_string(spec.timeout.count()) + "s";
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_ENABLE_HTTP_PROXY, 0);  // the pod network is reached directly
  args.SetUserAgentPrefix("kube-probe/1.32");
  // A channel of its own: a restarted container must not be probed through a stale
  // connection, and nothing is shared between probes.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  const auto deadline = std::chrono::system_clock::now() + spec.timeout;
  if (!channel->WaitForConnected(deadline)) {
    return {false, "timeout: failed to connect service \"" + target + "\" within " + timeout};
  }
  auto stub = health::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(deadline);
  health::HealthCheckRequest request;
  request.set_service(spec.service);
  health::HealthCheckResponse response;
  grpc::Status status = stub->Check(&context, request, &response);
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return {false, "timeout: health rpc did not complete within " + timeout};
  }
  if (!status.ok()) {
    return {false, "error: health rpc probe failed: " + status.error_message() + " (code " +
                       std::to_string(static_cast<int>(status.error_code())) + ")"};
  }
  if (response.status() == health::HealthCheckResponse::SERVING) return {true, ""};
  return {false, "service unhealthy (responded with \"" +
                     health::HealthCheckResponse::ServingStatus_Name(response.status()) + "\")"};
}

}  // namespace skiff::agent
