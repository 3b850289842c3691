// sdk::NetworkPlugin over skiff.network.v1.

#include "core/pluginhost/grpc_call.h"
#include "core/pluginhost/grpc_clients.h"
#include "network/v1/network.grpc.pb.h"
#include "plugin-sdk/serve/wire/network_wire.h"

namespace skiff::pluginhost {
namespace {

namespace netv1 = ::skiff::network::v1;
using grpc::ClientContext;
using wire::FromWire;
using wire::ToWire;

class GrpcNetworkClient final : public sdk::NetworkPlugin {
 public:
  explicit GrpcNetworkClient(const GrpcClientOptions& options)
      : caller_("network", options), stub_(netv1::Network::NewStub(caller_.channel())) {}

  sdk::Result<sdk::NetworkResult> Add(const sdk::NetworkAttachment& attachment) noexcept override {
    netv1::AddRequest req;
    ToWire(attachment, req.mutable_invocation());
    netv1::AddResponse resp;
    auto s = caller_.Call("Add", [&](ClientContext* c) { return stub_->Add(c, req, &resp); });
    if (!s.ok()) return s;
    return FromWire(resp.result());
  }

  sdk::Status Del(const sdk::NetworkAttachment& attachment) noexcept override {
    netv1::DelRequest req;
    ToWire(attachment, req.mutable_invocation());
    netv1::DelResponse resp;
    return caller_.Call("Del", [&](ClientContext* c) { return stub_->Del(c, req, &resp); });
  }

  sdk::Status Check(const sdk::NetworkAttachment& attachment) noexcept override {
    netv1::CheckRequest req;
    ToWire(attachment, req.mutable_invocation());
    netv1::CheckResponse resp;
    return caller_.Call("Check", [&](ClientContext* c) { return stub_->Check(c, req, &resp); });
  }

  sdk::Status GetStatus() noexcept override {
    netv1::StatusRequest req;
    netv1::StatusResponse resp;
    auto s = caller_.Call("Status", [&](ClientContext* c) { return stub_->Status(c, req, &resp); });
    if (!s.ok()) return s;
    if (!resp.ready()) {
      return sdk::Status::Unavailable("network plugin '" + caller_.options().plugin_name +
                                      "' not ready: " + resp.message());
    }
    return sdk::Status::Ok();
  }

  sdk::Status GC(const std::vector<sdk::AttachmentKey>& valid_attachments) noexcept override {
    netv1::GCRequest req;
    ToWire(valid_attachments, &req);
    netv1::GCResponse resp;
    return caller_.Call("GC", [&](ClientContext* c) { return stub_->GC(c, req, &resp); });
  }

  sdk::Result<sdk::NetworkVersionInfo> Version() noexcept override {
    netv1::VersionRequest req;
    netv1::VersionResponse resp;
    auto s =
        caller_.Call("Version", [&](ClientContext* c) { return stub_->Version(c, req, &resp); });
    if (!s.ok()) return s;
    return FromWire(resp);
  }

 private:
  GrpcCaller caller_;
  std::unique_ptr<netv1::Network::Stub> stub_;
};

}  // namespace

std::unique_ptr<sdk::NetworkPlugin> NewGrpcNetworkClient(const GrpcClientOptions& options) {
  return std::make_unique<GrpcNetworkClient>(options);
}

}  // namespace skiff::pluginhost
