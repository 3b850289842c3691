#include "core/controllers/nodelifecycle/taint_eviction.h"

#include <algorithm>

#include "core/api/json_fields.h"

namespace skiff::controllers {

std::optional<std::chrono::steady_clock::time_point> EvictionTime(
    const boost::json::object& pod, const std::vector<ObservedTaint>& taints) {
  std::optional<std::chrono::steady_clock::time_point> when;
  const boost::json::array* tolerations = api::FindArray(pod, "spec.tolerations");
  for (const ObservedTaint& observed : taints) {
    bool tolerated = false;
    std::optional<int64_t> seconds;  // the shortest limit among the matching tolerations
    if (tolerations != nullptr) {
      for (const auto& t : *tolerations) {
        if (!t.is_object()) continue;
        const boost::json::object& o = t.get_object();
        scheduler::Toleration toleration{
            std::string(api::GetString(o, "key")), std::string(api::GetString(o, "operator")),
            std::string(api::GetString(o, "value")), std::string(api::GetString(o, "effect"))};
        if (!toleration.Tolerates(observed.taint)) continue;
        tolerated = true;
        if (auto s = api::GetInt(o, "tolerationSeconds")) {
          seconds = std::min(seconds.value_or(*s), std::max<int64_t>(*s, 0));
        }
      }
    }
    if (!tolerated) return observed.since;
    if (!seconds) continue;
    auto t = observed.since + std::chrono::seconds(*seconds);
    when = when ? std::min(*when, t) : t;
  }
  return when;
}

}  // namespace skiff::controllers
