#include "core/api/kinds.h"

#include <algorithm>
#include <cctype>

namespace skiff::api {
namespace {

struct KindSpec {
  const char* group;
  const char* kind;
  const char* resource;
  bool namespaced;
  std::vector<std::string> short_names;
  bool in_all;
  bool has_status;
  bool has_scale;
};

Kind Build(const KindSpec& s) {
  Kind k;
  k.group = s.group;
  k.version = "v1";
  k.kind = s.kind;
  k.resource = s.resource;
  k.singular = k.kind;
  std::transform(k.singular.begin(), k.singular.end(), k.singular.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  k.namespaced = s.namespaced;
  k.short_names = s.short_names;
  if (s.in_all) k.categories = {"all"};
  k.has_status = s.has_status;
  k.has_scale = s.has_scale;
  k.has_binding = k.group.empty() && k.resource == "pods";
  return k;
}

std::vector<Kind> BuiltinKinds() {
  // Order: core, then the groups in the order GroupVersions() reports them.
  const KindSpec specs[] = {
      // group, kind, resource, namespaced, short names, "all", status, scale
      {"", "Namespace", "namespaces", false, {"ns"}, false, true, false},
      {"", "Node", "nodes", false, {"no"}, false, true, false},
      {"", "Pod", "pods", true, {"po"}, true, true, false},
      {"", "Service", "services", true, {"svc"}, true, true, false},
      {"", "Endpoints", "endpoints", true, {"ep"}, false, false, false},
      {"", "ConfigMap", "configmaps", true, {"cm"}, false, false, false},
      {"", "Secret", "secrets", true, {}, false, false, false},
      {"", "Event", "events", true, {"ev"}, false, false, false},
      {"", "PersistentVolume", "persistentvolumes", false, {"pv"}, false, true, false},
      {"", "PersistentVolumeClaim", "persistentvolumeclaims", true, {"pvc"}, false, true, false},
      {"", "ReplicationController", "replicationcontrollers", true, {"rc"}, true, true, true},
      {"apps", "Deployment", "deployments", true, {"deploy"}, true, true, true},
      {"apps", "ReplicaSet", "replicasets", true, {"rs"}, true, true, true},
      {"apps", "DaemonSet", "daemonsets", true, {"ds"}, true, true, false},
      {"apps", "StatefulSet", "statefulsets", true, {"sts"}, true, true, true},
      {"apps", "ControllerRevision", "controllerrevisions", true, {}, false, false, false},
      {"batch", "Job", "jobs", true, {}, true, true, false},
      {"batch", "CronJob", "cronjobs", true, {"cj"}, true, true, false},
      {"coordination.k8s.io", "Lease", "leases", true, {}, false, false, false},
      {"storage.k8s.io", "StorageClass", "storageclasses", false, {"sc"}, false, false, false},
  };
  std::vector<Kind> kinds;
  for (const auto& s : specs) kinds.push_back(Build(s));
  return kinds;
}

}  // namespace

const KindRegistry& KindRegistry::Builtin() {
  static const KindRegistry registry(BuiltinKinds());
  return registry;
}

const Kind* KindRegistry::ByResource(std::string_view group, std::string_view version,
                                     std::string_view resource) const {
  for (const auto& k : kinds_) {
    if (k.group == group && k.version == version && k.resource == resource) return &k;
  }
  return nullptr;
}

const Kind* KindRegistry::ByKind(std::string_view api_version, std::string_view kind) const {
  for (const auto& k : kinds_) {
    if (k.kind == kind && k.ApiVersion() == api_version) return &k;
  }
  return nullptr;
}

std::vector<std::string> KindRegistry::GroupVersions() const {
  std::vector<std::string> out;
  for (const auto& k : kinds_) {
    if (k.group.empty()) continue;
    std::string gv = k.ApiVersion();
    if (std::find(out.begin(), out.end(), gv) == out.end()) out.push_back(std::move(gv));
  }
  return out;
}

}  // namespace skiff::api
