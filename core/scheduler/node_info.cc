#include "core/scheduler/node_info.h"

#include <algorithm>

#include "core/api/json_fields.h"

namespace skiff::scheduler {

std::shared_ptr<const NodeSpec> NewNodeSpec(const boost::json::object& node) {
  auto spec = std::make_shared<NodeSpec>();
  spec->name = api::GetString(node, "metadata.name");
  spec->labels = ParseLabels(api::FindPath(node, "metadata.labels"));
  spec->taints = ParseTaints(node);
  spec->unschedulable = api::GetBool(node, "spec.unschedulable");
  spec->allocatable = ParseResourceList(api::FindObject(node, "status.allocatable"));
  if (!api::FindObject(node, "status.allocatable")) {
    spec->allocatable = ParseResourceList(api::FindObject(node, "status.capacity"));
  }
  return spec;
}

void NodeInfo::AddPod(std::shared_ptr<const PodInfo> pod) {
  requested.Add(pod->requests);
  non_zero_requested.Add(pod->non_zero_requests);
  used_ports.insert(used_ports.end(), pod->host_ports.begin(), pod->host_ports.end());
  if (pod->HasAffinity()) ++pods_with_affinity;
  if (!pod->required_anti_affinity.empty()) ++pods_with_required_anti_affinity;
  pods.push_back(std::move(pod));
}

bool NodeInfo::RemovePod(const std::string& key) {
  auto it = std::find_if(pods.begin(), pods.end(), [&](const auto& p) { return p->key == key; });
  if (it == pods.end()) return false;
  const PodInfo& pod = **it;
  requested.Subtract(pod.requests);
  non_zero_requested.Subtract(pod.non_zero_requests);
  for (const auto& hp : pod.host_ports) {
    auto used = std::find_if(used_ports.begin(), used_ports.end(), [&](const HostPort& u) {
      return u.port == hp.port && u.protocol == hp.protocol && u.host_ip == hp.host_ip;
    });
    if (used != used_ports.end()) used_ports.erase(used);
  }
  if (pod.HasAffinity()) --pods_with_affinity;
  if (!pod.required_anti_affinity.empty()) --pods_with_required_anti_affinity;
  pods.erase(it);
  return true;
}

}  // namespace skiff::scheduler
