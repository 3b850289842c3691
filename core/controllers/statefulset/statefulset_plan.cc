#include "core/controllers/statefulset/statefulset_plan.h"

#include <algorithm>

#include "core/api/json_fields.h"
#include "core/controllers/common/int_or_percent.h"
#include "core/controllers/common/pod_status.h"
#include "core/controllers/statefulset/stateful_pod.h"
#include "core/controllers/workload/pod_state.h"
#include "core/controllers/workload/template_hash.h"

namespace skiff::controllers {
namespace json = boost::json;

namespace {

std::string_view Revision(const json::object& pod) {
  return api::GetString(pod, std::string("metadata.labels.") + kRevisionLabel);
}

// maxUnavailable against total (a percentage rounds up); at least 1, default 1.
int64_t MaxUnavailable(const json::object& set, int64_t total) {
  const json::value* v = api::FindPath(set, "spec.updateStrategy.rollingUpdate.maxUnavailable");
  return v ? std::max<int64_t>(ScaledValue(v, total, true), 1) : 1;
}

}  // namespace

std::string StatefulSetUpdateRevision(const json::object& set) {
  const json::value* tmpl = api::FindPath(set, "spec.template");
  return std::string(api::GetString(set, "metadata.name")) + "-" +
         TemplateHash(tmpl ? *tmpl : json::value(),
                      api::GetInt(set, "status.collisionCount").value_or(0));
}

StatefulSetPlan PlanStatefulSet(const api::Kind& set_kind, const json::object& set,
                                const std::vector<json::object>& pods,
                                const std::set<std::string, std::less<>>& claims,
                                std::chrono::system_clock::time_point now,
                                const StatefulRevision* current_template) {
  StatefulSetPlan plan;
  const std::string name(api::GetString(set, "metadata.name"));
  const int64_t replicas = std::max<int64_t>(api::GetInt(set, "spec.replicas").value_or(1), 0);
  const int64_t start = api::GetInt(set, "spec.ordinals.start").value_or(0);
  const bool parallel = api::GetString(set, "spec.podManagementPolicy") == "Parallel";
  const bool on_delete = api::GetString(set, "spec.updateStrategy.type") == "OnDelete";
  const int64_t partition =
      api::GetInt(set, "spec.updateStrategy.rollingUpdate.partition").value_or(0);
  const int64_t min_ready = api::GetInt(set, "spec.minReadySeconds").value_or(0);
  const std::string update_revision = StatefulSetUpdateRevision(set);
  std::string current_revision(api::GetString(set, "status.currentRevision"));
  if (current_revision.empty()) current_revision = update_revision;

  std::vector<const json::object*> slots(static_cast<std::size_t>(replicas), nullptr);
  std::vector<std::pair<int64_t, const json::object*>> condemned;
  for (const auto& pod : pods) {
    auto ordinal = StatefulPodOrdinal(name, api::GetString(pod, "metadata.name"));
    if (!ordinal) continue;
    if (*ordinal >= start && *ordinal < start + replicas) {
      slots[static_cast<std::size_t>(*ordinal - start)] = &pod;
    } else {
      condemned.emplace_back(*ordinal, &pod);
    }
  }
  std::sort(condemned.begin(), condemned.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });

  auto running_ready = [](const json::object& pod) {
    return IsRunning(pod) && IsPodReady(pod) && !IsTerminating(pod);
  };
  auto add_missing_claims = [&](int64_t ordinal) {
    for (auto& claim : NewStatefulClaims(set, ordinal)) {
      if (!claims.contains(api::GetString(claim, "metadata.name"))) {
        plan.claims_to_create.push_back(std::move(claim));
      }
    }
  };
  std::set<std::string_view> deleting;
  auto remove = [&](const json::object& pod) {
    if (deleting.insert(api::GetString(pod, "metadata.name")).second) {
      plan.pods_to_delete.push_back(pod);
    }
  };

