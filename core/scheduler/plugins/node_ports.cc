// NodePorts: a pod's hostPorts must be free on the node (same port and protocol on an
// overlapping host IP conflicts).

#include "core/scheduler/plugins/plugins.h"

namespace skiff::scheduler::plugins {
namespace {

class NodePorts final : public PreFilterPlugin, public FilterPlugin {
 public:
  std::string_view Name() const override { return "NodePorts"; }

  PluginStatus PreFilter(CycleState&, const PodInfo& pod, const Snapshot&) override {
    return pod.host_ports.empty() ? PluginStatus::Skip() : PluginStatus::Success();
  }

  PluginStatus Filter(const CycleState&, const PodInfo& pod, const NodeInfo& node) const override {
    for (const auto& want : pod.host_ports) {
      for (const auto& used : node.used_ports) {
        if (want.ConflictsWith(used)) {
          return PluginStatus::Unschedulable(
              "node(s) didn't have free ports for the requested pod ports");
        }
      }
    }
    return PluginStatus::Success();
  }
};

}  // namespace

std::unique_ptr<Plugin> NewNodePorts(const PluginContext&) { return std::make_unique<NodePorts>(); }

}  // namespace skiff::scheduler::plugins
