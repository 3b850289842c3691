#pragma once

#include <skiff/sdk/runtime_types.h>
#include <skiff/sdk/status.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace skiff::sdk {

// A container runtime, shaped like the CRI RuntimeService and ImageService.
// Ownership: the host owns the instance; arguments are borrowed for the call only and results
// are owned by the caller. Thread-safety: the host calls every method concurrently, so
// implementations must be thread-safe. No method throws (an escaping exception terminates).
// Names follow CRI, except that the three status queries take a Get prefix so they do not hide
// the types of the same name inside implementing classes. Stop* and Remove* of an unknown id
// succeed (CRI idempotency); status queries of an unknown id return NotFound.
class RuntimeService {
 public:
  virtual ~RuntimeService() = default;

  virtual Result<VersionInfo> Version(const std::string& api_version) noexcept = 0;
  virtual Result<RuntimeStatus> GetStatus() noexcept = 0;

  // Returns the new sandbox id.
  virtual Result<std::string> RunPodSandbox(const PodSandboxConfig& config,
                                            const std::string& runtime_handler) noexcept = 0;
  virtual Status StopPodSandbox(const std::string& pod_sandbox_id) noexcept = 0;
  virtual Status RemovePodSandbox(const std::string& pod_sandbox_id) noexcept = 0;
  virtual Result<PodSandboxStatus> GetPodSandboxStatus(
      const std::string& pod_sandbox_id) noexcept = 0;
  virtual Result<std::vector<PodSandbox>> ListPodSandbox(
      const PodSandboxFilter& filter) noexcept = 0;

  // Returns the new container id.
  virtual Result<std::string> CreateContainer(const std::string& pod_sandbox_id,
                                              const ContainerConfig& config,
                                              const PodSandboxConfig& sandbox_config) noexcept = 0;
  virtual Status StartContainer(const std::string& container_id) noexcept = 0;
  // Sends SIGTERM, then SIGKILL after `timeout`.
  virtual Status StopContainer(const std::string& container_id,
                               std::chrono::seconds timeout) noexcept = 0;
  virtual Status RemoveContainer(const std::string& container_id) noexcept = 0;
  virtual Result<std::vector<Container>> ListContainers(const ContainerFilter& filter) noexcept = 0;
  virtual Result<ContainerStatus> GetContainerStatus(const std::string& container_id) noexcept = 0;
  // Runs `cmd` in a running container; 0s = no timeout.
  virtual Result<ExecSyncResult> ExecSync(const std::string& container_id,
                                          const std::vector<std::string>& cmd,
                                          std::chrono::seconds timeout) noexcept = 0;
  // Prepares an interactive session (stdin, tty) and returns the URL of the runtime's own
  // streaming server where the caller attaches to it (CRI Exec; WebSocket channel protocol).
  // Runtimes without a streaming server keep this default: Unimplemented.
  virtual Result<std::string> Exec(const ExecRequest& request) noexcept {
    (void)request;
    return Status::Unimplemented(
        "this runtime has no streaming server: interactive exec (stdin/tty) is not supported");
  }

  // Returns the image_ref (the image id) of the pulled image.
  virtual Result<std::string> PullImage(const ImageSpec& image, const AuthConfig& auth,
                                        const PodSandboxConfig& sandbox_config) noexcept = 0;
  // An unknown image is not an error: the value is empty (CRI returns a null image).
  virtual Result<std::optional<Image>> ImageStatus(const ImageSpec& image) noexcept = 0;
  virtual Result<std::vector<Image>> ListImages(const ImageFilter& filter) noexcept = 0;
  // Removing an unknown image succeeds.
  virtual Status RemoveImage(const ImageSpec& image) noexcept = 0;
};

}  // namespace skiff::sdk
