#pragma once

// Pod states the DaemonSet and StatefulSet controllers need beyond common/pod_status.h.
// Pure functions on the pod object.

#include <boost/json/object.hpp>

namespace skiff::controllers {

// A deletionTimestamp is set.
bool IsTerminating(const boost::json::object& pod);
// status.phase is Running.
bool IsRunning(const boost::json::object& pod);

}  // namespace skiff::controllers
