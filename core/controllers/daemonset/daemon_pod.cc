#include "core/controllers/daemonset/daemon_pod.h"

#include <boost/json/array.hpp>

#include "core/api/json_fields.h"
#include "core/controllers/common/pod_template.h"
#include "core/scheduler/node_selector.h"
#include "core/scheduler/taints.h"

namespace skiff::controllers {
namespace json = boost::json;

namespace {

constexpr char kRevisionLabel[] = "controller-revision-hash";

struct DefaultToleration {
  const char* key;
  const char* effect;
};
constexpr DefaultToleration kDaemonTolerations[] = {
    {"node.kubernetes.io/not-ready", "NoExecute"},
    {"node.kubernetes.io/unreachable", "NoExecute"},
    {"node.kubernetes.io/disk-pressure", "NoSchedule"},
    {"node.kubernetes.io/memory-pressure", "NoSchedule"},
    {"node.kubernetes.io/pid-pressure", "NoSchedule"},
    {"node.kubernetes.io/unschedulable", "NoSchedule"},
};

// Adds the default daemon tolerations a pod spec lacks.
void AddDaemonTolerations(json::object& spec) {
  json::value& value = spec["tolerations"];
  if (!value.is_array()) value = json::array();
  json::array& tolerations = value.get_array();
  for (const auto& d : kDaemonTolerations) {
    bool present = false;
    for (const auto& t : tolerations) {
      if (t.is_object() && api::GetString(t.get_object(), "key") == d.key &&
          api::GetString(t.get_object(), "effect") == d.effect) {
        present = true;
      }
    }
    if (!present) {
      tolerations.push_back(
          json::object{{"key", d.key}, {"operator", "Exists"}, {"effect", d.effect}});
    }
  }
}

json::object NodeNameRequirement(const std::string& node_name) {
  return json::object{{"key", "metadata.name"},
                      {"operator", "In"},
                      {"values", json::array{json::value(node_name)}}};
}

// Every required term gets matchFields [metadata.name In [node]] (Kubernetes'
// ReplaceDaemonSetPodNodeNameNodeAffinity); with no terms, one such term.
void PinToNode(json::object& spec, const std::string& node_name) {
  json::object& affinity = api::ChildObject(api::ChildObject(spec, "affinity"), "nodeAffinity");
  json::object& required =
      api::ChildObject(affinity, "requiredDuringSchedulingIgnoredDuringExecution");
  json::value& terms_value = required["nodeSelectorTerms"];
  if (!terms_value.is_array()) terms_value = json::array();
  json::array& terms = terms_value.get_array();
  if (terms.empty()) terms.push_back(json::object());
  for (auto& t : terms) {
    if (!t.is_object()) t = json::object();
    t.get_object()["matchFields"] = json::array{NodeNameRequirement(node_name)};
  }
}

}  // namespace

json::object NewDaemonPod(const api::Kind& ds_kind, const json::object& ds,
                          const std::string& node_name, const std::string& hash) {
  const json::object* tmpl = api::FindObject(ds, "spec.template");
  json::object pod = PodFromTemplate(tmpl ? *tmpl : json::object(), ds, ds_kind,
                                     std::string(api::GetString(ds, "metadata.name")) + "-");
  api::ChildObject(api::ChildObject(pod, "metadata"), "labels")[kRevisionLabel] = hash;
  json::object& spec = api::ChildObject(pod, "spec");
  PinToNode(spec, node_name);
  AddDaemonTolerations(spec);
  return pod;
}

std::string DaemonPodNodeName(const json::object& pod) {
  if (std::string_view n = api::GetString(pod, "spec.nodeName"); !n.empty()) return std::string(n);
  const json::array* terms =
      api::FindArray(pod,
                     "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution."
                     "nodeSelectorTerms");
  if (!terms) return "";
  for (const auto& t : *terms) {
    if (!t.is_object()) continue;
    const json::array* fields = api::FindArray(t.get_object(), "matchFields");
    if (!fields) continue;
    for (const auto& f : *fields) {
      if (!f.is_object()) continue;
      const json::object& r = f.get_object();
      const json::array* values = api::FindArray(r, "values");
      if (api::GetString(r, "key") == "metadata.name" && api::GetString(r, "operator") == "In" &&
          values && values->size() == 1 && values->at(0).is_string()) {
        return std::string(values->at(0).get_string());
      }
    }
  }
  return "";
}

DaemonPlacement PlaceDaemon(const json::object& ds, const json::object& node) {
  DaemonPlacement out;
  const json::object* tmpl = api::FindObject(ds, "spec.template");
  json::object pod = tmpl ? *tmpl : json::object();
  json::object& spec = api::ChildObject(pod, "spec");
  const std::string node_name(api::GetString(node, "metadata.name"));
  scheduler::Labels labels = scheduler::ParseLabels(api::FindPath(node, "metadata.labels"));

  if (const json::object* selector = api::FindObject(spec, "nodeSelector")) {
    for (const auto& [k, v] : *selector) {
      auto it = labels.find(std::string_view(k));
      if (it == labels.end() || !v.is_string() || it->second != v.get_string()) return out;
    }
  }
  if (const json::value* required = api::FindPath(
          spec, "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution")) {
    if (!scheduler::ParseNodeSelector(*required).Matches(labels, node_name)) return out;
  }
  AddDaemonTolerations(spec);
  std::vector<scheduler::Toleration> tolerations = scheduler::ParseTolerations(pod);
  std::vector<scheduler::Taint> taints = scheduler::ParseTaints(node);
  if (api::GetBool(node, "spec.unschedulable")) {
    taints.push_back({"node.kubernetes.io/unschedulable", "", "NoSchedule"});
  }
  out.should_run = true;
  out.should_continue_running = true;
  for (const auto& taint : taints) {
    if (taint.effect == "PreferNoSchedule" || scheduler::TolerationsTolerate(tolerations, taint)) {
      continue;
    }
    out.should_run = false;
    if (taint.effect == "NoExecute") out.should_continue_running = false;
  }
  return out;
}

}  // namespace skiff::controllers
