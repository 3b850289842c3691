#include "plugins/hostpath-csi/hostpath_plugin.h"

#include <skiff/sdk/mountinfo.h>
#include <spdlog/spdlog.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <random>

namespace skiff::hostpath {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kDefaultVolumeBytes = 1LL << 30;

std::string NewVolumeId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char id[40];
  std::snprintf(id, sizeof(id), "hp-%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return id;
}

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

// "" when supported, else why not.
std::string Unsupported(const sdk::VolumeCapability& capability) {
  if (capability.block) return "block volumes are not supported";
  if (!capability.mount) return "access_type (mount or block) is required";
  switch (capability.access_mode) {
    case sdk::AccessMode::kSingleNodeWriter:
    case sdk::AccessMode::kSingleNodeReaderOnly:
    case sdk::AccessMode::kSingleNodeSingleWriter:
    case sdk::AccessMode::kSingleNodeMultiWriter:
      return "";
    case sdk::AccessMode::kUnknown:
      return "access_mode is required";
    default:
      return "multi-node access modes are not supported by a node-local driver";
  }
}

std::string Unsupported(const std::vector<sdk::VolumeCapability>& capabilities) {
  for (const auto& capability : capabilities) {
    if (std::string why = Unsupported(capability); !why.empty()) return why;
  }
  return "";
}

bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa {};
  struct stat sb {};
  return stat(a.c_str(), &sa) == 0 && stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

}  // namespace

HostpathPlugin::HostpathPlugin(HostpathConfig config, VolumeCatalog catalog)
    : config_(std::move(config)), catalog_(std::move(catalog)) {}

std::string HostpathPlugin::VolumePath(const std::string& volume_id) const {
  return (fs::path(config_.root) / "volumes" / volume_id).string();
}

int64_t HostpathPlugin::AvailableLocked() const {
  if (config_.capacity_bytes > 0) {
    return std::max<int64_t>(0, config_.capacity_bytes - catalog_.allocated_bytes());
  }
  struct statvfs st {};
  if (statvfs(config_.root.c_str(), &st) != 0) return 0;
  return static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
}

// ---- Identity ----

sdk::Result<sdk::PluginInfo> HostpathPlugin::GetPluginInfo() noexcept {
  return sdk::PluginInfo{kDriverName, "0.1.0", {}};
}

sdk::Result<std::vector<sdk::PluginCapability>> HostpathPlugin::GetPluginCapabilities() noexcept {
  return std::vector<sdk::PluginCapability>{sdk::PluginCapability::kControllerService};
}

sdk::Result<bool> HostpathPlugin::Probe() noexcept {
  return access((fs::path(config_.root) / "volumes").c_str(), W_OK) == 0;
}

// ---- Controller ----

sdk::Result<sdk::Volume> HostpathPlugin::CreateVolume(
    const sdk::CreateVolumeRequest& request) noexcept {
  if (request.name.empty()) return sdk::Status::InvalidArgument("CreateVolume: name is required");
  if (request.volume_capabilities.empty()) {
    return sdk::Status::InvalidArgument("CreateVolume: volume_capabilities are required");
  }
  if (std::string why = Unsupported(request.volume_capabilities); !why.empty()) {
    return sdk::Status::InvalidArgument("CreateVolume: " + why);
  }
  sdk::CapacityRange range = request.capacity_range.value_or(sdk::CapacityRange{});
  if (range.required_bytes < 0 || range.limit_bytes < 0 ||
      (range.limit_bytes > 0 && range.required_bytes > range.limit_bytes)) {
    return sdk::Status::InvalidArgument("CreateVolume: capacity_range is inconsistent");
  }
  int64_t size = range.required_bytes > 0 ? range.required_bytes : kDefaultVolumeBytes;
  if (range.limit_bytes > 0) size = std::min(size, range.limit_bytes);

  std::lock_guard lock(mu_);
  if (const VolumeRecord* existing = catalog_.FindByName(request.name)) {
    bool fits = existing->capacity_bytes >= range.required_bytes &&
                (range.limit_bytes == 0 || existing->capacity_bytes <= range.limit_bytes);
    if (!fits) {
      return sdk::Status::AlreadyExists("volume \"" + request.name + "\" exists with " +
                                        std::to_string(existing->capacity_bytes) +
                                        " bytes, incompatible with the requested range");
    }
    return sdk::Volume{existing->capacity_bytes, existing->id, {}, {}};
  }
  if (int64_t available = AvailableLocked(); size > available) {
    return sdk::Status::ResourceExhausted("CreateVolume: " + std::to_string(size) +
                                          " bytes requested, " + std::to_string(available) +
                                          " available");
  }
  VolumeRecord record{NewVolumeId(), request.name, size, {}};
  std::error_code ec;
  fs::create_directories(VolumePath(record.id), ec);
  if (ec) return sdk::Status::Internal("create " + VolumePath(record.id) + ": " + ec.message());
  std::string id = record.id;
  if (sdk::Status st = catalog_.Put(std::move(record)); !st.ok()) {
    fs::remove_all(VolumePath(id), ec);
    return st;
  }
  return sdk::Volume{size, id, {}, {}};
}

