#pragma once

// Plain structs for the runtime (CRI runtime.v1) shapes. Field names follow the CRI api.proto,
// in snake_case; a field absent from the proto is marked "skiff:". Times are nanoseconds since
// the Unix epoch.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace skiff::sdk {

using Labels = std::map<std::string, std::string>;
using Annotations = std::map<std::string, std::string>;

struct VersionInfo {
  std::string version;              // CRI API version the caller asked about
  std::string runtime_name;         // e.g. "mock"
  std::string runtime_version;      // the runtime's own version
  std::string runtime_api_version;  // e.g. "v1"
};

struct RuntimeCondition {
  std::string type;  // "RuntimeReady" or "NetworkReady"
  bool status = false;
  std::string reason;
  std::string message;
};
inline constexpr char kRuntimeReady[] = "RuntimeReady";
inline constexpr char kNetworkReady[] = "NetworkReady";

struct RuntimeStatus {
  std::vector<RuntimeCondition> conditions;
};

// ---- Pod sandboxes ----

struct PodSandboxMetadata {
  std::string name;
  std::string uid;
  std::string namespace_;  // "namespace" in the proto, a C++ keyword
  uint32_t attempt = 0;
};

enum class Protocol { kTcp = 0, kUdp = 1, kSctp = 2 };

struct PortMapping {
  Protocol protocol = Protocol::kTcp;
  int32_t container_port = 0;
  int32_t host_port = 0;
  std::string host_ip;
};

struct DnsConfig {
  std::vector<std::string> servers;
  std::vector<std::string> searches;
  std::vector<std::string> options;
};

// Where a namespace comes from: the pod's own, per container, the node's, or another's.
enum class NamespaceMode { kPod = 0, kContainer = 1, kNode = 2, kTarget = 3 };

struct NamespaceOption {
  NamespaceMode network = NamespaceMode::kPod;  // kNode = hostNetwork: true
  NamespaceMode pid = NamespaceMode::kContainer;
  NamespaceMode ipc = NamespaceMode::kPod;
  std::string target_id;
};

struct LinuxSandboxSecurityContext {
  NamespaceOption namespace_options;
  bool privileged = false;
};

struct LinuxPodSandboxConfig {
  std::string cgroup_parent;
  LinuxSandboxSecurityContext security_context;
  std::map<std::string, std::string> sysctls;
};

struct PodSandboxConfig {
  PodSandboxMetadata metadata;
  std::string hostname;
  std::string log_directory;  // container log_path values are relative to this
  DnsConfig dns_config;
  std::vector<PortMapping> port_mappings;
  Labels labels;
  Annotations annotations;
  LinuxPodSandboxConfig linux_config;  // "linux" in the proto, a GNU macro
};

enum class PodSandboxState { kReady = 0, kNotReady = 1 };

struct PodSandbox {
  std::string id;
  PodSandboxMetadata metadata;
  PodSandboxState state = PodSandboxState::kNotReady;
  int64_t created_at = 0;
  Labels labels;
  Annotations annotations;
  std::string runtime_handler;
};

struct PodIP {
  std::string ip;
};

struct PodSandboxNetworkStatus {
  std::string ip;
  std::vector<PodIP> additional_ips;
};

struct PodSandboxStatus {
  std::string id;
  PodSandboxMetadata metadata;
  PodSandboxState state = PodSandboxState::kNotReady;
  int64_t created_at = 0;
  PodSandboxNetworkStatus network;
  NamespaceOption namespace_options;  // linux.namespaces.options in the proto
  std::string netns_path;             // skiff: the sandbox's network namespace, "" if the node's
  Labels labels;
  Annotations annotations;
  std::string runtime_handler;
};

struct PodSandboxFilter {
  std::string id;                        // "" matches all
  std::optional<PodSandboxState> state;  // unset matches all
  Labels label_selector;                 // every pair must match
};

// ---- Containers ----

struct ContainerMetadata {
  std::string name;
  uint32_t attempt = 0;
};

struct ImageSpec {
  std::string image;
  Annotations annotations;
};

struct KeyValue {
  std::string key;
  std::string value;
};

enum class MountPropagation { kPrivate = 0, kHostToContainer = 1, kBidirectional = 2 };

struct Mount {
  std::string container_path;
  std::string host_path;
  bool readonly = false;
  bool selinux_relabel = false;
  MountPropagation propagation = MountPropagation::kPrivate;
};

struct LinuxContainerResources {
  int64_t cpu_period = 0;
  int64_t cpu_quota = 0;
  int64_t cpu_shares = 0;
  int64_t memory_limit_in_bytes = 0;
  int64_t oom_score_adj = 0;
  std::string cpuset_cpus;
  std::string cpuset_mems;
};

struct LinuxContainerConfig {
  LinuxContainerResources resources;
};

struct ContainerConfig {
  ContainerMetadata metadata;
  ImageSpec image;
  std::vector<std::string> command;  // entrypoint; empty uses the image's
  std::vector<std::string> args;
  std::string working_dir;
  std::vector<KeyValue> envs;
  std::vector<Mount> mounts;
  Labels labels;
  Annotations annotations;
  std::string log_path;  // relative to the sandbox's log_directory
  bool stdin = false;
  bool stdin_once = false;
  bool tty = false;
  LinuxContainerConfig linux_config;  // "linux" in the proto
};

enum class ContainerState { kCreated = 0, kRunning = 1, kExited = 2, kUnknown = 3 };

struct Container {
  std::string id;
  std::string pod_sandbox_id;
  ContainerMetadata metadata;
  ImageSpec image;
  std::string image_ref;
  ContainerState state = ContainerState::kUnknown;
  int64_t created_at = 0;
  Labels labels;
  Annotations annotations;
};

struct ContainerStatus {
  std::string id;
  ContainerMetadata metadata;
  ContainerState state = ContainerState::kUnknown;
  int64_t created_at = 0;
  int64_t started_at = 0;   // 0 until started
  int64_t finished_at = 0;  // 0 until exited
  int32_t exit_code = 0;
  ImageSpec image;
  std::string image_ref;
  std::string reason;  // e.g. "Completed", "Error"
  std::string message;
  Labels labels;
  Annotations annotations;
  std::vector<Mount> mounts;
  std::string log_path;  // absolute: log_directory joined with the config's log_path
};

struct ContainerFilter {
  std::string id;
  std::optional<ContainerState> state;
  std::string pod_sandbox_id;
  Labels label_selector;
};

struct ExecSyncResult {
  std::string stdout;
  std::string stderr;
  int32_t exit_code = 0;
};

// An interactive exec session (CRI ExecRequest): which streams the caller will attach.
struct ExecRequest {
  std::string container_id;
  std::vector<std::string> cmd;
  bool tty = false;
  bool stdin = false;
  bool stdout = true;
  bool stderr = true;
};

// ---- Images ----

struct AuthConfig {
  std::string username;
  std::string password;
  std::string auth;
  std::string server_address;
  std::string identity_token;
  std::string registry_token;
};

struct Image {
  std::string id;
  std::vector<std::string> repo_tags;
  std::vector<std::string> repo_digests;
  uint64_t size = 0;
  std::optional<int64_t> uid;
  std::string username;
  ImageSpec spec;
  bool pinned = false;
};

struct ImageFilter {
  ImageSpec image;  // "" matches all
};

}  // namespace skiff::sdk
