#pragma once

// What every host-side gRPC call shares: one channel per plugin with fast reconnects, and a
// call wrapper that sets the deadline and turns a gRPC failure into an SDK Status that says
// which plugin, which operation and why.

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>
#include <skiff/sdk/status.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "core/base/blocking_region.h"
#include "core/pluginhost/grpc_client_options.h"

namespace skiff::pluginhost {

// A channel to `endpoint` whose reconnect backoff stays short: after a sidecar restarts the
// next call should reach it within a second, not after gRPC's default two minutes.
std::shared_ptr<grpc::Channel> NewPluginChannel(const std::string& endpoint);

class GrpcCaller {
 public:
  // `kind` is "runtime", "storage" or "network", for messages.
  GrpcCaller(std::string kind, GrpcClientOptions options);

  const GrpcClientOptions& options() const { return options_; }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

  // Runs `rpc(context)` with a deadline of `timeout` from now.
  template <typename Rpc>
  sdk::Status Call(std::string_view op, std::chrono::milliseconds timeout, Rpc&& rpc) const {
    grpc::ClientContext context;
    const auto deadline = std::chrono::system_clock::now() + timeout;
    context.set_deadline(deadline);
    grpc::Status status;
    {
      BlockingRegion blocking;  // lets the agent's pool run other pods meanwhile
      status = rpc(&context);
    }
    if (status.ok()) return sdk::Status::Ok();
    // gRPC's timer runs on its own millisecond clock and may fire a little before `deadline`.
    constexpr std::chrono::milliseconds kTimerSlack{10};
    return Failure(op, timeout, std::chrono::system_clock::now() + kTimerSlack >= deadline, status);
  }

  template <typename Rpc>
  sdk::Status Call(std::string_view op, Rpc&& rpc) const {
    return Call(op, options_.call_timeout, std::forward<Rpc>(rpc));
  }

 private:
  // `expired`: our deadline passed (as opposed to the plugin answering DEADLINE_EXCEEDED
  // about a timeout of its own, whose message is then kept).
  sdk::Status Failure(std::string_view op, std::chrono::milliseconds timeout, bool expired,
                      const grpc::Status& status) const;

  std::string kind_;
  GrpcClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace skiff::pluginhost
