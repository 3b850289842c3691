#pragma once

// Node taints and pod tolerations, with Kubernetes' matching rules. Plain value types.

#include <boost/json/object.hpp>
#include <string>
#include <vector>

namespace skiff::scheduler {

struct Taint {
  std::string key;
  std::string value;
  std::string effect;  // NoSchedule, PreferNoSchedule, NoExecute
};

struct Toleration {
  std::string key;  // "" with operator Exists tolerates every taint
  std::string op;   // "Equal" (default) or "Exists"
  std::string value;
  std::string effect;  // "" matches every effect

  bool Tolerates(const Taint& taint) const;
};

std::vector<Taint> ParseTaints(const boost::json::object& node);
std::vector<Toleration> ParseTolerations(const boost::json::object& pod);

bool TolerationsTolerate(const std::vector<Toleration>& tolerations, const Taint& taint);

}  // namespace skiff::scheduler
