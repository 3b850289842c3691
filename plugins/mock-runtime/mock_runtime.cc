#include "plugins/mock-runtime/mock_runtime.h"

#include <skiff/sdk/netns.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <random>
#include <utility>

#include "plugins/mock-runtime/cri_log.h"
#include "plugins/mock-runtime/mock_exec.h"

namespace skiff::mock {
namespace {

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// 64 hex digits, like the ids containerd hands out.
std::string NewId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(64, '0');
  for (int i = 0; i < 64; i += 16) {
    uint64_t bits = rng();
    for (int j = 0; j < 16; ++j, bits >>= 4) id[i + j] = kHex[bits & 0xf];
  }
  return id;
}

bool MatchesLabels(const sdk::Labels& labels, const sdk::Labels& selector) {
  for (const auto& [key, value] : selector) {
    auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  return true;
}

const std::string* FindEnv(const sdk::ContainerConfig& config, std::string_view key) {
  for (const auto& kv : config.envs) {
    if (kv.key == key) return &kv.value;
  }
  return nullptr;
}

sdk::Status ParseEnvInt(const sdk::ContainerConfig& config, std::string_view key, int64_t& out) {
  const std::string* text = FindEnv(config, key);
  if (!text) return sdk::Status::Ok();
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), out);
  if (ec != std::errc() || end != text->data() + text->size() || out < 0) {
    return sdk::Status::InvalidArgument(std::string(key) + "=\"" + *text +
                                        "\" is not a non-negative integer");
  }
  return sdk::Status::Ok();
}

std::string SandboxKey(const sdk::PodSandboxMetadata& m) {
  return m.name + "_" + m.namespace_ + "_" + m.uid + "_" + std::to_string(m.attempt);
}

std::string StateName(sdk::ContainerState state) {
  switch (state) {
    case sdk::ContainerState::kCreated:
      return "CREATED";
    case sdk::ContainerState::kRunning:
      return "RUNNING";
    case sdk::ContainerState::kExited:
      return "EXITED";
    case sdk::ContainerState::kUnknown:
      break;
  }
  return "UNKNOWN";
}

}  // namespace

MockRuntime::MockRuntime(MockRuntimeConfig config)
    : config_(std::move(config)), images_(config_.fail_pull_images) {}

MockRuntime::~MockRuntime() {
  for (const auto& [id, sandbox] : sandboxes_) {
    if (sandbox.netns_name.empty()) continue;
    if (sdk::Status st = sdk::DeleteNamedNetns(sandbox.netns_name); !st.ok()) {
      spdlog::warn("mock runtime: {}", st.ToString());
    }
  }
}

sdk::Result<sdk::VersionInfo> MockRuntime::Version(const std::string& api_version) noexcept {
  return sdk::VersionInfo{"0.1.0", "mock", "0.1.0", "v1"};
}

sdk::Result<sdk::RuntimeStatus> MockRuntime::GetStatus() noexcept {
  sdk::RuntimeStatus status;
  status.conditions.push_back({sdk::kRuntimeReady, true, "", ""});
  status.conditions.push_back({sdk::kNetworkReady, true, "", ""});
  return status;
}

// ---- Sandboxes ----

sdk::Result<std::string> MockRuntime::RunPodSandbox(const sdk::PodSandboxConfig& config,
                                                    const std::string& runtime_handler) noexcept {
  if (config.metadata.name.empty()) {
    return sdk::Status::InvalidArgument("sandbox metadata.name is required");
  }
  Sandbox sandbox{NewId(), config, sdk::PodSandboxState::kReady, NowNanos(), runtime_handler, ""};
  const std::string key = SandboxKey(config.metadata);
  auto reserved_by = [&]() -> std::optional<std::string> {
    for (const auto& [id, other] : sandboxes_) {
      if (SandboxKey(other.config.metadata) == key) return id;
    }
    return std::nullopt;
  };
  {
    std::lock_guard lock(mu_);
    if (auto other = reserved_by()) {
      return sdk::Status::AlreadyExists("sandbox name \"" + key + "\" is reserved for " + *other);
    }
  }
  // The namespace is made outside the lock (it takes a thread and a mount).
  bool host_network =
      config.linux_config.security_context.namespace_options.network == sdk::NamespaceMode::kNode;
  if (config_.netns && !host_network) {
    sandbox.netns_name = "skiff-" + sandbox.id.substr(0, 16);
    auto created = sdk::CreateNamedNetns(sandbox.netns_name);
    if (!created.ok()) return created.status();
  }
  std::lock_guard lock(mu_);
  if (auto other = reserved_by()) {  // a concurrent run of the same name won the race
    if (!sandbox.netns_name.empty()) (void)sdk::DeleteNamedNetns(sandbox.netns_name);
    return sdk::Status::AlreadyExists("sandbox name \"" + key + "\" is reserved for " + *other);
  }
  std::string id = sandbox.id;
  sandboxes_.emplace(id, std::move(sandbox));
  return id;
}

