#include "runtime_context.h"

#include "case_support.h"

namespace skiff::conformance::internal {

RuntimeContext::RuntimeContext(RuntimeFactory factory, RuntimeSuiteOptions options)
    : factory_(std::move(factory)), options_(std::move(options)), run_(UniqueName("run")) {}

sdk::Status RuntimeContext::Open() {
  auto made = factory_();
  if (!made.ok()) return made.status();
  runtime_ = std::move(made).value();
  log_directory_ = MakeTempDir();
  if (log_directory_.empty()) return sdk::Status::Internal("cannot make a log directory in /tmp");
  return sdk::Status::Ok();
}

void RuntimeContext::Cleanup() {
  if (runtime_) {
    for (const auto& id : sandboxes_) {
      (void)runtime_->StopPodSandbox(id);
      (void)runtime_->RemovePodSandbox(id);
    }
  }
  runtime_.reset();
  RemoveTree(log_directory_);
}

sdk::PodSandboxConfig RuntimeContext::SandboxConfig(const std::string& name) const {
  sdk::PodSandboxConfig config;
  config.metadata.name = name;
  config.metadata.uid = UniqueName("uid");
  config.metadata.namespace_ = "conformance";
  config.hostname = name;
  config.log_directory = log_directory_ + "/" + config.metadata.uid;
  config.labels[kRunLabel] = run_;
  return config;
}

sdk::Result<std::string> RuntimeContext::RunSandbox(const sdk::PodSandboxConfig& config) {
  auto id = runtime_->RunPodSandbox(config, "");
  if (id.ok()) {
    std::lock_guard lock(mu_);
    sandboxes_.push_back(*id);
  }
  return id;
}

sdk::ContainerConfig RuntimeContext::ContainerConfig(const std::string& name) const {
  sdk::ContainerConfig config;
  config.metadata.name = name;
  config.image.image = options_.image;
  config.command = options_.command;
  config.labels[kRunLabel] = run_;
  config.log_path = name + "/0.log";
  return config;
}

sdk::Status RuntimeContext::RunContainer(const std::string& name, bool start,
                                         std::string& sandbox_id, std::string& container_id) {
  auto sandbox_config = SandboxConfig(name + "-pod");
  if (auto pulled = runtime_->PullImage({options_.image, {}}, {}, sandbox_config); !pulled.ok()) {
    return pulled.status();
  }
  auto sandbox = RunSandbox(sandbox_config);
  if (!sandbox.ok()) return sandbox.status();
  sandbox_id = *sandbox;
  auto container = runtime_->CreateContainer(sandbox_id, ContainerConfig(name), sandbox_config);
  if (!container.ok()) return container.status();
  container_id = *container;
  return start ? runtime_->StartContainer(container_id) : sdk::Status::Ok();
}

sdk::PodSandboxFilter RuntimeContext::SandboxFilter() const {
  sdk::PodSandboxFilter filter;
  filter.label_selector[kRunLabel] = run_;
  return filter;
}

sdk::ContainerFilter RuntimeContext::ContainerFilter() const {
  sdk::ContainerFilter filter;
  filter.label_selector[kRunLabel] = run_;
  return filter;
}

}  // namespace skiff::conformance::internal
