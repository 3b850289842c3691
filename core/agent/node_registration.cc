#include "core/agent/node_registration.h"

#include <spdlog/spdlog.h>
#include <sys/utsname.h>

#include <boost/json.hpp>
#include <fstream>

#include "core/api/api_time.h"

namespace skiff::agent {
namespace {

namespace json = boost::json;

const api::Kind& NodeKind() {
  static const api::Kind& k = *api::KindRegistry::Builtin().ByResource("", "v1", "nodes");
  return k;
}

std::string ReadFirstLine(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string Arch() {
  utsname u{};
  if (uname(&u) != 0) return "amd64";
  std::string m = u.machine;
  if (m == "x86_64") return "amd64";
  if (m == "aarch64") return "arm64";
  return m;
}

std::string Kernel() {
  utsname u{};
  return uname(&u) == 0 ? u.release : "";
}

}  // namespace

NodeRegistration::NodeRegistration(client::Client& client, const AgentConfig& config,
                                   NodeIdentity identity, std::chrono::seconds refresh)
    : client_(client), config_(config), identity_(std::move(identity)), refresh_(refresh) {}

client::Object NodeRegistration::DesiredNode() const {
  json::object labels{{"kubernetes.io/hostname", config_.node_name},
                      {"kubernetes.io/os", "linux"},
                      {"kubernetes.io/arch", Arch()},
                      {"beta.kubernetes.io/os", "linux"},
                      {"beta.kubernetes.io/arch", Arch()}};
  for (const auto& [k, v] : config_.labels) labels[k] = v;
  json::object spec;
  if (!config_.taints.empty()) spec["taints"] = config_.taints;
  return json::object{{"apiVersion", "v1"},
                      {"kind", "Node"},
                      {"metadata", {{"name", config_.node_name}, {"labels", labels}}},
                      {"spec", spec},
                      // Present up front: the registry fills status on create, and an object
                      // that has to grow for it trips a dangling reference in registry.cc.
                      {"status", json::object{}}};
}

client::Object NodeRegistration::DesiredStatus(bool ready, const std::string& reason,
                                               const std::string& message) const {
  json::object capacity;
  for (const auto& [k, v] : config_.capacity) capacity[k] = v;
  std::string now = api::NowApiTime();
  json::object ready_cond{
      {"type", "Ready"},
      {"status", ready ? "True" : "False"},
      {"reason", reason},
      {"message", message},
      {"lastHeartbeatTime", now},
      {"lastTransitionTime", ready_transition_.empty() ? now : ready_transition_}};
  json::array conditions{ready_cond};
  for (const char* pressure : {"MemoryPressure", "DiskPressure", "PIDPressure"}) {
    conditions.push_back(json::object{{"type", pressure},
                                      {"status", "False"},
                                      {"reason", std::string("KubeletHasNo") + pressure},
                                      {"lastHeartbeatTime", now},
                                      {"lastTransitionTime", now}});
  }
  static const std::string machine_id = ReadFirstLine("/etc/machine-id");
  static const std::string boot_id = ReadFirstLine("/proc/sys/kernel/random/boot_id");
  return json::object{
      {"capacity", capacity},
      {"allocatable", capacity},
      {"conditions", conditions},
      {"addresses",
       json::array{json::object{{"type", "InternalIP"}, {"address", config_.address}},
                   json::object{{"type", "Hostname"}, {"address", config_.node_name}}}},
      {"daemonEndpoints", {{"kubeletEndpoint", {{"Port", identity_.kubelet_port}}}}},
      {"nodeInfo",
       {{"machineID", machine_id},
        {"systemUUID", machine_id},
        {"bootID", boot_id},
        {"kernelVersion", Kernel()},
        {"osImage", "skiff"},
        {"containerRuntimeVersion", identity_.runtime_name + "://" + identity_.runtime_version},
        {"kubeletVersion", "v1.32.0-skiff"},
        {"kubeProxyVersion", ""},
        {"operatingSystem", "linux"},
        {"architecture", Arch()}}}};
}

api::ApiResult<std::string> NodeRegistration::Register() {
  client::Object desired = DesiredNode();
  auto created = client_.Create(NodeKind(), "", desired);
  std::string uid;
  if (created.ok()) {
    uid = std::string(created->at("metadata").as_object().at("uid").as_string());
  } else if (created.error().code == 409) {
    // Re-registration after a restart: keep the Node (its pods refer to it), refresh what we own.
    json::object patch{{"metadata", {{"labels", desired["metadata"].as_object()["labels"]}}},
                       {"spec",
                        {{"taints", config_.taints.empty() ? json::value(nullptr)
                                                           : json::value(config_.taints)}}}};
    auto patched =
        client_.Patch(NodeKind(), "", config_.node_name, client::PatchType::kMerge, patch);
    if (!patched.ok()) return patched.error();
    uid = std::string(patched->at("metadata").as_object().at("uid").as_string());
  } else {
    return created.error();
  }
  last_ready_ = -1;
  auto r = ReportReady(false, "KubeletNotReady", "agent starting");
  if (!r.ok()) return r.error();
  spdlog::info("node {} registered", config_.node_name);
  return uid;
}

api::ApiResult<bool> NodeRegistration::ReportReady(bool ready, const std::string& reason,
                                                   const std::string& message) {
  auto now = std::chrono::steady_clock::now();
  if (last_ready_ == static_cast<int>(ready) && now - last_report_ < refresh_) return false;
  if (last_ready_ != static_cast<int>(ready)) ready_transition_ = api::NowApiTime();
  json::object patch{{"status", DesiredStatus(ready, reason, message)}};
  auto r = client_.Patch(NodeKind(), "", config_.node_name, client::PatchType::kMerge, patch,
                         /*status=*/true);
  if (!r.ok()) return r.error();
  last_ready_ = ready;
  last_report_ = now;
  return true;
}

}  // namespace skiff::agent
