#pragma once

#include <skiff/sdk/status.h>
#include <skiff/sdk/storage_types.h>

#include <string>
#include <vector>

namespace skiff::sdk {

// A volume driver, shaped like the CSI Identity, Controller and Node services in one class.
// Ownership: the host owns the instance; arguments are borrowed for the call only.
// Thread-safety: the host calls every method concurrently, so implementations must be
// thread-safe. No method throws (an escaping exception terminates). Error codes follow the
// CSI spec: a missing required field is InvalidArgument, an unknown volume NotFound, a name
// reused with an incompatible size AlreadyExists; Delete/Unpublish/Unstage are idempotent.
class StoragePlugin {
 public:
  virtual ~StoragePlugin() = default;

  // Identity.
  virtual Result<PluginInfo> GetPluginInfo() noexcept = 0;
  virtual Result<std::vector<PluginCapability>> GetPluginCapabilities() noexcept = 0;
  // True when ready to serve.
  virtual Result<bool> Probe() noexcept = 0;

  // Controller.
  virtual Result<Volume> CreateVolume(const CreateVolumeRequest& request) noexcept = 0;
  virtual Status DeleteVolume(const std::string& volume_id) noexcept = 0;
  virtual Result<ListVolumesResponse> ListVolumes(const ListVolumesRequest& request) noexcept = 0;
  virtual Result<Capacity> GetCapacity(const GetCapacityRequest& request) noexcept = 0;
  virtual Result<ValidateVolumeCapabilitiesResponse> ValidateVolumeCapabilities(
      const ValidateVolumeCapabilitiesRequest& request) noexcept = 0;
  virtual Result<std::vector<ControllerCapability>> ControllerGetCapabilities() noexcept = 0;

  // Node.
  virtual Status NodeStageVolume(const NodeStageVolumeRequest& request) noexcept = 0;
  virtual Status NodeUnstageVolume(const NodeUnstageVolumeRequest& request) noexcept = 0;
  virtual Status NodePublishVolume(const NodePublishVolumeRequest& request) noexcept = 0;
  virtual Status NodeUnpublishVolume(const NodeUnpublishVolumeRequest& request) noexcept = 0;
  virtual Result<std::vector<NodeCapability>> NodeGetCapabilities() noexcept = 0;
  virtual Result<NodeInfo> NodeGetInfo() noexcept = 0;
  virtual Result<VolumeStats> NodeGetVolumeStats(
      const NodeGetVolumeStatsRequest& request) noexcept = 0;
};

}  // namespace skiff::sdk
