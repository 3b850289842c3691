#pragma once

// Plain structs for the storage (CSI csi.v1) shapes. Field names follow the CSI spec in
// snake_case; a oneof becomes optionals of which exactly one is set.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace skiff::sdk {

using StringMap = std::map<std::string, std::string>;

// ---- Identity ----

struct PluginInfo {
  std::string name;  // reverse domain, e.g. "hostpath.csi.skiff.dev"
  std::string vendor_version;
  StringMap manifest;
};

enum class PluginCapability {
  kControllerService = 1,
  kVolumeAccessibilityConstraints = 2,
  kOnlineVolumeExpansion = 3,
  kOfflineVolumeExpansion = 4,
};

// ---- Volumes ----

struct BlockVolume {};

struct MountVolume {
  std::string fs_type;  // "" = the plugin's default
  std::vector<std::string> mount_flags;
  std::string volume_mount_group;
};

enum class AccessMode {
  kUnknown = 0,
  kSingleNodeWriter = 1,
  kSingleNodeReaderOnly = 2,
  kMultiNodeReaderOnly = 3,
  kMultiNodeSingleWriter = 4,
  kMultiNodeMultiWriter = 5,
  kSingleNodeSingleWriter = 6,
  kSingleNodeMultiWriter = 7,
};

struct VolumeCapability {
  std::optional<BlockVolume> block;  // access_type oneof: block ...
  std::optional<MountVolume> mount;  // ... or mount
  AccessMode access_mode = AccessMode::kUnknown;
};

struct CapacityRange {
  int64_t required_bytes = 0;  // 0 = no minimum
  int64_t limit_bytes = 0;     // 0 = no maximum
};

struct Topology {
  StringMap segments;
};

struct CreateVolumeRequest {
  std::string name;  // the idempotency key
  std::optional<CapacityRange> capacity_range;
  std::vector<VolumeCapability> volume_capabilities;
  StringMap parameters;
  StringMap secrets;
};

struct Volume {
  int64_t capacity_bytes = 0;  // 0 = unknown
  std::string volume_id;
  StringMap volume_context;
  std::vector<Topology> accessible_topology;
};

struct ListVolumesRequest {
  int32_t max_entries = 0;  // 0 = no limit
  std::string starting_token;
};

struct ListVolumesResponse {
  std::vector<Volume> entries;
  std::string next_token;  // "" = no more
};

struct GetCapacityRequest {
  std::vector<VolumeCapability> volume_capabilities;
  StringMap parameters;
  std::optional<Topology> accessible_topology;
};

struct Capacity {
  int64_t available_capacity = 0;
  std::optional<int64_t> maximum_volume_size;
  std::optional<int64_t> minimum_volume_size;
};

struct ValidateVolumeCapabilitiesRequest {
  std::string volume_id;
  StringMap volume_context;
  std::vector<VolumeCapability> volume_capabilities;
  StringMap parameters;
};

struct ValidateVolumeCapabilitiesResponse {
  bool confirmed = false;  // true = every requested capability is supported
  std::string message;     // why not, when unconfirmed
};

enum class ControllerCapability {
  kCreateDeleteVolume = 1,
  kPublishUnpublishVolume = 2,
  kListVolumes = 3,
  kGetCapacity = 4,
  kCreateDeleteSnapshot = 5,
  kListSnapshots = 6,
  kCloneVolume = 7,
  kPublishReadonly = 8,
  kExpandVolume = 9,
  kListVolumesPublishedNodes = 10,
  kVolumeCondition = 11,
  kGetVolume = 12,
  kSingleNodeMultiWriter = 13,
};

// ---- Node ----

struct NodeStageVolumeRequest {
  std::string volume_id;
  StringMap publish_context;
  std::string staging_target_path;
  std::optional<VolumeCapability> volume_capability;
  StringMap secrets;
  StringMap volume_context;
};

struct NodeUnstageVolumeRequest {
  std::string volume_id;
  std::string staging_target_path;
};

struct NodePublishVolumeRequest {
  std::string volume_id;
  StringMap publish_context;
  std::string staging_target_path;  // set when the plugin has kStageUnstageVolume
  std::string target_path;
  std::optional<VolumeCapability> volume_capability;
  bool readonly = false;
  StringMap secrets;
  StringMap volume_context;
};

struct NodeUnpublishVolumeRequest {
  std::string volume_id;
  std::string target_path;
};

enum class NodeCapability {
  kStageUnstageVolume = 1,
  kGetVolumeStats = 2,
  kExpandVolume = 3,
  kVolumeCondition = 4,
  kSingleNodeMultiWriter = 5,
  kVolumeMountGroup = 6,
};

struct NodeInfo {
  std::string node_id;
  int64_t max_volumes_per_node = 0;  // 0 = no limit
  std::optional<Topology> accessible_topology;
};

struct NodeGetVolumeStatsRequest {
  std::string volume_id;
  std::string volume_path;
  std::string staging_target_path;
};

enum class VolumeUsageUnit { kUnknown = 0, kBytes = 1, kInodes = 2 };

struct VolumeUsage {
  int64_t available = 0;
  int64_t total = 0;
  int64_t used = 0;
  VolumeUsageUnit unit = VolumeUsageUnit::kUnknown;
};

struct VolumeCondition {
  bool abnormal = false;
  std::string message;
};

struct VolumeStats {
  std::vector<VolumeUsage> usage;
  std::optional<VolumeCondition> volume_condition;
};

}  // namespace skiff::sdk
