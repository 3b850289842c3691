#include "core/api/validation.h"

#include "core/api/json_fields.h"
#include "core/api/validate_kinds.h"
#include "core/api/validate_meta.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

using CreateRule = void (*)(const json::object&, FieldErrors&);
using UpdateRule = void (*)(const json::object&, const json::object&, FieldErrors&);

struct KindRules {
  NameRule name = NameRule::kDnsSubdomain;
  CreateRule create = nullptr;
  UpdateRule update = nullptr;
};

KindRules RulesFor(const Kind& kind) {
  const std::string& k = kind.kind;
  if (kind.group == "apps") {
    if (k == "Deployment")
      return {NameRule::kDnsSubdomain, ValidateDeployment, ValidateWorkloadUpdate};
    if (k == "ReplicaSet")
      return {NameRule::kDnsSubdomain, ValidateReplicaSet, ValidateWorkloadUpdate};
    if (k == "DaemonSet")
      return {NameRule::kDnsSubdomain, ValidateDaemonSet, ValidateWorkloadUpdate};
    if (k == "StatefulSet") {
      return {NameRule::kDnsSubdomain, ValidateStatefulSet, ValidateStatefulSetUpdate};
    }
    if (k == "ControllerRevision") {
      return {NameRule::kDnsSubdomain, ValidateControllerRevision,
              ValidateControllerRevisionUpdate};
    }
    return {};
  }
  if (kind.group == "batch" && k == "Job") {
    return {NameRule::kDnsSubdomain, ValidateJob, ValidateJobUpdate};
  }
  if (kind.group == "batch" && k == "CronJob") return {NameRule::kDnsSubdomain, ValidateCronJob};
  if (kind.group == "coordination.k8s.io" && k == "Lease")
    return {NameRule::kDnsSubdomain, ValidateLease};
  if (kind.group == "storage.k8s.io" && k == "StorageClass") {
    return {NameRule::kDnsSubdomain, ValidateStorageClass, ValidateStorageClassUpdate};
  }
  if (!kind.group.empty()) return {};
  if (k == "Pod") return {NameRule::kDnsSubdomain, ValidatePod, ValidatePodUpdate};
  if (k == "Service") return {NameRule::kDns1035Label, ValidateService, ValidateServiceUpdate};
  if (k == "Namespace") return {NameRule::kDnsLabel, ValidateNamespace};
  if (k == "Node") return {NameRule::kDnsSubdomain, ValidateNode, ValidateNodeUpdate};
  if (k == "Endpoints") return {NameRule::kDnsSubdomain, ValidateEndpoints};
  if (k == "ConfigMap") return {NameRule::kDnsSubdomain, ValidateConfigMap, ValidateImmutableData};
  if (k == "Secret") return {NameRule::kDnsSubdomain, ValidateSecret, ValidateSecretUpdate};
  if (k == "Event") return {NameRule::kDnsSubdomain, ValidateEvent};
  if (k == "PersistentVolume") {
    return {NameRule::kDnsSubdomain, ValidatePersistentVolume, ValidateVolumeUpdate};
  }
  if (k == "PersistentVolumeClaim") {
    return {NameRule::kDnsSubdomain, ValidatePersistentVolumeClaim, ValidateClaimUpdate};
  }
  if (k == "ReplicationController") {
    return {NameRule::kDnsSubdomain, ValidateReplicationController};
  }
  return {};
}

void Validate(const Kind& kind, const KindRules& rules, const json::object& obj,
              FieldErrors& errs) {
  ValidateObjectMeta(kind, obj, rules.name, errs);
  if (rules.create != nullptr) rules.create(obj, errs);
}

}  // namespace

std::vector<StatusCause> ValidateCreate(const Kind& kind, const json::object& obj) {
  FieldErrors errs;
  Validate(kind, RulesFor(kind), obj, errs);
  return errs.Take();
}

std::vector<StatusCause> ValidateUpdate(const Kind& kind, const json::object& updated,
                                        const json::object& old) {
  FieldErrors errs;
  KindRules rules = RulesFor(kind);
  Validate(kind, rules, updated, errs);
  for (const char* field : {"name", "namespace"}) {
    std::string path = std::string("metadata.") + field;
    if (GetString(updated, path) != GetString(old, path)) {
      errs.Invalid(path, json::string(GetString(updated, path)), "field is immutable");
    }
  }
  // An update may leave these out (the server carries them over); it may not change them.
  for (const char* field : {"uid", "creationTimestamp"}) {
    std::string path = std::string("metadata.") + field;
    std::string_view now = GetString(updated, path);
    if (!now.empty() && now != GetString(old, path)) {
      errs.Invalid(path, json::string(now), "field is immutable");
    }
  }
  if (rules.update != nullptr) rules.update(updated, old, errs);
  return errs.Take();
}

}  // namespace skiff::api
