#include <boost/json/array.hpp>
#include <string>

#include "core/api/json_fields.h"
#include "core/api/quantity.h"
#include "core/api/validate_kinds.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

const json::object kEmpty;

const json::object& Obj(const json::object& obj, std::string_view path) {
  const json::object* o = FindObject(obj, path);
  return o ? *o : kEmpty;
}

bool SameAt(const json::object& a, const json::object& b, std::string_view path) {
  const json::value* x = FindPath(a, path);
  const json::value* y = FindPath(b, path);
  if (x == nullptr || y == nullptr) return x == y;
  return JsonEqual(*x, *y);
}

void CopyField(json::object& to, const json::object& from, std::string_view key) {
  if (const json::value* v = from.if_contains(key)) {
    to[key] = *v;
  } else {
    to.erase(key);
  }
}

// Sets each list item's field to the old item's, where both lists have the item.
void MaskItemField(json::object& updated, const json::object& old, std::string_view list,
                   std::string_view field) {
  json::value* now = updated.if_contains(list);
  const json::array* before = FindArray(old, list);
  if (now == nullptr || !now->is_array() || before == nullptr) return;
  json::array& items = now->get_array();
  for (size_t i = 0; i < items.size() && i < before->size(); ++i) {
    if (items[i].is_object() && (*before)[i].is_object()) {
      CopyField(items[i].get_object(), (*before)[i].get_object(), field);
    }
  }
}

constexpr std::string_view kPodSpecForbidden =
    "pod updates may not change fields other than `spec.containers[*].image`,"
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only "
    "additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be "
    "set to 1 if it was previously negative)";

}  // namespace

void ValidatePodUpdate(const json::object& updated, const json::object& old, FieldErrors& errs) {
  const json::object& new_spec = Obj(updated, "spec");
  const json::object& old_spec = Obj(old, "spec");
  auto old_deadline = GetInt(old_spec, "activeDeadlineSeconds");
  auto new_deadline = GetInt(new_spec, "activeDeadlineSeconds");
  if (old_deadline && !new_deadline) {
    errs.Invalid("spec.activeDeadlineSeconds", json::value(),
                 "must not update from a positive integer to nil value");
  } else if (old_deadline && new_deadline && *new_deadline > *old_deadline) {
    errs.Invalid("spec.activeDeadlineSeconds", *new_deadline,
                 "must be less than or equal to previous value");
  }

  // Compare the specs with the mutable parts taken from the old one.
  json::object masked = new_spec;
  MaskItemField(masked, old_spec, "containers", "image");
  MaskItemField(masked, old_spec, "initContainers", "image");
  CopyField(masked, old_spec, "activeDeadlineSeconds");
  const json::array* old_tolerations = FindArray(old_spec, "tolerations");
  const json::array* new_tolerations = FindArray(new_spec, "tolerations");
  bool tolerations_kept = true;
  for (size_t i = 0; old_tolerations && i < old_tolerations->size(); ++i) {
    bool found = false;
    for (size_t j = 0; new_tolerations && j < new_tolerations->size() && !found; ++j) {
      found = JsonEqual((*old_tolerations)[i], (*new_tolerations)[j]);
    }
    tolerations_kept &= found;
  }
  if (tolerations_kept) CopyField(masked, old_spec, "tolerations");
  // Scheduling gates may only be removed.
  const json::array* old_gates = FindArray(old_spec, "schedulingGates");
  const json::array* new_gates = FindArray(new_spec, "schedulingGates");
  bool gates_removed_only = true;
  for (size_t i = 0; new_gates && i < new_gates->size(); ++i) {
    bool found = false;
    for (size_t j = 0; old_gates && j < old_gates->size() && !found; ++j) {
      found = JsonEqual((*new_gates)[i], (*old_gates)[j]);
    }
    gates_removed_only &= found;
  }
  if (gates_removed_only) CopyField(masked, old_spec, "schedulingGates");
  auto old_grace = GetInt(old_spec, "terminationGracePeriodSeconds");
  if (old_grace && *old_grace < 0 && GetInt(new_spec, "terminationGracePeriodSeconds") == 1) {
    CopyField(masked, old_spec, "terminationGracePeriodSeconds");
  }
  if (!JsonEqual(json::value(masked), json::value(old_spec))) {
    errs.Forbidden("spec", kPodSpecForbidden);
  }
}

void ValidateWorkloadUpdate(const json::object& updated, const json::object& old,
                            FieldErrors& errs) {
  if (!SameAt(updated, old, "spec.selector")) {
    const json::value* sel = FindPath(updated, "spec.selector");
    errs.Invalid("spec.selector", sel ? *sel : json::value(), "field is immutable");
  }
}

void ValidateJobUpdate(const json::object& updated, const json::object& old, FieldErrors& errs) {
  for (const char* path : {"spec.selector", "spec.template", "spec.completions"}) {
    if (!SameAt(updated, old, path)) {
      const json::value* v = FindPath(updated, path);
      errs.Invalid(path, v ? *v : json::value(), "field is immutable");
    }
  }
}

