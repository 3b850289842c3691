#pragma once

// A CSI driver whose volumes are directories under `root/volumes/`: CreateVolume makes the
// directory against a capacity budget, NodePublishVolume bind-mounts it on the target path
// (read-only when asked). Single node: multi-node access modes and block volumes are
// unsupported. State lives in root/volumes.json and survives restarts. Thread-safe (one mutex,
// held across mounts so publishes of one target never race).

#include <skiff/sdk/storage.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "plugins/hostpath-csi/hostpath_config.h"
#include "plugins/hostpath-csi/volume_catalog.h"

namespace skiff::hostpath {

inline constexpr char kDriverName[] = "hostpath.csi.skiff.dev";

class HostpathPlugin final : public sdk::StoragePlugin {
 public:
  HostpathPlugin(HostpathConfig config, VolumeCatalog catalog);

  sdk::Result<sdk::PluginInfo> GetPluginInfo() noexcept override;
  sdk::Result<std::vector<sdk::PluginCapability>> GetPluginCapabilities() noexcept override;
  sdk::Result<bool> Probe() noexcept override;

  sdk::Result<sdk::Volume> CreateVolume(const sdk::CreateVolumeRequest& request) noexcept override;
  sdk::Status DeleteVolume(const std::string& volume_id) noexcept override;
  sdk::Result<sdk::ListVolumesResponse> ListVolumes(
      const sdk::ListVolumesRequest& request) noexcept override;
  sdk::Result<sdk::Capacity> GetCapacity(const sdk::GetCapacityRequest& request) noexcept override;
  sdk::Result<sdk::ValidateVolumeCapabilitiesResponse> ValidateVolumeCapabilities(
      const sdk::ValidateVolumeCapabilitiesRequest& request) noexcept override;
  sdk::Result<std::vector<sdk::ControllerCapability>> ControllerGetCapabilities() noexcept override;

  sdk::Status NodeStageVolume(const sdk::NodeStageVolumeRequest& request) noexcept override;
  sdk::Status NodeUnstageVolume(const sdk::NodeUnstageVolumeRequest& request) noexcept override;
  sdk::Status NodePublishVolume(const sdk::NodePublishVolumeRequest& request) noexcept override;
  sdk::Status NodeUnpublishVolume(const sdk::NodeUnpublishVolumeRequest& request) noexcept override;
  sdk::Result<std::vector<sdk::NodeCapability>> NodeGetCapabilities() noexcept override;
  sdk::Result<sdk::NodeInfo> NodeGetInfo() noexcept override;
  sdk::Result<sdk::VolumeStats> NodeGetVolumeStats(
      const sdk::NodeGetVolumeStatsRequest& request) noexcept override;

 private:
  std::string VolumePath(const std::string& volume_id) const;
  // Bytes still free to provision: the budget left, or the filesystem's free space.
  int64_t AvailableLocked() const;

  const HostpathConfig config_;
  std::mutex mu_;
  VolumeCatalog catalog_;
};

// The plugin factory: parses `config_json`, creates root/volumes and loads the catalog.
sdk::Result<std::unique_ptr<sdk::StoragePlugin>> NewHostpathPlugin(const std::string& config_json);

}  // namespace skiff::hostpath
