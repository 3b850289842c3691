// A runtime that breaks two CRI rules on purpose, to show what the conformance suite reports:
// removing an unknown container fails, and ListPodSandbox ignores label selectors.
// Everything else is delegated to the mock runtime.
#include <skiff/sdk/export.h>

#include "plugins/mock-runtime/mock_runtime.h"

namespace broken {

using namespace skiff;

class BrokenRuntime final : public sdk::RuntimeService {
 public:
  explicit BrokenRuntime(std::unique_ptr<sdk::RuntimeService> inner) : inner_(std::move(inner)) {}

  sdk::Status RemoveContainer(const std::string& id) noexcept override {
    auto status = inner_->GetContainerStatus(id);
    if (!status.ok()) return status.status();  // wrong: must succeed for an unknown id
    return inner_->RemoveContainer(id);
  }
  sdk::Result<std::vector<sdk::PodSandbox>> ListPodSandbox(
      const sdk::PodSandboxFilter& filter) noexcept override {
    sdk::PodSandboxFilter unlabelled = filter;
    unlabelled.label_selector.clear();  // wrong: labels must filter
    return inner_->ListPodSandbox(unlabelled);
  }

  sdk::Result<sdk::VersionInfo> Version(const std::string& v) noexcept override {
    return inner_->Version(v);
  }
  sdk::Result<sdk::RuntimeStatus> GetStatus() noexcept override { return inner_->GetStatus(); }
  sdk::Result<std::string> RunPodSandbox(const sdk::PodSandboxConfig& config,
                                         const std::string& handler) noexcept override {
    return inner_->RunPodSandbox(config, handler);
  }
  sdk::Status StopPodSandbox(const std::string& id) noexcept override {
    return inner_->StopPodSandbox(id);
  }
  sdk::Status RemovePodSandbox(const std::string& id) noexcept override {
    return inner_->RemovePodSandbox(id);
  }
  sdk::Result<sdk::PodSandboxStatus> GetPodSandboxStatus(const std::string& id) noexcept override {
    return inner_->GetPodSandboxStatus(id);
  }
  sdk::Result<std::string> CreateContainer(
      const std::string& sandbox, const sdk::ContainerConfig& config,
      const sdk::PodSandboxConfig& sandbox_config) noexcept override {
    return inner_->CreateContainer(sandbox, config, sandbox_config);
  }
  sdk::Status StartContainer(const std::string& id) noexcept override {
    return inner_->StartContainer(id);
  }
  sdk::Status StopContainer(const std::string& id, std::chrono::seconds timeout) noexcept override {
    return inner_->StopContainer(id, timeout);
  }
  sdk::Result<std::vector<sdk::Container>> ListContainers(
      const sdk::ContainerFilter& filter) noexcept override {
    return inner_->ListContainers(filter);
  }
  sdk::Result<sdk::ContainerStatus> GetContainerStatus(const std::string& id) noexcept override {
    return inner_->GetContainerStatus(id);
  }
  sdk::Result<sdk::ExecSyncResult> ExecSync(const std::string& id,
                                            const std::vector<std::string>& cmd,
                                            std::chrono::seconds timeout) noexcept override {
    return inner_->ExecSync(id, cmd, timeout);
  }
  sdk::Result<std::string> PullImage(const sdk::ImageSpec& image, const sdk::AuthConfig& auth,
                                     const sdk::PodSandboxConfig& config) noexcept override {
    return inner_->PullImage(image, auth, config);
  }
  sdk::Result<std::optional<sdk::Image>> ImageStatus(
      const sdk::ImageSpec& image) noexcept override {
    return inner_->ImageStatus(image);
  }
  sdk::Result<std::vector<sdk::Image>> ListImages(
      const sdk::ImageFilter& filter) noexcept override {
    return inner_->ListImages(filter);
  }
  sdk::Status RemoveImage(const sdk::ImageSpec& image) noexcept override {
    return inner_->RemoveImage(image);
  }

 private:
  std::unique_ptr<sdk::RuntimeService> inner_;
};

sdk::Result<std::unique_ptr<sdk::RuntimeService>> NewBrokenRuntime(const std::string& config) {
  auto inner = mock::NewMockRuntime(config);
  if (!inner.ok()) return inner.status();
  return std::unique_ptr<sdk::RuntimeService>(
      std::make_unique<BrokenRuntime>(std::move(inner).value()));
}

}  // namespace broken

SKIFF_EXPORT_RUNTIME_PLUGIN("broken", &broken::NewBrokenRuntime)
