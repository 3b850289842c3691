#pragma once

// Server-side defaulting of a built-in object, as the Kubernetes API server does on create
// and update (e.g. Pod restartPolicy, dnsPolicy, imagePullPolicy, terminationGracePeriodSeconds,
// container terminationMessagePath; Deployment strategy, replicas, revisionHistoryLimit;
// Service type and sessionAffinity). Pure function of its input.

#include <boost/json/object.hpp>

#include "core/api/kinds.h"

namespace skiff::api {

void ApplyDefaults(const Kind& kind, boost::json::object& obj);

}  // namespace skiff::api
