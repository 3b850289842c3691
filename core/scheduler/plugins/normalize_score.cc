// Score normalization shared by plugins whose raw scores are unbounded.

#include <algorithm>

#include "core/scheduler/plugins/plugins.h"

namespace skiff::scheduler::plugins {

void DefaultNormalizeScore(std::vector<NodeScore>& scores, bool reverse) {
  int64_t max = 0;
  for (const auto& s : scores) max = std::max(max, s.score);
  if (max == 0) {
    if (reverse) {
      for (auto& s : scores) s.score = kMaxNodeScore;
    }
    return;
  }
  for (auto& s : scores) {
    s.score = kMaxNodeScore * s.score / max;
    if (reverse) s.score = kMaxNodeScore - s.score;
  }
}

}  // namespace skiff::scheduler::plugins
