// hello-runtime: a third-party runtime plugin built only against the installed SDK
// (find_package(SkiffSDK)). It keeps everything in memory, like a very small containerd with
// no processes, and passes the runtime conformance suite.
#include <skiff/sdk/export.h>
#include <skiff/sdk/runtime.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

namespace hello {

using namespace skiff::sdk;

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool Matches(const Labels& labels, const Labels& selector) {
  for (const auto& [key, value] : selector) {
    auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  return true;
}

class HelloRuntime final : public RuntimeService {
 public:
  Result<VersionInfo> Version(const std::string&) noexcept override {
    return VersionInfo{"0.1.0", "hello", "0.1.0", "v1"};
  }
  Result<RuntimeStatus> GetStatus() noexcept override {
    return RuntimeStatus{{{kRuntimeReady, true, "", ""}, {kNetworkReady, true, "", ""}}};
  }

  Result<std::string> RunPodSandbox(const PodSandboxConfig& config,
                                    const std::string& handler) noexcept override {
    std::lock_guard lock(mu_);
    std::string id = NextId("pod");
    sandboxes_[id] = {id,     config.metadata, PodSandboxState::kReady,
                      Now(),  config.labels,   config.annotations,
                      handler};
    log_dirs_[id] = config.log_directory;
    return id;
  }
  Status StopPodSandbox(const std::string& id) noexcept override {
    std::lock_guard lock(mu_);
    auto it = sandboxes_.find(id);
    if (it == sandboxes_.end()) return Status::Ok();
    for (auto& [cid, c] : containers_) {
      if (c.info.pod_sandbox_id == id) Exit(c);
    }
    it->second.state = PodSandboxState::kNotReady;
    return Status::Ok();
  }
  Status RemovePodSandbox(const std::string& id) noexcept override {
    std::lock_guard lock(mu_);
    std::erase_if(containers_, [&](const auto& e) { return e.second.info.pod_sandbox_id == id; });
    sandboxes_.erase(id);
    return Status::Ok();
  }
  Result<skiff::sdk::PodSandboxStatus> GetPodSandboxStatus(
      const std::string& id) noexcept override {
    std::lock_guard lock(mu_);
    auto it = sandboxes_.find(id);
    if (it == sandboxes_.end()) return Status::NotFound("sandbox " + id);
    const PodSandbox& s = it->second;
    skiff::sdk::PodSandboxStatus status;
    status.id = s.id;
    status.metadata = s.metadata;
    status.state = s.state;
    status.created_at = s.created_at;
    status.labels = s.labels;
    status.annotations = s.annotations;
    status.runtime_handler = s.runtime_handler;
    return status;
  }
  Result<std::vector<PodSandbox>> ListPodSandbox(const PodSandboxFilter& f) noexcept override {
    std::lock_guard lock(mu_);
    std::vector<PodSandbox> out;
    for (const auto& [id, s] : sandboxes_) {
      if ((f.id.empty() || f.id == id) && (!f.state || *f.state == s.state) &&
          Matches(s.labels, f.label_selector)) {
        out.push_back(s);
      }
    }
    return out;
  }

  Result<std::string> CreateContainer(const std::string& sandbox, const ContainerConfig& config,
                                      const PodSandboxConfig&) noexcept override {
    std::lock_guard lock(mu_);
    if (!sandboxes_.count(sandbox)) return Status::NotFound("sandbox " + sandbox);
    if (!images_.count(config.image.image)) return Status::NotFound("image " + config.image.image);
    Entry c;
    c.info = {NextId("ctr"),
              sandbox,
              config.metadata,
              config.image,
              config.image.image,
              ContainerState::kCreated,
              Now(),
              config.labels,
              config.annotations};
    if (!config.log_path.empty()) {
      c.log_path = (std::filesystem::path(log_dirs_[sandbox]) / config.log_path).string();
    }
    std::string id = c.info.id;
    containers_[id] = std::move(c);
    return id;
  }
  Status StartContainer(const std::string& id) noexcept override {
    std::lock_guard lock(mu_);
    auto it = containers_.find(id);
    if (it == containers_.end()) return Status::NotFound("container " + id);
    if (it->second.info.state != ContainerState::kCreated) {
      return Status::FailedPrecondition("container " + id + " is not created");
    }
    it->second.info.state = ContainerState::kRunning;
    it->second.started_at = Now();
    if (!it->second.log_path.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(std::filesystem::path(it->second.log_path).parent_path(),
                                          ec);
      std::ofstream(it->second.log_path, std::ios::app);
    }
    return Status::Ok();
  }
  Status StopContainer(const std::string& id, std::chrono::seconds) noexcept override {
    std::lock_guard lock(mu_);
    if (auto it = containers_.find(id); it != containers_.end()) Exit(it->second);
    return Status::Ok();
  }
  Status RemoveContainer(const std::string& id) noexcept override {
    std::lock_guard lock(mu_);
    containers_.erase(id);
    return Status::Ok();
  }
  Result<std::vector<Container>> ListContainers(const ContainerFilter& f) noexcept override {
    std::lock_guard lock(mu_);
    std::vector<Container> out;
    for (const auto& [id, c] : containers_) {
      if ((f.id.empty() || f.id == id) && (!f.state || *f.state == c.info.state) &&
          (f.pod_sandbox_id.empty() || f.pod_sandbox_id == c.info.pod_sandbox_id) &&
          Matches(c.info.labels, f.label_selector)) {
        out.push_back(c.info);
      }
    }
    return out;
  }
  Result<skiff::sdk::ContainerStatus> GetContainerStatus(const std::string& id) noexcept override {
    std::lock_guard lock(mu_);
    auto it = containers_.find(id);
    if (it == containers_.end()) return Status::NotFound("container " + id);
    const Entry& c = it->second;
    skiff::sdk::ContainerStatus status;
    status.id = id;
    status.metadata = c.info.metadata;
    status.state = c.info.state;
    status.created_at = c.info.created_at;
    status.started_at = c.started_at;
    status.finished_at = c.finished_at;
    status.image = c.info.image;
    status.image_ref = c.info.image_ref;
    status.labels = c.info.labels;
    status.annotations = c.info.annotations;
    status.log_path = c.log_path;
    return status;
  }
  Result<ExecSyncResult> ExecSync(const std::string& id, const std::vector<std::string>& cmd,
                                  std::chrono::seconds) noexcept override {
    std::lock_guard lock(mu_);
    auto it = containers_.find(id);
    if (it == containers_.end()) return Status::NotFound("container " + id);
    if (it->second.info.state != ContainerState::kRunning) {
      return Status::FailedPrecondition("container " + id + " is not running");
    }
    ExecSyncResult result;
    if (!cmd.empty() && cmd[0] == "echo") {
      for (size_t i = 1; i < cmd.size(); ++i) result.stdout += (i > 1 ? " " : "") + cmd[i];
      result.stdout += "\n";
    } else if (cmd.empty() || cmd[0] != "true") {
      result.exit_code = 1;
    }
    return result;
  }

  Result<std::string> PullImage(const ImageSpec& spec, const AuthConfig&,
                                const PodSandboxConfig&) noexcept override {
    std::lock_guard lock(mu_);
    Image& image = images_[spec.image];
    image.id = "sha256:" + std::to_string(std::hash<std::string>{}(spec.image));
    image.repo_tags = {spec.image};
    image.spec = spec;
    return image.id;
  }
  Result<std::optional<Image>> ImageStatus(const ImageSpec& spec) noexcept override {
    std::lock_guard lock(mu_);
    auto it = images_.find(spec.image);
    if (it == images_.end()) return std::optional<Image>();
    return std::optional<Image>(it->second);
  }
  Result<std::vector<Image>> ListImages(const ImageFilter&) noexcept override {
    std::lock_guard lock(mu_);
    std::vector<Image> out;
    for (const auto& [name, image] : images_) out.push_back(image);
    return out;
  }
  Status RemoveImage(const ImageSpec& spec) noexcept override {
    std::lock_guard lock(mu_);
    images_.erase(spec.image);
    return Status::Ok();
  }

 private:
  struct Entry {
    Container info;
    int64_t started_at = 0;
    int64_t finished_at = 0;
    std::string log_path;
  };

  std::string NextId(const std::string& prefix) { return prefix + std::to_string(++next_id_); }
  static void Exit(Entry& c) {
    if (c.info.state == ContainerState::kExited) return;
    c.info.state = ContainerState::kExited;
    c.finished_at = Now();
  }

  std::mutex mu_;
  uint64_t next_id_ = 0;
  std::map<std::string, PodSandbox> sandboxes_;
  std::map<std::string, std::string> log_dirs_;
  std::map<std::string, Entry> containers_;
  std::map<std::string, Image> images_;
};

std::unique_ptr<RuntimeService> NewHelloRuntime(const std::string&) {
  return std::make_unique<HelloRuntime>();
}

}  // namespace hello

SKIFF_EXPORT_RUNTIME_PLUGIN("hello", &hello::NewHelloRuntime)
