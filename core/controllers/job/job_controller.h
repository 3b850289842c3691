#pragma once

// JobController: runs a batch/v1 Job's pods to completion, as Kubernetes' job controller does
// for NonIndexed Jobs. It keeps min(parallelism, completions - succeeded) pods active (none while
// suspended; without completions, no new pod once one has succeeded), counts the pods that
// Succeeded and Failed, and marks the Job Complete once `completions` pods succeeded (without
// completions: once one did and none still runs), or Failed when more than backoffLimit pods
// failed or activeDeadlineSeconds passed, deleting the pods still running. It reports active,
// ready, succeeded, failed, startTime, completionTime and the conditions (Complete, Failed,
// Suspended) through the status subresource, and deletes a finished Job
// ttlSecondsAfterFinished later. Each pod it creates or deletes, and the outcome, is an Event on
// the Job. A failed pod is replaced after an exponential back-off (from when its containers
// ended). Counts never go below what the status already says, so a finished pod that is
// deleted is not run again. Not done (refused by validation where it is a field): Indexed
// completion, pod failure and success policies, and container restarts under restartPolicy
// OnFailure counting toward backoffLimit. The InformerFactory must outlive it.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/client/client.h"
#include "core/client/event_recorder.h"
#include "core/client/informer_factory.h"
#include "core/client/work_queue.h"
#include "core/controllers/common/controller_workers.h"
#include "core/controllers/common/expectations.h"
#include "core/controllers/common/object_index.h"

namespace skiff::controllers {

const api::Kind& JobKind();
// "Complete" or "Failed" once the Job finished (that condition is True), else "".
std::string_view JobOutcome(const client::Object& job);

class JobController {
 public:
  // failure_backoff: the delay before replacing the first failed pod since the last success
  // (Kubernetes': 10 s), doubled for each further failure, at most 6 minutes.
  explicit JobController(client::InformerFactory& informers, int workers = 2,
                         std::chrono::milliseconds failure_backoff = std::chrono::seconds(10));
  ~JobController();
  JobController(const JobController&) = delete;
  JobController& operator=(const JobController&) = delete;

  void Start();
  bool WaitForSync(std::chrono::milliseconds timeout);

 private:
  struct Counts;
  // True when done with key; false to retry it with back-off.
  bool Sync(const std::string& key);
  bool SyncPods(const std::string& key, const client::Object& job, Counts& counts);
  bool WriteStatus(const client::Object& job, const Counts& counts);
  bool DeleteAfterTtl(const std::string& key, const client::Object& job);
  // The key of the Job that controls pod, if it is one of ours and still exists.
  std::optional<std::string> OwnerKey(const client::Object& pod) const;
  void OnPod(const client::Object* old_pod, const client::Object& pod, bool deleted);

  client::Client& client_;
  const int workers_;
  const std::chrono::milliseconds failure_backoff_;
  client::WorkQueue queue_;
  Expectations expectations_;
  client::EventRecorder events_;  // SuccessfulCreate, SuccessfulDelete, Completed, ...
  ObjectIndex pod_index_;         // "owner/<uid>" and "orphan/<namespace>"
  client::Informer& jobs_;
  client::Informer& pods_;
  std::vector<std::unique_ptr<client::InformerRegistration>> handlers_;  // on the above
  ControllerWorkers runner_;
};

}  // namespace skiff::controllers
