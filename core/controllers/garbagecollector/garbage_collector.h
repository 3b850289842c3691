#pragma once

// GarbageCollector: deletes objects whose owners (by ownerReferences uid) are all gone, and
// carries out the propagation policies of a deletion:
//  - background: the owner goes at once; its dependents are collected afterwards;
//  - foreground (owner has the foregroundDeletion finalizer): dependents are deleted first,
//    the owner's finalizer is removed once no dependent with blockOwnerDeletion is left;
//  - orphan (owner has the orphan finalizer): the owner's uid is removed from its dependents'
//    ownerReferences, then the finalizer. Each informer delivers on a thread of its own, so a
//    dependent created just before the owner's deletion may reach the graph after it: the
//    dependents are released twice, kOrphanSettle apart, before the finalizer goes.
// An owner missing from the watched graph is looked up live before a dependent is collected,
// so a dependent created just before its owner is observed is safe. Watches every kind but
// Events, through the shared informers. The InformerFactory must outlive it.

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/client/client.h"
#include "core/client/informer_factory.h"
#include "core/client/work_queue.h"
#include "core/controllers/common/controller_workers.h"
#include "core/controllers/garbagecollector/owner_graph.h"

namespace skiff::controllers {

class GarbageCollector {
 public:
  explicit GarbageCollector(client::InformerFactory& informers, int workers = 2);
  ~GarbageCollector();
  GarbageCollector(const GarbageCollector&) = delete;
  GarbageCollector& operator=(const GarbageCollector&) = delete;

  void Start();
  bool WaitForSync(std::chrono::milliseconds timeout);

 private:
  void OnUpsert(const api::Kind& kind, const client::Object& obj);
  void OnDelete(const client::Object& obj);
  bool Sync(const std::string& uid);
  bool ProcessOrphan(const GraphNode& owner);
  bool ProcessForeground(const GraphNode& owner);
  bool CollectIfOrphaned(const GraphNode& node);
  bool RemoveFinalizer(const GraphNode& node, std::string_view finalizer);

  client::Client& client_;
  const int workers_;
  client::WorkQueue queue_;  // object uids
  OwnerGraph graph_;
  std::vector<std::pair<const api::Kind*, client::Informer*>> informers_;  // shared, per kind
  std::vector<std::unique_ptr<client::InformerRegistration>> handlers_;    // on informers_
  std::mutex mu_;
  std::set<std::string> orphan_first_pass_done_;  // owner uids
  ControllerWorkers runner_;
};

}  // namespace skiff::controllers
