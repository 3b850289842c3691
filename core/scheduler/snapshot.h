#pragma once

// Snapshot: the node state one scheduling cycle reads — the cache's NodeInfos at one
// moment, in a stable order. Owned and refreshed by the scheduling thread only; the
// NodeInfos it points to are immutable, so plugins read them without locks.

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/scheduler/node_info.h"

namespace skiff::scheduler {

class Snapshot {
 public:
  const std::vector<std::shared_ptr<const NodeInfo>>& nodes() const { return nodes_; }
  std::size_t size() const { return nodes_.size(); }
  // Totals over all nodes, so affinity plugins can skip their all-node scans when zero.
  int pods_with_affinity() const { return pods_with_affinity_; }
  int pods_with_required_anti_affinity() const { return pods_with_required_anti_affinity_; }
  const NodeInfo* Get(std::string_view name) const {
    auto it = index_.find(std::string(name));
    return it == index_.end() ? nullptr : nodes_[it->second].get();
  }

 private:
  friend class SchedulerCache;
  std::vector<std::shared_ptr<const NodeInfo>> nodes_;
  std::unordered_map<std::string, std::size_t> index_;
  int pods_with_affinity_ = 0;
  int pods_with_required_anti_affinity_ = 0;
};

}  // namespace skiff::scheduler
