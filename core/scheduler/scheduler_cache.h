#pragma once

// SchedulerCache: the scheduler's view of every node — its Node and the pods bound to it,
// plus "assumed" pods: ones the scheduler placed whose binding is still in flight, counted
// on their node so the next cycles never double-book it. An assumed pod is confirmed when
// the informer shows it with that nodeName, or forgotten if its binding fails.
// Thread-safe (one mutex). Informer handlers write; the scheduling thread assumes and
// refreshes its Snapshot, which only copies the nodes changed since the last refresh.

#include <boost/json/object.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

#include "core/base/status.h"
#include "core/scheduler/node_info.h"
#include "core/scheduler/snapshot.h"

namespace skiff::scheduler {

class SchedulerCache {
 public:
  void AddNode(const boost::json::object& node);
  void UpdateNode(const boost::json::object& node) { AddNode(node); }
  void RemoveNode(const std::string& name);

  // A pod the API shows bound to pod->node_name; confirms it if it was assumed.
  void AddPod(std::shared_ptr<const PodInfo> pod);
  void UpdatePod(std::shared_ptr<const PodInfo> pod) { AddPod(std::move(pod)); }
  void RemovePod(const std::string& key);

  // Counts `pod` (node_name set) on its node before the binding is written.
  Status AssumePod(std::shared_ptr<const PodInfo> pod);
  // The binding failed: the pod leaves its node again.
  void ForgetPod(const std::string& key);
  bool IsAssumed(const std::string& key) const;

  // Brings `snapshot` up to date with this cache.
  void UpdateSnapshot(Snapshot& snapshot);

  std::size_t NodeCountForTest() const;
  std::size_t PodCountForTest() const;

 private:
  struct PodState {
    std::shared_ptr<const PodInfo> pod;
    bool assumed = false;
  };

  // The NodeInfo of `name` ready to modify: copied first if a snapshot shares it.
  NodeInfo& MutableNode(const std::string& name);
  void RemovePodLocked(const std::string& key);
  void DropIfEmpty(const std::string& name);

  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<NodeInfo>> nodes_;
  std::unordered_map<std::string, PodState> pods_;
  std::set<std::string> dirty_;
  bool node_set_changed_ = true;
};

}  // namespace skiff::scheduler
