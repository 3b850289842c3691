// TaintToleration: a pod must tolerate every NoSchedule and NoExecute taint of its node;
// each untolerated PreferNoSchedule taint lowers the node's score.

#include "core/scheduler/plugins/plugins.h"

namespace skiff::scheduler::plugins {
namespace {

class TaintToleration final : public FilterPlugin, public ScorePlugin {
 public:
  std::string_view Name() const override { return "TaintToleration"; }

  PluginStatus Filter(const CycleState&, const PodInfo& pod, const NodeInfo& node) const override {
    for (const Taint& t : node.node->taints) {
      if (t.effect != "NoSchedule" && t.effect != "NoExecute") continue;
      if (!TolerationsTolerate(pod.tolerations, t)) {
        return PluginStatus::UnschedulableAndUnresolvable("node(s) had untolerated taint {" +
                                                          t.key + ": " + t.value + "}");
      }
    }
    return PluginStatus::Success();
  }

  PluginStatus Score(const CycleState&, const PodInfo& pod, const NodeInfo& node,
                     int64_t& score) const override {
    score = 0;
    for (const Taint& t : node.node->taints) {
      if (t.effect != "PreferNoSchedule") continue;
      bool tolerated = false;
      for (const auto& tol : pod.tolerations) {
        if ((tol.effect.empty() || tol.effect == "PreferNoSchedule") && tol.Tolerates(t)) {
          tolerated = true;
          break;
        }
      }
      if (!tolerated) ++score;
    }
    return PluginStatus::Success();
  }

  PluginStatus NormalizeScore(const CycleState&, const PodInfo&,
                              std::vector<NodeScore>& scores) const override {
    DefaultNormalizeScore(scores, true);
    return PluginStatus::Success();
  }
};

}  // namespace

std::unique_ptr<Plugin> NewTaintToleration(const PluginContext&) {
  return std::make_unique<TaintToleration>();
}

}  // namespace skiff::scheduler::plugins
