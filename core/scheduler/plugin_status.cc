#include "core/scheduler/plugin_status.h"

namespace skiff::scheduler {

std::string PluginStatus::Message() const {
  std::string out;
  for (const auto& r : reasons_) {
    if (!out.empty()) out += ", ";
    out += r;
  }
  return out;
}

}  // namespace skiff::scheduler
