#pragma once

// Framework: the enabled plugins of one scheduler profile, sorted by extension point in
// config order, and the rules for running each point: PreFilter and Filter stop at the first
// rejection; Score sums weight * normalized score; Reserve unwinds with Unreserve in reverse
// order; Bind stops at the first binder that does not Skip.
// Thread-safety: as plugin.h says — scheduling-cycle methods on one thread, PreBind/Bind
// concurrently for different pods.

#include <memory>
#include <string>
#include <vector>

#include "core/base/status.h"
#include "core/scheduler/plugin.h"
#include "core/scheduler/plugin_registry.h"
#include "core/scheduler/scheduler_config.h"

namespace skiff::scheduler {

class Framework {
 public:
  // Fails for an unknown plugin name or a plugin listed twice.
  static Result<std::unique_ptr<Framework>> New(const PluginRegistry& registry,
                                                const std::vector<PluginSetting>& plugins,
                                                const PluginContext& context);

  PluginStatus RunPreFilter(CycleState& state, const PodInfo& pod, const Snapshot& snapshot);
  PluginStatus RunFilter(const CycleState& state, const PodInfo& pod, const NodeInfo& node) const;
  // The same in two steps, for the per-node loop: the Filter plugins PreFilter did not skip,
  // resolved once per cycle into `out`, then run over one node.
  void ActiveFilters(const CycleState& state, std::vector<const FilterPlugin*>& out) const;
  static PluginStatus RunFilters(const std::vector<const FilterPlugin*>& filters,
                                 const CycleState& state, const PodInfo& pod, const NodeInfo& node);
  // Runs until one PostFilter plugin succeeds; messages collected into the result.
  PostFilterResult RunPostFilter(CycleState& state, const PodInfo& pod, const Snapshot& snapshot,
                                 const Diagnosis& diagnosis);
  PluginStatus RunPreScore(CycleState& state, const PodInfo& pod,
                           const std::vector<const NodeInfo*>& feasible, const Snapshot& snapshot);
  // totals[i] = sum over score plugins of weight * normalized score for feasible[i].
  PluginStatus RunScore(const CycleState& state, const PodInfo& pod,
                        const std::vector<const NodeInfo*>& feasible,
                        std::vector<int64_t>& totals) const;
  PluginStatus RunReserve(CycleState& state, const PodInfo& pod, const std::string& node);
  void RunUnreserve(CycleState& state, const PodInfo& pod, const std::string& node);
  PluginStatus RunPreBind(CycleState& state, const PodInfo& pod, const std::string& node);
  PluginStatus RunBind(CycleState& state, const PodInfo& pod, const std::string& node);

  bool HasScorePlugins() const { return !score_.empty(); }
  std::vector<std::string> PluginNames() const;

 private:
  struct WeightedScore {
    ScorePlugin* plugin;
    int64_t weight;
  };

  std::vector<std::unique_ptr<Plugin>> plugins_;
  std::vector<PreFilterPlugin*> pre_filter_;
  std::vector<FilterPlugin*> filter_;
  std::vector<PostFilterPlugin*> post_filter_;
  std::vector<PreScorePlugin*> pre_score_;
  std::vector<WeightedScore> score_;
  std::vector<ReservePlugin*> reserve_;
  std::vector<PreBindPlugin*> pre_bind_;
  std::vector<BindPlugin*> bind_;
  // RunScore's per-node scores, kept between cycles (scheduling thread only): a fresh 8 KB
  // vector per pod made glibc consolidate its fast bins on every cycle.
  mutable std::vector<NodeScore> scores_;
};

}  // namespace skiff::scheduler
