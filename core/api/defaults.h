#pragma once

// Server-side defaulting of a built-in object, as the Kubernetes API server does on create
// and update (e.g. Pod restartPolicy, dnsPolicy, imagePullPolicy, terminationGracePeriodSeconds,
// container terminationMessagePath; Deployment strategy, replicas, revisionHistoryLimit;
// Job parallelism, completions, backoffLimit; Service type and sessionAffinity). Pure
// functions of their input.

#include <boost/json/object.hpp>

#include "core/api/kinds.h"

namespace skiff::api {

void ApplyDefaults(const Kind& kind, boost::json::object& obj);

// The labels a Job's pods carry and its selector, from its uid and name (set once both are):
// Kubernetes generates them unless spec.manualSelector is true.
inline constexpr const char* kJobUidLabel = "batch.kubernetes.io/controller-uid";
inline constexpr const char* kJobNameLabel = "batch.kubernetes.io/job-name";
inline constexpr const char* kLegacyJobUidLabel = "controller-uid";
inline constexpr const char* kLegacyJobNameLabel = "job-name";
void LabelJobPods(boost::json::object& job);

}  // namespace skiff::api
