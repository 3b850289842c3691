#include "core/api/defaults.h"

#include <boost/json/array.hpp>
#include <string_view>

#include "core/api/base64.h"
#include "core/api/json_fields.h"
#include "core/api/pod_defaults.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

void DefaultTemplate(json::object& spec) {
  json::value* tmpl = spec.if_contains("template");
  if (tmpl == nullptr || !tmpl->is_object()) return;
  DefaultPodSpec(ChildObject(tmpl->get_object(), "spec"));
}

void DefaultClaim(json::object& pvc) {
  SetDefault(ChildObject(pvc, "spec"), "volumeMode", "Filesystem");
  SetDefault(ChildObject(pvc, "status"), "phase", "Pending");
}

void DefaultDeployment(json::object& obj) {
  json::object& spec = ChildObject(obj, "spec");
  SetDefault(spec, "replicas", 1);
  json::object& strategy = ChildObject(spec, "strategy");
  SetDefault(strategy, "type", "RollingUpdate");
  if (GetString(strategy, "type") == "RollingUpdate") {
    json::object& rolling = ChildObject(strategy, "rollingUpdate");
    SetDefault(rolling, "maxUnavailable", "25%");
    SetDefault(rolling, "maxSurge", "25%");
  }
  SetDefault(spec, "revisionHistoryLimit", 10);
  SetDefault(spec, "progressDeadlineSeconds", 600);
  DefaultTemplate(spec);
}

// As Kubernetes: neither parallelism nor completions = one pod to one success.
void DefaultJob(json::object& obj) {
  json::object& spec = ChildObject(obj, "spec");
  if (!spec.contains("parallelism") && !spec.contains("completions")) spec["completions"] = 1;
  SetDefault(spec, "parallelism", 1);
  SetDefault(spec, "backoffLimit", 6);
  SetDefault(spec, "completionMode", "NonIndexed");
  SetDefault(spec, "suspend", false);
  SetDefault(spec, "podReplacementPolicy", "TerminatingOrFailed");
  DefaultTemplate(spec);
}

void DefaultCronJob(json::object& obj) {
  json::object& spec = ChildObject(obj, "spec");
  SetDefault(spec, "concurrencyPolicy", "Allow");
  SetDefault(spec, "suspend", false);
  SetDefault(spec, "successfulJobsHistoryLimit", 3);
  SetDefault(spec, "failedJobsHistoryLimit", 1);
  if (json::value* tmpl = spec.if_contains("jobTemplate"); tmpl && tmpl->is_object()) {
    DefaultTemplate(ChildObject(tmpl->get_object(), "spec"));
  }
}

void DefaultDaemonSet(json::object& obj) {
  json::object& spec = ChildObject(obj, "spec");
  json::object& strategy = ChildObject(spec, "updateStrategy");
  SetDefault(strategy, "type", "RollingUpdate");
  if (GetString(strategy, "type") == "RollingUpdate") {
    json::object& rolling = ChildObject(strategy, "rollingUpdate");
    SetDefault(rolling, "maxUnavailable", 1);
    SetDefault(rolling, "maxSurge", 0);
  }
  SetDefault(spec, "revisionHistoryLimit", 10);
  DefaultTemplate(spec);
}

void DefaultStatefulSet(json::object& obj) {
  json::object& spec = ChildObject(obj, "spec");
  SetDefault(spec, "podManagementPolicy", "OrderedReady");
  json::object& strategy = ChildObject(spec, "updateStrategy");
  if (!strategy.contains("type")) {
    strategy["type"] = "RollingUpdate";
    SetDefault(strategy, "rollingUpdate", json::object());
  }
  json::value* rolling = strategy.if_contains("rollingUpdate");
  if (GetString(strategy, "type") == "RollingUpdate" && rolling && rolling->is_object()) {
    SetDefault(rolling->get_object(), "partition", 0);
  }
  json::object& retention = ChildObject(spec, "persistentVolumeClaimRetentionPolicy");
  SetDefault(retention, "whenDeleted", "Retain");
  SetDefault(retention, "whenScaled", "Retain");
  SetDefault(spec, "replicas", 1);
  SetDefault(spec, "revisionHistoryLimit", 10);
  DefaultTemplate(spec);
  if (json::value* claims = spec.if_contains("volumeClaimTemplates");
      claims && claims->is_array()) {
    for (auto& c : claims->get_array()) {
      if (c.is_object()) DefaultClaim(c.get_object());
    }
  }
}