sdk::Status MockRuntime::StopPodSandbox(const std::string& pod_sandbox_id) noexcept {
  std::lock_guard lock(mu_);
  auto it = sandboxes_.find(pod_sandbox_id);
  if (it == sandboxes_.end()) return sdk::Status::Ok();
  int64_t now = NowNanos();
  for (auto& [id, container] : containers_) {
    if (container.sandbox_id == pod_sandbox_id) StopLocked(container, now);
  }
  it->second.state = sdk::PodSandboxState::kNotReady;
  return sdk::Status::Ok();
}

sdk::Status MockRuntime::RemovePodSandbox(const std::string& pod_sandbox_id) noexcept {
  std::string netns_name;
  {
    std::lock_guard lock(mu_);
    auto it = sandboxes_.find(pod_sandbox_id);
    if (it == sandboxes_.end()) return sdk::Status::Ok();
    std::erase_if(containers_,
                  [&](const auto& entry) { return entry.second.sandbox_id == pod_sandbox_id; });
    netns_name = it->second.netns_name;
    sandboxes_.erase(it);
  }
  if (netns_name.empty()) return sdk::Status::Ok();
  return sdk::DeleteNamedNetns(netns_name);
}

sdk::Result<sdk::PodSandboxStatus> MockRuntime::GetPodSandboxStatus(
    const std::string& pod_sandbox_id) noexcept {
  std::lock_guard lock(mu_);
  auto it = sandboxes_.find(pod_sandbox_id);
  if (it == sandboxes_.end()) {
    return sdk::Status::NotFound("pod sandbox " + pod_sandbox_id + " not found");
  }
  const Sandbox& sandbox = it->second;
  sdk::PodSandboxStatus status;
  status.id = sandbox.id;
  status.metadata = sandbox.config.metadata;
  status.state = sandbox.state;
  status.created_at = sandbox.created_at;
  status.namespace_options = sandbox.config.linux_config.security_context.namespace_options;
  if (!sandbox.netns_name.empty())
    status.netns_path = std::string(sdk::kNetnsDir) + "/" + sandbox.netns_name;
  status.labels = sandbox.config.labels;
  status.annotations = sandbox.config.annotations;
  status.runtime_handler = sandbox.runtime_handler;
  return status;
}

sdk::Result<std::vector<sdk::PodSandbox>> MockRuntime::ListPodSandbox(
    const sdk::PodSandboxFilter& filter) noexcept {
  std::lock_guard lock(mu_);
  std::vector<sdk::PodSandbox> out;
  for (const auto& [id, sandbox] : sandboxes_) {
    if (!filter.id.empty() && filter.id != id) continue;
    if (filter.state && *filter.state != sandbox.state) continue;
    if (!MatchesLabels(sandbox.config.labels, filter.label_selector)) continue;
    out.push_back({id, sandbox.config.metadata, sandbox.state, sandbox.created_at,
                   sandbox.config.labels, sandbox.config.annotations, sandbox.runtime_handler});
  }
  return out;
}

// ---- Containers ----

void MockRuntime::Exit(Container& container, int32_t code, int64_t at) {
  container.state = sdk::ContainerState::kExited;
  container.finished_at = at;
  container.exit_code = code;
  container.reason = code == 0 ? "Completed" : "Error";
}

void MockRuntime::Advance(Container& container, int64_t now) {
  if (container.state != sdk::ContainerState::kRunning || !container.planned_exit) return;
  int64_t exit_at = container.started_at + container.planned_exit->after_ns;
  if (exit_at <= now) Exit(container, container.planned_exit->code, exit_at);
}

// The mock's processes handle SIGTERM by exiting cleanly.
void MockRuntime::StopLocked(Container& container, int64_t now) {
  Advance(container, now);
  if (container.state != sdk::ContainerState::kExited) Exit(container, 0, now);
}

