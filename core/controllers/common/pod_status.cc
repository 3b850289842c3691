#include "core/controllers/common/pod_status.h"

#include "core/api/human_time.h"
#include "core/api/json_fields.h"

namespace skiff::controllers {
namespace json = boost::json;

bool IsPodActive(const client::Object& pod) {
  std::string_view phase = api::GetString(pod, "status.phase");
  return phase != "Succeeded" && phase != "Failed" &&
         api::GetString(pod, "metadata.deletionTimestamp").empty();
}

bool IsPodReady(const client::Object& pod) { return api::ConditionIsTrue(pod, "Ready"); }

std::optional<std::chrono::system_clock::time_point> PodReadySince(const client::Object& pod) {
  const json::object* c = api::FindCondition(pod, "Ready");
  if (!c || api::GetString(*c, "status") != "True") return std::nullopt;
  return api::ParseRfc3339(api::GetString(*c, "lastTransitionTime"));
}

bool IsPodAvailable(const client::Object& pod, std::int64_t min_ready_seconds,
                    std::chrono::system_clock::time_point now) {
  if (!IsPodReady(pod)) return false;
  if (min_ready_seconds <= 0) return true;
  auto since = PodReadySince(pod);
  return since && *since + std::chrono::seconds(min_ready_seconds) <= now;
}

}  // namespace skiff::controllers
