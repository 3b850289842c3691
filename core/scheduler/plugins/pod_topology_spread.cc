// PodTopologySpread: keeps the number of matching pods per topology domain (zone, node,
// ...) within maxSkew of the emptiest domain. DoNotSchedule constraints filter; ScheduleAnyway
// constraints score (fewer matching pods in the domain = better).

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>

#include "core/scheduler/plugins/plugins.h"

namespace skiff::scheduler::plugins {
namespace {

using Counts = std::map<std::string, int64_t, std::less<>>;  // domain value -> matching pods

bool NodeHasKeys(const NodeSpec& node, const std::vector<const TopologySpreadConstraint*>& cs) {
  for (const auto* c : cs) {
    if (!node.labels.count(c->topology_key)) return false;
  }
  return true;
}

bool MatchesNodeAffinity(const PodInfo& pod, const NodeSpec& node) {
  for (const auto& [k, v] : pod.node_selector) {
    auto it = node.labels.find(k);
    if (it == node.labels.end() || it->second != v) return false;
  }
  return !pod.required_node_affinity || pod.required_node_affinity->Matches(node.labels, node.name);
}

bool ToleratesNoScheduleTaints(const PodInfo& pod, const NodeSpec& node) {
  for (const auto& t : node.taints) {
    if ((t.effect == "NoSchedule" || t.effect == "NoExecute") &&
        !TolerationsTolerate(pod.tolerations, t)) {
      return false;
    }
  }
  return true;
}

int64_t CountMatching(const TopologySpreadConstraint& c, const PodInfo& pod, const NodeInfo& node) {
  int64_t n = 0;
  for (const auto& p : node.pods) {
    if (p->ns == pod.ns && !p->deleting && c.selector.Matches(p->labels)) ++n;
  }
  return n;
}

// Matching pods per domain of each constraint, over the nodes the pod could use.
std::vector<Counts> CountDomains(const PodInfo& pod,
                                 const std::vector<const TopologySpreadConstraint*>& cs,
                                 const Snapshot& snapshot) {
  std::vector<Counts> counts(cs.size());
  for (const auto& ni : snapshot.nodes()) {
    const NodeSpec& node = *ni->node;
    if (!NodeHasKeys(node, cs)) continue;
    for (std::size_t i = 0; i < cs.size(); ++i) {
      const auto& c = *cs[i];
      if (c.honor_node_affinity && !MatchesNodeAffinity(pod, node)) continue;
      if (c.honor_node_taints && !ToleratesNoScheduleTaints(pod, node)) continue;
      counts[i][node.labels.at(c.topology_key)] += CountMatching(c, pod, *ni);
    }
  }
  return counts;
}

struct FilterState : CycleState::Data {
  std::vector<const TopologySpreadConstraint*> constraints;
  std::vector<Counts> counts;
  std::vector<int64_t> min_counts;
};

struct ScoreState : CycleState::Data {
  std::vector<const TopologySpreadConstraint*> constraints;
  std::vector<Counts> counts;
  std::vector<double> weights;
};

class PodTopologySpread final : public PreFilterPlugin,
                                public FilterPlugin,
                                public PreScorePlugin,
                                public ScorePlugin {
 public:
  std::string_view Name() const override { return "PodTopologySpread"; }

  PluginStatus PreFilter(CycleState& state, const PodInfo& pod, const Snapshot& snapshot) override {
    auto s = std::make_unique<FilterState>();
    for (const auto& c : pod.spread_constraints) {
      if (c.do_not_schedule) s->constraints.push_back(&c);
    }
    if (s->constraints.empty()) return PluginStatus::Skip();
    s->counts = CountDomains(pod, s->constraints, snapshot);
    for (const auto& c : s->counts) {
      int64_t m = c.empty() ? 0 : INT64_MAX;
      for (const auto& [_, n] : c) m = std::min(m, n);
      s->min_counts.push_back(m);
    }
    state.Write(this, std::move(s));
    return PluginStatus::Success();
  }

  PluginStatus Filter(const CycleState& state, const PodInfo& pod,
                      const NodeInfo& node) const override {
    const auto* s = state.Read<FilterState>(this);
    if (!s) return PluginStatus::Error("PodTopologySpread: no PreFilter state");
    for (std::size_t i = 0; i < s->constraints.size(); ++i) {
      const auto& c = *s->constraints[i];
      auto label = node.node->labels.find(c.topology_key);
      if (label == node.node->labels.end()) {
        return PluginStatus::UnschedulableAndUnresolvable(
            "node(s) didn't match pod topology spread constraints (missing required label)");
      }
      int64_t self = c.selector.Matches(pod.labels) ? 1 : 0;
      auto it = s->counts[i].find(label->second);
      int64_t here = it == s->counts[i].end() ? 0 : it->second;
      if (here + self - s->min_counts[i] > c.max_skew) {
        return PluginStatus::Unschedulable("node(s) didn't match pod topology spread constraints");
      }
    }
    return PluginStatus::Success();
  }

  PluginStatus PreScore(CycleState& state, const PodInfo& pod, const std::vector<const NodeInfo*>&,
                        const Snapshot& snapshot) override {
    auto s = std::make_unique<ScoreState>();
    for (const auto& c : pod.spread_constraints) {
      if (!c.do_not_schedule) s->constraints.push_back(&c);
    }
    if (s->constraints.empty()) return PluginStatus::Skip();
    s->counts = CountDomains(pod, s->constraints, snapshot);
    // Kubernetes weighs each constraint by log(number of domains + 2).
    for (const auto& c : s->counts)
      s->weights.push_back(std::log(static_cast<double>(c.size()) + 2));
    state.Write(this, std::move(s));
    return PluginStatus::Success();
  }

  PluginStatus Score(const CycleState& state, const PodInfo&, const NodeInfo& node,
                     int64_t& score) const override {
    const auto* s = state.Read<ScoreState>(this);
    score = 0;
    if (!s) return PluginStatus::Success();
    double total = 0;
    for (std::size_t i = 0; i < s->constraints.size(); ++i) {
      auto label = node.node->labels.find(s->constraints[i]->topology_key);
      if (label == node.node->labels.end()) continue;
      auto it = s->counts[i].find(label->second);
      int64_t cnt = it == s->counts[i].end() ? 0 : it->second;
      total += static_cast<double>(cnt) * s->weights[i] +
               static_cast<double>(s->constraints[i]->max_skew - 1);
    }
    score = std::llround(total);
    return PluginStatus::Success();
  }

  PluginStatus NormalizeScore(const CycleState& state, const PodInfo&,
                              std::vector<NodeScore>& scores) const override {
    if (!state.Read<ScoreState>(this) || scores.empty()) return PluginStatus::Success();
    int64_t min = INT64_MAX, max = 0;
    for (const auto& s : scores) {
      min = std::min(min, s.score);
      max = std::max(max, s.score);
    }
    for (auto& s : scores) {
      s.score = max == 0 ? kMaxNodeScore : kMaxNodeScore * (max + min - s.score) / max;
    }
    return PluginStatus::Success();
  }
};

}  // namespace

std::unique_ptr<Plugin> NewPodTopologySpread(const PluginContext&) {
  return std::make_unique<PodTopologySpread>();
}

}  // namespace skiff::scheduler::plugins
