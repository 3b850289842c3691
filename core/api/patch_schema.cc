#include "core/api/patch_schema.h"

namespace skiff::api {
namespace {

using List = PatchField::List;

PatchField Object(const PatchType& t) { return PatchField{List::kAtomic, {}, &t}; }
PatchField ByKey(std::string_view key, const PatchType* elem = nullptr) {
  return PatchField{List::kMergeByKey, key, elem};
}
PatchField Set() { return PatchField{List::kMergeSet, {}, nullptr}; }

// The types with merge metadata, wired together once. Field lists follow core/v1 and apps/v1
// types.go (v1.32); lists not named here (tolerations, envFrom, Endpoints subsets, ...) are
// atomic.
struct Schemas {
  PatchType object_meta, container, pod_spec, pod_status, pod_template, conditions_status;
  PatchType pod, workload_spec, workload, service_spec, service, node_spec, node_status, node;
  PatchType job_template, cron_job_spec, cron_job;
  PatchType metadata_only;

  Schemas() {
    object_meta.fields = {{"finalizers", Set()}, {"ownerReferences", ByKey("uid")}};
    container.fields = {{"ports", ByKey("containerPort")},
                        {"env", ByKey("name")},
                        {"volumeMounts", ByKey("mountPath")},
                        {"volumeDevices", ByKey("devicePath")}};
    pod_spec.fields = {{"volumes", ByKey("name")},
                       {"initContainers", ByKey("name", &container)},
                       {"containers", ByKey("name", &container)},
                       {"ephemeralContainers", ByKey("name", &container)},
                       {"imagePullSecrets", ByKey("name")},
                       {"hostAliases", ByKey("ip")},
                       {"topologySpreadConstraints", ByKey("topologyKey")},
                       {"resourceClaims", ByKey("name")},
                       {"schedulingGates", ByKey("name")}};
    pod_status.fields = {{"conditions", ByKey("type")},
                         {"podIPs", ByKey("ip")},
                         {"hostIPs", ByKey("ip")},
                         {"resourceClaimStatuses", ByKey("name")}};
    pod_template.fields = {{"metadata", Object(object_meta)}, {"spec", Object(pod_spec)}};
    conditions_status.fields = {{"conditions", ByKey("type")}};

    pod.fields = {{"metadata", Object(object_meta)},
                  {"spec", Object(pod_spec)},
                  {"status", Object(pod_status)}};
    workload_spec.fields = {{"template", Object(pod_template)}};
    workload.fields = {{"metadata", Object(object_meta)},
                       {"spec", Object(workload_spec)},
                       {"status", Object(conditions_status)}};
    job_template.fields = {{"metadata", Object(object_meta)}, {"spec", Object(workload_spec)}};
    cron_job_spec.fields = {{"jobTemplate", Object(job_template)}};
    cron_job.fields = {{"metadata", Object(object_meta)}, {"spec", Object(cron_job_spec)}};
    service_spec.fields = {{"ports", ByKey("port")}};
    service.fields = {{"metadata", Object(object_meta)},
                      {"spec", Object(service_spec)},
                      {"status", Object(conditions_status)}};
    node_spec.fields = {{"podCIDRs", Set()}};
    node_status.fields = {{"conditions", ByKey("type")}, {"addresses", ByKey("type")}};
    node.fields = {{"metadata", Object(object_meta)},
                   {"spec", Object(node_spec)},
                   {"status", Object(node_status)}};
    metadata_only.fields = {{"metadata", Object(object_meta)},
                            {"status", Object(conditions_status)}};
  }
};

const Schemas& All() {
  static const Schemas kSchemas;
  return kSchemas;
}

}  // namespace

const PatchField& PatchType::Field(std::string_view name) const {
  static const PatchField kUnknown;
  auto it = fields.find(name);
  return it == fields.end() ? kUnknown : it->second;
}

const PatchType* PatchTypeFor(const Kind& kind) {
  const Schemas& s = All();
  if (kind.group.empty()) {
    if (kind.kind == "Pod") return &s.pod;
    if (kind.kind == "ReplicationController") return &s.workload;
    if (kind.kind == "Service") return &s.service;
    if (kind.kind == "Node") return &s.node;
  } else if (kind.group == "batch" && kind.kind == "CronJob") {
    return &s.cron_job;
  } else if (kind.group == "apps" || kind.group == "batch") {
    return &s.workload;
  }
  // Namespace, PVC: status.conditions by type; the rest only have metadata lists.
  return &s.metadata_only;
}

}  // namespace skiff::api