void DefaultReplicationController(json::object& obj) {
  json::object& spec = ChildObject(obj, "spec");
  // An RC without selector or labels takes its template's labels.
  const json::object* labels = FindObject(spec, "template.metadata.labels");
  if (labels != nullptr && !labels->empty()) {
    const json::value* selector = spec.if_contains("selector");
    if (selector == nullptr || !selector->is_object() || selector->get_object().empty()) {
      spec["selector"] = *labels;
    }
    json::object& meta = ChildObject(obj, "metadata");
    const json::value* own = meta.if_contains("labels");
    if (own == nullptr || !own->is_object() || own->get_object().empty()) meta["labels"] = *labels;
  }
  SetDefault(spec, "replicas", 1);
  DefaultTemplate(spec);
}

void DefaultService(json::object& obj) {
  json::object& spec = ChildObject(obj, "spec");
  SetDefault(spec, "sessionAffinity", "None");
  if (GetString(spec, "sessionAffinity") == "None") spec.erase("sessionAffinityConfig");
  if (GetString(spec, "sessionAffinity") == "ClientIP") {
    json::object& client_ip = ChildObject(ChildObject(spec, "sessionAffinityConfig"), "clientIP");
    SetDefault(client_ip, "timeoutSeconds", 10800);
  }
  SetDefault(spec, "type", "ClusterIP");
  if (json::value* ports = spec.if_contains("ports"); ports && ports->is_array()) {
    for (auto& p : ports->get_array()) {
      if (!p.is_object()) continue;
      json::object& port = p.get_object();
      SetDefault(port, "protocol", "TCP");
      const json::value* target = port.if_contains("targetPort");
      bool unset = target == nullptr || *target == 0 || *target == "";
      if (unset && port.contains("port")) {
        json::value number = port["port"];  // inserting targetPort may move port
        port["targetPort"] = std::move(number);
      }
    }
  }
  std::string type(GetString(spec, "type"));  // a copy: defaulting below may move the value
  if (type == "NodePort" || type == "LoadBalancer") {
    SetDefault(spec, "externalTrafficPolicy", "Cluster");
  }
  if (type == "ClusterIP" || type == "NodePort" || type == "LoadBalancer") {
    SetDefault(spec, "internalTrafficPolicy", "Cluster");
  }
  if (type == "LoadBalancer") SetDefault(spec, "allocateLoadBalancerNodePorts", true);
}

void DefaultEndpoints(json::object& obj) {
  json::value* subsets = obj.if_contains("subsets");
  if (subsets == nullptr || !subsets->is_array()) return;
  for (auto& s : subsets->get_array()) {
    json::value* ports = s.is_object() ? s.get_object().if_contains("ports") : nullptr;
    if (ports == nullptr || !ports->is_array()) continue;
    for (auto& p : ports->get_array()) {
      if (p.is_object()) SetDefault(p.get_object(), "protocol", "TCP");
    }
  }
}

void DefaultPersistentVolume(json::object& obj) {
  json::object& spec = ChildObject(obj, "spec");
  SetDefault(spec, "persistentVolumeReclaimPolicy", "Retain");
  SetDefault(spec, "volumeMode", "Filesystem");
  if (json::value* host_path = spec.if_contains("hostPath"); host_path && host_path->is_object()) {
    SetDefault(host_path->get_object(), "type", "");
  }
  SetDefault(ChildObject(obj, "status"), "phase", "Pending");
}