void ValidateStatefulSetUpdate(const json::object& updated, const json::object& old,
                               FieldErrors& errs) {
  json::object masked = Obj(updated, "spec");
  const json::object& old_spec = Obj(old, "spec");
  for (std::string_view mutable_field :
       {"replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit",
        "persistentVolumeClaimRetentionPolicy", "minReadySeconds"}) {
    CopyField(masked, old_spec, mutable_field);
  }
  if (!JsonEqual(json::value(masked), json::value(old_spec))) {
    errs.Forbidden("spec",
                   "updates to statefulset spec for fields other than 'replicas', 'ordinals', "
                   "'template', 'updateStrategy', 'revisionHistoryLimit', "
                   "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
  }
}

void ValidateServiceUpdate(const json::object& updated, const json::object& old,
                           FieldErrors& errs) {
  std::string_view old_ip = GetString(old, "spec.clusterIP");
  std::string_view new_ip = GetString(updated, "spec.clusterIP");
  // Moving to ExternalName releases the IP; otherwise an assigned IP stays.
  if (!old_ip.empty() && new_ip != old_ip && GetString(updated, "spec.type") != "ExternalName") {
    errs.Invalid("spec.clusterIP", json::string(new_ip), "field is immutable");
  }
}

void ValidateImmutableData(const json::object& updated, const json::object& old,
                           FieldErrors& errs) {
  if (!GetBool(old, "immutable")) return;
  constexpr std::string_view kMsg = "field is immutable when `immutable` is set";
  if (!GetBool(updated, "immutable")) errs.Forbidden("immutable", kMsg);
  for (const char* field : {"data", "binaryData"}) {
    if (!SameAt(updated, old, field)) errs.Forbidden(field, kMsg);
  }
}

void ValidateSecretUpdate(const json::object& updated, const json::object& old, FieldErrors& errs) {
  if (!SameAt(updated, old, "type")) {
    errs.Invalid("type", json::string(GetString(updated, "type")), "field is immutable");
  }
  ValidateImmutableData(updated, old, errs);
}

void ValidateClaimUpdate(const json::object& updated, const json::object& old, FieldErrors& errs) {
  json::object masked = Obj(updated, "spec");
  json::object old_spec = Obj(old, "spec");
  // volumeName is set once, by binding; a bound claim may change its storage request.
  if (GetString(old_spec, "volumeName").empty()) CopyField(old_spec, masked, "volumeName");
  CopyField(masked, old_spec, "volumeAttributesClassName");
  bool bound = GetString(updated, "status.phase") == "Bound";
  if (bound) {
    const json::value* storage = FindPath(old_spec, "resources.requests.storage");
    json::value* requests = masked.contains("resources") && masked["resources"].is_object()
                                ? masked["resources"].get_object().if_contains("requests")
                                : nullptr;
    if (requests != nullptr && requests->is_object()) {
      json::object& r = requests->get_object();
      if (storage != nullptr) {
        r["storage"] = *storage;
      } else {
        r.erase("storage");
      }
    }
  }
  if (!JsonEqual(json::value(masked), json::value(old_spec))) {
    errs.Forbidden("spec",
                   "spec is immutable after creation except resources.requests and "
                   "volumeAttributesClassName for bound claims");
  }
  const json::value* old_size = FindPath(old, "spec.resources.requests.storage");
  const json::value* new_size = FindPath(updated, "spec.resources.requests.storage");
  if (old_size && new_size && old_size->is_string() && new_size->is_string()) {
    auto before = ParseQuantity(old_size->get_string());
    auto after = ParseQuantity(new_size->get_string());
    if (before && after && *after < *before) {
      errs.Forbidden("spec.resources.requests.storage",
                     "field can not be less than previous value");
    }
  }
}

void ValidateVolumeUpdate(const json::object& updated, const json::object& old, FieldErrors& errs) {
  // Everything in spec but these fields is the volume source.
  json::object new_source = Obj(updated, "spec");
  json::object old_source = Obj(old, "spec");
  for (std::string_view f :
       {"accessModes", "capacity", "claimRef", "persistentVolumeReclaimPolicy", "storageClassName",
        "mountOptions", "volumeMode", "nodeAffinity", "volumeAttributesClassName"}) {
    new_source.erase(f);
    old_source.erase(f);
  }
  if (!JsonEqual(json::value(new_source), json::value(old_source))) {
    errs.Forbidden("spec.persistentvolumesource",
                   "spec.persistentvolumesource is immutable after creation");
  }
  if (!SameAt(updated, old, "spec.volumeMode")) {
    errs.Invalid("volumeMode", json::string(GetString(updated, "spec.volumeMode")),
                 "field is immutable");
  }
}

void ValidateNodeUpdate(const json::object& updated, const json::object& old, FieldErrors& errs) {
  std::string_view old_cidr = GetString(old, "spec.podCIDR");
  if (!old_cidr.empty() && !SameAt(updated, old, "spec.podCIDR")) {
    errs.Forbidden("spec.podCIDR", "node updates may not change podCIDR except from \"\" to valid");
  }
}

void ValidateStorageClassUpdate(const json::object& updated, const json::object& old,
                                FieldErrors& errs) {
  for (const char* field : {"parameters", "provisioner", "reclaimPolicy"}) {
    if (!SameAt(updated, old, field)) {
      errs.Forbidden(field, "updates to " + std::string(field) + " are forbidden.");
    }
  }
  if (!SameAt(updated, old, "volumeBindingMode")) {
    errs.Invalid("volumeBindingMode", json::string(GetString(updated, "volumeBindingMode")),
                 "field is immutable");
  }
}

void ValidateControllerRevisionUpdate(const json::object& updated, const json::object& old,
                                      FieldErrors& errs) {
  if (!SameAt(updated, old, "data")) {
    const json::value* data = updated.if_contains("data");
    errs.Invalid("data", data ? *data : json::value(), "field is immutable");
  }
}

}  // namespace skiff::api
