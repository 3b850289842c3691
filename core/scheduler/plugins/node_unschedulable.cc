// NodeUnschedulable: keeps pods off cordoned nodes (spec.unschedulable) unless they
// tolerate the node.kubernetes.io/unschedulable:NoSchedule taint.

#include "core/scheduler/plugins/plugins.h"

namespace skiff::scheduler::plugins {
namespace {

class NodeUnschedulable final : public FilterPlugin {
 public:
  std::string_view Name() const override { return "NodeUnschedulable"; }

  PluginStatus Filter(const CycleState&, const PodInfo& pod, const NodeInfo& node) const override {
    if (!node.node->unschedulable) return PluginStatus::Success();
    static const Taint kTaint{"node.kubernetes.io/unschedulable", "", "NoSchedule"};
    if (TolerationsTolerate(pod.tolerations, kTaint)) return PluginStatus::Success();
    return PluginStatus::UnschedulableAndUnresolvable("node(s) were unschedulable");
  }
};

}  // namespace

std::unique_ptr<Plugin> NewNodeUnschedulable(const PluginContext&) {
  return std::make_unique<NodeUnschedulable>();
}

}  // namespace skiff::scheduler::plugins
