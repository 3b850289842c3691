#pragma once

// The pod selector of a workload object: spec.selector as a metav1.LabelSelector (apps/v1
// kinds), or as a plain label map (v1 ReplicationController, which falls back to the template's
// labels). nullopt when it is missing, empty or invalid: such a workload selects no pods.

#include <optional>

#include "core/api/selectors.h"
#include "core/client/client.h"

namespace skiff::controllers {

std::optional<api::LabelSelector> WorkloadSelector(const client::Object& obj,
                                                   const api::Kind& kind);

}  // namespace skiff::controllers