  // Pods the rolling update leaves at the current revision.
  auto below_partition = [&](int64_t i) {
    return !on_delete && i < std::max<int64_t>(partition - start, 0);
  };

  // Create missing pods and replace finished ones, in ordinal order.
  bool blocked = false;
  for (int64_t i = 0; i < replicas && !blocked; ++i) {
    const json::object* pod = slots[static_cast<std::size_t>(i)];
    add_missing_claims(start + i);
    if (!pod) {
      if (below_partition(i) && current_template && current_template->name != update_revision) {
        json::object current_set = set;
        api::ChildObject(current_set, "spec")["template"] = current_template->pod_template;
        plan.pods_to_create.push_back(
            NewStatefulPod(set_kind, current_set, start + i, current_template->name));
      } else {
        plan.pods_to_create.push_back(NewStatefulPod(set_kind, set, start + i, update_revision));
      }
      blocked = !parallel;
      continue;
    }
    std::string_view phase = api::GetString(*pod, "status.phase");
    if ((phase == "Failed" || phase == "Succeeded") && !IsTerminating(*pod)) {
      remove(*pod);
      blocked = !parallel;
      continue;
    }
    if (!parallel && !running_ready(*pod)) blocked = true;
  }
  // Remove pods beyond replicas, highest ordinal first.
  for (const auto& [ordinal, pod] : condemned) {
    if (blocked) break;
    if (IsTerminating(*pod)) {
      blocked = !parallel;
      continue;
    }
    remove(*pod);
    blocked = !parallel;
  }
  // Replace pods at other revisions, highest ordinal first.
  if (!blocked && !on_delete) {
    int64_t unavailable = 0;
    for (const json::object* pod : slots) {
      if (!pod || IsTerminating(*pod) || deleting.contains(api::GetString(*pod, "metadata.name")) ||
          !IsPodAvailable(*pod, min_ready, now)) {
        ++unavailable;
      }
    }
    const int64_t budget = MaxUnavailable(set, replicas);
    for (int64_t i = replicas - 1; i >= std::max<int64_t>(partition - start, 0); --i) {
      const json::object* pod = slots[static_cast<std::size_t>(i)];
      if (!pod || IsTerminating(*pod) || Revision(*pod) == update_revision) continue;
      if (!IsPodAvailable(*pod, min_ready, now)) {
        remove(*pod);  // already counted as unavailable
      } else if (unavailable < budget) {
        remove(*pod);
        ++unavailable;
      } else {
        break;
      }
    }
  }

  // Status, from the pods as observed.
  int64_t count = 0, ready = 0, available = 0, current = 0, updated = 0;
  bool waiting_for_available = false;
  for (const auto& pod : pods) {
    if (!StatefulPodOrdinal(name, api::GetString(pod, "metadata.name"))) continue;
    ++count;
    if (IsRunning(pod) && IsPodReady(pod)) {
      ++ready;
      if (IsPodAvailable(pod, min_ready, now)) {
        ++available;
      } else {
        waiting_for_available = true;
      }
    }
    if (!IsTerminating(pod)) {
      if (Revision(pod) == current_revision) ++current;
      if (Revision(pod) == update_revision) ++updated;
    }
  }
  if (!on_delete && updated == count && ready == count && count == replicas) {
    current_revision = update_revision;
    current = updated;
  }
  if (waiting_for_available) plan.requeue_after = std::chrono::seconds(1);
  plan.status =
      json::object{{"observedGeneration", api::GetInt(set, "metadata.generation").value_or(0)},
                   {"replicas", count},
                   {"readyReplicas", ready},
                   {"availableReplicas", available},
                   {"currentReplicas", current},
                   {"updatedReplicas", updated},
                   {"currentRevision", current_revision},
                   {"updateRevision", update_revision},
                   {"collisionCount", api::GetInt(set, "status.collisionCount").value_or(0)}};
  return plan;
}

}  // namespace skiff::controllers
