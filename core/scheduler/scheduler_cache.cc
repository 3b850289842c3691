#include "core/scheduler/scheduler_cache.h"

namespace skiff::scheduler {

NodeInfo& SchedulerCache::MutableNode(const std::string& name) {
  auto& slot = nodes_[name];
  // use_count() == 1 under the lock means no snapshot holds it (counts only drop outside).
  if (!slot) {
    slot = std::make_shared<NodeInfo>();
  } else if (slot.use_count() > 1) {
    slot = std::make_shared<NodeInfo>(*slot);
  }
  dirty_.insert(name);
  return *slot;
}

void SchedulerCache::DropIfEmpty(const std::string& name) {
  auto it = nodes_.find(name);
  if (it != nodes_.end() && !it->second->node && it->second->pods.empty()) {
    nodes_.erase(it);
    dirty_.erase(name);
  }
}

void SchedulerCache::AddNode(const boost::json::object& node) {
  auto spec = NewNodeSpec(node);
  std::lock_guard lock(mu_);
  NodeInfo& info = MutableNode(spec->name);
  if (!info.node) node_set_changed_ = true;
  info.node = std::move(spec);
}

void SchedulerCache::RemoveNode(const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = nodes_.find(name);
  if (it == nodes_.end()) return;
  // Pods still bound to it stay counted until their own deletes arrive.
  MutableNode(name).node.reset();
  node_set_changed_ = true;
  DropIfEmpty(name);
}

void SchedulerCache::RemovePodLocked(const std::string& key) {
  auto it = pods_.find(key);
  if (it == pods_.end()) return;
  std::string node = it->second.pod->node_name;
  pods_.erase(it);
  if (nodes_.count(node)) {
    MutableNode(node).RemovePod(key);
    DropIfEmpty(node);
  }
}

void SchedulerCache::AddPod(std::shared_ptr<const PodInfo> pod) {
  std::lock_guard lock(mu_);
  auto it = pods_.find(pod->key);
  if (it != pods_.end() && it->second.assumed && it->second.pod->node_name == pod->node_name) {
    // Confirmed: keep its place, take the API's version of the object.
    NodeInfo& info = MutableNode(pod->node_name);
    info.RemovePod(pod->key);
    info.AddPod(pod);
    it->second = {std::move(pod), false};
    return;
  }
  RemovePodLocked(pod->key);
  MutableNode(pod->node_name).AddPod(pod);
  const std::string key = pod->key;
  pods_[key] = {std::move(pod), false};
}

void SchedulerCache::RemovePod(const std::string& key) {
  std::lock_guard lock(mu_);
  RemovePodLocked(key);
}

Status SchedulerCache::AssumePod(std::shared_ptr<const PodInfo> pod) {
  std::lock_guard lock(mu_);
  if (pods_.count(pod->key)) return Status::AlreadyExists("pod " + pod->key + " is in the cache");
  MutableNode(pod->node_name).AddPod(pod);
  const std::string key = pod->key;
  pods_[key] = {std::move(pod), true};
  return Status::Ok();
}

void SchedulerCache::ForgetPod(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = pods_.find(key);
  if (it == pods_.end() || !it->second.assumed) return;
  RemovePodLocked(key);
}

bool SchedulerCache::IsAssumed(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = pods_.find(key);
  return it != pods_.end() && it->second.assumed;
}

void SchedulerCache::UpdateSnapshot(Snapshot& snapshot) {
  std::lock_guard lock(mu_);
  if (node_set_changed_) {
    snapshot.nodes_.clear();
    snapshot.index_.clear();
    snapshot.pods_with_affinity_ = 0;
    snapshot.pods_with_required_anti_affinity_ = 0;
    for (const auto& [name, info] : nodes_) {
      if (!info->node) continue;
      snapshot.index_.emplace(name, snapshot.nodes_.size());
      snapshot.nodes_.push_back(info);
      snapshot.pods_with_affinity_ += info->pods_with_affinity;
      snapshot.pods_with_required_anti_affinity_ += info->pods_with_required_anti_affinity;
    }
    node_set_changed_ = false;
  } else {
    for (const auto& name : dirty_) {
      auto it = nodes_.find(name);
      auto idx = snapshot.index_.find(name);
      if (it != nodes_.end() && idx != snapshot.index_.end()) {
        auto& slot = snapshot.nodes_[idx->second];
        snapshot.pods_with_affinity_ += it->second->pods_with_affinity - slot->pods_with_affinity;
        snapshot.pods_with_required_anti_affinity_ +=
            it->second->pods_with_required_anti_affinity - slot->pods_with_required_anti_affinity;
        slot = it->second;
      }
    }
  }
  dirty_.clear();
}

std::size_t SchedulerCache::NodeCountForTest() const {
  std::lock_guard lock(mu_);
  return nodes_.size();
}

std::size_t SchedulerCache::PodCountForTest() const {
  std::lock_guard lock(mu_);
  return pods_.size();
}

}  // namespace skiff::scheduler
