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
  const NodeInfo* Get(std::string_view name) const {
    auto it = index_.find(std::string(name));
    return it == index_.end() ? nullptr : nodes_[it->second].get();
  }

 private:
  friend class SchedulerCache;
  std::vector<std::shared_ptr<const NodeInfo>> nodes_;
  std::unordered_map<std::string, std::size_t> index_;
};

}  // namespace skiff::scheduler
