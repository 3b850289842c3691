#include "core/pluginhost/bounded_plugins.h"

#include <type_traits>

#include "core/pluginhost/bounded_call.h"

namespace skiff::pluginhost {
namespace {

using std::chrono::milliseconds;

// What the three wrappers share: the plugin and the caller. Arguments are copied into each
// call's closure, since the call may outlive the caller's references.
template <typename Plugin>
class Bounded {
 protected:
  Bounded(std::shared_ptr<Plugin> plugin, const char* kind, BoundOptions options)
      : plugin_(std::move(plugin)),
        caller_(BoundedCallerOptions{kind, std::move(options.plugin_name), options.timeouts,
                                     options.max_stuck_calls}) {}

  // Runs fn(plugin) with a deadline of `timeout`.
  template <typename Fn>
  auto Run(std::string_view op, milliseconds timeout, Fn fn) {
    using R = std::invoke_result_t<Fn&, Plugin&>;
    return caller_.Call<R>(
        op, timeout, [plugin = plugin_, fn = std::move(fn)]() mutable { return fn(*plugin); });
  }
  template <typename Fn>
  auto Run(std::string_view op, Fn fn) {
    return Run(op, caller_.timeouts().call_timeout, std::move(fn));
  }

  const CallTimeouts& timeouts() const { return caller_.timeouts(); }

 private:
  std::shared_ptr<Plugin> plugin_;
  BoundedCaller caller_;
};

// Operation names as on the gRPC path (the CRI/CSI method names), so messages match.
class BoundedRuntime final : public sdk::RuntimeService, Bounded<sdk::RuntimeService> {
 public:
  BoundedRuntime(std::shared_ptr<sdk::RuntimeService> plugin, BoundOptions options)
      : Bounded(std::move(plugin), "runtime", std::move(options)) {}

