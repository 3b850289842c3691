// sdk::StoragePlugin over CSI csi.v1: the Identity, Controller and Node services of one
// endpoint, as a CSI driver serves them.

#include "core/pluginhost/grpc_call.h"
#include "core/pluginhost/grpc_clients.h"
#include "csi/v1/csi.grpc.pb.h"
#include "plugin-sdk/serve/wire/storage_wire.h"

namespace skiff::pluginhost {
namespace {

namespace csi = ::csi::v1;
using grpc::ClientContext;
using wire::FromWire;
using wire::ToWire;

class GrpcStorageClient final : public sdk::StoragePlugin {
 public:
  explicit GrpcStorageClient(const GrpcClientOptions& options)
      : caller_("storage", options),
        identity_(csi::Identity::NewStub(caller_.channel())),
        controller_(csi::Controller::NewStub(caller_.channel())),
        node_(csi::Node::NewStub(caller_.channel())) {}

  sdk::Result<sdk::PluginInfo> GetPluginInfo() noexcept override {
    csi::GetPluginInfoRequest req;
    csi::GetPluginInfoResponse resp;
    auto s = caller_.Call(
        "GetPluginInfo", [&](ClientContext* c) { return identity_->GetPluginInfo(c, req, &resp); });
    if (!s.ok()) return s;
    return FromWire(resp);
  }

  sdk::Result<std::vector<sdk::PluginCapability>> GetPluginCapabilities() noexcept override {
    csi::GetPluginCapabilitiesRequest req;
    csi::GetPluginCapabilitiesResponse resp;
    auto s = caller_.Call("GetPluginCapabilities", [&](ClientContext* c) {
      return identity_->GetPluginCapabilities(c, req, &resp);
    });
    if (!s.ok()) return s;
    return FromWire(resp);
  }

  sdk::Result<bool> Probe() noexcept override {
    csi::ProbeRequest req;
    csi::ProbeResponse resp;
    auto s =
        caller_.Call("Probe", [&](ClientContext* c) { return identity_->Probe(c, req, &resp); });
    if (!s.ok()) return s;
    return FromWire(resp);
  }

  sdk::Result<sdk::Volume> CreateVolume(const sdk::CreateVolumeRequest& request) noexcept override {
    csi::CreateVolumeRequest req;
    ToWire(request, &req);
    csi::CreateVolumeResponse resp;
    auto s = caller_.Call(
        "CreateVolume", [&](ClientContext* c) { return controller_->CreateVolume(c, req, &resp); });
    if (!s.ok()) return s;
    return FromWire(resp.volume());
  }

  sdk::Status DeleteVolume(const std::string& volume_id) noexcept override {
    csi::DeleteVolumeRequest req;
    req.set_volume_id(volume_id);
    csi::DeleteVolumeResponse resp;
    return caller_.Call("DeleteVolume",
                        [&](ClientContext* c) { return controller_->DeleteVolume(c, req, &resp); });
  }

  sdk::Result<sdk::ListVolumesResponse> ListVolumes(
      const sdk::ListVolumesRequest& request) noexcept override {
    csi::ListVolumesRequest req;
    ToWire(request, &req);
    csi::ListVolumesResponse resp;
    auto s = caller_.Call(
        "ListVolumes", [&](ClientContext* c) { return controller_->ListVolumes(c, req, &resp); });
    if (!s.ok()) return s;
    return FromWire(resp);
  }

  sdk::Result<sdk::Capacity> GetCapacity(const sdk::GetCapacityRequest& request) noexcept override {
    csi::GetCapacityRequest req;
    ToWire(request, &req);
    csi::GetCapacityResponse resp;
    auto s = caller_.Call(
        "GetCapacity", [&](ClientContext* c) { return controller_->GetCapacity(c, req, &resp); });
    if (!s.ok()) return s;
    return FromWire(resp);
  }

  sdk::Result<sdk::ValidateVolumeCapabilitiesResponse> ValidateVolumeCapabilities(
      const sdk::ValidateVolumeCapabilitiesRequest& request) noexcept override {
    csi::ValidateVolumeCapabilitiesRequest req;
    ToWire(request, &req);
    csi::ValidateVolumeCapabilitiesResponse resp;
    auto s = caller_.Call("ValidateVolumeCapabilities", [&](ClientContext* c) {
      return controller_->ValidateVolumeCapabilities(c, req, &resp);
    });
    if (!s.ok()) return s;
    return FromWire(resp);
  }

