#pragma once

// Test plugins whose chosen calls wait at a Gate until the test opens it, to play a plugin
// that hangs. Each call that passes records its argument after the wait, so a call that read
// a caller's argument by reference after the caller returned shows up under ASan.
// Thread-safe.

#include <skiff/sdk/network.h>
#include <skiff/sdk/runtime.h>
#include <skiff/sdk/storage.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace skiff::pluginhost::testing {

class Gate {
 public:
  explicit Gate(bool open = false) : open_(open) {}

  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  // Waits until open; counts the calls that entered and that passed, records `arg`.
  void Pass(const std::string& arg) {
    std::unique_lock lock(mu_);
    ++entered_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return open_; });
    passed_args_.push_back(arg);
    cv_.notify_all();
  }
  int entered() {
    std::lock_guard lock(mu_);
    return entered_;
  }
  // Waits until `n` calls have passed; false after `timeout`.
  bool WaitPassed(std::size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return passed_args_.size() >= n; });
  }
  std::vector<std::string> passed_args() {
    std::lock_guard lock(mu_);
    return passed_args_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_;
  int entered_ = 0;
  std::vector<std::string> passed_args_;
};

// Version, StartContainer and PullImage wait at `gate`; StopContainer sleeps for
// `stop_takes` (a runtime honouring its own stop timeout); the rest answer at once.
class GatedRuntime : public sdk::RuntimeService {
 public:
  explicit GatedRuntime(std::shared_ptr<Gate> gate) : gate_(std::move(gate)) {}
  std::chrono::milliseconds stop_takes{0};

  sdk::Result<sdk::VersionInfo> Version(const std::string& v) noexcept override {
    gate_->Pass(v);
    return sdk::VersionInfo{v, "gated", "1.0", "v1"};
  }
  sdk::Result<sdk::RuntimeStatus> GetStatus() noexcept override { return sdk::RuntimeStatus{}; }
  sdk::Result<std::string> RunPodSandbox(const sdk::PodSandboxConfig& c,
                                         const std::string&) noexcept override {
    return "sb-" + c.metadata.name;
  }
  sdk::Status StopPodSandbox(const std::string&) noexcept override { return {}; }
  sdk::Status RemovePodSandbox(const std::string&) noexcept override { return {}; }
  sdk::Result<sdk::PodSandboxStatus> GetPodSandboxStatus(const std::string& id) noexcept override {
    return sdk::Status::NotFound("sandbox " + id + " does not exist");
  }
  sdk::Result<std::vector<sdk::PodSandbox>> ListPodSandbox(
      const sdk::PodSandboxFilter&) noexcept override {
    return std::vector<sdk::PodSandbox>(3);
  }
  sdk::Result<std::string> CreateContainer(const std::string& sandbox,
                                           const sdk::ContainerConfig& c,
                                           const sdk::PodSandboxConfig&) noexcept override {
    return sandbox + "/" + c.metadata.name;
  }
  sdk::Status StartContainer(const std::string& id) noexcept override {
    gate_->Pass(id);
    return {};
  }
  sdk::Status StopContainer(const std::string&, std::chrono::seconds) noexcept override {
    std::this_thread::sleep_for(stop_takes);
    return {};
  }
  sdk::Status RemoveContainer(const std::string&) noexcept override { return {}; }
  sdk::Result<std::vector<sdk::Container>> ListContainers(
      const sdk::ContainerFilter&) noexcept override {
    return std::vector<sdk::Container>{};
  }
  sdk::Result<sdk::ContainerStatus> GetContainerStatus(const std::string&) noexcept override {
    return sdk::Status::Unimplemented("no status");
  }
  sdk::Result<sdk::ExecSyncResult> ExecSync(const std::string&, const std::vector<std::string>&,
                                            std::chrono::seconds) noexcept override {
    return sdk::Status::Unimplemented("no exec");
  }
  sdk::Result<std::string> PullImage(const sdk::ImageSpec& image, const sdk::AuthConfig&,
                                     const sdk::PodSandboxConfig&) noexcept override {
    gate_->Pass(image.image);
    return "sha256:" + image.image;
  }
  sdk::Result<std::optional<sdk::Image>> ImageStatus(const sdk::ImageSpec&) noexcept override {
    return std::optional<sdk::Image>();
  }
  sdk::Result<std::vector<sdk::Image>> ListImages(const sdk::ImageFilter&) noexcept override {
    return std::vector<sdk::Image>{};
  }
  sdk::Status RemoveImage(const sdk::ImageSpec&) noexcept override { return {}; }

