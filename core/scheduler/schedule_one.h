#pragma once

// The scheduling algorithm for one pod against one Snapshot: PreFilter, Filter over nodes
// (from a rotating start, stopping once numFeasibleNodesToFind fit), PreScore, Score, and
// the pick of the best node (ties broken at random). Used by the scheduling thread only.

#include <random>
#include <string>

#include "core/scheduler/framework.h"

namespace skiff::scheduler {

struct ScheduleResult {
  PluginStatus status;  // Success, rejected (see diagnosis) or Error
  std::string node;     // when Success
  Diagnosis diagnosis;  // when rejected
  std::size_t evaluated_nodes = 0;
  std::size_t feasible_nodes = 0;
};

class PodPlacer {
 public:
  PodPlacer(Framework& framework, int percentage_of_nodes_to_score)
      : framework_(framework), percentage_(percentage_of_nodes_to_score) {}

  ScheduleResult Schedule(CycleState& state, const PodInfo& pod, const Snapshot& snapshot);

 private:
  Framework& framework_;
  const int percentage_;
  std::size_t next_start_index_ = 0;
  std::mt19937_64 rng_{std::random_device{}()};
  // Reused between cycles to avoid reallocating per pod.
  std::vector<const NodeInfo*> feasible_;
  std::vector<const FilterPlugin*> filters_;
  std::vector<int64_t> totals_;
};

}  // namespace skiff::scheduler
