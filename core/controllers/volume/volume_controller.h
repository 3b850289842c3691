#pragma once

// VolumeController: binds PersistentVolumeClaims to PersistentVolumes and provisions volumes. A
// claim binds to a matching static volume (volume_matching.h); failing that, when its
// StorageClass's provisioner is one of `provisioners`, the controller calls the driver's
// CreateVolume and creates a CSI volume pre-bound to the claim (for WaitForFirstConsumer classes,
// once the scheduler annotated the claim with volume.kubernetes.io/selected-node or a pod using the
// claim is on a node). Binding writes pv.spec.claimRef, claim.spec.volumeName and both phases
// Bound. A volume whose claim is gone is Released; with reclaimPolicy Delete and a driver of ours
// it is deleted (DeleteVolume, then the object). Uses four shared informers and owns one worker
// thread; the InformerFactory must outlive it.

#include <skiff/sdk/storage.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/client/client.h"
#include "core/client/informer_factory.h"
#include "core/client/work_queue.h"
#include "core/controllers/common/controller_workers.h"

namespace skiff::controllers {

struct VolumeControllerConfig {
  // Drivers by the provisioner name StorageClasses use (their GetPluginInfo name).
  std::map<std::string, std::shared_ptr<sdk::StoragePlugin>> provisioners;
  // Every claim and volume is looked at again this often (a safety net under missed events).
  std::chrono::milliseconds resync_period = std::chrono::seconds(15);
};

class VolumeController {
 public:
  VolumeController(client::InformerFactory& informers, VolumeControllerConfig config);
  ~VolumeController();
  VolumeController(const VolumeController&) = delete;
  VolumeController& operator=(const VolumeController&) = delete;

  void Start();

 private:
  bool Sync(const std::string& key);
  bool SyncClaim(const std::string& ns, const std::string& name);
  bool SyncVolume(const std::string& name);
  // Writes claimRef (when unset) and the Bound phases on both sides.
  bool Bind(client::Object volume, const client::Object& claim);
  bool Provision(const client::Object& claim, const client::Object& storage_class,
                 sdk::StoragePlugin& driver);
  bool Reclaim(const client::Object& volume);
  bool HasScheduledConsumer(const client::Object& claim) const;
  bool SetPhase(const api::Kind& kind, const client::Object& obj, const std::string& phase);
  // A pod on a node may be the first consumer a WaitForFirstConsumer claim waits for.
  void PodChanged(const client::Object& pod);
  void EnqueuePendingClaims();
  void EnqueueAll();

  client::Client& client_;
  const VolumeControllerConfig config_;
  client::WorkQueue queue_;
  client::Informer& claims_;
  client::Informer& volumes_;
  client::Informer& classes_;
  client::Informer& pods_;
  std::vector<std::unique_ptr<client::InformerRegistration>> handlers_;  // on the above
  ControllerWorkers workers_;  // last: stops before the rest goes
};

}  // namespace skiff::controllers
