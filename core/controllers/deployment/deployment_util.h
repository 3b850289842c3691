#pragma once

// The arithmetic and naming rules of Deployments, as pure functions: pod-template-hash,
// template identity, revisions, maxSurge / maxUnavailable (ints or percentages of
// spec.replicas; surge rounds up, unavailable down; both 0 means maxUnavailable 1), and the
// proportional resizing of a rollout's ReplicaSets.

#include <cstdint>
#include <string>
#include <vector>

#include "core/client/client.h"

namespace skiff::controllers {

inline constexpr std::string_view kPodTemplateHashLabel = "pod-template-hash";
inline constexpr std::string_view kRevisionAnnotation = "deployment.kubernetes.io/revision";
inline constexpr std::string_view kRevisionHistoryAnnotation =
    "deployment.kubernetes.io/revision-history";
inline constexpr std::string_view kDesiredReplicasAnnotation =
    "deployment.kubernetes.io/desired-replicas";
inline constexpr std::string_view kMaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";

// A short, name-safe hash of a pod template (and the collision count), e.g. "5d8c7b9f4".
std::string PodTemplateHash(const boost::json::object& tmpl, std::int64_t collision_count);
// The template without the pod-template-hash label: what a Deployment's template is compared
// against.
boost::json::object TemplateWithoutHash(const boost::json::object& tmpl);
// rs's template equals the deployment's, ignoring pod-template-hash.
bool TemplateMatches(const client::Object& rs, const client::Object& deployment);
// deployment.kubernetes.io/revision of obj, 0 when absent.
std::int64_t Revision(const client::Object& obj);

struct RollingLimits {
  std::int64_t max_surge = 0;
  std::int64_t max_unavailable = 0;
};
// The resolved limits of a Deployment ({0, 0} for the Recreate strategy).
RollingLimits Limits(const client::Object& deployment);

// One active ReplicaSet of a Deployment being resized mid-rollout: its size, and the
// Deployment size (replicas + maxSurge) it was last scaled for (its max-replicas annotation;
// 0 when absent).
struct ScaleShare {
  std::int64_t replicas = 0;
  std::int64_t scaled_for = 0;
};
// The new sizes of several active ReplicaSets when their Deployment is resized to `replicas`,
// as Kubernetes does it: the change (to replicas + max_surge in all; to 0 for 0) is shared in
// proportion to each set's size, the rounding leftover going to the first. `shares` come in
// the order the change is handed out: largest first, and on ties newer first when growing,
// older first when shrinking. `status_replicas` stands in for a missing annotation.
std::vector<std::int64_t> ProportionalSizes(const std::vector<ScaleShare>& shares,
                                            std::int64_t replicas, std::int64_t max_surge,
                                            std::int64_t status_replicas);

}  // namespace skiff::controllers
