// skiff.network.v1 Network over an sdk::NetworkPlugin.

#include "network/v1/network.grpc.pb.h"
#include "plugin-sdk/serve/grpc_services.h"
#include "plugin-sdk/serve/reply.h"
#include "plugin-sdk/serve/wire/network_wire.h"

namespace skiff::serve {
namespace {

namespace netv1 = ::skiff::network::v1;
using grpc::ServerContext;
using wire::FromWire;
using wire::ToWire;

class NetworkImpl final : public netv1::Network::Service {
 public:
  explicit NetworkImpl(std::shared_ptr<sdk::NetworkPlugin> p) : plugin_(std::move(p)) {}

  grpc::Status Add(ServerContext*, const netv1::AddRequest* req,
                   netv1::AddResponse* resp) override {
    return Reply(plugin_->Add(FromWire(req->invocation())),
                 [&](auto r) { ToWire(r, resp->mutable_result()); });
  }

  grpc::Status Del(ServerContext*, const netv1::DelRequest* req, netv1::DelResponse*) override {
    return Reply(plugin_->Del(FromWire(req->invocation())));
  }

  grpc::Status Check(ServerContext*, const netv1::CheckRequest* req,
                     netv1::CheckResponse*) override {
    return Reply(plugin_->Check(FromWire(req->invocation())));
  }

  // "Not ready" travels as an answer so the host can tell it from an unreachable sidecar.
  grpc::Status Status(ServerContext*, const netv1::StatusRequest*,
                      netv1::StatusResponse* resp) override {
    sdk::Status s = plugin_->GetStatus();
    if (s.ok() || s.code() == sdk::StatusCode::kUnavailable) {
      resp->set_ready(s.ok());
      resp->set_message(std::string(s.message()));
      return grpc::Status::OK;
    }
    return Reply(s);
  }

  grpc::Status GC(ServerContext*, const netv1::GCRequest* req, netv1::GCResponse*) override {
    return Reply(plugin_->GC(FromWire(*req)));
  }

  grpc::Status Version(ServerContext*, const netv1::VersionRequest*,
                       netv1::VersionResponse* resp) override {
    return Reply(plugin_->Version(), [&](auto v) { ToWire(v, resp); });
  }

 private:
  std::shared_ptr<sdk::NetworkPlugin> plugin_;
};

}  // namespace

Services MakeNetworkServices(std::shared_ptr<sdk::NetworkPlugin> network) {
  Services services;
  services.push_back(std::make_unique<NetworkImpl>(std::move(network)));
  return services;
}

}  // namespace skiff::serve
