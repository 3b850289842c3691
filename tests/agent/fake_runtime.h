#pragma once

// FakeRuntime: a small in-memory RuntimeService for the agent's tests. A container's command
// decides what it does when started: ["exit", "N"] exits at once with code N; anything else
// runs until stopped. Started containers write one CRI log line ("started <name>") when the
// sandbox has a log directory. Thread-safe.

#include <skiff/sdk/runtime.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

namespace skiff::agent::testing {

class FakeRuntime : public sdk::RuntimeService {
 public:
  std::atomic<int> sandboxes_created{0};
  std::atomic<int> containers_started{0};
  std::atomic<bool> fail_pull{false};
  std::atomic<int> pod_sandbox_lookups{0};  // ListPodSandbox calls for one pod (by UID label)
  std::atomic<int> image_status_calls{0};

  sdk::Result<sdk::VersionInfo> Version(const std::string&) noexcept override {
    return sdk::VersionInfo{"v1", "fake", "0.1", "v1"};
  }
  sdk::Result<sdk::RuntimeStatus> GetStatus() noexcept override {
    return sdk::RuntimeStatus{
        {{sdk::kRuntimeReady, true, "", ""}, {sdk::kNetworkReady, true, "", ""}}};
  }
  sdk::Result<std::string> RunPodSandbox(const sdk::PodSandboxConfig& config,
                                         const std::string&) noexcept override {
    std::lock_guard lock(mu_);
    std::string id = "sb" + std::to_string(++next_);
    Sandbox& sb = sandboxes_[id];
    sb.config = config;
    sb.created = Now();
    ++sandboxes_created;
    return id;
  }
  sdk::Status StopPodSandbox(const std::string& id) noexcept override {
    std::lock_guard lock(mu_);
    auto it = sandboxes_.find(id);
    if (it != sandboxes_.end()) {
      it->second.ready = false;
      for (auto& [cid, c] : containers_) {
        if (c.sandbox == id && c.state == sdk::ContainerState::kRunning) Exit(c, 137);
      }
    }
    return {};
  }
  sdk::Status RemovePodSandbox(const std::string& id) noexcept override {
    std::lock_guard lock(mu_);
    sandboxes_.erase(id);
    std::erase_if(containers_, [&](const auto& kv) { return kv.second.sandbox == id; });
    return {};
  }
  sdk::Result<sdk::PodSandboxStatus> GetPodSandboxStatus(const std::string& id) noexcept override {
    std::lock_guard lock(mu_);
    auto it = sandboxes_.find(id);
    if (it == sandboxes_.end()) return sdk::Status::NotFound("sandbox " + id);
    sdk::PodSandboxStatus st;
    st.id = id;
    st.metadata = it->second.config.metadata;
    st.state = it->second.ready ? sdk::PodSandboxState::kReady : sdk::PodSandboxState::kNotReady;
    st.labels = it->second.config.labels;
    st.network.ip = managed_ip_;
    return st;
  }
  sdk::Result<std::vector<sdk::PodSandbox>> ListPodSandbox(
      const sdk::PodSandboxFilter& filter) noexcept override {
    std::lock_guard lock(mu_);
    if (!filter.label_selector.empty()) ++pod_sandbox_lookups;
    std::vector<sdk::PodSandbox> out;
    for (const auto& [id, sb] : sandboxes_) {
      if (!Matches(sb.config.labels, filter.label_selector)) continue;
      sdk::PodSandbox p;
      p.id = id;
      p.metadata = sb.config.metadata;
      p.state = sb.ready ? sdk::PodSandboxState::kReady : sdk::PodSandboxState::kNotReady;
      p.labels = sb.config.labels;
      out.push_back(p);
    }
    return out;
  }
  sdk::Result<std::string> CreateContainer(
      const std::string& sandbox, const sdk::ContainerConfig& config,
      const sdk::PodSandboxConfig& sb_config) noexcept override {
    std::lock_guard lock(mu_);
    if (!sandboxes_.count(sandbox)) return sdk::Status::NotFound("sandbox " + sandbox);
    std::string id = "c" + std::to_string(++next_);
    Ctr& c = containers_[id];
    c.sandbox = sandbox;
    c.config = config;
    c.created = Now();
    if (!sb_config.log_directory.empty()) {
      c.log_path = (std::filesystem::path(sb_config.log_directory) / config.log_path).string();
    }
    return id;
  }
  sdk::Status StartContainer(const std::string& id) noexcept override {
    std::lock_guard lock(mu_);
    auto it = containers_.find(id);
    if (it == containers_.end()) return sdk::Status::NotFound(id);
    Ctr& c = it->second;
    c.state = sdk::ContainerState::kRunning;
    c.started = Now();
    ++containers_started;
    if (!c.log_path.empty()) {
      std::filesystem::create_directories(std::filesystem::path(c.log_path).parent_path());
      std::ofstream(c.log_path, std::ios::app)
          << "2024-01-01T00:00:00.000000000Z stdout F started " << c.config.metadata.name << "\n";
    }
    if (c.config.command.size() == 2 && c.config.command[0] == "exit") {
      Exit(c, std::stoi(c.config.command[1]));
    }
    return {};
  }
  sdk::Status StopContainer(const std::string& id, std::chrono::seconds) noexcept override {
    std::lock_guard lock(mu_);
    auto it = containers_.find(id);
    if (it != containers_.end() && it->second.state == sdk::ContainerState::kRunning) {
      Exit(it->second, 143);
    }
    return {};
  }
  sdk::Status RemoveContainer(const std::string& id) noexcept override {
    std::lock_guard lock(mu_);
    containers_.erase(id);
    return {};
  }
  sdk::Result<std::vector<sdk::Container>> ListContainers(
      const sdk::ContainerFilter& filter) noexcept override {
    std::lock_guard lock(mu_);
    std::vector<sdk::Container> out;
    for (const auto& [id, c] : containers_) {
      if (!Matches(c.config.labels, filter.label_selector)) continue;
      sdk::Container x;
      x.id = id;
      x.pod_sandbox_id = c.sandbox;
      x.metadata = c.config.metadata;
      x.state = c.state;
      x.labels = c.config.labels;
      x.created_at = c.created;
      out.push_back(x);
    }
    return out;
  }
  sdk::Result<sdk::ContainerStatus> GetContainerStatus(const std::string& id) noexcept override {
    std::lock_guard lock(mu_);
    auto it = containers_.find(id);
    if (it == containers_.end()) return sdk::Status::NotFound(id);
    const Ctr& c = it->second;
    sdk::ContainerStatus st;
    st.id = id;
    st.metadata = c.config.metadata;
    st.state = c.state;
    st.created_at = c.created;
    st.started_at = c.started;
    st.finished_at = c.finished;
    st.exit_code = c.exit_code;
    st.labels = c.config.labels;
    st.log_path = c.log_path;
    st.image_ref = "sha256:" + c.config.image.image;
    return st;
  }
  sdk::Result<sdk::ExecSyncResult> ExecSync(const std::string&, const std::vector<std::string>&,
                                            std::chrono::seconds) noexcept override {
    return sdk::Status::Unimplemented("exec");
  }
  sdk::Result<std::string> PullImage(const sdk::ImageSpec& image, const sdk::AuthConfig&,
                                     const sdk::PodSandboxConfig&) noexcept override {
    if (fail_pull) return sdk::Status::NotFound("image " + image.image + " not found");
    std::lock_guard lock(mu_);
    images_[image.image] = true;
    return "sha256:" + image.image;
  }
  sdk::Result<std::optional<sdk::Image>> ImageStatus(
      const sdk::ImageSpec& image) noexcept override {
    std::lock_guard lock(mu_);
    ++image_status_calls;
    if (!images_.count(image.image)) return std::optional<sdk::Image>();
    sdk::Image img;
    img.id = "sha256:" + image.image;
    return std::optional<sdk::Image>(img);
  }
  sdk::Result<std::vector<sdk::Image>> ListImages(const sdk::ImageFilter&) noexcept override {
    return std::vector<sdk::Image>{};
  }
  sdk::Status RemoveImage(const sdk::ImageSpec&) noexcept override { return {}; }