 private:
  std::shared_ptr<Gate> gate_;
};

// Add waits at the gate; Del fails; the rest answer at once.
class GatedNetwork : public sdk::NetworkPlugin {
 public:
  explicit GatedNetwork(std::shared_ptr<Gate> gate) : gate_(std::move(gate)) {}
  sdk::Result<sdk::NetworkResult> Add(const sdk::NetworkAttachment& a) noexcept override {
    gate_->Pass(a.container_id);
    return sdk::NetworkResult{};
  }
  sdk::Status Del(const sdk::NetworkAttachment& a) noexcept override {
    return sdk::Status::Internal("cannot delete " + a.container_id);
  }
  sdk::Status Check(const sdk::NetworkAttachment&) noexcept override { return {}; }
  sdk::Status GetStatus() noexcept override { return {}; }
  sdk::Status GC(const std::vector<sdk::AttachmentKey>&) noexcept override { return {}; }
  sdk::Result<sdk::NetworkVersionInfo> Version() noexcept override {
    return sdk::NetworkVersionInfo{"1.0.0", {"1.0.0"}};
  }

 private:
  std::shared_ptr<Gate> gate_;
};

// NodeStageVolume waits at the gate; GetPluginInfo answers; the rest are Unimplemented.
class GatedStorage : public sdk::StoragePlugin {
 public:
  explicit GatedStorage(std::shared_ptr<Gate> gate) : gate_(std::move(gate)) {}
  sdk::Result<sdk::PluginInfo> GetPluginInfo() noexcept override {
    return sdk::PluginInfo{"gated.csi.skiff.dev", "1.0", {}};
  }
  sdk::Result<std::vector<sdk::PluginCapability>> GetPluginCapabilities() noexcept override {
    return No();
  }
  sdk::Result<bool> Probe() noexcept override { return true; }
  sdk::Result<sdk::Volume> CreateVolume(const sdk::CreateVolumeRequest&) noexcept override {
    return No();
  }
  sdk::Status DeleteVolume(const std::string&) noexcept override { return No(); }
  sdk::Result<sdk::ListVolumesResponse> ListVolumes(
      const sdk::ListVolumesRequest&) noexcept override {
    return No();
  }
  sdk::Result<sdk::Capacity> GetCapacity(const sdk::GetCapacityRequest&) noexcept override {
    return No();
  }
  sdk::Result<sdk::ValidateVolumeCapabilitiesResponse> ValidateVolumeCapabilities(
      const sdk::ValidateVolumeCapabilitiesRequest&) noexcept override {
    return No();
  }
  sdk::Result<std::vector<sdk::ControllerCapability>> ControllerGetCapabilities() noexcept
      override {
    return No();
  }
  sdk::Status NodeStageVolume(const sdk::NodeStageVolumeRequest& r) noexcept override {
    gate_->Pass(r.volume_id);
    return {};
  }
  sdk::Status NodeUnstageVolume(const sdk::NodeUnstageVolumeRequest&) noexcept override {
    return No();
  }
  sdk::Status NodePublishVolume(const sdk::NodePublishVolumeRequest&) noexcept override {
    return No();
  }
  sdk::Status NodeUnpublishVolume(const sdk::NodeUnpublishVolumeRequest&) noexcept override {
    return No();
  }
  sdk::Result<std::vector<sdk::NodeCapability>> NodeGetCapabilities() noexcept override {
    return No();
  }
  sdk::Result<sdk::NodeInfo> NodeGetInfo() noexcept override { return No(); }
  sdk::Result<sdk::VolumeStats> NodeGetVolumeStats(
      const sdk::NodeGetVolumeStatsRequest&) noexcept override {
    return No();
  }

 private:
  static sdk::Status No() { return sdk::Status::Unimplemented("not in this test"); }
  std::shared_ptr<Gate> gate_;
};

}  // namespace skiff::pluginhost::testing
