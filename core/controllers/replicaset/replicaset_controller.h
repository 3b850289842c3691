#pragma once

// ReplicaSetController: keeps spec.replicas pods of a ReplicaSet (apps/v1) or a
// ReplicationController (v1) — one implementation, instantiated once per kind. It creates pods from
// spec.template (at most kBurst per sync, waiting through Expectations until its own writes are
// observed), deletes surplus pods (unscheduled, not ready, then newer first), adopts orphan pods
// its selector matches, releases owned pods it no longer matches, and reports status.replicas /
// fullyLabeledReplicas / readyReplicas / availableReplicas (minReadySeconds) / observedGeneration
// through the status subresource. Each pod it creates or deletes is an Event on the set
// (SuccessfulCreate, SuccessfulDelete, FailedCreate, FailedDelete). The InformerFactory must
// outlive it.

#include <memory>
#include <vector>

#include "core/client/client.h"
#include "core/client/event_recorder.h"
#include "core/client/informer_factory.h"
#include "core/client/work_queue.h"
#include "core/controllers/common/controller_workers.h"
#include "core/controllers/common/expectations.h"
#include "core/controllers/common/object_index.h"

namespace skiff::controllers {

class ReplicaSetController {
 public:
  static constexpr int kBurst = 500;

  // kind: apps/v1 replicasets or v1 replicationcontrollers.
  ReplicaSetController(client::InformerFactory& informers, const api::Kind& kind, int workers = 2);
  ~ReplicaSetController();
  ReplicaSetController(const ReplicaSetController&) = delete;
  ReplicaSetController& operator=(const ReplicaSetController&) = delete;

  void Start();
  bool WaitForSync(std::chrono::milliseconds timeout);

 private:
  // True when done with key; false to retry it with back-off.
  bool Sync(const std::string& key);
  // The key of the ReplicaSet that controls pod, if it is one of ours and still exists.
  std::optional<std::string> OwnerKey(const client::Object& pod) const;
  void EnqueueMatching(const client::Object& pod);
  void OnPodAdd(const client::Object& pod);
  void OnPodUpdate(const client::Object& old_pod, const client::Object& pod);
  void OnPodDelete(const client::Object& pod);

  client::Client& client_;
  const api::Kind& kind_;
  const int workers_;
  client::WorkQueue queue_;
  Expectations expectations_;
  client::EventRecorder events_;  // SuccessfulCreate / SuccessfulDelete / FailedCreate
  ObjectIndex pod_index_;         // "owner/<uid>" and "orphan/<namespace>"
  client::Informer& sets_;
  client::Informer& pods_;
  std::vector<std::unique_ptr<client::InformerRegistration>> handlers_;  // on the above
  ControllerWorkers runner_;
};

}  // namespace skiff::controllers
