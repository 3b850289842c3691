#pragma once

// CronJobController: starts a CronJob's Jobs on its schedule (UTC), as Kubernetes' cronjob
// controller does. At each sync it finds the latest scheduled time since the last one it ran
// (not older than startingDeadlineSeconds), creates the Job `<name>-<minutes since 1970>` from
// spec.jobTemplate unless the CronJob is suspended — or, under concurrencyPolicy Forbid, a Job
// of it still runs (that time then waits, within its deadline); under Replace the running ones
// are deleted first — and records lastScheduleTime, the running Jobs (status.active) and
// lastSuccessfulTime. It keeps successfulJobsHistoryLimit / failedJobsHistoryLimit finished
// Jobs and deletes older ones, and wakes again at the next scheduled time. The clock is
// injectable for tests. The InformerFactory must outlive it.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/client/client.h"
#include "core/client/event_recorder.h"
#include "core/client/informer_factory.h"
#include "core/client/work_queue.h"
#include "core/controllers/common/controller_workers.h"
#include "core/controllers/common/object_index.h"

namespace skiff::controllers {

const api::Kind& CronJobKind();

class CronJobController {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  explicit CronJobController(client::InformerFactory& informers,
                             Clock now = std::chrono::system_clock::now, int workers = 1);
  ~CronJobController();
  CronJobController(const CronJobController&) = delete;
  CronJobController& operator=(const CronJobController&) = delete;

  void Start();
  bool WaitForSync(std::chrono::milliseconds timeout);
  // Syncs every CronJob now (tests move their clock, then call this).
  void ResyncAll();

 private:
  // True when done with key; false to retry it with back-off.
  bool Sync(const std::string& key);
  // Keeps the index and queues the owning CronJob.
  void OnJob(const client::Object& job, bool deleted);

  client::Client& client_;
  const Clock now_;
  const int workers_;
  client::WorkQueue queue_;
  client::EventRecorder events_;  // SuccessfulCreate, SawCompletedJob, SuccessfulDelete, ...
  ObjectIndex job_index_;         // "owner/<uid>" and "orphan/<namespace>"
  client::Informer& cronjobs_;
  client::Informer& jobs_;
  std::vector<std::unique_ptr<client::InformerRegistration>> handlers_;  // on the above
  ControllerWorkers runner_;
};

}  // namespace skiff::controllers
