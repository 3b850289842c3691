// sdk::RuntimeService over CRI runtime.v1. Speaks only what containerd and CRI-O serve, so the
// same client drives a skiff runtime sidecar or a real container runtime.

#include "core/pluginhost/grpc_call.h"
#include "core/pluginhost/grpc_clients.h"
#include "plugin-sdk/serve/wire/runtime_wire.h"
#include "runtime/v1/api.grpc.pb.h"

namespace skiff::pluginhost {
namespace {

namespace cri = ::runtime::v1;
using grpc::ClientContext;
using wire::FromWire;
using wire::ToWire;

class GrpcRuntimeClient final : public sdk::RuntimeService {
 public:
  explicit GrpcRuntimeClient(const GrpcClientOptions& options)
      : caller_("runtime", options),
        runtime_(cri::RuntimeService::NewStub(caller_.channel())),
        images_(cri::ImageService::NewStub(caller_.channel())) {}

  sdk::Result<sdk::VersionInfo> Version(const std::string& api_version) noexcept override {
    cri::VersionRequest req;
    req.set_version(api_version);
    cri::VersionResponse resp;
    auto s =
        caller_.Call("Version", [&](ClientContext* c) { return runtime_->Version(c, req, &resp); });
    if (!s.ok()) return s;
    return FromWire(resp);
  }

  sdk::Result<sdk::RuntimeStatus> GetStatus() noexcept override {
    cri::StatusRequest req;
    cri::StatusResponse resp;
    auto s =
        caller_.Call("Status", [&](ClientContext* c) { return runtime_->Status(c, req, &resp); });
    if (!s.ok()) return s;
    return FromWire(resp.status());
  }

  sdk::Result<std::string> RunPodSandbox(const sdk::PodSandboxConfig& config,
                                         const std::string& runtime_handler) noexcept override {
    cri::RunPodSandboxRequest req;
    ToWire(config, req.mutable_config());
    req.set_runtime_handler(runtime_handler);
    cri::RunPodSandboxResponse resp;
    auto s = caller_.Call("RunPodSandbox",
                          [&](ClientContext* c) { return runtime_->RunPodSandbox(c, req, &resp); });
    if (!s.ok()) return s;
    return resp.pod_sandbox_id();
  }

  sdk::Status StopPodSandbox(const std::string& pod_sandbox_id) noexcept override {
    cri::StopPodSandboxRequest req;
    req.set_pod_sandbox_id(pod_sandbox_id);
    cri::StopPodSandboxResponse resp;
    return caller_.Call("StopPodSandbox",
                        [&](ClientContext* c) { return runtime_->StopPodSandbox(c, req, &resp); });
  }

  sdk::Status RemovePodSandbox(const std::string& pod_sandbox_id) noexcept override {
    cri::RemovePodSandboxRequest req;
    req.set_pod_sandbox_id(pod_sandbox_id);
    cri::RemovePodSandboxResponse resp;
    return caller_.Call("RemovePodSandbox", [&](ClientContext* c) {
      return runtime_->RemovePodSandbox(c, req, &resp);
    });
  }

  // Verbose when the netns path is wanted: runtimes report it only there.
  sdk::Result<sdk::PodSandboxStatus> GetPodSandboxStatus(
      const std::string& pod_sandbox_id) noexcept override {
    cri::PodSandboxStatusRequest req;
    req.set_pod_sandbox_id(pod_sandbox_id);
    req.set_verbose(caller_.options().sandbox_netns);
    cri::PodSandboxStatusResponse resp;
    auto s = caller_.Call("PodSandboxStatus", [&](ClientContext* c) {
      return runtime_->PodSandboxStatus(c, req, &resp);
    });
    if (!s.ok()) return s;
    return FromWire(resp);
  }

  sdk::Result<std::vector<sdk::PodSandbox>> ListPodSandbox(
      const sdk::PodSandboxFilter& filter) noexcept override {
    cri::ListPodSandboxRequest req;
    ToWire(filter, req.mutable_filter());
    cri::ListPodSandboxResponse resp;
    auto s = caller_.Call("ListPodSandbox", [&](ClientContext* c) {
      return runtime_->ListPodSandbox(c, req, &resp);
    });
    if (!s.ok()) return s;
    std::vector<sdk::PodSandbox> out;
    out.reserve(resp.items_size());
    for (const auto& item : resp.items()) out.push_back(FromWire(item));
    return out;
  }

  sdk::Result<std::string> CreateContainer(
      const std::string& pod_sandbox_id, const sdk::ContainerConfig& config,
      const sdk::PodSandboxConfig& sandbox_config) noexcept override {
    cri::CreateContainerRequest req;
    req.set_pod_sandbox_id(pod_sandbox_id);
    ToWire(config, req.mutable_config());
    ToWire(sandbox_config, req.mutable_sandbox_config());
    cri::CreateContainerResponse resp;
    auto s = caller_.Call("CreateContainer", [&](ClientContext* c) {
      return runtime_->CreateContainer(c, req, &resp);
    });
    if (!s.ok()) return s;
    return resp.container_id();
  }

  sdk::Status StartContainer(const std::string& container_id) noexcept override {
    cri::StartContainerRequest req;
    req.set_container_id(container_id);
    cri::StartContainerResponse resp;
    return caller_.Call("StartContainer",
                        [&](ClientContext* c) { return runtime_->StartContainer(c, req, &resp); });
  }

