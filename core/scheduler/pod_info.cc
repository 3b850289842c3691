#include "core/scheduler/pod_info.h"

#include <algorithm>

#include "core/api/json_fields.h"

namespace skiff::scheduler {
namespace json = boost::json;

bool HostPort::ConflictsWith(const HostPort& o) const {
  if (port != o.port || protocol != o.protocol) return false;
  auto wildcard = [](const std::string& ip) { return ip.empty() || ip == "0.0.0.0"; };
  return wildcard(host_ip) || wildcard(o.host_ip) || host_ip == o.host_ip;
}

bool PodAffinityTerm::Selects(const PodInfo& other, std::string_view owner_ns) const {
  if (!all_namespaces) {
    if (namespaces.empty()) {
      if (other.ns != owner_ns) return false;
    } else if (std::find(namespaces.begin(), namespaces.end(), other.ns) == namespaces.end()) {
      return false;
    }
  }
  return selector.Matches(other.labels);
}

namespace {

std::vector<PodAffinityTerm> ParseAffinityTerms(const json::object& pod, std::string_view path,
                                                bool weighted) {
  std::vector<PodAffinityTerm> out;
  const json::array* arr = api::FindArray(pod, path);
  if (!arr) return out;
  for (const auto& item : *arr) {
    if (!item.is_object()) continue;
    const json::object* term = &item.as_object();
    int64_t weight = 0;
    if (weighted) {
      weight = api::GetInt(*term, "weight").value_or(0);
      term = api::FindObject(*term, "podAffinityTerm");
      if (!term) continue;
    }
    PodAffinityTerm t;
    t.weight = weight;
    t.topology_key = api::GetString(*term, "topologyKey");
    if (const json::value* sel = term->if_contains("labelSelector"); sel && sel->is_object()) {
      auto parsed = api::LabelSelector::FromJson(*sel);
      if (!parsed.ok()) continue;  // an invalid selector selects nothing
      t.selector = std::move(parsed.value());
    } else {
      // A null labelSelector matches no pods; an impossible requirement says so.
      auto none = api::LabelSelector::Parse("!skiff.internal/none,skiff.internal/none");
      if (none.ok()) t.selector = std::move(none.value());
    }
    if (const json::array* nss = api::FindArray(*term, "namespaces")) {
      for (const auto& n : *nss) {
        if (n.is_string()) t.namespaces.emplace_back(n.as_string());
      }
    }
    if (const json::object* nsel = api::FindObject(*term, "namespaceSelector")) {
      // Only the empty selector (every namespace) is understood without a namespace cache.
      if (nsel->empty() ||
          (!nsel->contains("matchLabels") && !nsel->contains("matchExpressions"))) {
        t.all_namespaces = true;
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<TopologySpreadConstraint> ParseSpread(const json::object& pod) {
  std::vector<TopologySpreadConstraint> out;
  const json::array* arr = api::FindArray(pod, "spec.topologySpreadConstraints");
  if (!arr) return out;
  for (const auto& item : *arr) {
    if (!item.is_object()) continue;
    const auto& o = item.as_object();
    TopologySpreadConstraint c;
    c.max_skew = std::max<int64_t>(1, api::GetInt(o, "maxSkew").value_or(1));
    c.topology_key = api::GetString(o, "topologyKey");
    c.do_not_schedule = api::GetString(o, "whenUnsatisfiable") != "ScheduleAnyway";
    if (const json::value* sel = o.if_contains("labelSelector"); sel && sel->is_object()) {
      auto parsed = api::LabelSelector::FromJson(*sel);
      if (parsed.ok()) c.selector = std::move(parsed.value());
    }
    c.honor_node_affinity = api::GetString(o, "nodeAffinityPolicy") != "Ignore";
    c.honor_node_taints = api::GetString(o, "nodeTaintsPolicy") == "Honor";
    out.push_back(std::move(c));
  }
  return out;
}

void ParseHostPorts(const json::object& pod, std::string_view path, std::vector<HostPort>& out) {
  const json::array* cs = api::FindArray(pod, path);
  if (!cs) return;
  for (const auto& c : *cs) {
    if (!c.is_object()) continue;
    const json::array* ports = api::FindArray(c.as_object(), "ports");
    if (!ports) continue;
    for (const auto& p : *ports) {
      if (!p.is_object()) continue;
      int64_t hp = api::GetInt(p.as_object(), "hostPort").value_or(0);
      if (hp <= 0) continue;
      std::string proto(api::GetString(p.as_object(), "protocol"));
      out.push_back({proto.empty() ? "TCP" : proto,
                     std::string(api::GetString(p.as_object(), "hostIP")), hp});
    }
  }
}

}  // namespace

std::shared_ptr<const PodInfo> NewPodInfo(const json::object& p) {
  auto info = std::make_shared<PodInfo>();
  info->ns = api::GetString(p, "metadata.namespace");
  info->name = api::GetString(p, "metadata.name");
  info->key = info->ns + "/" + info->name;
  info->uid = api::GetString(p, "metadata.uid");
  info->resource_version = api::GetString(p, "metadata.resourceVersion");
  info->deleting = !api::GetString(p, "metadata.deletionTimestamp").empty();
  info->node_name = api::GetString(p, "spec.nodeName");
  info->scheduler_name = api::GetString(p, "spec.schedulerName");
  info->priority = api::GetInt(p, "spec.priority").value_or(0);
  if (const json::value* labels = api::FindPath(p, "metadata.labels")) {
    info->labels_value = std::make_shared<const json::value>(*labels);
    info->labels = info->labels_value.get();
  }
  if (const json::array* conds = api::FindArray(p, "status.conditions")) {
    for (const auto& c : *conds) {
      if (!c.is_object() || api::GetString(c.as_object(), "type") != "PodScheduled") continue;
      if (api::GetString(c.as_object(), "status") == "False" &&
          api::GetString(c.as_object(), "reason") == "Unschedulable") {
        info->unschedulable_message = std::string(api::GetString(c.as_object(), "message"));
      }
    }
  }
  info->requests = PodRequests(p);
  info->requests.pods = 1;
  info->non_zero_requests = PodNonZeroRequests(p);
  info->non_zero_requests.pods = 1;
  ParseHostPorts(p, "spec.containers", info->host_ports);
  ParseHostPorts(p, "spec.initContainers", info->host_ports);
  info->tolerations = ParseTolerations(p);
  info->node_selector = ParseLabels(api::FindPath(p, "spec.nodeSelector"));
  if (const json::value* req = api::FindPath(
          p, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution")) {
    info->required_node_affinity = ParseNodeSelector(*req);
  }
  if (const json::array* pref = api::FindArray(
          p, "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution")) {
    for (const auto& t : *pref) {
      if (!t.is_object()) continue;
      const json::value* term = t.as_object().if_contains("preference");
      if (!term) continue;
      info->preferred_node_affinity.push_back(
          {api::GetInt(t.as_object(), "weight").value_or(0), ParseNodeSelectorTerm(*term)});
    }
  }
  info->required_affinity = ParseAffinityTerms(
      p, "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution", false);
  info->preferred_affinity = ParseAffinityTerms(
      p, "spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution", true);
  info->required_anti_affinity = ParseAffinityTerms(
      p, "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution", false);
  info->preferred_anti_affinity = ParseAffinityTerms(
      p, "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution", true);
  info->spread_constraints = ParseSpread(p);
  if (const json::array* vols = api::FindArray(p, "spec.volumes")) {
    for (const auto& v : *vols) {
      if (!v.is_object()) continue;
      std::string_view claim = api::GetString(v.as_object(), "persistentVolumeClaim.claimName");
      if (!claim.empty()) info->pvc_names.emplace_back(claim);
    }
  }
  return info;
}

std::shared_ptr<const PodInfo> WithNodeName(const PodInfo& pod, const std::string& node) {
  auto copy = std::make_shared<PodInfo>(pod);
  copy->node_name = node;
  return copy;
}

}  // namespace skiff::scheduler
