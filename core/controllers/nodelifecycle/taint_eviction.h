#pragma once

// When a pod must leave a node with NoExecute taints, by Kubernetes' rules: at once when some
// taint is not tolerated; otherwise when the shortest tolerationSeconds of the tolerations in
// use has passed since its taint appeared; never when those tolerations set no
// tolerationSeconds. Pure function.

#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <vector>

#include "core/scheduler/taints.h"

namespace skiff::controllers {

struct ObservedTaint {
  scheduler::Taint taint;  // effect NoExecute
  std::chrono::steady_clock::time_point since;
};

// nullopt: the pod may stay.
std::optional<std::chrono::steady_clock::time_point> EvictionTime(
    const boost::json::object& pod, const std::vector<ObservedTaint>& taints);

}  // namespace skiff::controllers
