#include "core/controllers/garbagecollector/owner_graph.h"

#include "core/api/json_fields.h"

namespace skiff::controllers {
namespace json = boost::json;

GraphNode OwnerGraph::Upsert(const api::Kind& kind, const client::Object& obj) {
  GraphNode node;
  node.kind = &kind;
  node.ns = std::string(api::GetString(obj, "metadata.namespace"));
  node.name = std::string(api::GetString(obj, "metadata.name"));
  node.uid = std::string(api::GetString(obj, "metadata.uid"));
  node.owners = OwnerRefs(obj);
  node.deleting = !api::GetString(obj, "metadata.deletionTimestamp").empty();
  if (const json::array* f = api::FindArray(obj, "metadata.finalizers")) {
    for (const auto& v : *f) {
      if (!v.is_string()) continue;
      if (v.as_string() == kOrphanFinalizer) node.orphan = true;
      if (v.as_string() == kForegroundFinalizer) node.foreground = true;
    }
  }
  std::lock_guard lock(mu_);
  auto it = nodes_.find(node.uid);
  if (it != nodes_.end()) Unlink(it->second);
  for (const auto& o : node.owners) dependents_[o.uid].insert(node.uid);
  nodes_[node.uid] = node;
  return node;
}

std::optional<GraphNode> OwnerGraph::Remove(const client::Object& obj) {
  std::string uid(api::GetString(obj, "metadata.uid"));
  std::lock_guard lock(mu_);
  auto it = nodes_.find(uid);
  if (it == nodes_.end()) return std::nullopt;
  GraphNode node = std::move(it->second);
  nodes_.erase(it);
  Unlink(node);
  return node;
}

void OwnerGraph::Unlink(const GraphNode& node) {
  for (const auto& o : node.owners) {
    auto d = dependents_.find(o.uid);
    if (d == dependents_.end()) continue;
    d->second.erase(node.uid);
    if (d->second.empty()) dependents_.erase(d);
  }
}

std::optional<GraphNode> OwnerGraph::Get(const std::string& uid) const {
  std::lock_guard lock(mu_);
  auto it = nodes_.find(uid);
  if (it == nodes_.end()) return std::nullopt;
  return it->second;
}

std::vector<GraphNode> OwnerGraph::Dependents(const std::string& owner_uid) const {
  std::lock_guard lock(mu_);
  std::vector<GraphNode> out;
  auto d = dependents_.find(owner_uid);
  if (d == dependents_.end()) return out;
  for (const auto& uid : d->second) {
    auto it = nodes_.find(uid);
    if (it != nodes_.end()) out.push_back(it->second);
  }
  return out;
}

bool OwnerGraph::HasDependents(const std::string& owner_uid) const {
  std::lock_guard lock(mu_);
  return dependents_.count(owner_uid) > 0;
}

}  // namespace skiff::controllers