  sdk::Result<std::vector<sdk::ControllerCapability>> ControllerGetCapabilities() noexcept
      override {
    csi::ControllerGetCapabilitiesRequest req;
    csi::ControllerGetCapabilitiesResponse resp;
    auto s = caller_.Call("ControllerGetCapabilities", [&](ClientContext* c) {
      return controller_->ControllerGetCapabilities(c, req, &resp);
    });
    if (!s.ok()) return s;
    return FromWire(resp);
  }

  sdk::Status NodeStageVolume(const sdk::NodeStageVolumeRequest& request) noexcept override {
    csi::NodeStageVolumeRequest req;
    ToWire(request, &req);
    csi::NodeStageVolumeResponse resp;
    return caller_.Call("NodeStageVolume",
                        [&](ClientContext* c) { return node_->NodeStageVolume(c, req, &resp); });
  }

  sdk::Status NodeUnstageVolume(const sdk::NodeUnstageVolumeRequest& request) noexcept override {
    csi::NodeUnstageVolumeRequest req;
    ToWire(request, &req);
    csi::NodeUnstageVolumeResponse resp;
    return caller_.Call("NodeUnstageVolume",
                        [&](ClientContext* c) { return node_->NodeUnstageVolume(c, req, &resp); });
  }

  sdk::Status NodePublishVolume(const sdk::NodePublishVolumeRequest& request) noexcept override {
    csi::NodePublishVolumeRequest req;
    ToWire(request, &req);
    csi::NodePublishVolumeResponse resp;
    return caller_.Call("NodePublishVolume",
                        [&](ClientContext* c) { return node_->NodePublishVolume(c, req, &resp); });
  }

  sdk::Status NodeUnpublishVolume(
      const sdk::NodeUnpublishVolumeRequest& request) noexcept override {
    csi::NodeUnpublishVolumeRequest req;
    ToWire(request, &req);
    csi::NodeUnpublishVolumeResponse resp;
    return caller_.Call("NodeUnpublishVolume", [&](ClientContext* c) {
      return node_->NodeUnpublishVolume(c, req, &resp);
    });
  }

  sdk::Result<std::vector<sdk::NodeCapability>> NodeGetCapabilities() noexcept override {
    csi::NodeGetCapabilitiesRequest req;
    csi::NodeGetCapabilitiesResponse resp;
    auto s = caller_.Call("NodeGetCapabilities", [&](ClientContext* c) {
      return node_->NodeGetCapabilities(c, req, &resp);
    });
    if (!s.ok()) return s;
    return FromWire(resp);
  }

  sdk::Result<sdk::NodeInfo> NodeGetInfo() noexcept override {
    csi::NodeGetInfoRequest req;
    csi::NodeGetInfoResponse resp;
    auto s = caller_.Call("NodeGetInfo",
                          [&](ClientContext* c) { return node_->NodeGetInfo(c, req, &resp); });
    if (!s.ok()) return s;
    return FromWire(resp);
  }

  sdk::Result<sdk::VolumeStats> NodeGetVolumeStats(
      const sdk::NodeGetVolumeStatsRequest& request) noexcept override {
    csi::NodeGetVolumeStatsRequest req;
    ToWire(request, &req);
    csi::NodeGetVolumeStatsResponse resp;
    auto s = caller_.Call("NodeGetVolumeStats", [&](ClientContext* c) {
      return node_->NodeGetVolumeStats(c, req, &resp);
    });
    if (!s.ok()) return s;
    return FromWire(resp);
  }

 private:
  GrpcCaller caller_;
  std::unique_ptr<csi::Identity::Stub> identity_;
  std::unique_ptr<csi::Controller::Stub> controller_;
  std::unique_ptr<csi::Node::Stub> node_;
};

}  // namespace

std::unique_ptr<sdk::StoragePlugin> NewGrpcStorageClient(const GrpcClientOptions& options) {
  return std::make_unique<GrpcStorageClient>(options);
}

}  // namespace skiff::pluginhost
