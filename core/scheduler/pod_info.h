#pragma once

// PodInfo: a Pod parsed once into what the plugins read on every node, so the hot filter
// and score loops never walk JSON. Immutable once built; shared between the cache, the
// queue and scheduling cycles through shared_ptr<const PodInfo>.

#include <boost/json/object.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/api/selectors.h"
#include "core/scheduler/node_selector.h"
#include "core/scheduler/resources.h"
#include "core/scheduler/taints.h"

namespace skiff::scheduler {

struct HostPort {
  std::string protocol;  // TCP (default), UDP, SCTP
  std::string host_ip;   // "" and "0.0.0.0" mean every address
  int64_t port = 0;

  // Kubernetes' rule: same port and protocol, and either address is a wildcard or equal.
  bool ConflictsWith(const HostPort& o) const;
};

struct PodAffinityTerm {
  api::LabelSelector selector;
  std::vector<std::string> namespaces;  // empty: the pod's own (unless all_namespaces)
  bool all_namespaces = false;          // namespaceSelector: {}
  std::string topology_key;
  int64_t weight = 0;  // for preferred terms

  // Whether `other` is a pod this term selects, for a term written on a pod in `owner_ns`.
  bool Selects(const struct PodInfo& other, std::string_view owner_ns) const;
};

struct TopologySpreadConstraint {
  int64_t max_skew = 1;
  std::string topology_key;
  bool do_not_schedule = true;  // whenUnsatisfiable: DoNotSchedule vs ScheduleAnyway
  api::LabelSelector selector;
  bool honor_node_affinity = true;  // nodeAffinityPolicy (default Honor)
  bool honor_node_taints = false;   // nodeTaintsPolicy (default Ignore)
};

struct PodInfo {
  std::string ns;
  std::string name;
  std::string key;  // "ns/name"
  std::string uid;
  std::string node_name;
  std::string scheduler_name;
  std::string resource_version;
  int64_t priority = 0;
  bool deleting = false;

  // The pod's metadata.labels (null when it has none); shared by copies of this PodInfo.
  // The rest of the pod's JSON is not kept: the informer holds it, and copying every pod
  // object twice per scheduling (add, bind) was a large share of the scheduler's CPU.
  std::shared_ptr<const boost::json::value> labels_value;
  const boost::json::value* labels = nullptr;  // labels_value.get()
  // The pod's PodScheduled condition when it is False/Unschedulable: its message (so a
  // failure already recorded is not written again).
  std::optional<std::string> unschedulable_message;
  Resources requests;           // with pods == 1
  Resources non_zero_requests;  // with scoring defaults
  std::vector<HostPort> host_ports;
  std::vector<Toleration> tolerations;
  Labels node_selector;
  std::optional<NodeSelector> required_node_affinity;
  std::vector<PreferredTerm> preferred_node_affinity;
  std::vector<PodAffinityTerm> required_affinity;
  std::vector<PodAffinityTerm> required_anti_affinity;
  std::vector<PodAffinityTerm> preferred_affinity;
  std::vector<PodAffinityTerm> preferred_anti_affinity;
  std::vector<TopologySpreadConstraint> spread_constraints;
  std::vector<std::string> pvc_names;

  bool HasAffinity() const {
    return !required_affinity.empty() || !required_anti_affinity.empty() ||
           !preferred_affinity.empty() || !preferred_anti_affinity.empty();
  }
};

std::shared_ptr<const PodInfo> NewPodInfo(const boost::json::object& pod);
// A copy of `pod` placed on `node` (the assumed state while its binding is in flight).
std::shared_ptr<const PodInfo> WithNodeName(const PodInfo& pod, const std::string& node);

}  // namespace skiff::scheduler
