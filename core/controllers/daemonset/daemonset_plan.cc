#include "core/controllers/daemonset/daemonset_plan.h"

#include <algorithm>
#include <map>

#include "core/api/json_fields.h"
#include "core/controllers/common/int_or_percent.h"
#include "core/controllers/common/pod_status.h"
#include "core/controllers/daemonset/daemon_pod.h"
#include "core/controllers/workload/pod_state.h"
#include "core/controllers/workload/template_hash.h"

namespace skiff::controllers {
namespace json = boost::json;

namespace {

std::string_view Hash(const json::object& pod) {
  return api::GetString(pod, "metadata.labels.controller-revision-hash");
}

// maxUnavailable against total (a percentage rounds up); at least 1, default 1.
int64_t MaxUnavailable(const json::object& ds, int64_t total) {
  const json::value* v = api::FindPath(ds, "spec.updateStrategy.rollingUpdate.maxUnavailable");
  return v ? std::max<int64_t>(ScaledValue(v, total, true), 1) : 1;
}

// maxSurge against total (a percentage rounds up, as Kubernetes does for DaemonSets); default 0.
int64_t MaxSurge(const json::object& ds, int64_t total) {
  const json::value* v = api::FindPath(ds, "spec.updateStrategy.rollingUpdate.maxSurge");
  return v ? std::max<int64_t>(ScaledValue(v, total, true), 0) : 0;
}

// The pods kept on one node that should run the daemon: at most one with the current template
// (`updated`) and, during a rolling update, one with an older one (`old`); without maxSurge
// only one of the two is set.
struct NodePods {
  std::string node;
  const json::object* updated = nullptr;
  const json::object* old = nullptr;
};

}  // namespace

std::string DaemonSetHash(const json::object& ds) {
  const json::value* tmpl = api::FindPath(ds, "spec.template");
  return TemplateHash(tmpl ? *tmpl : json::value(),
                      api::GetInt(ds, "status.collisionCount").value_or(0));
}

DaemonSetPlan PlanDaemonSet(const api::Kind& ds_kind, const json::object& ds,
                            const std::vector<json::object>& nodes,
                            const std::vector<json::object>& pods,
                            std::chrono::system_clock::time_point now) {
  DaemonSetPlan plan;
  const std::string hash = DaemonSetHash(ds);
  const int64_t min_ready = api::GetInt(ds, "spec.minReadySeconds").value_or(0);
  const bool rolling = api::GetString(ds, "spec.updateStrategy.type") != "OnDelete";

  // Any non-zero maxSurge (e.g. "10%" of one node) makes the update surge.
  const bool surge = rolling && MaxSurge(ds, 1) > 0;

  std::map<std::string, std::vector<const json::object*>, std::less<>> by_node;
  for (const auto& pod : pods) by_node[DaemonPodNodeName(pod)].push_back(&pod);

  int64_t desired = 0, scheduled = 0, misscheduled = 0, ready = 0, available = 0, updated = 0;
  bool waiting_for_available = false;
  // Nodes that should run the pod, with the pods kept there.
  std::vector<NodePods> running;
  for (const auto& node : nodes) {
    std::string name(api::GetString(node, "metadata.name"));
    DaemonPlacement place = PlaceDaemon(ds, node);
    std::vector<const json::object*> on_node;
    if (auto it = by_node.find(name); it != by_node.end()) {
      on_node = std::move(it->second);
      by_node.erase(it);
    }
    if (place.should_run) ++desired;
    if (!place.should_continue_running) {
      if (!on_node.empty()) ++misscheduled;
      for (const json::object* p : on_node) {
        if (!IsTerminating(*p)) plan.pods_to_delete.push_back(*p);
      }
      continue;
    }
    // Live pods, oldest first; failed ones are replaced.
    std::vector<const json::object*> live;
    bool terminating = false;
    for (const json::object* p : on_node) {
      std::string_view phase = api::GetString(*p, "status.phase");
      if (IsTerminating(*p)) {
        terminating = true;
      } else if (phase == "Failed" || phase == "Succeeded") {
        plan.pods_to_delete.push_back(*p);
        terminating = true;
      } else {
        live.push_back(p);
      }
    }
    std::sort(live.begin(), live.end(), [](const json::object* a, const json::object* b) {
      return api::GetString(*a, "metadata.creationTimestamp") <
             api::GetString(*b, "metadata.creationTimestamp");
    });
    // One pod per node; while surging, the oldest updated pod and the oldest old one.
    NodePods kept{name};
    for (const json::object* p : live) {
      const json::object*& slot = Hash(*p) == hash ? kept.updated : kept.old;
      if (!slot && (surge || (!kept.updated && !kept.old))) {
        slot = p;
      } else {
        plan.pods_to_delete.push_back(*p);
      }
    }
    if (!place.should_run) {
      if (!live.empty()) ++misscheduled;
      continue;
    }
    if (!kept.updated && !kept.old) {
      if (!terminating) plan.pods_to_create.push_back(NewDaemonPod(ds_kind, ds, name, hash));
      running.push_back(kept);
      continue;
    }
    ++scheduled;
    if (kept.updated) ++updated;
    bool node_ready = false, node_available = false;
    for (const json::object* p : {kept.updated, kept.old}) {
      if (!p || !IsPodReady(*p)) continue;
      node_ready = true;
      if (IsPodAvailable(*p, min_ready, now)) {
        node_available = true;
      } else {
        waiting_for_available = true;  // e.g. a surge pod whose old pod goes once it is
      }
    }
    if (node_ready) ++ready;
    if (node_available) ++available;
    running.push_back(kept);
  }
  // Pods for nodes that are gone.
  for (const auto& [node, on_node] : by_node) {
    for (const json::object* p : on_node) {
      if (!IsTerminating(*p)) plan.pods_to_delete.push_back(*p);
    }
  }

  if (surge) {
    const int64_t max_surge = MaxSurge(ds, desired);
    // Surge: an updated pod starts beside the old one (at most maxSurge nodes at a time, or at
    // once where the old pod is unavailable anyway); the old pod goes when the new one is
    // available.
    int64_t surging = 0;
    for (const NodePods& n : running) {
      if (n.old && n.updated && !IsPodAvailable(*n.updated, min_ready, now)) ++surging;
    }
    for (const NodePods& n : running) {
      if (!n.old) continue;
      if (n.updated) {
        if (IsPodAvailable(*n.updated, min_ready, now)) plan.pods_to_delete.push_back(*n.old);
      } else if (!IsPodAvailable(*n.old, min_ready, now)) {
        plan.pods_to_create.push_back(NewDaemonPod(ds_kind, ds, n.node, hash));  // down anyway
      } else if (surging < max_surge) {
        ++surging;
        plan.pods_to_create.push_back(NewDaemonPod(ds_kind, ds, n.node, hash));
      }
    }
  } else if (rolling) {
    const int64_t budget = MaxUnavailable(ds, desired);
    int64_t unavailable = 0;
    for (const NodePods& n : running) {
      const json::object* pod = n.updated ? n.updated : n.old;
      if (!pod || !IsPodAvailable(*pod, min_ready, now)) ++unavailable;
    }
    // Old pods that are unavailable anyway go first, then available ones within the budget.
    for (bool want_available : {false, true}) {
      for (const NodePods& n : running) {
        if (!n.old) continue;
        bool is_available = IsPodAvailable(*n.old, min_ready, now);
        if (is_available != want_available) continue;
        if (is_available) {
          if (unavailable >= budget) continue;
          ++unavailable;
        }
        plan.pods_to_delete.push_back(*n.old);
      }
    }
  }

  if (waiting_for_available) plan.requeue_after = std::chrono::seconds(1);
  plan.status =
      json::object{{"observedGeneration", api::GetInt(ds, "metadata.generation").value_or(0)},
                   {"desiredNumberScheduled", desired},
                   {"currentNumberScheduled", scheduled},
                   {"numberMisscheduled", misscheduled},
                   {"numberReady", ready},
                   {"numberAvailable", available},
                   {"numberUnavailable", std::max<int64_t>(desired - available, 0)},
                   {"updatedNumberScheduled", updated}};
  return plan;
}

}  // namespace skiff::controllers
