#pragma once

// DeploymentController: rolls a Deployment's pod template out through ReplicaSets named
// "<deployment>-<pod-template-hash>" (the hash also labels the RS selector and template). The
// ReplicaSet whose template equals the Deployment's is the new one; its revision annotation is one
// more than any older one's (so `kubectl rollout undo`, which copies an old template back, revives
// that ReplicaSet under a new revision). RollingUpdate scales the new ReplicaSet up within maxSurge
// and the old ones down within maxUnavailable, counting a pod available after minReadySeconds;
// Recreate scales the old ones to zero first. Paused deployments are only scaled. Old ReplicaSets
// beyond revisionHistoryLimit are deleted once scaled down. Status: replicas, updatedReplicas,
// readyReplicas, availableReplicas, unavailableReplicas, observedGeneration, and the Available and
// Progressing conditions (NewReplicaSetAvailable / ReplicaSetUpdated / ProgressDeadlineExceeded /
// DeploymentPaused), as `kubectl rollout status` reads them. Every scaling of a ReplicaSet is a
// ScalingReplicaSet Event on the Deployment. The InformerFactory must outlive it.

#include <memory>
#include <vector>

#include "core/client/client.h"
#include "core/client/event_recorder.h"
#include "core/client/informer_factory.h"
#include "core/client/work_queue.h"
#include "core/controllers/common/controller_workers.h"
#include "core/controllers/common/object_index.h"

namespace skiff::controllers {

class DeploymentController {
 public:
  explicit DeploymentController(client::InformerFactory& informers, int workers = 2);
  ~DeploymentController();
  DeploymentController(const DeploymentController&) = delete;
  DeploymentController& operator=(const DeploymentController&) = delete;

  void Start();
  bool WaitForSync(std::chrono::milliseconds timeout);

 private:
  struct State;
  bool Sync(const std::string& key);
  void OnReplicaSet(const client::Object& rs);
  bool Claim(State& s);
  bool EnsureNewReplicaSet(State& s);
  bool Scale(State& s, client::Object& rs, std::int64_t replicas);
  bool RollingUpdate(State& s);
  bool Recreate(State& s);
  bool IsScalingEvent(const State& s) const;
  bool ScaleReplicaSets(State& s);
  void Cleanup(State& s);
  bool UpdateStatus(State& s);

  client::Client& client_;
  const int workers_;
  client::WorkQueue queue_;
  client::EventRecorder events_;  // ScalingReplicaSet
  ObjectIndex rs_index_;          // "owner/<uid>" and "orphan/<namespace>"
  client::Informer& deployments_;
  client::Informer& replicasets_;
  std::vector<std::unique_ptr<client::InformerRegistration>> handlers_;  // on the above
  ControllerWorkers runner_;
};

}  // namespace skiff::controllers