  std::size_t SandboxCount() {
    std::lock_guard lock(mu_);
    return sandboxes_.size();
  }
  // Makes the runtime report this IP for every sandbox (a runtime that does networking).
  void SetManagedIp(std::string ip) {
    std::lock_guard lock(mu_);
    managed_ip_ = std::move(ip);
  }

 private:
  struct Sandbox {
    sdk::PodSandboxConfig config;
    bool ready = true;
    int64_t created = 0;
  };
  struct Ctr {
    std::string sandbox;
    sdk::ContainerConfig config;
    sdk::ContainerState state = sdk::ContainerState::kCreated;
    int64_t created = 0, started = 0, finished = 0;
    int32_t exit_code = 0;
    std::string log_path;
  };
  static int64_t Now() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  static bool Matches(const sdk::Labels& labels, const sdk::Labels& selector) {
    for (const auto& [k, v] : selector) {
      auto it = labels.find(k);
      if (it == labels.end() || it->second != v) return false;
    }
    return true;
  }
  void Exit(Ctr& c, int code) {
    c.state = sdk::ContainerState::kExited;
    c.exit_code = code;
    c.finished = Now();
  }

  std::mutex mu_;
  int next_ = 0;
  std::map<std::string, Sandbox> sandboxes_;
  std::map<std::string, Ctr> containers_;
  std::map<std::string, bool> images_;
  std::string managed_ip_;
};

}  // namespace skiff::agent::testing
