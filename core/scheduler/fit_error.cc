#include "core/scheduler/fit_error.h"

#include <algorithm>
#include <map>
#include <vector>

namespace skiff::scheduler {

std::string FitErrorMessage(const Diagnosis& d) {
  std::string msg = "0/" + std::to_string(d.num_all_nodes) + " nodes are available:";
  if (!d.pre_filter_message.empty()) {
    // A PreFilter rejection applies to every node; listing it per node would repeat it.
    msg += " " + d.pre_filter_message + ".";
  } else {
    std::map<std::string, int> counts;
    for (const auto& [node, status] : d.node_statuses) {
      for (const auto& r : status.reasons()) ++counts[r];
    }
    std::vector<std::string> parts;
    for (const auto& [reason, n] : counts) parts.push_back(std::to_string(n) + " " + reason);
    std::sort(parts.begin(), parts.end());
    if (!parts.empty()) {
      msg += " ";
      for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i) msg += ", ";
        msg += parts[i];
      }
      msg += ".";
    }
  }
  if (!d.post_filter_message.empty()) msg += " " + d.post_filter_message + ".";
  return msg;
}

}  // namespace skiff::scheduler
