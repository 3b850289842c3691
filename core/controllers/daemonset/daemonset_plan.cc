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

}  // namespace

std::string DaemonSetHash(const json::object& ds) {
  const json::value* tmpl = api::FindPath(ds, "spec.template");
  return TemplateHash(tmpl ? *tmpl : json::value());
}

DaemonSetPlan PlanDaemonSet(const api::Kind& ds_kind, const json::object& ds,
                            const std::vector<json::object>& nodes,
                            const std::vector<json::object>& pods,
                            std::chrono::system_clock::time_point now) {
  DaemonSetPlan plan;
  const std::string hash = DaemonSetHash(ds);
  const int64_t min_ready = api::GetInt(ds, "spec.minReadySeconds").value_or(0);
  const bool rolling = api::GetString(ds, "spec.updateStrategy.type") != "OnDelete";

  std::map<std::string, std::vector<const json::object*>, std::less<>> by_node;
  for (const auto& pod : pods) by_node[DaemonPodNodeName(pod)].push_back(&pod);

  int64_t desired = 0, scheduled = 0, misscheduled = 0, ready = 0, available = 0, updated = 0;
  bool waiting_for_available = false;
  // Nodes that should run the pod, with their one live pod (or null).
  std::vector<std::pair<std::string, const json::object*>> running;
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
    for (std::size_t i = 1; i < live.size(); ++i) plan.pods_to_delete.push_back(*live[i]);
    if (!place.should_run) {
      if (!live.empty()) ++misscheduled;
      continue;
    }
    if (live.empty()) {
      if (!terminating) plan.pods_to_create.push_back(NewDaemonPod(ds_kind, ds, name, hash));
      running.emplace_back(name, nullptr);
      continue;
    }
    const json::object& pod = *live[0];
    ++scheduled;
    if (IsPodReady(pod)) {
      ++ready;
      if (IsPodAvailable(pod, min_ready, now)) {
        ++available;
      } else {
        waiting_for_available = true;
      }
    }
    if (Hash(pod) == hash) ++updated;
    running.emplace_back(name, &pod);
  }
  // Pods for nodes that are gone.
  for (const auto& [node, on_node] : by_node) {
    for (const json::object* p : on_node) {
      if (!IsTerminating(*p)) plan.pods_to_delete.push_back(*p);
    }
  }

  if (rolling) {
    const int64_t budget = MaxUnavailable(ds, desired);
    int64_t unavailable = 0;
    for (const auto& [node, pod] : running) {
      if (!pod || !IsPodAvailable(*pod, min_ready, now)) ++unavailable;
    }
    // Old pods that are unavailable anyway go first, then available ones within the budget.
    for (bool want_available : {false, true}) {
      for (const auto& [node, pod] : running) {
        if (!pod || Hash(*pod) == hash) continue;
        bool is_available = IsPodAvailable(*pod, min_ready, now);
        if (is_available != want_available) continue;
        if (is_available) {
          if (unavailable >= budget) continue;
          ++unavailable;
        }
        plan.pods_to_delete.push_back(*pod);
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
