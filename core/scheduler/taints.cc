#include "core/scheduler/taints.h"

#include "core/api/json_fields.h"

namespace skiff::scheduler {

bool Toleration::Tolerates(const Taint& taint) const {
  if (!effect.empty() && effect != taint.effect) return false;
  if (!key.empty() && key != taint.key) return false;
  if (op == "Exists") return true;
  if (op.empty() || op == "Equal") return value == taint.value;
  return false;
}

std::vector<Taint> ParseTaints(const boost::json::object& node) {
  std::vector<Taint> out;
  if (const auto* arr = api::FindArray(node, "spec.taints")) {
    for (const auto& t : *arr) {
      if (!t.is_object()) continue;
      const auto& o = t.as_object();
      out.push_back({std::string(api::GetString(o, "key")), std::string(api::GetString(o, "value")),
                     std::string(api::GetString(o, "effect"))});
    }
  }
  return out;
}

std::vector<Toleration> ParseTolerations(const boost::json::object& pod) {
  std::vector<Toleration> out;
  if (const auto* arr = api::FindArray(pod, "spec.tolerations")) {
    for (const auto& t : *arr) {
      if (!t.is_object()) continue;
      const auto& o = t.as_object();
      out.push_back(
          {std::string(api::GetString(o, "key")), std::string(api::GetString(o, "operator")),
           std::string(api::GetString(o, "value")), std::string(api::GetString(o, "effect"))});
    }
  }
  return out;
}

bool TolerationsTolerate(const std::vector<Toleration>& tolerations, const Taint& taint) {
  for (const auto& t : tolerations) {
    if (t.Tolerates(taint)) return true;
  }
  return false;
}

}  // namespace skiff::scheduler