  sdk::Status StopContainer(const std::string& container_id,
                            std::chrono::seconds timeout) noexcept override {
    cri::StopContainerRequest req;
    req.set_container_id(container_id);
    req.set_timeout(timeout.count());
    cri::StopContainerResponse resp;
    return caller_.Call("StopContainer", caller_.options().timeouts().StopContainer(timeout),
                        [&](ClientContext* c) { return runtime_->StopContainer(c, req, &resp); });
  }

  sdk::Status RemoveContainer(const std::string& container_id) noexcept override {
    cri::RemoveContainerRequest req;
    req.set_container_id(container_id);
    cri::RemoveContainerResponse resp;
    return caller_.Call("RemoveContainer",
                        [&](ClientContext* c) { return runtime_->RemoveContainer(c, req, &resp); });
  }

  sdk::Result<std::vector<sdk::Container>> ListContainers(
      const sdk::ContainerFilter& filter) noexcept override {
    cri::ListContainersRequest req;
    ToWire(filter, req.mutable_filter());
    cri::ListContainersResponse resp;
    auto s = caller_.Call("ListContainers", [&](ClientContext* c) {
      return runtime_->ListContainers(c, req, &resp);
    });
    if (!s.ok()) return s;
    std::vector<sdk::Container> out;
    out.reserve(resp.containers_size());
    for (const auto& item : resp.containers()) out.push_back(FromWire(item));
    return out;
  }

  sdk::Result<sdk::ContainerStatus> GetContainerStatus(
      const std::string& container_id) noexcept override {
    cri::ContainerStatusRequest req;
    req.set_container_id(container_id);
    cri::ContainerStatusResponse resp;
    auto s = caller_.Call("ContainerStatus", [&](ClientContext* c) {
      return runtime_->ContainerStatus(c, req, &resp);
    });
    if (!s.ok()) return s;
    return FromWire(resp.status());
  }

  sdk::Result<sdk::ExecSyncResult> ExecSync(const std::string& container_id,
                                            const std::vector<std::string>& cmd,
                                            std::chrono::seconds timeout) noexcept override {
    cri::ExecSyncRequest req;
    req.set_container_id(container_id);
    for (const auto& arg : cmd) req.add_cmd(arg);
    req.set_timeout(timeout.count());
    cri::ExecSyncResponse resp;
    auto s = caller_.Call("ExecSync", caller_.options().timeouts().ExecSync(timeout),
                          [&](ClientContext* c) { return runtime_->ExecSync(c, req, &resp); });
    if (!s.ok()) return s;
    return FromWire(resp);
  }

  sdk::Result<std::string> Exec(const sdk::ExecRequest& request) noexcept override {
    cri::ExecRequest req;
    req.set_container_id(request.container_id);
    for (const auto& arg : request.cmd) req.add_cmd(arg);
    req.set_tty(request.tty);
    req.set_stdin(request.stdin);
    req.set_stdout(request.stdout);
    req.set_stderr(request.stderr);
    cri::ExecResponse resp;
    auto s = caller_.Call("Exec", [&](ClientContext* c) { return runtime_->Exec(c, req, &resp); });
    if (!s.ok()) return s;
    return resp.url();
  }

  sdk::Result<std::string> PullImage(
      const sdk::ImageSpec& image, const sdk::AuthConfig& auth,
      const sdk::PodSandboxConfig& sandbox_config) noexcept override {
    cri::PullImageRequest req;
    ToWire(image, req.mutable_image());
    ToWire(auth, req.mutable_auth());
    ToWire(sandbox_config, req.mutable_sandbox_config());
    cri::PullImageResponse resp;
    auto s = caller_.Call("PullImage", caller_.options().timeouts().PullImage(),
                          [&](ClientContext* c) { return images_->PullImage(c, req, &resp); });
    if (!s.ok()) return s;
    return resp.image_ref();
  }

  sdk::Result<std::optional<sdk::Image>> ImageStatus(
      const sdk::ImageSpec& image) noexcept override {
    cri::ImageStatusRequest req;
    ToWire(image, req.mutable_image());
    cri::ImageStatusResponse resp;
    auto s = caller_.Call("ImageStatus",
                          [&](ClientContext* c) { return images_->ImageStatus(c, req, &resp); });
    if (!s.ok()) return s;
    if (!resp.has_image()) return std::optional<sdk::Image>();
    return std::optional<sdk::Image>(FromWire(resp.image()));
  }

  sdk::Result<std::vector<sdk::Image>> ListImages(
      const sdk::ImageFilter& filter) noexcept override {
    cri::ListImagesRequest req;
    ToWire(filter, req.mutable_filter());
    cri::ListImagesResponse resp;
    auto s = caller_.Call("ListImages",
                          [&](ClientContext* c) { return images_->ListImages(c, req, &resp); });
    if (!s.ok()) return s;
    std::vector<sdk::Image> out;
    out.reserve(resp.images_size());
    for (const auto& item : resp.images()) out.push_back(FromWire(item));
    return out;
  }

  sdk::Status RemoveImage(const sdk::ImageSpec& image) noexcept override {
    cri::RemoveImageRequest req;
    ToWire(image, req.mutable_image());
    cri::RemoveImageResponse resp;
    return caller_.Call("RemoveImage",
                        [&](ClientContext* c) { return images_->RemoveImage(c, req, &resp); });
  }

 private:
  GrpcCaller caller_;
  std::unique_ptr<cri::RuntimeService::Stub> runtime_;
  std::unique_ptr<cri::ImageService::Stub> images_;
};

}  // namespace

std::unique_ptr<sdk::RuntimeService> NewGrpcRuntimeClient(const GrpcClientOptions& options) {
  return std::make_unique<GrpcRuntimeClient>(options);
}

}  // namespace skiff::pluginhost
