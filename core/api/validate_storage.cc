#include <algorithm>
#include <boost/json/array.hpp>
#include <cctype>
#include <optional>
#include <string>

#include "core/api/json_fields.h"
#include "core/api/quantity.h"
#include "core/api/validate_kinds.h"
#include "core/api/validate_meta.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

const json::object kEmpty;

const json::object& SpecOf(const json::object& obj) {
  const json::object* spec = FindObject(obj, "spec");
  return spec ? *spec : kEmpty;
}

void ValidateAccessModes(const json::object& spec, std::string_view missing_detail,
                         FieldErrors& errs) {
  const json::array* modes = FindArray(spec, "accessModes");
  if (modes == nullptr || modes->empty()) {
    errs.Required("spec.accessModes", missing_detail);
    return;
  }
  bool once_pod = false;
  for (const auto& m : *modes) {
    static const std::vector<std::string_view> kModes = {"ReadOnlyMany", "ReadWriteMany",
                                                         "ReadWriteOnce", "ReadWriteOncePod"};
    bool known = m.is_string() && std::find(kModes.begin(), kModes.end(),
                                            std::string_view(m.get_string())) != kModes.end();
    if (!known) errs.NotSupported("spec.accessModes", m, kModes);
    once_pod |= m == "ReadWriteOncePod";
  }
  if (once_pod && modes->size() > 1) {
    errs.Forbidden("spec.accessModes", "may not use ReadWriteOncePod with other access modes");
  }
}

void ValidatePositiveQuantity(const json::value& q, const std::string& path, FieldErrors& errs) {
  std::optional<double> value;
  if (q.is_string()) value = ParseQuantity(q.get_string());
  if (q.is_number()) value = q.to_number<double>();
  if (!value) {
    errs.Invalid(path, q, kQuantityFormatError);
  } else if (*value <= 0) {
    errs.Invalid(path, q, "must be greater than zero");
  }
}

}  // namespace

void ValidatePersistentVolume(const json::object& obj, FieldErrors& errs) {
  const json::object& spec = SpecOf(obj);
  ValidateAccessModes(spec, "", errs);
  const json::object* capacity = FindObject(spec, "capacity");
  if (capacity == nullptr || capacity->empty()) {
    errs.Required("spec.capacity");
  } else {
    if (!capacity->contains("storage") || capacity->size() > 1) {
      errs.NotSupported("spec.capacity", *capacity, {"storage"});
    }
    for (const auto& kv : *capacity) {
      ValidatePositiveQuantity(kv.value(), Key("spec.capacity", kv.key()), errs);
    }
  }
  ValidateEnum(spec, "persistentVolumeReclaimPolicy", "spec.persistentVolumeReclaimPolicy",
               {"Delete", "Recycle", "Retain"}, false, errs);
  ValidateEnum(spec, "volumeMode", "spec.volumeMode", {"Block", "Filesystem"}, false, errs);
  static const std::vector<std::string_view> kNotSources = {"accessModes",
                                                            "capacity",
                                                            "claimRef",
                                                            "persistentVolumeReclaimPolicy",
                                                            "storageClassName",
                                                            "mountOptions",
                                                            "volumeMode",
                                                            "nodeAffinity",
                                                            "volumeAttributesClassName"};
  int sources = 0;
  for (const auto& kv : spec) {
    if (std::find(kNotSources.begin(), kNotSources.end(), kv.key()) != kNotSources.end()) continue;
    if (++sources > 1) {
      errs.Forbidden(Child("spec", kv.key()), "may not specify more than 1 volume type");
    }
  }
  if (sources == 0) errs.Required("spec", "must specify a volume type");
  if (FindObject(spec, "hostPath") && GetString(spec, "hostPath.path").empty()) {
    errs.Required("spec.hostPath.path");
  }
}

void ValidatePersistentVolumeClaim(const json::object& obj, FieldErrors& errs) {
  const json::object& spec = SpecOf(obj);
  ValidateAccessModes(spec, "at least 1 access mode is required", errs);
  if (const json::value* selector = spec.if_contains("selector")) {
    ValidateLabelSelector(*selector, "spec.selector", errs);
  }
  const json::value* storage = FindPath(spec, "resources.requests.storage");
  if (storage == nullptr) {
    errs.Required("spec.resources[storage]");
  } else {
    ValidatePositiveQuantity(*storage, "spec.resources[storage]", errs);
  }
  std::string_view cls = GetString(spec, "storageClassName");
  if (!cls.empty()) {
    errs.InvalidEach("spec.storageClassName", json::string(cls), Dns1123SubdomainErrors(cls));
  }
  ValidateEnum(spec, "volumeMode", "spec.volumeMode", {"Block", "Filesystem"}, false, errs);
}

void ValidateStorageClass(const json::object& obj, FieldErrors& errs) {
  std::string_view provisioner = GetString(obj, "provisioner");
  if (provisioner.empty()) {
    errs.Required("provisioner");
  } else {
    std::string lower(provisioner);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    errs.InvalidEach("provisioner", json::string(provisioner), QualifiedNameErrors(lower));
  }
  ValidateEnum(obj, "reclaimPolicy", "reclaimPolicy", {"Delete", "Retain"}, false, errs);
  ValidateEnum(obj, "volumeBindingMode", "volumeBindingMode", {"Immediate", "WaitForFirstConsumer"},
               true, errs);
}

}  // namespace skiff::api
