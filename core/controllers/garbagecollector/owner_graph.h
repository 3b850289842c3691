#pragma once

// OwnerGraph: the garbage collector's view of every object by uid: where it is, whether it is
// being deleted (and with which propagation finalizer), its ownerReferences, and the reverse
// edges owner uid -> dependent uids (also for owners not seen yet). Thread-safe; reads return
// copies.

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/api/kinds.h"
#include "core/client/client.h"
#include "core/controllers/common/owner_refs.h"

namespace skiff::controllers {

inline constexpr std::string_view kOrphanFinalizer = "orphan";
inline constexpr std::string_view kForegroundFinalizer = "foregroundDeletion";

struct GraphNode {
  const api::Kind* kind = nullptr;
  std::string ns;
  std::string name;
  std::string uid;
  std::vector<OwnerRef> owners;
  bool deleting = false;
  bool orphan = false;      // has the orphan finalizer
  bool foreground = false;  // has the foregroundDeletion finalizer
};

class OwnerGraph {
 public:
  // Records obj; returns its node.
  GraphNode Upsert(const api::Kind& kind, const client::Object& obj);
  // Forgets obj; returns its last node, if it was known.
  std::optional<GraphNode> Remove(const client::Object& obj);
  std::optional<GraphNode> Get(const std::string& uid) const;
  std::vector<GraphNode> Dependents(const std::string& owner_uid) const;
  bool HasDependents(const std::string& owner_uid) const;

 private:
  void Unlink(const GraphNode& node);

  mutable std::mutex mu_;
  std::map<std::string, GraphNode> nodes_;
  std::map<std::string, std::set<std::string>> dependents_;
};

}  // namespace skiff::controllers
