#include "core/controllers/volume/volume_controller.h"

#include <spdlog/spdlog.h>

#include <cmath>

#include "core/api/json_fields.h"
#include "core/client/event_recorder.h"
#include "core/controllers/volume/volume_matching.h"

namespace skiff::controllers {
namespace json = boost::json;

namespace {

constexpr char kResyncKey[] = "resync";
constexpr char kBindCompleted[] = "pv.kubernetes.io/bind-completed";
constexpr char kBoundByController[] = "pv.kubernetes.io/bound-by-controller";
constexpr char kProvisionedBy[] = "pv.kubernetes.io/provisioned-by";
constexpr char kSelectedNode[] = "volume.kubernetes.io/selected-node";

const api::Kind& ClaimKind() {
  return *api::KindRegistry::Builtin().ByResource("", "v1", "persistentvolumeclaims");
}
const api::Kind& VolumeKind() {
  return *api::KindRegistry::Builtin().ByResource("", "v1", "persistentvolumes");
}
const api::Kind& ClassKind() {
  return *api::KindRegistry::Builtin().ByResource("storage.k8s.io", "v1", "storageclasses");
}
const api::Kind& PodKind() { return *api::KindRegistry::Builtin().ByResource("", "v1", "pods"); }

std::string ClaimKey(std::string_view ns, std::string_view name) {
  return "c/" + std::string(ns) + "/" + std::string(name);
}
std::string VolumeKey(std::string_view name) { return "v/" + std::string(name); }

sdk::AccessMode CsiAccessMode(std::string_view mode) {
  if (mode == "ReadWriteOnce") return sdk::AccessMode::kSingleNodeWriter;
  if (mode == "ReadWriteOncePod") return sdk::AccessMode::kSingleNodeSingleWriter;
  if (mode == "ReadOnlyMany") return sdk::AccessMode::kMultiNodeReaderOnly;
  if (mode == "ReadWriteMany") return sdk::AccessMode::kMultiNodeMultiWriter;
  return sdk::AccessMode::kUnknown;
}

// Not through a dotted path: annotation keys contain dots.
std::string_view Annotation(const json::object& obj, std::string_view key) {
  const json::object* annotations = api::FindObject(obj, "metadata.annotations");
  const json::value* v = annotations ? annotations->if_contains(key) : nullptr;
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : "";
}

json::value CopyOr(const json::object& obj, std::string_view path, json::value fallback) {
  const json::value* v = api::FindPath(obj, path);
  return v != nullptr && !v->is_null() ? *v : fallback;
}

}  // namespace

VolumeController::VolumeController(client::InformerFactory& informers,
                                   VolumeControllerConfig config)
    : client_(informers.client()),
      config_(std::move(config)),
      claims_(informers.For(ClaimKind())),
      volumes_(informers.For(VolumeKind())),
      classes_(informers.For(ClassKind())),
      pods_(informers.For(PodKind())),
      workers_(queue_, [this](const std::string& key) { return Sync(key); }) {}

void VolumeController::PodChanged(const client::Object& pod) {
  if (api::GetString(pod, "spec.nodeName").empty()) return;
  const json::array* volumes = api::FindArray(pod, "spec.volumes");
  if (volumes == nullptr) return;
  for (const auto& v : *volumes) {
    if (!v.is_object()) continue;
    std::string_view claim = api::GetString(v.get_object(), "persistentVolumeClaim.claimName");
    if (!claim.empty()) queue_.Add(ClaimKey(api::GetString(pod, "metadata.namespace"), claim));
  }
}

VolumeController::~VolumeController() { workers_.Stop(); }

void VolumeController::Start() {
  handlers_.push_back(claims_.AddHandlers(client::InformerHandlers{
      [this](const client::Object& c) {
        queue_.Add(
            ClaimKey(api::GetString(c, "metadata.namespace"), api::GetString(c, "metadata.name")));
      },
      [this](const client::Object&, const client::Object& c) {
        queue_.Add(
            ClaimKey(api::GetString(c, "metadata.namespace"), api::GetString(c, "metadata.name")));
      },
      [this](const client::Object& c) {
        for (const client::ObjectPtr& pv : volumes_.List()) {
          if (ClaimRefMatches(*pv, c)) queue_.Add(VolumeKey(api::GetString(*pv, "metadata.name")));
        }
      }}));
  auto volume_changed = [this](const client::Object& v) {
    queue_.Add(VolumeKey(api::GetString(v, "metadata.name")));
    if (const json::object* ref = api::FindObject(v, "spec.claimRef")) {
      queue_.Add(ClaimKey(api::GetString(*ref, "namespace"), api::GetString(*ref, "name")));
    } else {
      EnqueuePendingClaims();  // a new volume may fit a waiting claim
    }
  };
  handlers_.push_back(volumes_.AddHandlers(client::InformerHandlers{
      volume_changed,
      [volume_changed](const client::Object&, const client::Object& v) { volume_changed(v); },
      [this](const client::Object& v) {
        if (const json::object* ref = api::FindObject(v, "spec.claimRef")) {
          queue_.Add(ClaimKey(api::GetString(*ref, "namespace"), api::GetString(*ref, "name")));
        }
      }}));
  handlers_.push_back(classes_.AddHandlers(client::InformerHandlers{
      [this](const client::Object&) { EnqueuePendingClaims(); },
      [this](const client::Object&, const client::Object&) { EnqueuePendingClaims(); }, nullptr}));
  handlers_.push_back(pods_.AddHandlers(client::InformerHandlers{
      [this](const client::Object& p) { PodChanged(p); },
      [this](const client::Object&, const client::Object& p) { PodChanged(p); }, nullptr}));
  for (auto* informer : {&claims_, &volumes_, &classes_, &pods_}) informer->Start();
  for (auto* informer : {&claims_, &volumes_, &classes_, &pods_}) {
    informer->WaitForSync(std::chrono::seconds(30));
  }
  queue_.AddAfter(kResyncKey, config_.resync_period);
  workers_.Start(1);
}

void VolumeController::EnqueuePendingClaims() {
  for (const client::ObjectPtr& c : claims_.List()) {
    if (api::GetString(*c, "spec.volumeName").empty()) {
      queue_.Add(
          ClaimKey(api::GetString(*c, "metadata.namespace"), api::GetString(*c, "metadata.name")));
    }
  }
}

void VolumeController::EnqueueAll() {
  for (const client::ObjectPtr& c : claims_.List()) {
    queue_.Add(
        ClaimKey(api::GetString(*c, "metadata.namespace"), api::GetString(*c, "metadata.name")));
  }
  for (const client::ObjectPtr& v : volumes_.List()) {
    queue_.Add(VolumeKey(api::GetString(*v, "metadata.name")));
  }
}

bool VolumeController::Sync(const std::string& key) {
  if (key == kResyncKey) {
    EnqueueAll();
    queue_.AddAfter(kResyncKey, config_.resync_period);
    return true;
  }
  if (key.starts_with("v/")) return SyncVolume(key.substr(2));
  std::string rest = key.substr(2);
  auto slash = rest.find('/');
  return SyncClaim(rest.substr(0, slash), rest.substr(slash + 1));
}

bool VolumeController::SetPhase(const api::Kind& kind, const client::Object& obj,
                                const std::string& phase) {
  if (api::GetString(obj, "status.phase") == phase) return true;
  auto r = client_.Patch(kind, api::GetString(obj, "metadata.namespace"),
                         api::GetString(obj, "metadata.name"), client::PatchType::kMerge,
                         json::object{{"status", {{"phase", phase}}}}, /*status=*/true);
  if (!r.ok() && r.error().code != 404) {
    spdlog::warn("volume controller: {} {} phase {}: {}", kind.resource,
                 api::GetString(obj, "metadata.name"), phase, r.error().message);
    return false;
  }
  return true;
}

bool VolumeController::SyncClaim(const std::string& ns, const std::string& name) {
  auto claim = claims_.Get(ns, name);
  if (!claim || !api::GetString(*claim, "metadata.deletionTimestamp").empty()) return true;
  std::string volume_name(api::GetString(*claim, "spec.volumeName"));
  if (!volume_name.empty()) {
    auto volume = volumes_.Get("", volume_name);
    if (!volume) {
      // Bound once, and the volume is gone: the claim is lost.
      if (!Annotation(*claim, kBindCompleted).empty()) {
        return SetPhase(ClaimKind(), *claim, "Lost");
      }
      return true;  // a volume named ahead of its creation
    }
    if (api::FindObject(*volume, "spec.claimRef") != nullptr && !ClaimRefMatches(*volume, *claim)) {
      return true;  // the volume belongs to another claim: this one stays Pending
    }
    return Bind(*volume, *claim);
  }
  // FindMatchingVolume takes values: copies (volumes are few; this runs per unbound claim).
  std::vector<client::Object> volumes;
  for (const client::ObjectPtr& v : volumes_.List()) volumes.push_back(*v);
  if (auto match = FindMatchingVolume(*claim, volumes)) {
    for (client::Object& v : volumes) {
      if (api::GetString(v, "metadata.name") == *match) return Bind(std::move(v), *claim);
    }
  }
  std::string class_name(api::GetString(*claim, "spec.storageClassName"));
  if (class_name.empty()) return true;  // waits for a matching static volume
  auto storage_class = classes_.Get("", class_name);
  if (!storage_class) return true;
  auto driver =
      config_.provisioners.find(std::string(api::GetString(*storage_class, "provisioner")));
  if (driver == config_.provisioners.end()) return true;  // someone else's provisioner
  // The scheduler names the node it picked (and waits for the binding before binding the pod);
  // a pod placed by hand on a node counts as well.
  if (api::GetString(*storage_class, "volumeBindingMode") == "WaitForFirstConsumer" &&
      Annotation(*claim, kSelectedNode).empty() && !HasScheduledConsumer(*claim)) {
    return true;
  }
  return Provision(*claim, *storage_class, *driver->second);
}

bool VolumeController::HasScheduledConsumer(const client::Object& claim) const {
  std::string_view ns = api::GetString(claim, "metadata.namespace");
  std::string_view name = api::GetString(claim, "metadata.name");
  for (const client::ObjectPtr& cached : pods_.List()) {
    const client::Object& pod = *cached;
    if (api::GetString(pod, "metadata.namespace") != ns ||
        api::GetString(pod, "spec.nodeName").empty()) {
      continue;
    }
    if (const json::array* volumes = api::FindArray(pod, "spec.volumes")) {
      for (const auto& v : *volumes) {
        if (v.is_object() &&
            api::GetString(v.get_object(), "persistentVolumeClaim.claimName") == name) {
          return true;
        }
      }
    }
  }
  return false;
}

bool VolumeController::Bind(client::Object volume, const client::Object& claim) {
  std::string volume_name(api::GetString(volume, "metadata.name"));
  std::string ns(api::GetString(claim, "metadata.namespace"));
  std::string name(api::GetString(claim, "metadata.name"));
  std::string uid(api::GetString(claim, "metadata.uid"));
  const json::object* ref = api::FindObject(volume, "spec.claimRef");
  if (ref == nullptr || api::GetString(*ref, "uid").empty()) {
    bool by_us = ref == nullptr;
    json::object& spec = api::ChildObject(volume, "spec");
    spec["claimRef"] = client::ToJson(client::ReferenceTo(claim, ClaimKind()));
    if (by_us) {
      api::ChildObject(api::ChildObject(volume, "metadata"), "annotations")[kBoundByController] =
          "yes";
    }
    auto r = client_.Update(VolumeKind(), volume);
    if (!r.ok()) {
      if (r.error().code != 409) {
        spdlog::warn("volume controller: bind volume {} to {}/{}: {}", volume_name, ns, name,
                     r.error().message);
      }
      return false;  // e.g. another claim took it first: look again
    }
    volume = std::move(*r);
    spdlog::info("volume controller: volume {} bound to claim {}/{}", volume_name, ns, name);
  }
  if (!SetPhase(VolumeKind(), volume, "Bound")) return false;

  const json::object* annotations = api::FindObject(claim, "metadata.annotations");
  bool annotated = annotations != nullptr && annotations->contains(kBindCompleted);
  if (api::GetString(claim, "spec.volumeName") != volume_name || !annotated) {
    json::object meta_annotations{{kBindCompleted, "yes"}};
    if (api::GetString(claim, "spec.volumeName").empty()) {
      meta_annotations[kBoundByController] = "yes";
    }
    auto r = client_.Patch(ClaimKind(), ns, name, client::PatchType::kMerge,
                           json::object{{"metadata", {{"annotations", meta_annotations}}},
                                        {"spec", {{"volumeName", volume_name}}}});
    if (!r.ok()) {
      spdlog::warn("volume controller: claim {}/{} volumeName: {}", ns, name, r.error().message);
      return r.error().code == 404;
    }
  }
  json::object status{{"phase", "Bound"},
                      {"accessModes", CopyOr(volume, "spec.accessModes", json::array())},
                      {"capacity", CopyOr(volume, "spec.capacity", json::object())}};
  bool same = api::GetString(claim, "status.phase") == "Bound" &&
              api::JsonEqual(CopyOr(claim, "status.accessModes", nullptr), status["accessModes"]) &&
              api::JsonEqual(CopyOr(claim, "status.capacity", nullptr), status["capacity"]);
  if (same) return true;
  auto r = client_.Patch(ClaimKind(), ns, name, client::PatchType::kMerge,
                         json::object{{"status", status}}, /*status=*/true);
  if (!r.ok() && r.error().code != 404) {
    spdlog::warn("volume controller: claim {}/{} status: {}", ns, name, r.error().message);
    return false;
  }
  return true;
}

bool VolumeController::Provision(const client::Object& claim, const client::Object& storage_class,
                                 sdk::StoragePlugin& driver) {
  std::string pv_name = "pvc-" + std::string(api::GetString(claim, "metadata.uid"));
  if (volumes_.Get("", pv_name)) return true;  // made already; binding follows its event
  std::string provisioner(api::GetString(storage_class, "provisioner"));
  double request = ClaimRequestBytes(claim).value_or(0);
  sdk::CreateVolumeRequest req;
  req.name = pv_name;
  req.capacity_range = sdk::CapacityRange{static_cast<int64_t>(std::ceil(request)), 0};
  if (const json::array* modes = api::FindArray(claim, "spec.accessModes")) {
    for (const auto& m : *modes) {
      sdk::VolumeCapability cap;
      if (api::GetString(claim, "spec.volumeMode") == "Block") {
        cap.block = sdk::BlockVolume{};
      } else {
        cap.mount = sdk::MountVolume{};
      }
      cap.access_mode = CsiAccessMode(m.is_string() ? std::string_view(m.get_string()) : "");
      req.volume_capabilities.push_back(std::move(cap));
    }
  }
  if (const json::object* params = api::FindObject(storage_class, "parameters")) {
    for (const auto& kv : *params) {
      if (kv.value().is_string()) {
        req.parameters[std::string(kv.key())] = std::string(kv.value().get_string());
      }
    }
  }
  auto created = driver.CreateVolume(req);
  std::string claim_key = std::string(api::GetString(claim, "metadata.namespace")) + "/" +
                          std::string(api::GetString(claim, "metadata.name"));
  if (!created.ok()) {
    spdlog::warn("volume controller: provision {} for claim {} with {}: {}", pv_name, claim_key,
                 provisioner, created.status().ToString());
    return false;
  }
  // The size asked for, unless the driver gave a different one.
  json::value capacity = CopyOr(claim, "spec.resources.requests.storage", "0");
  if (created->capacity_bytes > 0 &&
      created->capacity_bytes != static_cast<int64_t>(std::ceil(request))) {
    capacity = std::to_string(created->capacity_bytes);
  }
  json::object attributes;
  for (const auto& [k, v] : created->volume_context) attributes[k] = v;
  attributes["storage.kubernetes.io/csiProvisionerIdentity"] = provisioner;
  json::object spec{
      {"capacity", {{"storage", capacity}}},
      {"accessModes", CopyOr(claim, "spec.accessModes", json::array())},
      {"persistentVolumeReclaimPolicy", CopyOr(storage_class, "reclaimPolicy", "Delete")},
      {"storageClassName", api::GetString(storage_class, "metadata.name")},
      {"volumeMode", CopyOr(claim, "spec.volumeMode", "Filesystem")},
      {"claimRef",
       {{"kind", "PersistentVolumeClaim"},
        {"apiVersion", "v1"},
        {"namespace", api::GetString(claim, "metadata.namespace")},
        {"name", api::GetString(claim, "metadata.name")},
        {"uid", api::GetString(claim, "metadata.uid")}}},
      {"csi",
       {{"driver", provisioner},
        {"volumeHandle", created->volume_id},
        {"volumeAttributes", attributes}}}};
  if (const json::value* options = storage_class.if_contains("mountOptions")) {
    spec["mountOptions"] = *options;
  }
  json::object pv{
      {"apiVersion", "v1"},
      {"kind", "PersistentVolume"},
      {"metadata", {{"name", pv_name}, {"annotations", {{kProvisionedBy, provisioner}}}}},
      {"spec", spec}};
  auto r = client_.Create(VolumeKind(), "", pv);
  if (!r.ok() && r.error().code != 409) {
    spdlog::warn("volume controller: create volume {}: {}", pv_name, r.error().message);
    return false;
  }
  spdlog::info("volume controller: provisioned volume {} ({}) for claim {}", pv_name,
               created->volume_id, claim_key);
  return true;
}

bool VolumeController::SyncVolume(const std::string& name) {
  auto volume = volumes_.Get("", name);
  if (!volume || !api::GetString(*volume, "metadata.deletionTimestamp").empty()) return true;
  const json::object* ref = api::FindObject(*volume, "spec.claimRef");
  if (ref == nullptr) return SetPhase(VolumeKind(), *volume, "Available");
  std::string ns(api::GetString(*ref, "namespace"));
  std::string claim_name(api::GetString(*ref, "name"));
  std::string uid(api::GetString(*ref, "uid"));
  if (uid.empty()) {
    // Pre-bound to a claim by name: bound when that claim syncs.
    queue_.Add(ClaimKey(ns, claim_name));
    return SetPhase(VolumeKind(), *volume, "Available");
  }
  auto claim = claims_.Get(ns, claim_name);
  if (!claim || api::GetString(*claim, "metadata.uid") != uid) {
    // The cache may lag behind: ask the server before releasing.
    auto live = client_.Get(ClaimKind(), ns, claim_name);
    if (live.ok() && api::GetString(*live, "metadata.uid") == uid) return true;
    if (!live.ok() && live.error().code != 404) return false;
    if (!SetPhase(VolumeKind(), *volume, "Released")) return false;
    return Reclaim(*volume);
  }
  if (api::GetString(*claim, "spec.volumeName") != name) {
    queue_.Add(ClaimKey(ns, claim_name));  // binding half done
    return true;
  }
  return SetPhase(VolumeKind(), *volume, "Bound");
}

bool VolumeController::Reclaim(const client::Object& volume) {
  std::string name(api::GetString(volume, "metadata.name"));
  if (api::GetString(volume, "spec.persistentVolumeReclaimPolicy") != "Delete") return true;
  std::string driver_name(api::GetString(volume, "spec.csi.driver"));
  auto driver = config_.provisioners.find(driver_name);
  if (driver == config_.provisioners.end()) {
    spdlog::warn("volume controller: volume {} is Released; no driver here deletes {} volumes",
                 name, driver_name.empty() ? "non-CSI" : driver_name);
    return true;
  }
  // No pvc-protection finalizer here: wait instead until no live pod mounts the old claim.
  std::string_view ns = api::GetString(volume, "spec.claimRef.namespace");
  std::string_view claim = api::GetString(volume, "spec.claimRef.name");
  for (const client::ObjectPtr& cached : pods_.List()) {
    const client::Object& pod = *cached;
    std::string_view phase = api::GetString(pod, "status.phase");
    if (api::GetString(pod, "metadata.namespace") != ns || phase == "Succeeded" ||
        phase == "Failed") {
      continue;
    }
    if (const json::array* volumes = api::FindArray(pod, "spec.volumes")) {
      for (const auto& v : *volumes) {
        if (v.is_object() &&
            api::GetString(v.get_object(), "persistentVolumeClaim.claimName") == claim) {
          return false;  // retried with back-off
        }
      }
    }
  }
  std::string handle(api::GetString(volume, "spec.csi.volumeHandle"));
  if (sdk::Status s = driver->second->DeleteVolume(handle); !s.ok()) {
    spdlog::warn("volume controller: DeleteVolume {} ({}): {}", name, handle, s.ToString());
    return false;
  }
  client::DeleteOptions options;
  options.precondition_uid = std::string(api::GetString(volume, "metadata.uid"));
  auto r = client_.Delete(VolumeKind(), "", name, options);
  if (!r.ok() && r.error().code != 404) {
    spdlog::warn("volume controller: delete volume {}: {}", name, r.error().message);
    return false;
  }
  spdlog::info("volume controller: deleted volume {} ({}) after its claim went", name, handle);
  return true;
}

}  // namespace skiff::controllers
