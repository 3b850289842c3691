// NodeResourcesFit: the pod's requests (cpu, memory, ephemeral-storage, extended resources,
// and one pod slot) must fit in what the node has left; scores with the LeastAllocated
// strategy (cpu and memory, weight 1 each), as kube-scheduler's default profile does.

#include "core/scheduler/plugins/plugins.h"

namespace skiff::scheduler::plugins {
namespace {

int64_t LeastAllocated(int64_t requested, int64_t capacity) {
  if (capacity <= 0 || requested > capacity) return 0;
  return (capacity - requested) * kMaxNodeScore / capacity;
}

class NodeResourcesFit final : public FilterPlugin, public ScorePlugin {
 public:
  std::string_view Name() const override { return "NodeResourcesFit"; }

  PluginStatus Filter(const CycleState&, const PodInfo& pod, const NodeInfo& node) const override {
    const Resources& want = pod.requests;
    const Resources& alloc = node.node->allocatable;
    const Resources& used = node.requested;
    std::vector<std::string> reasons;
    if (used.pods + 1 > alloc.pods) reasons.emplace_back("Too many pods");
    if (want.milli_cpu > 0 && want.milli_cpu > alloc.milli_cpu - used.milli_cpu) {
      reasons.emplace_back("Insufficient cpu");
    }
    if (want.memory > 0 && want.memory > alloc.memory - used.memory) {
      reasons.emplace_back("Insufficient memory");
    }
    if (want.ephemeral_storage > 0 &&
        want.ephemeral_storage > alloc.ephemeral_storage - used.ephemeral_storage) {
      reasons.emplace_back("Insufficient ephemeral-storage");
    }
    for (const auto& [name, v] : want.scalar) {
      if (v > 0 && v > alloc.Scalar(name) - used.Scalar(name)) {
        reasons.push_back("Insufficient " + name);
      }
    }
    if (reasons.empty()) return PluginStatus::Success();
    return PluginStatus::Unschedulable(std::move(reasons));
  }

  PluginStatus Score(const CycleState&, const PodInfo& pod, const NodeInfo& node,
                     int64_t& score) const override {
    const Resources& alloc = node.node->allocatable;
    int64_t cpu = LeastAllocated(
        node.non_zero_requested.milli_cpu + pod.non_zero_requests.milli_cpu, alloc.milli_cpu);
    int64_t mem =
        LeastAllocated(node.non_zero_requested.memory + pod.non_zero_requests.memory, alloc.memory);
    score = (cpu + mem) / 2;
    return PluginStatus::Success();
  }
};

}  // namespace

std::unique_ptr<Plugin> NewNodeResourcesFit(const PluginContext&) {
  return std::make_unique<NodeResourcesFit>();
}

}  // namespace skiff::scheduler::plugins
