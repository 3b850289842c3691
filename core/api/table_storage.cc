#include <algorithm>
#include <string>

#include "core/api/json_fields.h"
#include "core/api/table_printers.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

// "RWO,ROX,RWX,RWOP" in that fixed order, each once.
std::string AccessModes(const json::array* modes) {
  static const std::pair<std::string_view, std::string_view> kShort[] = {
      {"ReadWriteOnce", "RWO"},
      {"ReadOnlyMany", "ROX"},
      {"ReadWriteMany", "RWX"},
      {"ReadWriteOncePod", "RWOP"}};
  std::string out;
  for (const auto& [mode, abbrev] : kShort) {
    bool present = modes && std::any_of(modes->begin(), modes->end(), [mode](const json::value& v) {
                     return v.is_string() && v.get_string() == mode;
                   });
    if (present) out += (out.empty() ? "" : ",") + std::string(abbrev);
  }
  return out;
}

std::string Quantity(const json::object& obj, std::string_view path) {
  const json::value* v = FindPath(obj, path);
  if (v == nullptr) return "";
  if (v->is_string()) return std::string(v->get_string());
  if (auto n = AsInt(*v)) return std::to_string(*n);
  return "";
}

// The beta annotation still wins over spec.storageClassName, as in Kubernetes.
std::string_view StorageClassOf(const json::object& obj) {
  const json::object* ann = FindObject(obj, "metadata.annotations");
  const json::value* beta =
      ann ? ann->if_contains("volume.beta.kubernetes.io/storage-class") : nullptr;
  if (beta && beta->is_string()) return beta->get_string();
  return GetString(obj, "spec.storageClassName");
}

std::string OrUnset(std::string_view s) { return s.empty() ? "<unset>" : std::string(s); }

bool Deleting(const json::object& obj) {
  const json::value* ts = FindPath(obj, "metadata.deletionTimestamp");
  return ts != nullptr && !ts->is_null();
}

TableRow VolumeRow(const json::object& pv, TimePoint now) {
  std::string claim;
  if (FindObject(pv, "spec.claimRef") != nullptr) {
    claim = std::string(GetString(pv, "spec.claimRef.namespace")) + "/" +
            std::string(GetString(pv, "spec.claimRef.name"));
  }
  std::string phase = Deleting(pv) ? "Terminating" : std::string(GetString(pv, "status.phase"));
  return {json::array{GetString(pv, "metadata.name"), Quantity(pv, "spec.capacity.storage"),
                      AccessModes(FindArray(pv, "spec.accessModes")),
                      GetString(pv, "spec.persistentVolumeReclaimPolicy"), phase, claim,
                      StorageClassOf(pv), OrUnset(GetString(pv, "spec.volumeAttributesClassName")),
                      GetString(pv, "status.reason"), Age(pv, now),
                      OrUnset(GetString(pv, "spec.volumeMode"))},
          {}};
}

TableRow ClaimRow(const json::object& pvc, TimePoint now) {
  std::string phase = Deleting(pvc) ? "Terminating" : std::string(GetString(pvc, "status.phase"));
  std::string capacity, modes;
  if (!GetString(pvc, "spec.volumeName").empty()) {
    capacity = Quantity(pvc, "status.capacity.storage");
    modes = AccessModes(FindArray(pvc, "status.accessModes"));
  }
  return {json::array{GetString(pvc, "metadata.name"), phase, GetString(pvc, "spec.volumeName"),
                      capacity, modes, StorageClassOf(pvc),
                      OrUnset(GetString(pvc, "spec.volumeAttributesClassName")), Age(pvc, now),
                      OrUnset(GetString(pvc, "spec.volumeMode"))},
          {}};
}

TableRow StorageClassRow(const json::object& sc, TimePoint now) {
  std::string name(GetString(sc, "metadata.name"));
  const json::object* ann = FindObject(sc, "metadata.annotations");
  for (const char* key : {"storageclass.kubernetes.io/is-default-class",
                          "storageclass.beta.kubernetes.io/is-default-class"}) {
    const json::value* v = ann ? ann->if_contains(key) : nullptr;
    if (v && *v == "true") {
      name += " (default)";
      break;
    }
  }
  std::string_view reclaim = GetString(sc, "reclaimPolicy");
  std::string_view binding = GetString(sc, "volumeBindingMode");
  return {json::array{name, GetString(sc, "provisioner"), reclaim.empty() ? "Delete" : reclaim,
                      binding.empty() ? "Immediate" : binding, GetBool(sc, "allowVolumeExpansion"),
                      Age(sc, now)},
          {}};
}

}  // namespace

const TablePrinter& PersistentVolumePrinter() {
  static const TablePrinter kPrinter{
      {NameColumn(),
       {"Capacity", "string", "The storage capacity of the volume."},
       {"Access Modes", "string", "The ways the volume can be mounted."},
       {"Reclaim Policy", "string", "What happens to the volume when its claim is released."},
       {"Status", "string", "The phase of the volume."},
       {"Claim", "string", "The claim bound to the volume."},
       {"StorageClass", "string", "StorageClass of the pv"},
       {"VolumeAttributesClass", "string", "VolumeAttributesClass of the pv"},
       {"Reason", "string", "Why the volume is in its phase."},
       AgeColumn(),
       {"VolumeMode", "string", "Filesystem or Block.", 1}},
      VolumeRow};
  return kPrinter;
}

const TablePrinter& PersistentVolumeClaimPrinter() {
  static const TablePrinter kPrinter{
      {NameColumn(),
       {"Status", "string", "The phase of the claim."},
       {"Volume", "string", "The volume bound to the claim."},
       {"Capacity", "string", "The capacity of the bound volume."},
       {"Access Modes", "string", "The access modes of the bound volume."},
       {"StorageClass", "string", "StorageClass of the pvc"},
       {"VolumeAttributesClass", "string", "VolumeAttributesClass of the pvc"},
       AgeColumn(),
       {"VolumeMode", "string", "Filesystem or Block.", 1}},
      ClaimRow};
  return kPrinter;
}

const TablePrinter& StorageClassPrinter() {
  static const TablePrinter kPrinter{
      {NameColumn(),
       {"Provisioner", "string", "The driver that provisions volumes of this class."},
       {"ReclaimPolicy", "string", "The reclaim policy of the volumes it provisions."},
       {"VolumeBindingMode", "string", "When claims are bound and volumes provisioned."},
       {"AllowVolumeExpansion", "string", "Whether claims of this class may grow."},
       AgeColumn()},
      StorageClassRow};
  return kPrinter;
}

}  // namespace skiff::api
