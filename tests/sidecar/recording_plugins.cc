#include "tests/sidecar/recording_plugins.h"

#include "tests/sidecar/sample_values.h"

namespace skiff::sidecar_test {

#define SKIFF_ENTER(op)                    \
  if (auto failure = Enter(op); failure) { \
    return *failure;                       \
  }

// ---- Runtime ----

sdk::Result<sdk::VersionInfo> RecordingRuntime::Version(const std::string& v) noexcept {
  SKIFF_ENTER("Version");
  api_version = v;
  return SampleVersionInfo();
}

sdk::Result<sdk::RuntimeStatus> RecordingRuntime::GetStatus() noexcept {
  SKIFF_ENTER("Status");
  return SampleRuntimeStatus();
}

sdk::Result<std::string> RecordingRuntime::RunPodSandbox(const sdk::PodSandboxConfig& config,
                                                         const std::string& handler) noexcept {
  SKIFF_ENTER("RunPodSandbox");
  sandbox_config = config;
  runtime_handler = handler;
  return std::string("sandbox-1");
}

sdk::Status RecordingRuntime::StopPodSandbox(const std::string& s) noexcept {
  SKIFF_ENTER("StopPodSandbox");
  id = s;
  return sdk::Status::Ok();
}

sdk::Status RecordingRuntime::RemovePodSandbox(const std::string& s) noexcept {
  SKIFF_ENTER("RemovePodSandbox");
  id = s;
  return sdk::Status::Ok();
}

sdk::Result<sdk::PodSandboxStatus> RecordingRuntime::GetPodSandboxStatus(
    const std::string& s) noexcept {
  SKIFF_ENTER("PodSandboxStatus");
  id = s;
  return SamplePodSandboxStatus();
}

sdk::Result<std::vector<sdk::PodSandbox>> RecordingRuntime::ListPodSandbox(
    const sdk::PodSandboxFilter& filter) noexcept {
  SKIFF_ENTER("ListPodSandbox");
  sandbox_filter = filter;
  auto second = SamplePodSandbox();
  second.id = "sandbox-2";
  second.state = sdk::PodSandboxState::kNotReady;
  return std::vector<sdk::PodSandbox>{SamplePodSandbox(), second};
}

sdk::Result<std::string> RecordingRuntime::CreateContainer(
    const std::string& s, const sdk::ContainerConfig& config,
    const sdk::PodSandboxConfig& sandbox) noexcept {
  SKIFF_ENTER("CreateContainer");
  id = s;
  container_config = config;
  sandbox_config = sandbox;
  return std::string("container-1");
}

sdk::Status RecordingRuntime::StartContainer(const std::string& c) noexcept {
  SKIFF_ENTER("StartContainer");
  id = c;
  return sdk::Status::Ok();
}

sdk::Status RecordingRuntime::StopContainer(const std::string& c, std::chrono::seconds t) noexcept {
  SKIFF_ENTER("StopContainer");
  id = c;
  timeout = t;
  return sdk::Status::Ok();
}

sdk::Status RecordingRuntime::RemoveContainer(const std::string& c) noexcept {
  SKIFF_ENTER("RemoveContainer");
  id = c;
  return sdk::Status::Ok();
}

sdk::Result<std::vector<sdk::Container>> RecordingRuntime::ListContainers(
    const sdk::ContainerFilter& filter) noexcept {
  SKIFF_ENTER("ListContainers");
  container_filter = filter;
  return std::vector<sdk::Container>{SampleContainer()};
}

sdk::Result<sdk::ContainerStatus> RecordingRuntime::GetContainerStatus(
    const std::string& c) noexcept {
  SKIFF_ENTER("ContainerStatus");
  id = c;
  return SampleContainerStatus();
}

sdk::Result<sdk::ExecSyncResult> RecordingRuntime::ExecSync(const std::string& c,
                                                            const std::vector<std::string>& command,
                                                            std::chrono::seconds t) noexcept {
  SKIFF_ENTER("ExecSync");
  id = c;
  cmd = command;
  timeout = t;
  return SampleExecSyncResult();
}

sdk::Result<std::string> RecordingRuntime::Exec(const sdk::ExecRequest& r) noexcept {
  SKIFF_ENTER("Exec");
  exec_request = r;
  if (!streams) return RuntimeService::Exec(r);
  return std::string("http://127.0.0.1:10010/exec/token-1");
}

sdk::Result<std::string> RecordingRuntime::PullImage(const sdk::ImageSpec& i,
                                                     const sdk::AuthConfig& a,
                                                     const sdk::PodSandboxConfig& s) noexcept {
  SKIFF_ENTER("PullImage");
  image = i;
  auth = a;
  sandbox_config = s;
  return std::string("sha256:abc");
}

sdk::Result<std::optional<sdk::Image>> RecordingRuntime::ImageStatus(
    const sdk::ImageSpec& i) noexcept {
  SKIFF_ENTER("ImageStatus");
  image = i;
  if (!image_known) return std::optional<sdk::Image>();
  return std::optional<sdk::Image>(SampleImage());
}

sdk::Result<std::vector<sdk::Image>> RecordingRuntime::ListImages(
    const sdk::ImageFilter& filter) noexcept {
  SKIFF_ENTER("ListImages");
  image_filter = filter;
  auto no_uid = SampleImage();
  no_uid.id = "sha256:def";
  no_uid.uid.reset();
  return std::vector<sdk::Image>{SampleImage(), no_uid};
}

sdk::Status RecordingRuntime::RemoveImage(const sdk::ImageSpec& i) noexcept {
  SKIFF_ENTER("RemoveImage");
  image = i;
  return sdk::Status::Ok();
}

// ---- Storage ----

sdk::Result<sdk::PluginInfo> RecordingStorage::GetPluginInfo() noexcept {
  SKIFF_ENTER("GetPluginInfo");
  return sdk::PluginInfo{"recording.csi.skiff.dev", "0.1.0", {{"commit", "abc"}}};
}

sdk::Result<std::vector<sdk::PluginCapability>> RecordingStorage::GetPluginCapabilities() noexcept {
  SKIFF_ENTER("GetPluginCapabilities");
  return std::vector<sdk::PluginCapability>{sdk::PluginCapability::kControllerService,
                                            sdk::PluginCapability::kVolumeAccessibilityConstraints,
                                            sdk::PluginCapability::kOnlineVolumeExpansion,
                                            sdk::PluginCapability::kOfflineVolumeExpansion};
}

sdk::Result<bool> RecordingStorage::Probe() noexcept {
  SKIFF_ENTER("Probe");
  return ready;
}

sdk::Result<sdk::Volume> RecordingStorage::CreateVolume(
    const sdk::CreateVolumeRequest& request) noexcept {
  SKIFF_ENTER("CreateVolume");
  create = request;
  return SampleVolume();
}

sdk::Status RecordingStorage::DeleteVolume(const std::string& v) noexcept {
  SKIFF_ENTER("DeleteVolume");
  volume_id = v;
  return sdk::Status::Ok();
}

sdk::Result<sdk::ListVolumesResponse> RecordingStorage::ListVolumes(
    const sdk::ListVolumesRequest& request) noexcept {
  SKIFF_ENTER("ListVolumes");
  list = request;
  auto second = SampleVolume();
  second.volume_id = "vol-2";
  return sdk::ListVolumesResponse{{SampleVolume(), second}, "next-page"};
}

sdk::Result<sdk::Capacity> RecordingStorage::GetCapacity(
    const sdk::GetCapacityRequest& request) noexcept {
  SKIFF_ENTER("GetCapacity");
  capacity = request;
  return sdk::Capacity{1 << 30, int64_t{1} << 29, 4096};
}

sdk::Result<sdk::ValidateVolumeCapabilitiesResponse> RecordingStorage::ValidateVolumeCapabilities(
    const sdk::ValidateVolumeCapabilitiesRequest& request) noexcept {
  SKIFF_ENTER("ValidateVolumeCapabilities");
  validate = request;
  if (confirm) return sdk::ValidateVolumeCapabilitiesResponse{true, ""};
  return sdk::ValidateVolumeCapabilitiesResponse{false, "block volumes are not supported"};
}

sdk::Result<std::vector<sdk::ControllerCapability>>
RecordingStorage::ControllerGetCapabilities() noexcept {
  SKIFF_ENTER("ControllerGetCapabilities");
  return std::vector<sdk::ControllerCapability>{
      sdk::ControllerCapability::kCreateDeleteVolume, sdk::ControllerCapability::kListVolumes,
      sdk::ControllerCapability::kGetCapacity, sdk::ControllerCapability::kSingleNodeMultiWriter};
}

sdk::Status RecordingStorage::NodeStageVolume(const sdk::NodeStageVolumeRequest& r) noexcept {
  SKIFF_ENTER("NodeStageVolume");
  stage = r;
  return sdk::Status::Ok();
}

sdk::Status RecordingStorage::NodeUnstageVolume(const sdk::NodeUnstageVolumeRequest& r) noexcept {
  SKIFF_ENTER("NodeUnstageVolume");
  unstage = r;
  return sdk::Status::Ok();
}

sdk::Status RecordingStorage::NodePublishVolume(const sdk::NodePublishVolumeRequest& r) noexcept {
  SKIFF_ENTER("NodePublishVolume");
  publish = r;
  return sdk::Status::Ok();
}

sdk::Status RecordingStorage::NodeUnpublishVolume(
    const sdk::NodeUnpublishVolumeRequest& r) noexcept {
  SKIFF_ENTER("NodeUnpublishVolume");
  unpublish = r;
  return sdk::Status::Ok();
}

sdk::Result<std::vector<sdk::NodeCapability>> RecordingStorage::NodeGetCapabilities() noexcept {
  SKIFF_ENTER("NodeGetCapabilities");
  return std::vector<sdk::NodeCapability>{sdk::NodeCapability::kStageUnstageVolume,
                                          sdk::NodeCapability::kGetVolumeStats,
                                          sdk::NodeCapability::kVolumeMountGroup};
}

sdk::Result<sdk::NodeInfo> RecordingStorage::NodeGetInfo() noexcept {
  SKIFF_ENTER("NodeGetInfo");
  return sdk::NodeInfo{"node-1", 16, sdk::Topology{{{"zone", "a"}}}};
}

sdk::Result<sdk::VolumeStats> RecordingStorage::NodeGetVolumeStats(
    const sdk::NodeGetVolumeStatsRequest& r) noexcept {
  SKIFF_ENTER("NodeGetVolumeStats");
  stats = r;
  return SampleVolumeStats();
}

// ---- Network ----

sdk::Result<sdk::NetworkResult> RecordingNetwork::Add(const sdk::NetworkAttachment& a) noexcept {
  SKIFF_ENTER("Add");
  attachment = a;
  return SampleNetworkResult();
}

sdk::Status RecordingNetwork::Del(const sdk::NetworkAttachment& a) noexcept {
  SKIFF_ENTER("Del");
  attachment = a;
  return sdk::Status::Ok();
}

sdk::Status RecordingNetwork::Check(const sdk::NetworkAttachment& a) noexcept {
  SKIFF_ENTER("Check");
  attachment = a;
  return sdk::Status::Ok();
}

sdk::Status RecordingNetwork::GetStatus() noexcept {
  SKIFF_ENTER("Status");
  return status;
}

sdk::Status RecordingNetwork::GC(const std::vector<sdk::AttachmentKey>& valid) noexcept {
  SKIFF_ENTER("GC");
  valid_attachments = valid;
  return sdk::Status::Ok();
}

sdk::Result<sdk::NetworkVersionInfo> RecordingNetwork::Version() noexcept {
  SKIFF_ENTER("Version");
  return sdk::NetworkVersionInfo{"1.0.0", {"0.4.0", "1.0.0", "1.1.0"}};
}

#undef SKIFF_ENTER

}  // namespace skiff::sidecar_test