  sdk::Result<sdk::VersionInfo> Version(const std::string& api_version) noexcept override {
    return Run("Version", [api_version](auto& p) { return p.Version(api_version); });
  }
  sdk::Result<sdk::RuntimeStatus> GetStatus() noexcept override {
    return Run("Status", [](auto& p) { return p.GetStatus(); });
  }
  sdk::Result<std::string> RunPodSandbox(const sdk::PodSandboxConfig& config,
                                         const std::string& runtime_handler) noexcept override {
    return Run("RunPodSandbox", [config, runtime_handler](auto& p) {
      return p.RunPodSandbox(config, runtime_handler);
    });
  }
  sdk::Status StopPodSandbox(const std::string& id) noexcept override {
    return Run("StopPodSandbox", [id](auto& p) { return p.StopPodSandbox(id); });
  }
  sdk::Status RemovePodSandbox(const std::string& id) noexcept override {
    return Run("RemovePodSandbox", [id](auto& p) { return p.RemovePodSandbox(id); });
  }
  sdk::Result<sdk::PodSandboxStatus> GetPodSandboxStatus(const std::string& id) noexcept override {
    return Run("PodSandboxStatus", [id](auto& p) { return p.GetPodSandboxStatus(id); });
  }
  sdk::Result<std::vector<sdk::PodSandbox>> ListPodSandbox(
      const sdk::PodSandboxFilter& filter) noexcept override {
    return Run("ListPodSandbox", [filter](auto& p) { return p.ListPodSandbox(filter); });
  }
  sdk::Result<std::string> CreateContainer(
      const std::string& pod_sandbox_id, const sdk::ContainerConfig& config,
      const sdk::PodSandboxConfig& sandbox_config) noexcept override {
    return Run("CreateContainer", [pod_sandbox_id, config, sandbox_config](auto& p) {
      return p.CreateContainer(pod_sandbox_id, config, sandbox_config);
    });
  }
  sdk::Status StartContainer(const std::string& id) noexcept override {
    return Run("StartContainer", [id](auto& p) { return p.StartContainer(id); });
  }
  sdk::Status StopContainer(const std::string& id, std::chrono::seconds timeout) noexcept override {
    return Run("StopContainer", timeouts().StopContainer(timeout),
               [id, timeout](auto& p) { return p.StopContainer(id, timeout); });
  }
  sdk::Status RemoveContainer(const std::string& id) noexcept override {
    return Run("RemoveContainer", [id](auto& p) { return p.RemoveContainer(id); });
  }
  sdk::Result<std::vector<sdk::Container>> ListContainers(
      const sdk::ContainerFilter& filter) noexcept override {
    return Run("ListContainers", [filter](auto& p) { return p.ListContainers(filter); });
  }
  sdk::Result<sdk::ContainerStatus> GetContainerStatus(const std::string& id) noexcept override {
    return Run("ContainerStatus", [id](auto& p) { return p.GetContainerStatus(id); });
  }
  sdk::Result<sdk::ExecSyncResult> ExecSync(const std::string& id,
                                            const std::vector<std::string>& cmd,
                                            std::chrono::seconds timeout) noexcept override {
    return Run("ExecSync", timeouts().ExecSync(timeout),
               [id, cmd, timeout](auto& p) { return p.ExecSync(id, cmd, timeout); });
  }
  sdk::Result<std::string> Exec(const sdk::ExecRequest& request) noexcept override {
    return Run("Exec", [request](auto& p) { return p.Exec(request); });
  }
  sdk::Result<std::string> PullImage(
      const sdk::ImageSpec& image, const sdk::AuthConfig& auth,
      const sdk::PodSandboxConfig& sandbox_config) noexcept override {
    return Run("PullImage", timeouts().PullImage(), [image, auth, sandbox_config](auto& p) {
      return p.PullImage(image, auth, sandbox_config);
    });
  }
  sdk::Result<std::optional<sdk::Image>> ImageStatus(
      const sdk::ImageSpec& image) noexcept override {
    return Run("ImageStatus", [image](auto& p) { return p.ImageStatus(image); });
  }
  sdk::Result<std::vector<sdk::Image>> ListImages(
      const sdk::ImageFilter& filter) noexcept override {
    return Run("ListImages", [filter](auto& p) { return p.ListImages(filter); });
  }
  sdk::Status RemoveImage(const sdk::ImageSpec& image) noexcept override {
    return Run("RemoveImage", [image](auto& p) { return p.RemoveImage(image); });
  }
};

class BoundedNetwork final : public sdk::NetworkPlugin, Bounded<sdk::NetworkPlugin> {
 public:
  BoundedNetwork(std::shared_ptr<sdk::NetworkPlugin> plugin, BoundOptions options)
      : Bounded(std::move(plugin), "network", std::move(options)) {}

  sdk::Result<sdk::NetworkResult> Add(const sdk::NetworkAttachment& attachment) noexcept override {
    return Run("Add", [attachment](auto& p) { return p.Add(attachment); });
  }
  sdk::Status Del(const sdk::NetworkAttachment& attachment) noexcept override {
    return Run("Del", [attachment](auto& p) { return p.Del(attachment); });
  }
  sdk::Status Check(const sdk::NetworkAttachment& attachment) noexcept override {
    return Run("Check", [attachment](auto& p) { return p.Check(attachment); });
  }
  sdk::Status GetStatus() noexcept override {
    return Run("Status", [](auto& p) { return p.GetStatus(); });
  }
  sdk::Status GC(const std::vector<sdk::AttachmentKey>& valid_attachments) noexcept override {
    return Run("GC", [valid_attachments](auto& p) { return p.GC(valid_attachments); });
  }
  sdk::Result<sdk::NetworkVersionInfo> Version() noexcept override {
    return Run("Version", [](auto& p) { return p.Version(); });
  }
};

class BoundedStorage final : public sdk::StoragePlugin, Bounded<sdk::StoragePlugin> {
 public:
  BoundedStorage(std::shared_ptr<sdk::StoragePlugin> plugin, BoundOptions options)
      : Bounded(std::move(plugin), "storage", std::move(options)) {}

