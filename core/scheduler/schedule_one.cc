#include "core/scheduler/schedule_one.h"

namespace skiff::scheduler {

ScheduleResult PodPlacer::Schedule(CycleState& state, const PodInfo& pod,
                                   const Snapshot& snapshot) {
  ScheduleResult result;
  const auto& nodes = snapshot.nodes();
  result.diagnosis.num_all_nodes = nodes.size();
  if (nodes.empty()) {
    result.status = PluginStatus::Unschedulable(std::vector<std::string>{});
    return result;
  }
  PluginStatus pre = framework_.RunPreFilter(state, pod, snapshot);
  if (!pre.ok()) {
    if (pre.IsRejected()) result.diagnosis.pre_filter_message = pre.Message();
    result.status = std::move(pre);
    return result;
  }

  const std::size_t n = nodes.size();
  const std::size_t want = NumFeasibleNodesToFind(percentage_, n);
  feasible_.clear();
  framework_.ActiveFilters(state, filters_);
  // The NodeInfos and their NodeSpecs are scattered on the heap: fetch them a few nodes
  // ahead so the filters do not stall on a cache miss per node.
  constexpr std::size_t kInfoAhead = 8;
  constexpr std::size_t kSpecAhead = 4;
  auto wrap = [n](std::size_t k) { return k >= n ? k % n : k; };
  std::size_t i = 0;
  for (; i < n && feasible_.size() < want; ++i) {
    const std::size_t idx = wrap(next_start_index_ + i);
    if (kInfoAhead < n) __builtin_prefetch(nodes[wrap(idx + kInfoAhead)].get());
    if (kSpecAhead < n) __builtin_prefetch(nodes[wrap(idx + kSpecAhead)]->node.get());
    const NodeInfo& node = *nodes[idx];
    PluginStatus s = Framework::RunFilters(filters_, state, pod, node);
    if (s.ok()) {
      feasible_.push_back(&node);
    } else if (s.IsRejected()) {
      result.diagnosis.node_statuses.emplace_back(node.name(), std::move(s));
    } else {
      result.status = std::move(s);
      return result;
    }
  }
  // The next pod starts where this one stopped, so all nodes get their turn.
  next_start_index_ = (next_start_index_ + i) % n;
  result.evaluated_nodes = i;
  result.feasible_nodes = feasible_.size();

  if (feasible_.empty()) {
    PostFilterResult post = framework_.RunPostFilter(state, pod, snapshot, result.diagnosis);
    result.diagnosis.post_filter_message = post.message;
    result.status = post.status.code() == PluginStatus::Code::kError
                        ? post.status
                        : PluginStatus::Unschedulable(std::vector<std::string>{});
    return result;
  }
  if (feasible_.size() == 1) {
    result.node = feasible_[0]->name();
    return result;
  }
  PluginStatus s = framework_.RunPreScore(state, pod, feasible_, snapshot);
  if (s.ok()) s = framework_.RunScore(state, pod, feasible_, totals_);
  if (!s.ok()) {
    result.status = std::move(s);
    return result;
  }
  // The highest total; among equals each is equally likely (reservoir sampling).
  std::size_t best = 0;
  std::size_t ties = 1;
  for (std::size_t k = 1; k < feasible_.size(); ++k) {
    if (totals_[k] > totals_[best]) {
      best = k;
      ties = 1;
    } else if (totals_[k] == totals_[best]) {
      ++ties;
      if (std::uniform_int_distribution<std::size_t>(0, ties - 1)(rng_) == 0) best = k;
    }
  }
  result.node = feasible_[best]->name();
  return result;
}

}  // namespace skiff::scheduler
