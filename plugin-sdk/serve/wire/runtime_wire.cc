#include "plugin-sdk/serve/wire/runtime_wire.h"

#include <boost/json.hpp>

#include "plugin-sdk/serve/wire/container_wire.h"

namespace skiff::wire {

namespace {

// proto3 enums are open: a newer peer may send a value we do not know. Unknown values map to
// the SDK's "unknown"/default member rather than to an out-of-range enum.

sdk::Protocol FromWire(cri::Protocol p) {
  switch (p) {
    case cri::UDP:
      return sdk::Protocol::kUdp;
    case cri::SCTP:
      return sdk::Protocol::kSctp;
    default:
      return sdk::Protocol::kTcp;
  }
}

cri::Protocol ToWire(sdk::Protocol p) {
  switch (p) {
    case sdk::Protocol::kUdp:
      return cri::UDP;
    case sdk::Protocol::kSctp:
      return cri::SCTP;
    case sdk::Protocol::kTcp:
      break;
  }
  return cri::TCP;
}

sdk::NamespaceMode FromWire(cri::NamespaceMode m) {
  switch (m) {
    case cri::CONTAINER:
      return sdk::NamespaceMode::kContainer;
    case cri::NODE:
      return sdk::NamespaceMode::kNode;
    case cri::TARGET:
      return sdk::NamespaceMode::kTarget;
    default:
      return sdk::NamespaceMode::kPod;
  }
}

cri::NamespaceMode ToWire(sdk::NamespaceMode m) {
  switch (m) {
    case sdk::NamespaceMode::kContainer:
      return cri::CONTAINER;
    case sdk::NamespaceMode::kNode:
      return cri::NODE;
    case sdk::NamespaceMode::kTarget:
      return cri::TARGET;
    case sdk::NamespaceMode::kPod:
      break;
  }
  return cri::POD;
}

sdk::MountPropagation FromWire(cri::MountPropagation p) {
  switch (p) {
    case cri::PROPAGATION_HOST_TO_CONTAINER:
      return sdk::MountPropagation::kHostToContainer;
    case cri::PROPAGATION_BIDIRECTIONAL:
      return sdk::MountPropagation::kBidirectional;
    default:
      return sdk::MountPropagation::kPrivate;
  }
}

cri::MountPropagation ToWire(sdk::MountPropagation p) {
  switch (p) {
    case sdk::MountPropagation::kHostToContainer:
      return cri::PROPAGATION_HOST_TO_CONTAINER;
    case sdk::MountPropagation::kBidirectional:
      return cri::PROPAGATION_BIDIRECTIONAL;
    case sdk::MountPropagation::kPrivate:
      break;
  }
  return cri::PROPAGATION_PRIVATE;
}

sdk::PodSandboxState FromWire(cri::PodSandboxState s) {
  return s == cri::SANDBOX_READY ? sdk::PodSandboxState::kReady : sdk::PodSandboxState::kNotReady;
}

cri::PodSandboxState ToWire(sdk::PodSandboxState s) {
  return s == sdk::PodSandboxState::kReady ? cri::SANDBOX_READY : cri::SANDBOX_NOTREADY;
}

sdk::ContainerState FromWire(cri::ContainerState s) {
  switch (s) {
    case cri::CONTAINER_CREATED:
      return sdk::ContainerState::kCreated;
    case cri::CONTAINER_RUNNING:
      return sdk::ContainerState::kRunning;
    case cri::CONTAINER_EXITED:
      return sdk::ContainerState::kExited;
    default:
      return sdk::ContainerState::kUnknown;
  }
}

cri::ContainerState ToWire(sdk::ContainerState s) {
  switch (s) {
    case sdk::ContainerState::kCreated:
      return cri::CONTAINER_CREATED;
    case sdk::ContainerState::kRunning:
      return cri::CONTAINER_RUNNING;
    case sdk::ContainerState::kExited:
      return cri::CONTAINER_EXITED;
    case sdk::ContainerState::kUnknown:
      break;
  }
  return cri::CONTAINER_UNKNOWN;
}

void ToWire(const sdk::NamespaceOption& in, cri::NamespaceOption* out) {
  out->set_network(ToWire(in.network));
  out->set_pid(ToWire(in.pid));
  out->set_ipc(ToWire(in.ipc));
  out->set_target_id(in.target_id);
}

sdk::NamespaceOption FromWire(const cri::NamespaceOption& in) {
  sdk::NamespaceOption out;
  out.network = FromWire(in.network());
  out.pid = FromWire(in.pid());
  out.ipc = FromWire(in.ipc());
  out.target_id = in.target_id();
  return out;
}

void ToWire(const sdk::PodSandboxMetadata& in, cri::PodSandboxMetadata* out) {
  out->set_name(in.name);
  out->set_uid(in.uid);
  out->set_namespace_(in.namespace_);
  out->set_attempt(in.attempt);
}

sdk::PodSandboxMetadata FromWire(const cri::PodSandboxMetadata& in) {
  return {in.name(), in.uid(), in.namespace_(), in.attempt()};
}

void ToWire(const sdk::ContainerMetadata& in, cri::ContainerMetadata* out) {
  out->set_name(in.name);
  out->set_attempt(in.attempt);
}

sdk::ContainerMetadata FromWire(const cri::ContainerMetadata& in) {
  return {in.name(), in.attempt()};
}

void ToWire(const sdk::Mount& in, cri::Mount* out) {
  out->set_container_path(in.container_path);
  out->set_host_path(in.host_path);
  out->set_readonly(in.readonly);
  out->set_selinux_relabel(in.selinux_relabel);
  out->set_propagation(ToWire(in.propagation));
}

sdk::Mount FromWire(const cri::Mount& in) {
  sdk::Mount out;
  out.container_path = in.container_path();
  out.host_path = in.host_path();
  out.readonly = in.readonly();
  out.selinux_relabel = in.selinux_relabel();
  out.propagation = FromWire(in.propagation());
  return out;
}

void ToWire(const sdk::LinuxContainerResources& in, cri::LinuxContainerResources* out) {
  out->set_cpu_period(in.cpu_period);
  out->set_cpu_quota(in.cpu_quota);
  out->set_cpu_shares(in.cpu_shares);
  out->set_memory_limit_in_bytes(in.memory_limit_in_bytes);
  out->set_oom_score_adj(in.oom_score_adj);
  out->set_cpuset_cpus(in.cpuset_cpus);
  out->set_cpuset_mems(in.cpuset_mems);
}

sdk::LinuxContainerResources FromWire(const cri::LinuxContainerResources& in) {
  sdk::LinuxContainerResources out;
  out.cpu_period = in.cpu_period();
  out.cpu_quota = in.cpu_quota();
  out.cpu_shares = in.cpu_shares();
  out.memory_limit_in_bytes = in.memory_limit_in_bytes();
  out.oom_score_adj = in.oom_score_adj();
  out.cpuset_cpus = in.cpuset_cpus();
  out.cpuset_mems = in.cpuset_mems();
  return out;
}

}  // namespace

// ---- Version and status ----

void ToWire(const sdk::VersionInfo& in, cri::VersionResponse* out) {
  out->set_version(in.version);
  out->set_runtime_name(in.runtime_name);
  out->set_runtime_version(in.runtime_version);
  out->set_runtime_api_version(in.runtime_api_version);
}

sdk::VersionInfo FromWire(const cri::VersionResponse& in) {
  return {in.version(), in.runtime_name(), in.runtime_version(), in.runtime_api_version()};
}

void ToWire(const sdk::RuntimeStatus& in, cri::RuntimeStatus* out) {
  for (const auto& c : in.conditions) {
    auto* w = out->add_conditions();
    w->set_type(c.type);
    w->set_status(c.status);
    w->set_reason(c.reason);
    w->set_message(c.message);
  }
}

sdk::RuntimeStatus FromWire(const cri::RuntimeStatus& in) {
  sdk::RuntimeStatus out;
  for (const auto& c : in.conditions()) {
    out.conditions.push_back({c.type(), c.status(), c.reason(), c.message()});
  }
  return out;
}

// ---- Pod sandboxes ----

void ToWire(const sdk::PodSandboxConfig& in, cri::PodSandboxConfig* out) {
  ToWire(in.metadata, out->mutable_metadata());
  out->set_hostname(in.hostname);
  out->set_log_directory(in.log_directory);
  auto* dns = out->mutable_dns_config();
  CopyStrings(in.dns_config.servers, dns->mutable_servers());
  CopyStrings(in.dns_config.searches, dns->mutable_searches());
  CopyStrings(in.dns_config.options, dns->mutable_options());
  for (const auto& p : in.port_mappings) {
    auto* w = out->add_port_mappings();
    w->set_protocol(ToWire(p.protocol));
    w->set_container_port(p.container_port);
    w->set_host_port(p.host_port);
    w->set_host_ip(p.host_ip);
  }
  CopyMap(in.labels, out->mutable_labels());
  CopyMap(in.annotations, out->mutable_annotations());
  auto* lx = out->mutable_linux();
  lx->set_cgroup_parent(in.linux_config.cgroup_parent);
  auto* sc = lx->mutable_security_context();
  ToWire(in.linux_config.security_context.namespace_options, sc->mutable_namespace_options());
  sc->set_privileged(in.linux_config.security_context.privileged);
  CopyMap(in.linux_config.sysctls, lx->mutable_sysctls());
}

sdk::PodSandboxConfig FromWire(const cri::PodSandboxConfig& in) {
  sdk::PodSandboxConfig out;
  out.metadata = FromWire(in.metadata());
  out.hostname = in.hostname();
  out.log_directory = in.log_directory();
  out.dns_config.servers = ToStdStrings(in.dns_config().servers());
  out.dns_config.searches = ToStdStrings(in.dns_config().searches());
  out.dns_config.options = ToStdStrings(in.dns_config().options());
  for (const auto& p : in.port_mappings()) {
    out.port_mappings.push_back(
        {FromWire(p.protocol()), p.container_port(), p.host_port(), p.host_ip()});
  }
  out.labels = ToStdMap(in.labels());
  out.annotations = ToStdMap(in.annotations());
  out.linux_config.cgroup_parent = in.linux().cgroup_parent();
  out.linux_config.security_context.namespace_options =
      FromWire(in.linux().security_context().namespace_options());
  out.linux_config.security_context.privileged = in.linux().security_context().privileged();
  out.linux_config.sysctls = ToStdMap(in.linux().sysctls());
  return out;
}

void ToWire(const sdk::PodSandbox& in, cri::PodSandbox* out) {
  out->set_id(in.id);
  ToWire(in.metadata, out->mutable_metadata());
  out->set_state(ToWire(in.state));
  out->set_created_at(in.created_at);
  CopyMap(in.labels, out->mutable_labels());
  CopyMap(in.annotations, out->mutable_annotations());
  out->set_runtime_handler(in.runtime_handler);
}

sdk::PodSandbox FromWire(const cri::PodSandbox& in) {
  sdk::PodSandbox out;
  out.id = in.id();
  out.metadata = FromWire(in.metadata());
  out.state = FromWire(in.state());
  out.created_at = in.created_at();
  out.labels = ToStdMap(in.labels());
  out.annotations = ToStdMap(in.annotations());
  out.runtime_handler = in.runtime_handler();
  return out;
}

void ToWire(const sdk::PodSandboxFilter& in, cri::PodSandboxFilter* out) {
  out->set_id(in.id);
  if (in.state) out->mutable_state()->set_state(ToWire(*in.state));
  CopyMap(in.label_selector, out->mutable_label_selector());
}

sdk::PodSandboxFilter FromWire(const cri::PodSandboxFilter& in) {
  sdk::PodSandboxFilter out;
  out.id = in.id();
  if (in.has_state()) out.state = FromWire(in.state().state());
  out.label_selector = ToStdMap(in.label_selector());
  return out;
}

void ToWire(const sdk::PodSandboxStatus& in, cri::PodSandboxStatusResponse* out) {
  auto* s = out->mutable_status();
  s->set_id(in.id);
  ToWire(in.metadata, s->mutable_metadata());
  s->set_state(ToWire(in.state));
  s->set_created_at(in.created_at);
  s->mutable_network()->set_ip(in.network.ip);
  for (const auto& ip : in.network.additional_ips) {
    s->mutable_network()->add_additional_ips()->set_ip(ip.ip);
  }
  ToWire(in.namespace_options, s->mutable_linux()->mutable_namespaces()->mutable_options());
  CopyMap(in.labels, s->mutable_labels());
  CopyMap(in.annotations, s->mutable_annotations());
  s->set_runtime_handler(in.runtime_handler);
  if (!in.netns_path.empty()) {
    boost::json::object ns{{"type", "network"}, {"path", in.netns_path}};
    boost::json::object info{
        {"runtimeSpec", {{"linux", {{"namespaces", boost::json::array{std::move(ns)}}}}}}};
    (*out->mutable_info())["info"] = boost::json::serialize(info);
  }
}

sdk::PodSandboxStatus FromWire(const cri::PodSandboxStatusResponse& in) {
  const auto& s = in.status();
  sdk::PodSandboxStatus out;
  out.id = s.id();
  out.metadata = FromWire(s.metadata());
  out.state = FromWire(s.state());
  out.created_at = s.created_at();
  out.network.ip = s.network().ip();
  for (const auto& ip : s.network().additional_ips())
    out.network.additional_ips.push_back({ip.ip()});
  out.namespace_options = FromWire(s.linux().namespaces().options());
  out.netns_path = NetnsPathFromInfo(in.info());
  out.labels = ToStdMap(s.labels());
  out.annotations = ToStdMap(s.annotations());
  out.runtime_handler = s.runtime_handler();
  return out;
}

std::string NetnsPathFromInfo(const google::protobuf::Map<std::string, std::string>& info) {
  auto it = info.find("info");
  if (it == info.end()) return "";
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(it->second, ec);
  if (ec) return "";
  // A missing key anywhere on the path just means "no netns reported".
  const auto* spec = v.is_object() ? v.as_object().if_contains("runtimeSpec") : nullptr;
  const auto* lx = spec && spec->is_object() ? spec->as_object().if_contains("linux") : nullptr;
  const auto* nss = lx && lx->is_object() ? lx->as_object().if_contains("namespaces") : nullptr;
  if (!nss || !nss->is_array()) return "";
  for (const auto& ns : nss->as_array()) {
    if (!ns.is_object()) continue;
    const auto* type = ns.as_object().if_contains("type");
    const auto* path = ns.as_object().if_contains("path");
    if (type && type->is_string() && type->as_string() == "network" && path && path->is_string()) {
      return std::string(path->as_string());
    }
  }
  return "";
}

// ---- Containers ----

void ToWire(const sdk::ContainerConfig& in, cri::ContainerConfig* out) {
  ToWire(in.metadata, out->mutable_metadata());
  ToWire(in.image, out->mutable_image());
  CopyStrings(in.command, out->mutable_command());
  CopyStrings(in.args, out->mutable_args());
  out->set_working_dir(in.working_dir);
  for (const auto& kv : in.envs) {
    auto* w = out->add_envs();
    w->set_key(kv.key);
    w->set_value(kv.value);
  }
  for (const auto& m : in.mounts) ToWire(m, out->add_mounts());
  CopyMap(in.labels, out->mutable_labels());
  CopyMap(in.annotations, out->mutable_annotations());
  out->set_log_path(in.log_path);
  out->set_stdin(in.stdin);
  out->set_stdin_once(in.stdin_once);
  out->set_tty(in.tty);
  ToWire(in.linux_config.resources, out->mutable_linux()->mutable_resources());
}

sdk::ContainerConfig FromWire(const cri::ContainerConfig& in) {
  sdk::ContainerConfig out;
  out.metadata = FromWire(in.metadata());
  out.image = FromWire(in.image());
  out.command = ToStdStrings(in.command());
  out.args = ToStdStrings(in.args());
  out.working_dir = in.working_dir();
  for (const auto& kv : in.envs()) out.envs.push_back({kv.key(), kv.value()});
  for (const auto& m : in.mounts()) out.mounts.push_back(FromWire(m));
  out.labels = ToStdMap(in.labels());
  out.annotations = ToStdMap(in.annotations());
  out.log_path = in.log_path();
  out.stdin = in.stdin();
  out.stdin_once = in.stdin_once();
  out.tty = in.tty();
  out.linux_config.resources = FromWire(in.linux().resources());
  return out;
}

void ToWire(const sdk::Container& in, cri::Container* out) {
  out->set_id(in.id);
  out->set_pod_sandbox_id(in.pod_sandbox_id);
  ToWire(in.metadata, out->mutable_metadata());
  ToWire(in.image, out->mutable_image());
  out->set_image_ref(in.image_ref);
  out->set_state(ToWire(in.state));
  out->set_created_at(in.created_at);
  CopyMap(in.labels, out->mutable_labels());
  CopyMap(in.annotations, out->mutable_annotations());
}

sdk::Container FromWire(const cri::Container& in) {
  sdk::Container out;
  out.id = in.id();
  out.pod_sandbox_id = in.pod_sandbox_id();
  out.metadata = FromWire(in.metadata());
  out.image = FromWire(in.image());
  out.image_ref = in.image_ref();
  out.state = FromWire(in.state());
  out.created_at = in.created_at();
  out.labels = ToStdMap(in.labels());
  out.annotations = ToStdMap(in.annotations());
  return out;
}

void ToWire(const sdk::ContainerFilter& in, cri::ContainerFilter* out) {
  out->set_id(in.id);
  if (in.state) out->mutable_state()->set_state(ToWire(*in.state));
  out->set_pod_sandbox_id(in.pod_sandbox_id);
  CopyMap(in.label_selector, out->mutable_label_selector());
}

sdk::ContainerFilter FromWire(const cri::ContainerFilter& in) {
  sdk::ContainerFilter out;
  out.id = in.id();
  if (in.has_state()) out.state = FromWire(in.state().state());
  out.pod_sandbox_id = in.pod_sandbox_id();
  out.label_selector = ToStdMap(in.label_selector());
  return out;
}

void ToWire(const sdk::ContainerStatus& in, cri::ContainerStatus* out) {
  out->set_id(in.id);
  ToWire(in.metadata, out->mutable_metadata());
  out->set_state(ToWire(in.state));
  out->set_created_at(in.created_at);
  out->set_started_at(in.started_at);
  out->set_finished_at(in.finished_at);
  out->set_exit_code(in.exit_code);
  ToWire(in.image, out->mutable_image());
  out->set_image_ref(in.image_ref);
  out->set_reason(in.reason);
  out->set_message(in.message);
  CopyMap(in.labels, out->mutable_labels());
  CopyMap(in.annotations, out->mutable_annotations());
  for (const auto& m : in.mounts) ToWire(m, out->add_mounts());
  out->set_log_path(in.log_path);
}

sdk::ContainerStatus FromWire(const cri::ContainerStatus& in) {
  sdk::ContainerStatus out;
  out.id = in.id();
  out.metadata = FromWire(in.metadata());
  out.state = FromWire(in.state());
  out.created_at = in.created_at();
  out.started_at = in.started_at();
  out.finished_at = in.finished_at();
  out.exit_code = in.exit_code();
  out.image = FromWire(in.image());
  out.image_ref = in.image_ref();
  out.reason = in.reason();
  out.message = in.message();
  out.labels = ToStdMap(in.labels());
  out.annotations = ToStdMap(in.annotations());
  for (const auto& m : in.mounts()) out.mounts.push_back(FromWire(m));
  out.log_path = in.log_path();
  return out;
}

void ToWire(const sdk::ExecSyncResult& in, cri::ExecSyncResponse* out) {
  out->set_stdout(in.stdout);
  out->set_stderr(in.stderr);
  out->set_exit_code(in.exit_code);
}

sdk::ExecSyncResult FromWire(const cri::ExecSyncResponse& in) {
  return {in.stdout(), in.stderr(), in.exit_code()};
}

// ---- Images ----

void ToWire(const sdk::ImageSpec& in, cri::ImageSpec* out) {
  out->set_image(in.image);
  CopyMap(in.annotations, out->mutable_annotations());
}

sdk::ImageSpec FromWire(const cri::ImageSpec& in) {
  return {in.image(), ToStdMap(in.annotations())};
}

void ToWire(const sdk::AuthConfig& in, cri::AuthConfig* out) {
  out->set_username(in.username);
  out->set_password(in.password);
  out->set_auth(in.auth);
  out->set_server_address(in.server_address);
  out->set_identity_token(in.identity_token);
  out->set_registry_token(in.registry_token);
}

sdk::AuthConfig FromWire(const cri::AuthConfig& in) {
  return {in.username(),       in.password(),       in.auth(),
          in.server_address(), in.identity_token(), in.registry_token()};
}

void ToWire(const sdk::Image& in, cri::Image* out) {
  out->set_id(in.id);
  CopyStrings(in.repo_tags, out->mutable_repo_tags());
  CopyStrings(in.repo_digests, out->mutable_repo_digests());
  out->set_size(in.size);
  if (in.uid) out->mutable_uid()->set_value(*in.uid);
  out->set_username(in.username);
  ToWire(in.spec, out->mutable_spec());
  out->set_pinned(in.pinned);
}

sdk::Image FromWire(const cri::Image& in) {
  sdk::Image out;
  out.id = in.id();
  out.repo_tags = ToStdStrings(in.repo_tags());
  out.repo_digests = ToStdStrings(in.repo_digests());
  out.size = in.size();
  if (in.has_uid()) out.uid = in.uid().value();
  out.username = in.username();
  out.spec = FromWire(in.spec());
  out.pinned = in.pinned();
  return out;
}

void ToWire(const sdk::ImageFilter& in, cri::ImageFilter* out) {
  ToWire(in.image, out->mutable_image());
}

sdk::ImageFilter FromWire(const cri::ImageFilter& in) { return {FromWire(in.image())}; }

}  // namespace skiff::wire