  sdk::Result<sdk::PluginInfo> GetPluginInfo() noexcept override {
    return Run("GetPluginInfo", [](auto& p) { return p.GetPluginInfo(); });
  }
  sdk::Result<std::vector<sdk::PluginCapability>> GetPluginCapabilities() noexcept override {
    return Run("GetPluginCapabilities", [](auto& p) { return p.GetPluginCapabilities(); });
  }
  sdk::Result<bool> Probe() noexcept override {
    return Run("Probe", [](auto& p) { return p.Probe(); });
  }
  sdk::Result<sdk::Volume> CreateVolume(const sdk::CreateVolumeRequest& request) noexcept override {
    return Run("CreateVolume", [request](auto& p) { return p.CreateVolume(request); });
  }
  sdk::Status DeleteVolume(const std::string& volume_id) noexcept override {
    return Run("DeleteVolume", [volume_id](auto& p) { return p.DeleteVolume(volume_id); });
  }
  sdk::Result<sdk::ListVolumesResponse> ListVolumes(
      const sdk::ListVolumesRequest& request) noexcept override {
    return Run("ListVolumes", [request](auto& p) { return p.ListVolumes(request); });
  }
  sdk::Result<sdk::Capacity> GetCapacity(const sdk::GetCapacityRequest& request) noexcept override {
    return Run("GetCapacity", [request](auto& p) { return p.GetCapacity(request); });
  }
  sdk::Result<sdk::ValidateVolumeCapabilitiesResponse> ValidateVolumeCapabilities(
      const sdk::ValidateVolumeCapabilitiesRequest& request) noexcept override {
    return Run("ValidateVolumeCapabilities",
               [request](auto& p) { return p.ValidateVolumeCapabilities(request); });
  }
  sdk::Result<std::vector<sdk::ControllerCapability>> ControllerGetCapabilities() noexcept
      override {
    return Run("ControllerGetCapabilities", [](auto& p) { return p.ControllerGetCapabilities(); });
  }
  sdk::Status NodeStageVolume(const sdk::NodeStageVolumeRequest& request) noexcept override {
    return Run("NodeStageVolume", [request](auto& p) { return p.NodeStageVolume(request); });
  }
  sdk::Status NodeUnstageVolume(const sdk::NodeUnstageVolumeRequest& request) noexcept override {
    return Run("NodeUnstageVolume", [request](auto& p) { return p.NodeUnstageVolume(request); });
  }
  sdk::Status NodePublishVolume(const sdk::NodePublishVolumeRequest& request) noexcept override {
    return Run("NodePublishVolume", [request](auto& p) { return p.NodePublishVolume(request); });
  }
  sdk::Status NodeUnpublishVolume(
      const sdk::NodeUnpublishVolumeRequest& request) noexcept override {
    return Run("NodeUnpublishVolume",
               [request](auto& p) { return p.NodeUnpublishVolume(request); });
  }
  sdk::Result<std::vector<sdk::NodeCapability>> NodeGetCapabilities() noexcept override {
    return Run("NodeGetCapabilities", [](auto& p) { return p.NodeGetCapabilities(); });
  }
  sdk::Result<sdk::NodeInfo> NodeGetInfo() noexcept override {
    return Run("NodeGetInfo", [](auto& p) { return p.NodeGetInfo(); });
  }
  sdk::Result<sdk::VolumeStats> NodeGetVolumeStats(
      const sdk::NodeGetVolumeStatsRequest& request) noexcept override {
    return Run("NodeGetVolumeStats", [request](auto& p) { return p.NodeGetVolumeStats(request); });
  }
};

}  // namespace

std::shared_ptr<sdk::RuntimeService> BoundPlugin(std::shared_ptr<sdk::RuntimeService> plugin,
                                                 BoundOptions options) {
  return std::make_shared<BoundedRuntime>(std::move(plugin), std::move(options));
}
std::shared_ptr<sdk::NetworkPlugin> BoundPlugin(std::shared_ptr<sdk::NetworkPlugin> plugin,
                                                BoundOptions options) {
  return std::make_shared<BoundedNetwork>(std::move(plugin), std::move(options));
}
std::shared_ptr<sdk::StoragePlugin> BoundPlugin(std::shared_ptr<sdk::StoragePlugin> plugin,
                                                BoundOptions options) {
  return std::make_shared<BoundedStorage>(std::move(plugin), std::move(options));
}

}  // namespace skiff::pluginhost