void DefaultNamespace(json::object& obj) {
  json::object& meta = ChildObject(obj, "metadata");
  if (const json::value* name = meta.if_contains("name"); name && name->is_string()) {
    json::value copy = *name;  // inserting "labels" may move the name
    // Set, not defaulted: the label always names the namespace.
    ChildObject(meta, "labels")["kubernetes.io/metadata.name"] = std::move(copy);
  }
  // An empty list is kept: the namespace controller empties it to finish a deletion.
  SetDefault(ChildObject(obj, "spec"), "finalizers", json::array{"kubernetes"});
  SetDefault(ChildObject(obj, "status"), "phase", "Active");
}

// Kubernetes folds stringData into data (base64) on the way in; it is never stored.
void DefaultSecret(json::object& obj) {
  SetDefault(obj, "type", "Opaque");
  json::value* string_data = obj.if_contains("stringData");
  if (string_data == nullptr) return;
  json::value plain = std::move(*string_data);
  obj.erase("stringData");
  if (!plain.is_object()) return;
  json::object& data = ChildObject(obj, "data");
  for (const auto& kv : plain.get_object()) {
    if (kv.value().is_string()) data[kv.key()] = Base64Encode(kv.value().get_string());
  }
}

void DefaultNode(json::object& obj) {
  json::value* status = obj.if_contains("status");
  if (status == nullptr || !status->is_object()) return;
  const json::value* capacity = status->get_object().if_contains("capacity");
  if (capacity != nullptr) SetDefault(status->get_object(), "allocatable", *capacity);
}

}  // namespace

void ApplyDefaults(const Kind& kind, json::object& obj) {
  const std::string& k = kind.kind;
  if (kind.group == "apps") {
    if (k == "Deployment") DefaultDeployment(obj);
    if (k == "ReplicaSet") {
      SetDefault(ChildObject(obj, "spec"), "replicas", 1);
      DefaultTemplate(ChildObject(obj, "spec"));
    }
    if (k == "DaemonSet") DefaultDaemonSet(obj);
    if (k == "StatefulSet") DefaultStatefulSet(obj);
    return;
  }
  if (kind.group == "batch") {
    if (k == "Job") DefaultJob(obj);
    if (k == "CronJob") DefaultCronJob(obj);
    return;
  }
  if (kind.group == "storage.k8s.io" && k == "StorageClass") {
    SetDefault(obj, "reclaimPolicy", "Delete");
    SetDefault(obj, "volumeBindingMode", "Immediate");
    return;
  }
  if (!kind.group.empty()) return;
  if (k == "Pod") {
    json::object& spec = ChildObject(obj, "spec");
    DefaultPodSpec(spec);
    DefaultPodOnly(spec);
  } else if (k == "ReplicationController") {
    DefaultReplicationController(obj);
  } else if (k == "Service") {
    DefaultService(obj);
  } else if (k == "Endpoints") {
    DefaultEndpoints(obj);
  } else if (k == "PersistentVolume") {
    DefaultPersistentVolume(obj);
  } else if (k == "PersistentVolumeClaim") {
    DefaultClaim(obj);
  } else if (k == "Secret") {
    DefaultSecret(obj);
  } else if (k == "Namespace") {
    DefaultNamespace(obj);
  } else if (k == "Node") {
    DefaultNode(obj);
  }
}

void LabelJobPods(json::object& job) {
  json::object& spec = ChildObject(job, "spec");
  if (GetBool(spec, "manualSelector")) return;
  std::string uid(GetString(job, "metadata.uid"));
  std::string name(GetString(job, "metadata.name"));
  json::object& labels =
      ChildObject(ChildObject(ChildObject(spec, "template"), "metadata"), "labels");
  for (const char* key : {kJobUidLabel, kLegacyJobUidLabel}) labels[key] = uid;
  for (const char* key : {kJobNameLabel, kLegacyJobNameLabel}) labels[key] = name;
  spec["selector"] = json::object{{"matchLabels", {{kJobUidLabel, uid}}}};
}

}  // namespace skiff::api
