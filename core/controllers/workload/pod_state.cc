#include "core/controllers/workload/pod_state.h"

#include "core/api/json_fields.h"

namespace skiff::controllers {

bool IsTerminating(const boost::json::object& pod) {
  return !api::GetString(pod, "metadata.deletionTimestamp").empty();
}

bool IsRunning(const boost::json::object& pod) {
  return api::GetString(pod, "status.phase") == "Running";
}

}  // namespace skiff::controllers
