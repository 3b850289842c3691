#pragma once

// One reconciliation step of a StatefulSet, as a pure function: from the set, the pods it owns
// and the claims that exist, the writes to make now and the status to report. The controller
// applies the plan and computes the next one when the writes come back through its informers.
//
// OrderedReady creates ordinal i only when 0..i-1 are Running and Ready, and removes pods
// beyond `replicas` from the highest ordinal down, one at a time; Parallel does both at once.
// RollingUpdate replaces pods at other revisions from the highest ordinal down to
// `partition`, keeping at most maxUnavailable (default 1) pods unavailable; OnDelete leaves
// them until they are deleted. Claims are created before the pod that mounts them and never
// deleted here. Pods are created at the update revision, except that under RollingUpdate a
// pod below the partition is recreated at the current revision when its template is given
// (from the set's ControllerRevision), as Kubernetes does.

#include <boost/json/object.hpp>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "core/api/kinds.h"

namespace skiff::controllers {

struct StatefulSetPlan {
  std::vector<boost::json::object> claims_to_create;
  std::vector<boost::json::object> pods_to_create;
  std::vector<boost::json::object> pods_to_delete;  // as observed (name and uid)
  boost::json::object status;
  // The controller should look again after this long (a pod becoming available after
  // minReadySeconds sends no event).
  std::chrono::seconds requeue_after{0};
};

// "SET-HASH", the revision of the set's current template.
std::string StatefulSetUpdateRevision(const boost::json::object& set);

// The set's current revision (status.currentRevision) and its pod template.
struct StatefulRevision {
  std::string name;
  boost::json::object pod_template;
};

// pods: the set's pods (owned by it; names SET-i). claims: names of the claims that exist in
// the set's namespace. current: the current revision when it differs from the update revision
// and its ControllerRevision is known.
StatefulSetPlan PlanStatefulSet(const api::Kind& set_kind, const boost::json::object& set,
                                const std::vector<boost::json::object>& pods,
                                const std::set<std::string, std::less<>>& claims,
                                std::chrono::system_clock::time_point now,
                                const StatefulRevision* current = nullptr);

}  // namespace skiff::controllers
