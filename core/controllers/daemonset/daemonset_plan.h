#pragma once

// One reconciliation step of a DaemonSet, as a pure function: from the set, the nodes and the
// pods it owns, the pods to create (one per eligible node that has none), the pods to delete
// (on nodes that may no longer run them or that are gone, failed ones, duplicates, and old
// revisions under RollingUpdate within maxUnavailable) and the status to report.
// A new pod waits while an old one on its node is still terminating. With
// `rollingUpdate.maxSurge` > 0 the update surges instead, as Kubernetes does: on up to maxSurge
// nodes at a time an updated pod starts beside the old one, which is deleted once the new one is
// available (maxUnavailable is then not used).

#include <boost/json/object.hpp>
#include <chrono>
#include <vector>

#include "core/api/kinds.h"

namespace skiff::controllers {

struct DaemonSetPlan {
  std::vector<boost::json::object> pods_to_create;
  std::vector<boost::json::object> pods_to_delete;  // as observed (name and uid)
  boost::json::object status;
  // The controller should look again after this long (minReadySeconds sends no event).
  std::chrono::seconds requeue_after{0};
};

// The value of the pods' controller-revision-hash label for the set's current template.
std::string DaemonSetHash(const boost::json::object& ds);

DaemonSetPlan PlanDaemonSet(const api::Kind& ds_kind, const boost::json::object& ds,
                            const std::vector<boost::json::object>& nodes,
                            const std::vector<boost::json::object>& pods,
                            std::chrono::system_clock::time_point now);

}  // namespace skiff::controllers
