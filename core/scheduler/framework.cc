#include "core/scheduler/framework.h"

#include <algorithm>

namespace skiff::scheduler {

Result<std::unique_ptr<Framework>> Framework::New(const PluginRegistry& registry,
                                                  const std::vector<PluginSetting>& plugins,
                                                  const PluginContext& context) {
  auto fw = std::unique_ptr<Framework>(new Framework());
  std::vector<std::string> seen;
  for (const auto& setting : plugins) {
    if (std::find(seen.begin(), seen.end(), setting.name) != seen.end()) {
      return Status::InvalidArgument("scheduler plugin " + setting.name + " listed twice");
    }
    seen.push_back(setting.name);
    const PluginFactory* factory = registry.Find(setting.name);
    if (!factory) return Status::InvalidArgument("unknown scheduler plugin " + setting.name);
    std::unique_ptr<Plugin> p = (*factory)(context);
    if (!p) return Status::Internal("scheduler plugin " + setting.name + ": factory failed");
    Plugin* raw = p.get();
    if (auto* x = dynamic_cast<PreFilterPlugin*>(raw)) fw->pre_filter_.push_back(x);
    if (auto* x = dynamic_cast<FilterPlugin*>(raw)) fw->filter_.push_back(x);
    if (auto* x = dynamic_cast<PostFilterPlugin*>(raw)) fw->post_filter_.push_back(x);
    if (auto* x = dynamic_cast<PreScorePlugin*>(raw)) fw->pre_score_.push_back(x);
    if (auto* x = dynamic_cast<ScorePlugin*>(raw); x && setting.weight > 0) {
      fw->score_.push_back({x, setting.weight});
    }
    if (auto* x = dynamic_cast<ReservePlugin*>(raw)) fw->reserve_.push_back(x);
    if (auto* x = dynamic_cast<PreBindPlugin*>(raw)) fw->pre_bind_.push_back(x);
    if (auto* x = dynamic_cast<BindPlugin*>(raw)) fw->bind_.push_back(x);
    fw->plugins_.push_back(std::move(p));
  }
  return fw;
}

std::vector<std::string> Framework::PluginNames() const {
  std::vector<std::string> out;
  for (const auto& p : plugins_) out.emplace_back(p->Name());
  return out;
}

PluginStatus Framework::RunPreFilter(CycleState& state, const PodInfo& pod,
                                     const Snapshot& snapshot) {
  for (PreFilterPlugin* p : pre_filter_) {
    PluginStatus s = p->PreFilter(state, pod, snapshot);
    if (s.IsSkip()) {
      state.SkipFilter(p);
      continue;
    }
    if (!s.ok()) return s.WithPlugin(std::string(p->Name()));
  }
  return PluginStatus::Success();
}

PluginStatus Framework::RunFilter(const CycleState& state, const PodInfo& pod,
                                  const NodeInfo& node) const {
  for (FilterPlugin* p : filter_) {
    if (state.FilterSkipped(p)) continue;
    PluginStatus s = p->Filter(state, pod, node);
    if (!s.ok()) return s.WithPlugin(std::string(p->Name()));
  }
  return PluginStatus::Success();
}

void Framework::ActiveFilters(const CycleState& state,
                              std::vector<const FilterPlugin*>& out) const {
  out.clear();
  for (const FilterPlugin* p : filter_) {
    if (!state.FilterSkipped(p)) out.push_back(p);
  }
}

PluginStatus Framework::RunFilters(const std::vector<const FilterPlugin*>& filters,
                                   const CycleState& state, const PodInfo& pod,
                                   const NodeInfo& node) {
  for (const FilterPlugin* p : filters) {
    PluginStatus s = p->Filter(state, pod, node);
    if (!s.ok()) return s.WithPlugin(std::string(p->Name()));
  }
  return PluginStatus::Success();
}

PostFilterResult Framework::RunPostFilter(CycleState& state, const PodInfo& pod,
                                          const Snapshot& snapshot, const Diagnosis& diagnosis) {
  PostFilterResult result;
  result.status = PluginStatus::Unschedulable(std::vector<std::string>{});
  for (PostFilterPlugin* p : post_filter_) {
    PostFilterResult r = p->PostFilter(state, pod, snapshot, diagnosis);
    if (!r.message.empty()) {
      if (!result.message.empty()) result.message += " ";
      result.message += r.message;
    }
    if (r.status.ok() || r.status.code() == PluginStatus::Code::kError) {
      r.message = result.message;
      r.status.WithPlugin(std::string(p->Name()));
      return r;
    }
  }
  return result;
}

PluginStatus Framework::RunPreScore(CycleState& state, const PodInfo& pod,
                                    const std::vector<const NodeInfo*>& feasible,
                                    const Snapshot& snapshot) {
  for (PreScorePlugin* p : pre_score_) {
    PluginStatus s = p->PreScore(state, pod, feasible, snapshot);
    if (s.IsSkip()) {
      state.SkipScore(p);
      continue;
    }
    if (!s.ok()) return s.WithPlugin(std::string(p->Name()));
  }
  return PluginStatus::Success();
}

PluginStatus Framework::RunScore(const CycleState& state, const PodInfo& pod,
                                 const std::vector<const NodeInfo*>& feasible,
                                 std::vector<int64_t>& totals) const {
  totals.assign(feasible.size(), 0);
  std::vector<NodeScore>& scores = scores_;
  scores.resize(feasible.size());
  for (const auto& [plugin, weight] : score_) {
    if (state.ScoreSkipped(plugin)) continue;
    for (std::size_t i = 0; i < feasible.size(); ++i) {
      scores[i].node = feasible[i];
      scores[i].score = 0;
      PluginStatus s = plugin->Score(state, pod, *feasible[i], scores[i].score);
      if (!s.ok()) return s.WithPlugin(std::string(plugin->Name()));
    }
    PluginStatus s = plugin->NormalizeScore(state, pod, scores);
    if (!s.ok()) return s.WithPlugin(std::string(plugin->Name()));
    for (std::size_t i = 0; i < feasible.size(); ++i) {
      if (scores[i].score < 0 || scores[i].score > kMaxNodeScore) {
        return PluginStatus::Error("plugin " + std::string(plugin->Name()) + " returned score " +
                                   std::to_string(scores[i].score) + " outside [0, 100]")
            .WithPlugin(std::string(plugin->Name()));
      }
      totals[i] += scores[i].score * weight;
    }
  }
  return PluginStatus::Success();
}

PluginStatus Framework::RunReserve(CycleState& state, const PodInfo& pod, const std::string& node) {
  for (ReservePlugin* p : reserve_) {
    PluginStatus s = p->Reserve(state, pod, node);
    if (!s.ok()) return s.WithPlugin(std::string(p->Name()));
  }
  return PluginStatus::Success();
}

void Framework::RunUnreserve(CycleState& state, const PodInfo& pod, const std::string& node) {
  for (auto it = reserve_.rbegin(); it != reserve_.rend(); ++it) (*it)->Unreserve(state, pod, node);
}

PluginStatus Framework::RunPreBind(CycleState& state, const PodInfo& pod, const std::string& node) {
  for (PreBindPlugin* p : pre_bind_) {
    PluginStatus s = p->PreBind(state, pod, node);
    if (!s.ok()) return s.WithPlugin(std::string(p->Name()));
  }
  return PluginStatus::Success();
}

PluginStatus Framework::RunBind(CycleState& state, const PodInfo& pod, const std::string& node) {
  for (BindPlugin* p : bind_) {
    PluginStatus s = p->Bind(state, pod, node);
    if (s.IsSkip()) continue;
    return s.ok() ? s : s.WithPlugin(std::string(p->Name()));
  }
  return PluginStatus::Error("no bind plugin bound pod " + pod.key);
}

}  // namespace skiff::scheduler
