// NodeResourcesBalancedAllocation: prefers nodes whose cpu and memory would be used in equal
// fractions after placing the pod (score = (1 - |cpu% - mem%| / 2) * 100).

#include <algorithm>
#include <cmath>

#include "core/scheduler/plugins/plugins.h"

namespace skiff::scheduler::plugins {
namespace {

double Fraction(int64_t requested, int64_t capacity) {
  if (capacity <= 0) return 1.0;
  return std::min(1.0, static_cast<double>(requested) / static_cast<double>(capacity));
}

class BalancedAllocation final : public PreScorePlugin, public ScorePlugin {
 public:
  std::string_view Name() const override { return "NodeResourcesBalancedAllocation"; }

  PluginStatus PreScore(CycleState&, const PodInfo& pod, const std::vector<const NodeInfo*>&,
                        const Snapshot&) override {
    // A best-effort pod changes no node's balance.
    if (pod.requests.milli_cpu == 0 && pod.requests.memory == 0) return PluginStatus::Skip();
    return PluginStatus::Success();
  }

  PluginStatus Score(const CycleState&, const PodInfo& pod, const NodeInfo& node,
                     int64_t& score) const override {
    const Resources& alloc = node.node->allocatable;
    double cpu = Fraction(node.requested.milli_cpu + pod.requests.milli_cpu, alloc.milli_cpu);
    double mem = Fraction(node.requested.memory + pod.requests.memory, alloc.memory);
    double std_dev = std::abs((cpu - mem) / 2);
    score = static_cast<int64_t>((1 - std_dev) * kMaxNodeScore);
    return PluginStatus::Success();
  }
};

}  // namespace

std::unique_ptr<Plugin> NewBalancedAllocation(const PluginContext&) {
  return std::make_unique<BalancedAllocation>();
}

}  // namespace skiff::scheduler::plugins
