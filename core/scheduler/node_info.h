#pragma once

// NodeInfo: one node as the scheduler sees it — the Node parsed once, plus what the pods on
// it (bound or assumed) request and the host ports they hold. The cache replaces a NodeInfo
// instead of mutating it (copy on write), so a snapshot can share it with a running
// scheduling cycle without locks. Not thread-safe to mutate; immutable once published.

#include <boost/json/object.hpp>
#include <memory>
#include <string>
#include <vector>

#include "core/scheduler/node_selector.h"
#include "core/scheduler/pod_info.h"
#include "core/scheduler/resources.h"
#include "core/scheduler/taints.h"

namespace skiff::scheduler {

// Fields in the order the filter loop reads them (unschedulable, taints, allocatable come
// first so one or two cache lines serve the default filters).
struct NodeSpec {
  bool unschedulable = false;
  std::vector<Taint> taints;
  Resources allocatable;
  std::string name;
  Labels labels;
};

std::shared_ptr<const NodeSpec> NewNodeSpec(const boost::json::object& node);

struct NodeInfo {
  std::shared_ptr<const NodeSpec> node;  // null while only pods name this node
  // requested sits next to `node`: the filter loop reads both for every node.
  Resources requested;
  Resources non_zero_requested;
  std::vector<std::shared_ptr<const PodInfo>> pods;
  std::vector<HostPort> used_ports;
  int pods_with_affinity = 0;
  int pods_with_required_anti_affinity = 0;

  const std::string& name() const { return node->name; }
  void AddPod(std::shared_ptr<const PodInfo> pod);
  // By key; false if the pod is not here.
  bool RemovePod(const std::string& key);
};

}  // namespace skiff::scheduler
