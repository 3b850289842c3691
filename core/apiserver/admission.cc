#include "core/apiserver/admission.h"

#include <boost/json/parse.hpp>

#include "core/api/json_fields.h"
#include "core/api/pod_defaults.h"
#include "core/apiserver/registry.h"

namespace skiff::apiserver {
namespace json = boost::json;

namespace {

bool IsPod(const api::Kind& kind) { return kind.group.empty() && kind.kind == "Pod"; }

// The default StorageClass: the newest one annotated as default (as Kubernetes picks when
// several are), or "" when none is.
std::string DefaultStorageClass(const ObjectRegistry& registry) {
  const api::Kind* classes = registry.kinds().ByResource("storage.k8s.io", "v1", "storageclasses");
  if (classes == nullptr) return "";
  auto list = registry.List(*classes, "", {});
  if (!list.ok()) return "";
  std::string best, best_created;
  for (const std::string& text : list->items) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec || !v.is_object()) continue;
    const json::object& sc = v.get_object();
    const json::object* annotations = api::FindObject(sc, "metadata.annotations");
    const json::value* is_default =
        annotations ? annotations->if_contains("storageclass.kubernetes.io/is-default-class")
                    : nullptr;
    if (is_default == nullptr || *is_default != "true") continue;
    std::string created(api::GetString(sc, "metadata.creationTimestamp"));
    if (best.empty() || created > best_created) {
      best = api::GetString(sc, "metadata.name");
      best_created = created;
    }
  }
  return best;
}

}  // namespace

void AdmitCreate(const ObjectRegistry& registry, const AdmissionConfig& config,
                 const api::Kind& kind, json::object& obj) {
  AdmitUpdate(config, kind, obj);
  if (kind.group.empty() && kind.kind == "PersistentVolumeClaim") {
    json::object& spec = api::ChildObject(obj, "spec");
    const json::value* cls = spec.if_contains("storageClassName");
    if (cls != nullptr && !cls->is_null()) return;  // "" asks for no class: kept
    if (std::string name = DefaultStorageClass(registry); !name.empty()) {
      spec["storageClassName"] = name;
    }
  }
}

void AdmitUpdate(const AdmissionConfig& config, const api::Kind& kind, json::object& obj) {
  if (IsPod(kind)) {
    api::DefaultNodeTolerations(api::ChildObject(obj, "spec"), config.default_toleration_seconds);
  }
}

}  // namespace skiff::apiserver
