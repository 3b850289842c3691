// NodeName: a pod that names its node (spec.nodeName) fits only there.

#include "core/scheduler/plugins/plugins.h"

namespace skiff::scheduler::plugins {
namespace {

class NodeName final : public FilterPlugin {
 public:
  std::string_view Name() const override { return "NodeName"; }

  PluginStatus Filter(const CycleState&, const PodInfo& pod, const NodeInfo& node) const override {
    if (pod.node_name.empty() || pod.node_name == node.name()) return PluginStatus::Success();
    return PluginStatus::UnschedulableAndUnresolvable(
        "node(s) didn't match the requested node name");
  }
};

}  // namespace

std::unique_ptr<Plugin> NewNodeName(const PluginContext&) { return std::make_unique<NodeName>(); }

}  // namespace skiff::scheduler::plugins
