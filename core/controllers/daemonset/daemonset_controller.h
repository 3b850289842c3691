#pragma once

// DaemonSetController: keeps one pod of each DaemonSet on every node that should run it (see
// daemonset_plan.h), following nodes as they come, go and change, and reports its status. Adopts
// orphan pods its selector matches that carry a controller-revision-hash label. Pod names are
// generated, so it records the creations and deletions it has in flight (Expectations) and does not
// act again on a cache that has not seen them. Keeps the set's ControllerRevision history
// (revision_history.h). Uses the shared informers of DaemonSets, pods (with that label), nodes and
// ControllerRevisions and owns a work queue and one worker thread; the InformerFactory must
// outlive it.

#include <memory>
#include <vector>

#include "core/client/client.h"
#include "core/client/informer_factory.h"
#include "core/client/work_queue.h"
#include "core/controllers/common/controller_workers.h"
#include "core/controllers/common/expectations.h"

namespace skiff::controllers {

class DaemonSetController {
 public:
  explicit DaemonSetController(client::InformerFactory& informers);
  ~DaemonSetController();
  DaemonSetController(const DaemonSetController&) = delete;
  DaemonSetController& operator=(const DaemonSetController&) = delete;

  void Start();
  bool WaitForSync(std::chrono::milliseconds timeout);

 private:
  // False when a write failed and the key should be retried.
  bool Sync(const std::string& key);
  // The key of pod's DaemonSet ("" when it has none).
  static std::string OwnerKey(const client::Object& pod);
  void OnPodAdd(const client::Object& pod);
  void OnPodUpdate(const client::Object& old_pod, const client::Object& pod);
  void OnPodDelete(const client::Object& pod);
  void EnqueueAll();
  void EnqueueRevisionOwner(const client::Object& revision);

  client::Client& client_;
  const api::Kind& ds_kind_;
  client::WorkQueue queue_;
  Expectations expectations_;
  client::Informer& sets_;
  client::Informer& pods_;
  client::Informer& nodes_;
  client::Informer& revisions_;
  std::vector<std::unique_ptr<client::InformerRegistration>> handlers_;  // on the above
  ControllerWorkers workers_;
};

}  // namespace skiff::controllers
