// NodeAffinity: spec.nodeSelector and required node affinity must match the node's labels
// (matchFields: its name); preferred terms add their weight to the node's score.

#include "core/scheduler/plugins/plugins.h"

namespace skiff::scheduler::plugins {
namespace {

class NodeAffinity final : public PreFilterPlugin,
                           public FilterPlugin,
                           public PreScorePlugin,
                           public ScorePlugin {
 public:
  std::string_view Name() const override { return "NodeAffinity"; }

  PluginStatus PreFilter(CycleState&, const PodInfo& pod, const Snapshot&) override {
    if (pod.node_selector.empty() && !pod.required_node_affinity) return PluginStatus::Skip();
    return PluginStatus::Success();
  }

  PluginStatus Filter(const CycleState&, const PodInfo& pod, const NodeInfo& node) const override {
    if (Matches(pod, *node.node)) return PluginStatus::Success();
    return PluginStatus::UnschedulableAndUnresolvable(
        "node(s) didn't match Pod's node affinity/selector");
  }

  PluginStatus PreScore(CycleState&, const PodInfo& pod, const std::vector<const NodeInfo*>&,
                        const Snapshot&) override {
    return pod.preferred_node_affinity.empty() ? PluginStatus::Skip() : PluginStatus::Success();
  }

  PluginStatus Score(const CycleState&, const PodInfo& pod, const NodeInfo& node,
                     int64_t& score) const override {
    score = 0;
    for (const auto& p : pod.preferred_node_affinity) {
      if (p.weight != 0 && p.term.Matches(node.node->labels, node.name())) score += p.weight;
    }
    return PluginStatus::Success();
  }

  PluginStatus NormalizeScore(const CycleState&, const PodInfo&,
                              std::vector<NodeScore>& scores) const override {
    DefaultNormalizeScore(scores, false);
    return PluginStatus::Success();
  }

  static bool Matches(const PodInfo& pod, const NodeSpec& node) {
    for (const auto& [k, v] : pod.node_selector) {
      auto it = node.labels.find(k);
      if (it == node.labels.end() || it->second != v) return false;
    }
    return !pod.required_node_affinity ||
           pod.required_node_affinity->Matches(node.labels, node.name);
  }
};

}  // namespace

std::unique_ptr<Plugin> NewNodeAffinity(const PluginContext&) {
  return std::make_unique<NodeAffinity>();
}

}  // namespace skiff::scheduler::plugins
