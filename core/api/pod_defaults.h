#pragma once

// Defaulting of a PodSpec (SetDefaults_PodSpec and the container, probe and volume defaults
// under it), shared by Pods and the pod templates of the workload kinds.

#include <boost/json/object.hpp>
#include <cstdint>
#include <string_view>

namespace skiff::api {

void DefaultPodSpec(boost::json::object& spec);
// The parts Kubernetes applies to Pods only: enableServiceLinks, priority, preemptionPolicy,
// container requests from limits.
void DefaultPodOnly(boost::json::object& spec);
// "Always" for an image tagged latest or not tagged (without digest), else "IfNotPresent".
const char* DefaultImagePullPolicy(std::string_view image);

// What the DefaultTolerationSeconds admission plugin adds to a pod spec: tolerations of the
// not-ready and unreachable NoExecute taints for `seconds`, each unless the pod already has one
// for that key (or one that tolerates every key) with effect NoExecute or any effect.
void DefaultNodeTolerations(boost::json::object& spec, int64_t seconds);

}  // namespace skiff::api
