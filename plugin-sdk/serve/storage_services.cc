// csi.v1 Identity, Controller and Node over an sdk::StoragePlugin.

#include "csi/v1/csi.grpc.pb.h"
#include "plugin-sdk/serve/grpc_services.h"
#include "plugin-sdk/serve/reply.h"
#include "plugin-sdk/serve/wire/storage_wire.h"

namespace skiff::serve {
namespace {

namespace csi = ::csi::v1;
using grpc::ServerContext;
using wire::FromWire;
using wire::ToWire;

class IdentityImpl final : public csi::Identity::Service {
 public:
  explicit IdentityImpl(std::shared_ptr<sdk::StoragePlugin> p) : plugin_(std::move(p)) {}

  grpc::Status GetPluginInfo(ServerContext*, const csi::GetPluginInfoRequest*,
                             csi::GetPluginInfoResponse* resp) override {
    return Reply(plugin_->GetPluginInfo(), [&](auto info) { ToWire(info, resp); });
  }

  grpc::Status GetPluginCapabilities(ServerContext*, const csi::GetPluginCapabilitiesRequest*,
                                     csi::GetPluginCapabilitiesResponse* resp) override {
    return Reply(plugin_->GetPluginCapabilities(), [&](auto caps) { ToWire(caps, resp); });
  }

  grpc::Status Probe(ServerContext*, const csi::ProbeRequest*, csi::ProbeResponse* resp) override {
    return Reply(plugin_->Probe(), [&](bool ready) { ToWire(ready, resp); });
  }

 private:
  std::shared_ptr<sdk::StoragePlugin> plugin_;
};

class ControllerImpl final : public csi::Controller::Service {
 public:
  explicit ControllerImpl(std::shared_ptr<sdk::StoragePlugin> p) : plugin_(std::move(p)) {}

  grpc::Status CreateVolume(ServerContext*, const csi::CreateVolumeRequest* req,
                            csi::CreateVolumeResponse* resp) override {
    return Reply(plugin_->CreateVolume(FromWire(*req)),
                 [&](auto v) { ToWire(v, resp->mutable_volume()); });
  }

  grpc::Status DeleteVolume(ServerContext*, const csi::DeleteVolumeRequest* req,
                            csi::DeleteVolumeResponse*) override {
    return Reply(plugin_->DeleteVolume(req->volume_id()));
  }

  grpc::Status ValidateVolumeCapabilities(ServerContext*,
                                          const csi::ValidateVolumeCapabilitiesRequest* req,
                                          csi::ValidateVolumeCapabilitiesResponse* resp) override {
    return Reply(plugin_->ValidateVolumeCapabilities(FromWire(*req)),
                 [&](auto r) { ToWire(r, *req, resp); });
  }

  grpc::Status ListVolumes(ServerContext*, const csi::ListVolumesRequest* req,
                           csi::ListVolumesResponse* resp) override {
    return Reply(plugin_->ListVolumes(FromWire(*req)), [&](auto r) { ToWire(r, resp); });
  }

  grpc::Status GetCapacity(ServerContext*, const csi::GetCapacityRequest* req,
                           csi::GetCapacityResponse* resp) override {
    return Reply(plugin_->GetCapacity(FromWire(*req)), [&](auto c) { ToWire(c, resp); });
  }

  grpc::Status ControllerGetCapabilities(ServerContext*,
                                         const csi::ControllerGetCapabilitiesRequest*,
                                         csi::ControllerGetCapabilitiesResponse* resp) override {
    return Reply(plugin_->ControllerGetCapabilities(), [&](auto caps) { ToWire(caps, resp); });
  }

 private:
  std::shared_ptr<sdk::StoragePlugin> plugin_;
};

class NodeImpl final : public csi::Node::Service {
 public:
  explicit NodeImpl(std::shared_ptr<sdk::StoragePlugin> p) : plugin_(std::move(p)) {}

  grpc::Status NodeStageVolume(ServerContext*, const csi::NodeStageVolumeRequest* req,
                               csi::NodeStageVolumeResponse*) override {
    return Reply(plugin_->NodeStageVolume(FromWire(*req)));
  }

  grpc::Status NodeUnstageVolume(ServerContext*, const csi::NodeUnstageVolumeRequest* req,
                                 csi::NodeUnstageVolumeResponse*) override {
    return Reply(plugin_->NodeUnstageVolume(FromWire(*req)));
  }

  grpc::Status NodePublishVolume(ServerContext*, const csi::NodePublishVolumeRequest* req,
                                 csi::NodePublishVolumeResponse*) override {
    return Reply(plugin_->NodePublishVolume(FromWire(*req)));
  }

  grpc::Status NodeUnpublishVolume(ServerContext*, const csi::NodeUnpublishVolumeRequest* req,
                                   csi::NodeUnpublishVolumeResponse*) override {
    return Reply(plugin_->NodeUnpublishVolume(FromWire(*req)));
  }

  grpc::Status NodeGetVolumeStats(ServerContext*, const csi::NodeGetVolumeStatsRequest* req,
                                  csi::NodeGetVolumeStatsResponse* resp) override {
    return Reply(plugin_->NodeGetVolumeStats(FromWire(*req)), [&](auto s) { ToWire(s, resp); });
  }

  grpc::Status NodeGetCapabilities(ServerContext*, const csi::NodeGetCapabilitiesRequest*,
                                   csi::NodeGetCapabilitiesResponse* resp) override {
    return Reply(plugin_->NodeGetCapabilities(), [&](auto caps) { ToWire(caps, resp); });
  }

  grpc::Status NodeGetInfo(ServerContext*, const csi::NodeGetInfoRequest*,
                           csi::NodeGetInfoResponse* resp) override {
    return Reply(plugin_->NodeGetInfo(), [&](auto info) { ToWire(info, resp); });
  }

 private:
  std::shared_ptr<sdk::StoragePlugin> plugin_;
};

}  // namespace

Services MakeStorageServices(std::shared_ptr<sdk::StoragePlugin> storage) {
  Services services;
  services.push_back(std::make_unique<IdentityImpl>(storage));
  services.push_back(std::make_unique<ControllerImpl>(storage));
  services.push_back(std::make_unique<NodeImpl>(std::move(storage)));
  return services;
}

}  // namespace skiff::serve
