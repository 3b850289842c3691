// runtime.v1 RuntimeService and ImageService over an sdk::RuntimeService.

#include <chrono>

#include "plugin-sdk/serve/grpc_services.h"
#include "plugin-sdk/serve/reply.h"
#include "plugin-sdk/serve/wire/runtime_wire.h"
#include "runtime/v1/api.grpc.pb.h"

namespace skiff::serve {
namespace {

namespace cri = ::runtime::v1;
using grpc::ServerContext;
using wire::FromWire;
using wire::ToWire;

class RuntimeServiceImpl final : public cri::RuntimeService::Service {
 public:
  explicit RuntimeServiceImpl(std::shared_ptr<sdk::RuntimeService> runtime)
      : runtime_(std::move(runtime)) {}

  grpc::Status Version(ServerContext*, const cri::VersionRequest* req,
                       cri::VersionResponse* resp) override {
    return Reply(runtime_->Version(req->version()), [&](auto v) { ToWire(v, resp); });
  }

  grpc::Status Status(ServerContext*, const cri::StatusRequest*,
                      cri::StatusResponse* resp) override {
    return Reply(runtime_->GetStatus(), [&](auto s) { ToWire(s, resp->mutable_status()); });
  }

  grpc::Status RunPodSandbox(ServerContext*, const cri::RunPodSandboxRequest* req,
                             cri::RunPodSandboxResponse* resp) override {
    return Reply(runtime_->RunPodSandbox(FromWire(req->config()), req->runtime_handler()),
                 [&](std::string id) { resp->set_pod_sandbox_id(std::move(id)); });
  }

  grpc::Status StopPodSandbox(ServerContext*, const cri::StopPodSandboxRequest* req,
                              cri::StopPodSandboxResponse*) override {
    return Reply(runtime_->StopPodSandbox(req->pod_sandbox_id()));
  }

  grpc::Status RemovePodSandbox(ServerContext*, const cri::RemovePodSandboxRequest* req,
                                cri::RemovePodSandboxResponse*) override {
    return Reply(runtime_->RemovePodSandbox(req->pod_sandbox_id()));
  }

  grpc::Status PodSandboxStatus(ServerContext*, const cri::PodSandboxStatusRequest* req,
                                cri::PodSandboxStatusResponse* resp) override {
    return Reply(runtime_->GetPodSandboxStatus(req->pod_sandbox_id()),
                 [&](auto s) { ToWire(s, resp); });
  }

  grpc::Status ListPodSandbox(ServerContext*, const cri::ListPodSandboxRequest* req,
                              cri::ListPodSandboxResponse* resp) override {
    return Reply(runtime_->ListPodSandbox(FromWire(req->filter())), [&](auto items) {
      for (const auto& s : items) ToWire(s, resp->add_items());
    });
  }

  grpc::Status CreateContainer(ServerContext*, const cri::CreateContainerRequest* req,
                               cri::CreateContainerResponse* resp) override {
    return Reply(runtime_->CreateContainer(req->pod_sandbox_id(), FromWire(req->config()),
                                           FromWire(req->sandbox_config())),
                 [&](std::string id) { resp->set_container_id(std::move(id)); });
  }

  grpc::Status StartContainer(ServerContext*, const cri::StartContainerRequest* req,
                              cri::StartContainerResponse*) override {
    return Reply(runtime_->StartContainer(req->container_id()));
  }

  grpc::Status StopContainer(ServerContext*, const cri::StopContainerRequest* req,
                             cri::StopContainerResponse*) override {
    return Reply(
        runtime_->StopContainer(req->container_id(), std::chrono::seconds(req->timeout())));
  }

  grpc::Status RemoveContainer(ServerContext*, const cri::RemoveContainerRequest* req,
                               cri::RemoveContainerResponse*) override {
    return Reply(runtime_->RemoveContainer(req->container_id()));
  }

  grpc::Status ListContainers(ServerContext*, const cri::ListContainersRequest* req,
                              cri::ListContainersResponse* resp) override {
    return Reply(runtime_->ListContainers(FromWire(req->filter())), [&](auto items) {
      for (const auto& c : items) ToWire(c, resp->add_containers());
    });
  }

  grpc::Status ContainerStatus(ServerContext*, const cri::ContainerStatusRequest* req,
                               cri::ContainerStatusResponse* resp) override {
    return Reply(runtime_->GetContainerStatus(req->container_id()),
                 [&](auto s) { ToWire(s, resp->mutable_status()); });
  }

  grpc::Status ExecSync(ServerContext*, const cri::ExecSyncRequest* req,
                        cri::ExecSyncResponse* resp) override {
    std::vector<std::string> cmd(req->cmd().begin(), req->cmd().end());
    return Reply(runtime_->ExecSync(req->container_id(), cmd, std::chrono::seconds(req->timeout())),
                 [&](auto r) { ToWire(r, resp); });
  }

  grpc::Status Exec(ServerContext*, const cri::ExecRequest* req, cri::ExecResponse* resp) override {
    sdk::ExecRequest request;
    request.container_id = req->container_id();
    request.cmd.assign(req->cmd().begin(), req->cmd().end());
    request.tty = req->tty();
    request.stdin = req->stdin();
    request.stdout = req->stdout();
    request.stderr = req->stderr();
    return Reply(runtime_->Exec(request), [&](auto url) { resp->set_url(url); });
  }

 private:
  std::shared_ptr<sdk::RuntimeService> runtime_;
};

class ImageServiceImpl final : public cri::ImageService::Service {
 public:
  explicit ImageServiceImpl(std::shared_ptr<sdk::RuntimeService> runtime)
      : runtime_(std::move(runtime)) {}

  grpc::Status ListImages(ServerContext*, const cri::ListImagesRequest* req,
                          cri::ListImagesResponse* resp) override {
    return Reply(runtime_->ListImages(FromWire(req->filter())), [&](auto images) {
      for (const auto& i : images) ToWire(i, resp->add_images());
    });
  }

  // CRI: an unknown image is a successful reply without `image`.
  grpc::Status ImageStatus(ServerContext*, const cri::ImageStatusRequest* req,
                           cri::ImageStatusResponse* resp) override {
    return Reply(runtime_->ImageStatus(FromWire(req->image())), [&](auto image) {
      if (image) ToWire(*image, resp->mutable_image());
    });
  }

  grpc::Status PullImage(ServerContext*, const cri::PullImageRequest* req,
                         cri::PullImageResponse* resp) override {
    return Reply(runtime_->PullImage(FromWire(req->image()), FromWire(req->auth()),
                                     FromWire(req->sandbox_config())),
                 [&](std::string ref) { resp->set_image_ref(std::move(ref)); });
  }

  grpc::Status RemoveImage(ServerContext*, const cri::RemoveImageRequest* req,
                           cri::RemoveImageResponse*) override {
    return Reply(runtime_->RemoveImage(FromWire(req->image())));
  }

 private:
  std::shared_ptr<sdk::RuntimeService> runtime_;
};

}  // namespace

Services MakeRuntimeServices(std::shared_ptr<sdk::RuntimeService> runtime) {
  Services services;
  services.push_back(std::make_unique<RuntimeServiceImpl>(runtime));
  services.push_back(std::make_unique<ImageServiceImpl>(std::move(runtime)));
  return services;
}

}  // namespace skiff::serve
