#pragma once

// The identity of a StatefulSet's pods: the name NAME-i, the labels statefulset.kubernetes.io/
// pod-name and apps.kubernetes.io/pod-index, hostname/subdomain from serviceName, and one
// PersistentVolumeClaim per volumeClaimTemplate named CLAIM-NAME-i that the pod mounts.
// Pure functions on the StatefulSet object.

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/api/kinds.h"

namespace skiff::controllers {

inline constexpr char kPodNameLabel[] = "statefulset.kubernetes.io/pod-name";
inline constexpr char kPodIndexLabel[] = "apps.kubernetes.io/pod-index";
inline constexpr char kRevisionLabel[] = "controller-revision-hash";

std::string StatefulPodName(std::string_view set_name, int64_t ordinal);
// The ordinal in "SET-i", or nullopt when the name is not one of set's.
std::optional<int64_t> StatefulPodOrdinal(std::string_view set_name, std::string_view pod_name);
std::string ClaimName(std::string_view claim_template, std::string_view set_name, int64_t ordinal);

// The pod for ordinal i of set at revision (a ControllerRevision name, "SET-HASH"), owned by set.
boost::json::object NewStatefulPod(const api::Kind& set_kind, const boost::json::object& set,
                                   int64_t ordinal, const std::string& revision);
// The claims the pod for ordinal i mounts, one per volumeClaimTemplate.
std::vector<boost::json::object> NewStatefulClaims(const boost::json::object& set, int64_t ordinal);

}  // namespace skiff::controllers
