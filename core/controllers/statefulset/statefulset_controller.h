#pragma once

// StatefulSetController: keeps each StatefulSet's pods NAME-0..N-1 and their claims in line with
// its spec (see statefulset_plan.h for the rules) and reports its status. Adopts orphan pods its
// selector matches that carry the statefulset.kubernetes.io/pod-name label. Keeps the set's
// ControllerRevision history (revision_history.h) and carries out its claim retention policy
// through the claims' ownerReferences (claim_retention.h). Uses the shared informers of
// StatefulSets, pods (with that label), claims and ControllerRevisions and owns a work queue and
// one worker thread; the InformerFactory must outlive it.

#include <memory>
#include <vector>

#include "core/client/client.h"
#include "core/client/informer_factory.h"
#include "core/client/work_queue.h"
#include "core/controllers/common/controller_workers.h"

namespace skiff::controllers {

class StatefulSetController {
 public:
  explicit StatefulSetController(client::InformerFactory& informers);
  ~StatefulSetController();
  StatefulSetController(const StatefulSetController&) = delete;
  StatefulSetController& operator=(const StatefulSetController&) = delete;

  void Start();
  bool WaitForSync(std::chrono::milliseconds timeout);

 private:
  // False when a write failed and the key should be retried.
  bool Sync(const std::string& key);
  void EnqueueOwnerOf(const client::Object& pod);
  void EnqueueRevisionOwner(const client::Object& revision);

  client::Client& client_;
  const api::Kind& set_kind_;
  client::WorkQueue queue_;
  client::Informer& sets_;
  client::Informer& pods_;
  client::Informer& claims_;
  client::Informer& revisions_;
  std::vector<std::unique_ptr<client::InformerRegistration>> handlers_;  // on the above
  ControllerWorkers workers_;
};

}  // namespace skiff::controllers