sdk::ContainerStatus MockRuntime::ToStatus(const Container& c) {
  sdk::ContainerStatus status;
  status.id = c.id;
  status.metadata = c.config.metadata;
  status.state = c.state;
  status.created_at = c.created_at;
  status.started_at = c.started_at;
  status.finished_at = c.finished_at;
  status.exit_code = c.exit_code;
  status.image = c.config.image;
  status.image_ref = c.image_ref;
  status.reason = c.reason;
  status.labels = c.config.labels;
  status.annotations = c.config.annotations;
  status.mounts = c.config.mounts;
  status.log_path = c.log_path;
  return status;
}

sdk::Result<std::string> MockRuntime::CreateContainer(
    const std::string& pod_sandbox_id, const sdk::ContainerConfig& config,
    const sdk::PodSandboxConfig& sandbox_config) noexcept {
  if (config.metadata.name.empty()) {
    return sdk::Status::InvalidArgument("container metadata.name is required");
  }
  int64_t exit_code = -1;
  int64_t exit_after_ms = -1;
  if (sdk::Status st = ParseEnvInt(config, "MOCK_EXIT_CODE", exit_code); !st.ok()) return st;
  if (sdk::Status st = ParseEnvInt(config, "MOCK_EXIT_AFTER_MS", exit_after_ms); !st.ok()) {
    return st;
  }
  std::lock_guard lock(mu_);
  auto sandbox = sandboxes_.find(pod_sandbox_id);
  if (sandbox == sandboxes_.end()) {
    return sdk::Status::NotFound("pod sandbox " + pod_sandbox_id + " not found");
  }
  if (sandbox->second.state != sdk::PodSandboxState::kReady) {
    return sdk::Status::FailedPrecondition("pod sandbox " + pod_sandbox_id + " is not ready");
  }
  for (const auto& [id, other] : containers_) {
    if (other.sandbox_id == pod_sandbox_id && other.config.metadata.name == config.metadata.name &&
        other.config.metadata.attempt == config.metadata.attempt) {
      return sdk::Status::AlreadyExists("container name \"" + config.metadata.name + "\" attempt " +
                                        std::to_string(config.metadata.attempt) +
                                        " is reserved for " + id);
    }
  }
  auto image = images_.Find(config.image.image);
  if (!image) {
    return sdk::Status::NotFound("image \"" + config.image.image + "\" is not present; pull it");
  }
  Container container;
  container.id = NewId();
  container.sandbox_id = pod_sandbox_id;
  container.config = config;
  container.image_ref = image->id;
  container.created_at = NowNanos();
  if (exit_code >= 0 || exit_after_ms >= 0) {
    container.planned_exit = PlannedExit{static_cast<int32_t>(std::max<int64_t>(exit_code, 0)),
                                         std::max<int64_t>(exit_after_ms, 0) * 1'000'000};
  }
  const std::string& log_directory = sandbox->second.config.log_directory;
  if (!config.log_path.empty()) {
    container.log_path = log_directory.empty()
                             ? config.log_path
                             : (std::filesystem::path(log_directory) / config.log_path).string();
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(container.log_path).parent_path(),
                                        ec);
    if (ec) return sdk::Status::Internal("create log directory: " + ec.message());
    std::ofstream touch(container.log_path, std::ios::app);
  }
  std::string id = container.id;
  containers_.emplace(id, std::move(container));
  return id;
}

sdk::Status MockRuntime::StartContainer(const std::string& container_id) noexcept {
  std::lock_guard lock(mu_);
  auto it = containers_.find(container_id);
  if (it == containers_.end()) {
    return sdk::Status::NotFound("container " + container_id + " not found");
  }
  Container& container = it->second;
  if (container.state != sdk::ContainerState::kCreated) {
    return sdk::Status::FailedPrecondition("container " + container_id + " is " +
                                           StateName(container.state) + ", not CREATED");
  }
  if (sandboxes_.at(container.sandbox_id).state != sdk::PodSandboxState::kReady) {
    return sdk::Status::FailedPrecondition("pod sandbox " + container.sandbox_id + " is not ready");
  }
  container.state = sdk::ContainerState::kRunning;
  container.started_at = NowNanos();
  if (!container.log_path.empty()) {
    const std::string* lines = FindEnv(container.config, "MOCK_LOG");
    std::string text =
        lines ? *lines : "mock container " + container.config.metadata.name + " started";
    if (sdk::Status st = AppendCriLog(container.log_path, "stdout", text, container.started_at);
        !st.ok()) {
      spdlog::warn("mock runtime: {}", st.ToString());
    }
  }
  Advance(container, container.started_at);
  return sdk::Status::Ok();
}

