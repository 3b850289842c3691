#pragma once

// The arithmetic and naming rules of Deployments, as pure functions: pod-template-hash,
// template identity, revisions, and maxSurge / maxUnavailable (ints or percentages of
// spec.replicas; surge rounds up, unavailable down; both 0 means maxUnavailable 1).

#include <cstdint>
#include <string>

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

}  // namespace skiff::controllers
