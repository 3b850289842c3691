#pragma once

// PodStatusBuilder: a pure function from what a pod worker observed (runtime containers, its
// own decisions such as "in back-off" or "image pull failed") to the Pod's `status` object —
// phase, conditions, IPs, containerStatuses. Pure so the rules are unit-tested without a
// runtime; the worker compares the result with the last status it wrote.

#include <skiff/sdk/runtime_types.h>

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

namespace skiff::agent {

struct ObservedContainer {
  std::string name;
  std::string image;
  // The newest runtime container for this name (any state), if one was created.
  std::optional<sdk::ContainerStatus> current;
  // The newest terminated attempt before `current`, for lastState.
  std::optional<sdk::ContainerStatus> previous;
  int restart_count = 0;
  // The worker's own reason when it has no running container to show: ContainerCreating,
  // PodInitializing, ErrImagePull, CreateContainerError, CrashLoopBackOff, RunContainerError...
  std::string waiting_reason;
  std::string waiting_message;
  // The worker will start this container again (restart policy allows it).
  bool will_restart = false;
  // The readiness probe's result for the running container; nullopt = no readiness probe
  // (a running container is ready).
  std::optional<bool> probe_ready;
};

struct PodObservation {
  std::string runtime_name = "skiff";  // containerID prefix: "<runtime>://<id>"
  std::vector<ObservedContainer> init_containers;
  std::vector<ObservedContainer> containers;
  std::string pod_ip;
  std::string host_ip;
  std::string start_time;  // kept from the first status written
  // A pod-level failure that ends the pod (e.g. an init container failed under Never).
  bool failed = false;
  std::string reason;
  std::string message;
};

// The status object for `pod` (its spec is read for restartPolicy), keeping each condition's
// lastTransitionTime from `old_status` when the condition did not change.
boost::json::object BuildPodStatus(const boost::json::object& pod, const PodObservation& obs,
                                   const boost::json::object& old_status, const std::string& now);

// "Pending", "Running", "Succeeded", "Failed" as BuildPodStatus would compute it.
std::string ComputePhase(const boost::json::object& pod, const PodObservation& obs);

}  // namespace skiff::agent
