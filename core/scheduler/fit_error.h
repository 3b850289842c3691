#pragma once

// The message of a pod that fits nowhere, in kube-scheduler's FitError form:
//   "0/5 nodes are available: 2 node(s) had untolerated taint {key: value}, 3 Insufficient
//    cpu."
// one "<count> <reason>" per distinct reason over all rejected nodes, sorted as strings
// (as Kubernetes does), then any PreFilter or PostFilter message as its own sentence.

#include <string>

#include "core/scheduler/plugin.h"

namespace skiff::scheduler {

std::string FitErrorMessage(const Diagnosis& diagnosis);

}  // namespace skiff::scheduler
