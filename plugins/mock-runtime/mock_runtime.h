#pragma once

// An in-memory CRI runtime with real state machines and no processes: sandboxes go
// READY -> NOTREADY, containers CREATED -> RUNNING -> EXITED, images must be pulled before a
// container uses them. A running container runs until stopped, unless its env says otherwise:
//   MOCK_EXIT_CODE=N, MOCK_EXIT_AFTER_MS=T  exits with N, T ms after it started (either alone
//                                           means code 0 / right away)
//   MOCK_LOG="a\nb"                         lines written to its log at start (default: one
//                                           line naming the container)
// Config: see mock_runtime_config.h. Thread-safe (one mutex; ExecSync sleeps outside it).

#include <skiff/sdk/runtime.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "plugins/mock-runtime/image_store.h"
#include "plugins/mock-runtime/mock_runtime_config.h"

namespace skiff::mock {

class MockRuntime final : public sdk::RuntimeService {
 public:
  explicit MockRuntime(MockRuntimeConfig config);
  ~MockRuntime() override;  // removes the network namespaces it created

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

  sdk::Result<std::string> PullImage(const sdk::ImageSpec& image, const sdk::AuthConfig& auth,
                                     const sdk::PodSandboxConfig& sandbox_config) noexcept override;
  sdk::Result<std::optional<sdk::Image>> ImageStatus(const sdk::ImageSpec& image) noexcept override;
  sdk::Result<std::vector<sdk::Image>> ListImages(const sdk::ImageFilter& filter) noexcept override;
  sdk::Status RemoveImage(const sdk::ImageSpec& image) noexcept override;

 private:
  struct Sandbox {
    std::string id;
    sdk::PodSandboxConfig config;
    sdk::PodSandboxState state = sdk::PodSandboxState::kReady;
    int64_t created_at = 0;
    std::string runtime_handler;
    std::string netns_name;  // "" when none was created
  };
  struct PlannedExit {
    int32_t code = 0;
    int64_t after_ns = 0;
  };
  struct Container {
    std::string id;
    std::string sandbox_id;
    sdk::ContainerConfig config;
    std::string image_ref;
    std::string log_path;
    sdk::ContainerState state = sdk::ContainerState::kCreated;
    int64_t created_at = 0;
    int64_t started_at = 0;
    int64_t finished_at = 0;
    int32_t exit_code = 0;
    std::string reason;
    std::optional<PlannedExit> planned_exit;
  };

  // Applies a planned exit whose time has come; called before reading a container.
  static void Advance(Container& container, int64_t now);
  static void Exit(Container& container, int32_t code, int64_t at);
  static sdk::ContainerStatus ToStatus(const Container& container);
  void StopLocked(Container& container, int64_t now);

  const MockRuntimeConfig config_;
  std::mutex mu_;
  std::map<std::string, Sandbox> sandboxes_;
  std::map<std::string, Container> containers_;
  ImageStore images_;
};

// The plugin factory: parses `config_json` (InvalidArgument when it is wrong).
sdk::Result<std::unique_ptr<sdk::RuntimeService>> NewMockRuntime(const std::string& config_json);

}  // namespace skiff::mock