sdk::Status HostpathPlugin::DeleteVolume(const std::string& volume_id) noexcept {
  if (volume_id.empty()) return sdk::Status::InvalidArgument("DeleteVolume: volume_id is required");
  std::lock_guard lock(mu_);
  const VolumeRecord* record = catalog_.FindById(volume_id);
  if (!record) return sdk::Status::Ok();
  if (!record->published.empty()) {
    return sdk::Status::FailedPrecondition("volume " + volume_id + " is still published at " +
                                           record->published.begin()->first);
  }
  std::error_code ec;
  fs::remove_all(VolumePath(volume_id), ec);
  if (ec) return sdk::Status::Internal("remove " + VolumePath(volume_id) + ": " + ec.message());
  return catalog_.Erase(volume_id);
}

sdk::Result<sdk::ListVolumesResponse> HostpathPlugin::ListVolumes(
    const sdk::ListVolumesRequest& request) noexcept {
  if (request.max_entries < 0) {
    return sdk::Status::InvalidArgument("ListVolumes: max_entries must not be negative");
  }
  size_t start = 0;
  const std::string& token = request.starting_token;
  if (!token.empty()) {
    auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), start);
    if (ec != std::errc() || end != token.data() + token.size()) {
      return sdk::Status::Aborted("ListVolumes: invalid starting_token \"" + token + "\"");
    }
  }
  std::lock_guard lock(mu_);
  const auto& volumes = catalog_.volumes();
  if (start > volumes.size()) {
    return sdk::Status::Aborted("ListVolumes: starting_token " + token + " is past the end");
  }
  sdk::ListVolumesResponse response;
  size_t index = 0;
  for (const auto& [id, record] : volumes) {
    if (index++ < start) continue;
    if (request.max_entries > 0 &&
        response.entries.size() == static_cast<size_t>(request.max_entries)) {
      response.next_token = std::to_string(index - 1);
      break;
    }
    response.entries.push_back(sdk::Volume{record.capacity_bytes, id, {}, {}});
  }
  return response;
}

sdk::Result<sdk::Capacity> HostpathPlugin::GetCapacity(
    const sdk::GetCapacityRequest& request) noexcept {
  sdk::Capacity capacity;
  if (!Unsupported(request.volume_capabilities).empty()) return capacity;  // spec: 0
  std::lock_guard lock(mu_);
  capacity.available_capacity = AvailableLocked();
  capacity.maximum_volume_size = capacity.available_capacity;
  return capacity;
}

sdk::Result<sdk::ValidateVolumeCapabilitiesResponse> HostpathPlugin::ValidateVolumeCapabilities(
    const sdk::ValidateVolumeCapabilitiesRequest& request) noexcept {
  if (request.volume_id.empty()) {
    return sdk::Status::InvalidArgument("ValidateVolumeCapabilities: volume_id is required");
  }
  if (request.volume_capabilities.empty()) {
    return sdk::Status::InvalidArgument(
        "ValidateVolumeCapabilities: volume_capabilities are required");
  }
  std::lock_guard lock(mu_);
  if (!catalog_.FindById(request.volume_id)) {
    return sdk::Status::NotFound("volume " + request.volume_id + " not found");
  }
  std::string why = Unsupported(request.volume_capabilities);
  return sdk::ValidateVolumeCapabilitiesResponse{why.empty(), why};
}

