#pragma once

// A DaemonSet's pod for one node, and whether a node should run it. As in Kubernetes, the pod
// is pinned to its node by required node affinity on metadata.name (matchFields), so the
// scheduler binds it, and it gets the default daemon tolerations (not-ready and unreachable
// NoExecute; disk-, memory-, pid-pressure and unschedulable NoSchedule). Pure functions.

#include <boost/json/object.hpp>
#include <string>

#include "core/api/kinds.h"

namespace skiff::controllers {

// The pod for node (not yet created; named by generateName "DS-"), owned by ds, labelled
// controller-revision-hash=hash.
boost::json::object NewDaemonPod(const api::Kind& ds_kind, const boost::json::object& ds,
                                 const std::string& node_name, const std::string& hash);

// The node a daemon pod is for: spec.nodeName, or else the metadata.name its required node
// affinity pins it to ("" when neither).
std::string DaemonPodNodeName(const boost::json::object& pod);

struct DaemonPlacement {
  bool should_run = false;               // a new pod may be placed on the node
  bool should_continue_running = false;  // an existing pod may stay
};

// nodeSelector, required node affinity and NoSchedule/NoExecute taints against the template's
// tolerations plus the default daemon tolerations. An untolerated NoSchedule taint keeps new
// pods off but lets a running one stay; an untolerated NoExecute taint evicts it.
DaemonPlacement PlaceDaemon(const boost::json::object& ds, const boost::json::object& node);

}  // namespace skiff::controllers