sdk::Status MockRuntime::StopContainer(const std::string& container_id,
                                       std::chrono::seconds timeout) noexcept {
  std::lock_guard lock(mu_);
  auto it = containers_.find(container_id);
  if (it != containers_.end()) StopLocked(it->second, NowNanos());
  return sdk::Status::Ok();
}

sdk::Status MockRuntime::RemoveContainer(const std::string& container_id) noexcept {
  std::lock_guard lock(mu_);
  containers_.erase(container_id);
  return sdk::Status::Ok();
}

sdk::Result<std::vector<sdk::Container>> MockRuntime::ListContainers(
    const sdk::ContainerFilter& filter) noexcept {
  std::lock_guard lock(mu_);
  int64_t now = NowNanos();
  std::vector<sdk::Container> out;
  for (auto& [id, c] : containers_) {
    Advance(c, now);
    if (!filter.id.empty() && filter.id != id) continue;
    if (filter.state && *filter.state != c.state) continue;
    if (!filter.pod_sandbox_id.empty() && filter.pod_sandbox_id != c.sandbox_id) continue;
    if (!MatchesLabels(c.config.labels, filter.label_selector)) continue;
    out.push_back({id, c.sandbox_id, c.config.metadata, c.config.image, c.image_ref, c.state,
                   c.created_at, c.config.labels, c.config.annotations});
  }
  return out;
}

sdk::Result<sdk::ContainerStatus> MockRuntime::GetContainerStatus(
    const std::string& container_id) noexcept {
  std::lock_guard lock(mu_);
  auto it = containers_.find(container_id);
  if (it == containers_.end()) {
    return sdk::Status::NotFound("container " + container_id + " not found");
  }
  Advance(it->second, NowNanos());
  return ToStatus(it->second);
}

sdk::Result<sdk::ExecSyncResult> MockRuntime::ExecSync(const std::string& container_id,
                                                       const std::vector<std::string>& cmd,
                                                       std::chrono::seconds timeout) noexcept {
  ExecEnvironment environment;
  {
    std::lock_guard lock(mu_);
    auto it = containers_.find(container_id);
    if (it == containers_.end()) {
      return sdk::Status::NotFound("container " + container_id + " not found");
    }
    Advance(it->second, NowNanos());
    if (it->second.state != sdk::ContainerState::kRunning) {
      return sdk::Status::FailedPrecondition("container " + container_id + " is not running");
    }
    environment.envs = it->second.config.envs;
    environment.hostname = sandboxes_.at(it->second.sandbox_id).config.hostname;
  }
  return RunMockCommand(cmd, environment, timeout);
}

// ---- Images ----

sdk::Result<std::string> MockRuntime::PullImage(
    const sdk::ImageSpec& image, const sdk::AuthConfig& auth,
    const sdk::PodSandboxConfig& sandbox_config) noexcept {
  std::lock_guard lock(mu_);
  return images_.Pull(image.image);
}

sdk::Result<std::optional<sdk::Image>> MockRuntime::ImageStatus(
    const sdk::ImageSpec& image) noexcept {
  std::lock_guard lock(mu_);
  return images_.Find(image.image);
}

sdk::Result<std::vector<sdk::Image>> MockRuntime::ListImages(
    const sdk::ImageFilter& filter) noexcept {
  std::lock_guard lock(mu_);
  return images_.List(filter);
}

sdk::Status MockRuntime::RemoveImage(const sdk::ImageSpec& image) noexcept {
  std::lock_guard lock(mu_);
  images_.Remove(image.image);
  return sdk::Status::Ok();
}

sdk::Result<std::unique_ptr<sdk::RuntimeService>> NewMockRuntime(const std::string& config_json) {
  auto config = ParseMockRuntimeConfig(config_json);
  if (!config.ok()) return config.status();
  return std::unique_ptr<sdk::RuntimeService>(
      std::make_unique<MockRuntime>(std::move(config).value()));
}

}  // namespace skiff::mock
