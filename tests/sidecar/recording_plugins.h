#pragma once

// Plugins for the round-trip tests: each remembers the arguments of its last call and answers
// with the sample values (sample_values.h), or with `fail_with` when that is set. `on_call`, if
// set, runs at the start of every call (the deadline tests make it block).

#include <skiff/sdk/network.h>
#include <skiff/sdk/runtime.h>
#include <skiff/sdk/storage.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace skiff::sidecar_test {

// What every recording plugin shares: the failure switch, the hook and the last call's name.
class Recorder {
 public:
  std::optional<sdk::Status> fail_with;
  std::function<void(const std::string& op)> on_call;

  std::string last_op() {
    std::lock_guard lock(mu_);
    return last_op_;
  }

 protected:
  // Records the call; returns the failure to answer with, if any.
  std::optional<sdk::Status> Enter(const std::string& op) {
    {
      std::lock_guard lock(mu_);
      last_op_ = op;
    }
    if (on_call) on_call(op);
    return fail_with;
  }

 private:
  std::mutex mu_;
  std::string last_op_;
};

class RecordingRuntime final : public sdk::RuntimeService, public Recorder {
 public:
  // Last arguments received.
  std::string api_version, runtime_handler, id;
  sdk::PodSandboxConfig sandbox_config;
  sdk::PodSandboxFilter sandbox_filter;
  sdk::ContainerConfig container_config;
  sdk::ContainerFilter container_filter;
  std::chrono::seconds timeout{-1};
  std::vector<std::string> cmd;
  sdk::ImageSpec image;
  sdk::AuthConfig auth;
  sdk::ImageFilter image_filter;
  bool image_known = true;  // ImageStatus answers "no such image" when false
  sdk::ExecRequest exec_request;
  bool streams = true;  // Exec keeps the SDK default (Unimplemented) when false

  sdk::Result<sdk::VersionInfo> Version(const std::string& api_version) noexcept override;
  sdk::Result<sdk::RuntimeStatus> GetStatus() noexcept override;
  sdk::Result<std::string> RunPodSandbox(const sdk::PodSandboxConfig& config,
                                         const std::string& runtime_handler) noexcept override;
  sdk::Status StopPodSandbox(const std::string& pod_sandbox_id) noexcept override;
  sdk::Status RemovePodSandbox(const std::string& pod_sandbox_id) noexcept override;
  sdk::Result<sdk::PodSandboxStatus> GetPodSandboxStatus(
      const std::string& pod_sandbox_id) noexcept override;
  sdk::Result<std::vector<sdk::PodSandbox>> ListPodSandbox(
      const sdk::PodSandboxFilter& filter) noexcept override;
  sdk::Result<std::string> CreateContainer(
      const std::string& pod_sandbox_id, const sdk::ContainerConfig& config,
      const sdk::PodSandboxConfig& sandbox_config) noexcept override;
  sdk::Status StartContainer(const std::string& container_id) noexcept override;
  sdk::Status StopContainer(const std::string& container_id,
                            std::chrono::seconds timeout) noexcept override;
  sdk::Status RemoveContainer(const std::string& container_id) noexcept override;
  sdk::Result<std::vector<sdk::Container>> ListContainers(
      const sdk::ContainerFilter& filter) noexcept override;
  sdk::Result<sdk::ContainerStatus> GetContainerStatus(
      const std::string& container_id) noexcept override;
  sdk::Result<sdk::ExecSyncResult> ExecSync(const std::string& container_id,
                                            const std::vector<std::string>& cmd,
                                            std::chrono::seconds timeout) noexcept override;
  sdk::Result<std::string> Exec(const sdk::ExecRequest& request) noexcept override;
  sdk::Result<std::string> PullImage(const sdk::ImageSpec& image, const sdk::AuthConfig& auth,
                                     const sdk::PodSandboxConfig& sandbox_config) noexcept override;
  sdk::Result<std::optional<sdk::Image>> ImageStatus(const sdk::ImageSpec& image) noexcept override;
  sdk::Result<std::vector<sdk::Image>> ListImages(const sdk::ImageFilter& filter) noexcept override;
  sdk::Status RemoveImage(const sdk::ImageSpec& image) noexcept override;
};

class RecordingStorage final : public sdk::StoragePlugin, public Recorder {
 public:
  std::string volume_id;
  sdk::CreateVolumeRequest create;
  sdk::ListVolumesRequest list;
  sdk::GetCapacityRequest capacity;
  sdk::ValidateVolumeCapabilitiesRequest validate;
  sdk::NodeStageVolumeRequest stage;
  sdk::NodeUnstageVolumeRequest unstage;
  sdk::NodePublishVolumeRequest publish;
  sdk::NodeUnpublishVolumeRequest unpublish;
  sdk::NodeGetVolumeStatsRequest stats;
  bool ready = true;
  bool confirm = true;

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
};

class RecordingNetwork final : public sdk::NetworkPlugin, public Recorder {
 public:
  sdk::NetworkAttachment attachment;
  std::vector<sdk::AttachmentKey> valid_attachments;
  sdk::Status status;  // what GetStatus answers

  sdk::Result<sdk::NetworkResult> Add(const sdk::NetworkAttachment& attachment) noexcept override;
  sdk::Status Del(const sdk::NetworkAttachment& attachment) noexcept override;
  sdk::Status Check(const sdk::NetworkAttachment& attachment) noexcept override;
  sdk::Status GetStatus() noexcept override;
  sdk::Status GC(const std::vector<sdk::AttachmentKey>& valid_attachments) noexcept override;
  sdk::Result<sdk::NetworkVersionInfo> Version() noexcept override;
};

}  // namespace skiff::sidecar_test