sdk::Result<std::vector<sdk::ControllerCapability>>
HostpathPlugin::ControllerGetCapabilities() noexcept {
  return std::vector<sdk::ControllerCapability>{sdk::ControllerCapability::kCreateDeleteVolume,
                                                sdk::ControllerCapability::kListVolumes,
                                                sdk::ControllerCapability::kGetCapacity};
}

// ---- Node ----

// Not advertised (no kStageUnstageVolume): a directory needs no staging. Validates and succeeds.
sdk::Status HostpathPlugin::NodeStageVolume(const sdk::NodeStageVolumeRequest& request) noexcept {
  if (request.volume_id.empty()) {
    return sdk::Status::InvalidArgument("NodeStageVolume: volume_id is required");
  }
  if (request.staging_target_path.empty()) {
    return sdk::Status::InvalidArgument("NodeStageVolume: staging_target_path is required");
  }
  if (!request.volume_capability) {
    return sdk::Status::InvalidArgument("NodeStageVolume: volume_capability is required");
  }
  std::lock_guard lock(mu_);
  if (!catalog_.FindById(request.volume_id)) (void)catalog_.Reload();  // provisioned elsewhere?
  if (!catalog_.FindById(request.volume_id)) {
    return sdk::Status::NotFound("volume " + request.volume_id + " not found");
  }
  return sdk::Status::Ok();
}

sdk::Status HostpathPlugin::NodeUnstageVolume(
    const sdk::NodeUnstageVolumeRequest& request) noexcept {
  if (request.volume_id.empty()) {
    return sdk::Status::InvalidArgument("NodeUnstageVolume: volume_id is required");
  }
  if (request.staging_target_path.empty()) {
    return sdk::Status::InvalidArgument("NodeUnstageVolume: staging_target_path is required");
  }
  return sdk::Status::Ok();
}

sdk::Status HostpathPlugin::NodePublishVolume(
    const sdk::NodePublishVolumeRequest& request) noexcept {
  if (request.volume_id.empty()) {
    return sdk::Status::InvalidArgument("NodePublishVolume: volume_id is required");
  }
  if (request.target_path.empty()) {
    return sdk::Status::InvalidArgument("NodePublishVolume: target_path is required");
  }
  if (!request.volume_capability) {
    return sdk::Status::InvalidArgument("NodePublishVolume: volume_capability is required");
  }
  if (std::string why = Unsupported(*request.volume_capability); !why.empty()) {
    return sdk::Status::InvalidArgument("NodePublishVolume: " + why);
  }
  const std::string& target = request.target_path;
  std::lock_guard lock(mu_);
  // The API server's provisioner may have created it in this root since the catalog was read.
  if (!catalog_.FindById(request.volume_id)) (void)catalog_.Reload();
  const VolumeRecord* record = catalog_.FindById(request.volume_id);
  if (!record) return sdk::Status::NotFound("volume " + request.volume_id + " not found");
  const std::string source = VolumePath(request.volume_id);

  auto mounted = sdk::FindMount(target);
  if (!mounted.ok()) return mounted.status();
  if (*mounted) {
    if (!SameFile(target, source)) {
      return sdk::Status::AlreadyExists("target " + target + " already has another mount");
    }
    if ((*mounted)->read_only() != request.readonly) {
      return sdk::Status::AlreadyExists("volume " + request.volume_id + " is published at " +
                                        target + " with a different readonly flag");
    }
    return sdk::Status::Ok();
  }
  std::error_code ec;
  fs::create_directories(target, ec);
  if (ec) return sdk::Status::Internal("create target " + target + ": " + ec.message());
  if (mount(source.c_str(), target.c_str(), nullptr, MS_BIND, nullptr) != 0) {
    return sdk::Status::Internal(Errno("bind " + source + " on " + target));
  }
  // A bind mount ignores MS_RDONLY on creation; read-only takes a remount.
  if (request.readonly &&
      mount(nullptr, target.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) != 0) {
    sdk::Status st = sdk::Status::Internal(Errno("remount " + target + " read-only"));
    umount2(target.c_str(), MNT_DETACH);
    return st;
  }
  VolumeRecord updated = *record;
  updated.published[target] = request.readonly;
  return catalog_.Put(std::move(updated));
}

