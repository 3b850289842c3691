// InterPodAffinity: required pod affinity (the node's topology domain must hold a matching
// pod), required anti-affinity (it must hold none) — both the incoming pod's and those of
// pods already placed — and preferred terms as scores, per topologyKey.

#include <algorithm>
#include <climits>
#include <map>

#include "core/scheduler/plugins/plugins.h"

namespace skiff::scheduler::plugins {
namespace {

using Pair = std::pair<std::string, std::string>;  // topology key, value
using PairCounts = std::map<Pair, int64_t>;

struct FilterState : CycleState::Data {
  PairCounts existing_anti;  // domains where a placed pod's anti-affinity rejects this pod
  PairCounts affinity;       // domains holding pods that match all required affinity terms
  PairCounts anti;           // domains holding pods the incoming anti-affinity rejects
  bool matches_own_affinity = false;
};

struct ScoreState : CycleState::Data {
  PairCounts scores;
};

template <typename F>
void ForEachPlacedPod(const Snapshot& snapshot, F f) {
  for (const auto& ni : snapshot.nodes()) {
    for (const auto& p : ni->pods) f(*ni, *p);
  }
}

void AddIfLabelled(PairCounts& counts, const NodeInfo& node, const std::string& key, int64_t n) {
  auto it = node.node->labels.find(key);
  if (it != node.node->labels.end()) counts[{key, it->second}] += n;
}

bool NodeInDomainWith(const PairCounts& counts, const NodeInfo& node, const std::string& key) {
  auto it = node.node->labels.find(key);
  if (it == node.node->labels.end()) return false;
  auto c = counts.find({key, it->second});
  return c != counts.end() && c->second > 0;
}

class InterPodAffinity final : public PreFilterPlugin,
                               public FilterPlugin,
                               public PreScorePlugin,
                               public ScorePlugin {
 public:
  std::string_view Name() const override { return "InterPodAffinity"; }

  PluginStatus PreFilter(CycleState& state, const PodInfo& pod, const Snapshot& snapshot) override {
    const bool any_existing_anti = snapshot.pods_with_required_anti_affinity() > 0;
    if (!any_existing_anti && pod.required_affinity.empty() && pod.required_anti_affinity.empty()) {
      return PluginStatus::Skip();
    }
    auto s = std::make_unique<FilterState>();
    ForEachPlacedPod(snapshot, [&](const NodeInfo& node, const PodInfo& placed) {
      for (const auto& t : placed.required_anti_affinity) {
        if (t.Selects(pod, placed.ns)) AddIfLabelled(s->existing_anti, node, t.topology_key, 1);
      }
      if (!pod.required_affinity.empty()) {
        bool all = std::all_of(pod.required_affinity.begin(), pod.required_affinity.end(),
                               [&](const PodAffinityTerm& t) { return t.Selects(placed, pod.ns); });
        if (all) {
          for (const auto& t : pod.required_affinity) {
            AddIfLabelled(s->affinity, node, t.topology_key, 1);
          }
        }
      }
      for (const auto& t : pod.required_anti_affinity) {
        if (t.Selects(placed, pod.ns)) AddIfLabelled(s->anti, node, t.topology_key, 1);
      }
    });
    s->matches_own_affinity =
        std::all_of(pod.required_affinity.begin(), pod.required_affinity.end(),
                    [&](const PodAffinityTerm& t) { return t.Selects(pod, pod.ns); });
    state.Write(this, std::move(s));
    return PluginStatus::Success();
  }

  PluginStatus Filter(const CycleState& state, const PodInfo& pod,
                      const NodeInfo& node) const override {
    const auto* s = state.Read<FilterState>(this);
    if (!s) return PluginStatus::Error("InterPodAffinity: no PreFilter state");
    if (!SatisfiesAffinity(*s, pod, node)) {
      return PluginStatus::UnschedulableAndUnresolvable("node(s) didn't match pod affinity rules");
    }
    for (const auto& t : pod.required_anti_affinity) {
      if (NodeInDomainWith(s->anti, node, t.topology_key)) {
        return PluginStatus::Unschedulable("node(s) didn't match pod anti-affinity rules");
      }
    }
    for (const auto& [pair, n] : s->existing_anti) {
      auto it = node.node->labels.find(pair.first);
      if (n > 0 && it != node.node->labels.end() && it->second == pair.second) {
        return PluginStatus::Unschedulable(
            "node(s) didn't satisfy existing pods anti-affinity rules");
      }
    }
    return PluginStatus::Success();
  }

  PluginStatus PreScore(CycleState& state, const PodInfo& pod, const std::vector<const NodeInfo*>&,
                        const Snapshot& snapshot) override {
    const bool existing_with_affinity = snapshot.pods_with_affinity() > 0;
    if (!existing_with_affinity && pod.preferred_affinity.empty() &&
        pod.preferred_anti_affinity.empty()) {
      return PluginStatus::Skip();
    }
    auto s = std::make_unique<ScoreState>();
    ForEachPlacedPod(snapshot, [&](const NodeInfo& node, const PodInfo& placed) {
      for (const auto& t : pod.preferred_affinity) {
        if (t.Selects(placed, pod.ns)) AddIfLabelled(s->scores, node, t.topology_key, t.weight);
      }
      for (const auto& t : pod.preferred_anti_affinity) {
        if (t.Selects(placed, pod.ns)) AddIfLabelled(s->scores, node, t.topology_key, -t.weight);
      }
      // Placed pods' own terms count too (required affinity with weight 1, as Kubernetes'
      // default hardPodAffinityWeight).
      for (const auto& t : placed.required_affinity) {
        if (t.Selects(pod, placed.ns)) AddIfLabelled(s->scores, node, t.topology_key, 1);
      }
      for (const auto& t : placed.preferred_affinity) {
        if (t.Selects(pod, placed.ns)) AddIfLabelled(s->scores, node, t.topology_key, t.weight);
      }
      for (const auto& t : placed.preferred_anti_affinity) {
        if (t.Selects(pod, placed.ns)) AddIfLabelled(s->scores, node, t.topology_key, -t.weight);
      }
    });
    state.Write(this, std::move(s));
    return PluginStatus::Success();
  }

  PluginStatus Score(const CycleState& state, const PodInfo&, const NodeInfo& node,
                     int64_t& score) const override {
    score = 0;
    const auto* s = state.Read<ScoreState>(this);
    if (!s) return PluginStatus::Success();
    for (const auto& [pair, v] : s->scores) {
      auto it = node.node->labels.find(pair.first);
      if (it != node.node->labels.end() && it->second == pair.second) score += v;
    }
    return PluginStatus::Success();
  }

  PluginStatus NormalizeScore(const CycleState& state, const PodInfo&,
                              std::vector<NodeScore>& scores) const override {
    if (!state.Read<ScoreState>(this) || scores.empty()) return PluginStatus::Success();
    int64_t min = INT64_MAX, max = INT64_MIN;
    for (const auto& s : scores) {
      min = std::min(min, s.score);
      max = std::max(max, s.score);
    }
    for (auto& s : scores) {
      s.score = max > min ? kMaxNodeScore * (s.score - min) / (max - min) : 0;
    }
    return PluginStatus::Success();
  }

 private:
  static bool SatisfiesAffinity(const FilterState& s, const PodInfo& pod, const NodeInfo& node) {
    if (pod.required_affinity.empty()) return true;
    bool all = true;
    for (const auto& t : pod.required_affinity) {
      if (!NodeInDomainWith(s.affinity, node, t.topology_key)) {
        all = false;
        break;
      }
    }
    if (all) return true;
    // The first pod of a group that selects itself may go anywhere its keys exist.
    if (s.affinity.empty() && s.matches_own_affinity) {
      for (const auto& t : pod.required_affinity) {
        if (!node.node->labels.count(t.topology_key)) return false;
      }
      return true;
    }
    return false;
  }
};

}  // namespace

std::unique_ptr<Plugin> NewInterPodAffinity(const PluginContext&) {
  return std::make_unique<InterPodAffinity>();
}

}  // namespace skiff::scheduler::plugins
