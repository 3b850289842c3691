#pragma once

// Defaulting of a PodSpec (SetDefaults_PodSpec and the container, probe and volume defaults
// under it), shared by Pods and the pod templates of the workload kinds.

#include <boost/json/object.hpp>

namespace skiff::api {

void DefaultPodSpec(boost::json::object& spec);
// The parts Kubernetes applies to Pods only: enableServiceLinks, priority, preemptionPolicy,
// container requests from limits.
void DefaultPodOnly(boost::json::object& spec);
// "Always" for an image tagged latest or not tagged (without digest), else "IfNotPresent".
const char* DefaultImagePullPolicy(std::string_view image);

}  // namespace skiff::api