sdk::Status HostpathPlugin::NodeUnpublishVolume(
    const sdk::NodeUnpublishVolumeRequest& request) noexcept {
  if (request.volume_id.empty()) {
    return sdk::Status::InvalidArgument("NodeUnpublishVolume: volume_id is required");
  }
  if (request.target_path.empty()) {
    return sdk::Status::InvalidArgument("NodeUnpublishVolume: target_path is required");
  }
  const std::string& target = request.target_path;
  std::lock_guard lock(mu_);
  auto mounted = sdk::FindMount(target);
  if (!mounted.ok()) return mounted.status();
  if (*mounted && umount2(target.c_str(), 0) != 0) {
    if (errno != EBUSY || umount2(target.c_str(), MNT_DETACH) != 0) {
      return sdk::Status::Internal(Errno("unmount " + target));
    }
  }
  if (rmdir(target.c_str()) != 0 && errno != ENOENT) {
    spdlog::warn("hostpath: {}", Errno("remove target " + target));
  }
  if (const VolumeRecord* record = catalog_.FindById(request.volume_id);
      record && record->published.contains(target)) {
    VolumeRecord updated = *record;
    updated.published.erase(target);
    return catalog_.Put(std::move(updated));
  }
  return sdk::Status::Ok();
}

sdk::Result<std::vector<sdk::NodeCapability>> HostpathPlugin::NodeGetCapabilities() noexcept {
  return std::vector<sdk::NodeCapability>{sdk::NodeCapability::kGetVolumeStats};
}

sdk::Result<sdk::NodeInfo> HostpathPlugin::NodeGetInfo() noexcept {
  return sdk::NodeInfo{config_.node_id, config_.max_volumes_per_node, std::nullopt};
}

sdk::Result<sdk::VolumeStats> HostpathPlugin::NodeGetVolumeStats(
    const sdk::NodeGetVolumeStatsRequest& request) noexcept {
  if (request.volume_id.empty()) {
    return sdk::Status::InvalidArgument("NodeGetVolumeStats: volume_id is required");
  }
  if (request.volume_path.empty()) {
    return sdk::Status::InvalidArgument("NodeGetVolumeStats: volume_path is required");
  }
  {
    std::lock_guard lock(mu_);
    if (!catalog_.FindById(request.volume_id)) {
      return sdk::Status::NotFound("volume " + request.volume_id + " not found");
    }
  }
  struct statvfs st {};
  if (statvfs(request.volume_path.c_str(), &st) != 0) {
    return sdk::Status::NotFound(Errno("stat volume path " + request.volume_path));
  }
  auto bytes = [&](uint64_t blocks) { return static_cast<int64_t>(blocks * st.f_frsize); };
  sdk::VolumeStats stats;
  stats.usage.push_back({bytes(st.f_bavail), bytes(st.f_blocks), bytes(st.f_blocks - st.f_bfree),
                         sdk::VolumeUsageUnit::kBytes});
  stats.usage.push_back({static_cast<int64_t>(st.f_favail), static_cast<int64_t>(st.f_files),
                         static_cast<int64_t>(st.f_files - st.f_ffree),
                         sdk::VolumeUsageUnit::kInodes});
  return stats;
}

sdk::Result<std::unique_ptr<sdk::StoragePlugin>> NewHostpathPlugin(const std::string& config_json) {
  auto config = ParseHostpathConfig(config_json);
  if (!config.ok()) return config.status();
  std::error_code ec;
  fs::create_directories(fs::path(config->root) / "volumes", ec);
  if (ec) {
    return sdk::Status::InvalidArgument("hostpath root " + config->root + ": " + ec.message());
  }
  auto catalog = VolumeCatalog::Open(fs::path(config->root) / "volumes.json");
  if (!catalog.ok()) return catalog.status();
  return std::unique_ptr<sdk::StoragePlugin>(
      std::make_unique<HostpathPlugin>(std::move(config).value(), std::move(catalog).value()));
}

}  // namespace skiff::hostpath
