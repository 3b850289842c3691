#include "core/controllers/cronjob/cronjob_controller.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/api/api_time.h"
#include "core/api/cron_schedule.h"
#include "core/api/human_time.h"
#include "core/api/json_fields.h"
#include "core/controllers/common/claim.h"
#include "core/controllers/common/enqueue_keys.h"
#include "core/controllers/common/owner_refs.h"
#include "core/controllers/common/status_fields.h"
#include "core/controllers/job/job_controller.h"

namespace skiff::controllers {
namespace json = boost::json;
using TimePoint = std::chrono::system_clock::time_point;

namespace {

// How far back missed start times are looked for: only the latest runs, and a minutely
// schedule has ~576,000 times in this window.
constexpr auto kMissedWindow = std::chrono::days(400);

const char* kScheduledAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp";

TimePoint Timestamp(const client::Object& obj, std::string_view path) {
  return api::ParseRfc3339(api::GetString(obj, path)).value_or(TimePoint{});
}

}  // namespace

const api::Kind& CronJobKind() {
  static const api::Kind& kind =
      *api::KindRegistry::Builtin().ByResource("batch", "v1", "cronjobs");
  return kind;
}

CronJobController::CronJobController(client::InformerFactory& informers, Clock now, int workers)
    : client_(informers.client()),
      now_(std::move(now)),
      workers_(workers),
      events_(client_, "cronjob-controller", 1000, 2),
      job_index_(IndexByController),
      cronjobs_(informers.For(CronJobKind())),
      jobs_(informers.For(JobKind())),
      runner_(queue_, [this](const std::string& key) { return Sync(key); }) {}

CronJobController::~CronJobController() { runner_.Stop(); }

void CronJobController::Start() {
  handlers_.push_back(jobs_.AddHandlers(client::InformerHandlers{
      [this](const client::Object& o) { OnJob(o, false); },
      [this](const client::Object&, const client::Object& o) { OnJob(o, false); },
      [this](const client::Object& o) { OnJob(o, true); }}));
  handlers_.push_back(cronjobs_.AddHandlers(EnqueueKeys(queue_)));
  jobs_.Start();
  cronjobs_.Start();
  runner_.Start(workers_);
}

bool CronJobController::WaitForSync(std::chrono::milliseconds timeout) {
  return jobs_.WaitForSync(timeout) && cronjobs_.WaitForSync(timeout);
}

void CronJobController::ResyncAll() {
  for (const auto& cj : cronjobs_.List()) queue_.Add(client::ObjectKey(*cj));
}

void CronJobController::OnJob(const client::Object& job, bool deleted) {
  if (deleted) {
    job_index_.Remove(job);
  } else {
    job_index_.Upsert(job);
  }
  auto ref = ControllerRef(job);
  if (ref && ref->kind == "CronJob") {
    queue_.Add(std::string(api::GetString(job, "metadata.namespace")) + "/" + ref->name);
  }
}

bool CronJobController::Sync(const std::string& key) {
  auto [ns, name] = SplitKey(key);
  auto cached = cronjobs_.Get(ns, name);
  if (!cached) return true;
  const client::Object& cj = *cached;
  if (BeingDeleted(cj)) return true;
  const json::object* spec_ptr = api::FindObject(cj, "spec");
  if (spec_ptr == nullptr) return true;  // validation refuses these
  const json::object& spec = *spec_ptr;
  std::string error;
  auto schedule = api::CronSchedule::Parse(api::GetString(spec, "schedule"), &error);
  if (!schedule) return true;  // validation refuses these
  const TimePoint now = now_();
  auto ref = client::ReferenceTo(cj, CronJobKind());
  bool ok = true;

  // Its Jobs: running, and finished ones by outcome, oldest first.
  std::vector<client::ObjectPtr> running, succeeded, failed;
  for (auto& job :
       GetAll(jobs_, job_index_.Keys(OwnerIndexKey(api::GetString(cj, "metadata.uid"))))) {
    if (BeingDeleted(*job)) continue;
    std::string_view outcome = JobOutcome(*job);
    (outcome == "Complete" ? succeeded : outcome == "Failed" ? failed : running).push_back(job);
  }
  auto by_start = [](const client::ObjectPtr& a, const client::ObjectPtr& b) {
    return Timestamp(*a, "metadata.creationTimestamp") <
           Timestamp(*b, "metadata.creationTimestamp");
  };
  std::string last_success(api::GetString(cj, "status.lastSuccessfulTime"));
  for (const auto& job : succeeded) {
    std::string_view done = api::GetString(*job, "status.completionTime");
    if (api::ParseRfc3339(done) > api::ParseRfc3339(last_success)) last_success = done;
  }

  // History: the newest finished Jobs up to the limits stay.
  auto prune = [&](std::vector<client::ObjectPtr>& jobs, std::string_view limit_field) {
    std::int64_t limit = api::GetInt(spec, limit_field).value_or(0);
    std::sort(jobs.begin(), jobs.end(), by_start);
    for (std::size_t i = 0; i + static_cast<std::size_t>(limit) < jobs.size(); ++i) {
      client::DeleteOptions opts;
      opts.propagation_policy = "Background";
      opts.precondition_uid = std::string(api::GetString(*jobs[i], "metadata.uid"));
      std::string job_name(api::GetString(*jobs[i], "metadata.name"));
      auto r = client_.Delete(JobKind(), ns, job_name, opts);
      if (r.ok()) {
        events_.Record(ref, "Normal", "SuccessfulDelete", "Deleted job " + job_name);
      } else if (r.error().code != 404) {
        ok = false;
      }
    }
  };
  prune(succeeded, "successfulJobsHistoryLimit");
  prune(failed, "failedJobsHistoryLimit");

  // The latest scheduled time not yet run, within the starting deadline.
  std::string last_schedule(api::GetString(cj, "status.lastScheduleTime"));
  TimePoint earliest = last_schedule.empty() ? Timestamp(cj, "metadata.creationTimestamp")
                                             : Timestamp(cj, "status.lastScheduleTime");
  if (auto deadline = api::GetInt(spec, "startingDeadlineSeconds")) {
    earliest = std::max(earliest, now - std::chrono::seconds(*deadline));
  }
  earliest = std::max<TimePoint>(earliest, now - kMissedWindow);
  std::optional<api::CronSchedule::Time> due;
  auto t = schedule->Next(std::chrono::time_point_cast<std::chrono::seconds>(earliest));
  while (t && *t <= now) {
    due = t;
    t = schedule->Next(*t);
  }
  const std::string_view policy = api::GetString(spec, "concurrencyPolicy");
  if (due && !api::GetBool(spec, "suspend") && !(policy == "Forbid" && !running.empty())) {
    if (policy == "Replace") {
      for (const auto& job : running) {
        client::DeleteOptions opts;
        opts.propagation_policy = "Background";
        std::string job_name(api::GetString(*job, "metadata.name"));
        auto r = client_.Delete(JobKind(), ns, job_name, opts);
        if (!r.ok() && r.error().code != 404) ok = false;
        events_.Record(ref, "Normal", "SuccessfulDelete", "Deleted job " + job_name);
      }
      running.clear();
    }
    std::int64_t minutes =
        std::chrono::duration_cast<std::chrono::minutes>(due->time_since_epoch()).count();
    std::string job_name = std::string(name) + "-" + std::to_string(minutes);
    json::object meta{{"name", job_name},
                      {"namespace", ns},
                      {"ownerReferences", json::array{MakeControllerRef(cj, CronJobKind())}}};
    if (const json::object* tmeta = api::FindObject(spec, "jobTemplate.metadata")) {
      for (const char* field : {"labels", "annotations"}) {
        if (const json::value* v = tmeta->if_contains(field)) meta[field] = *v;
      }
    }
    api::ChildObject(meta, "annotations")[kScheduledAnnotation] = api::ApiTime(*due);
    const json::object* job_spec = api::FindObject(spec, "jobTemplate.spec");
    client::Object job{{"apiVersion", "batch/v1"},
                       {"kind", "Job"},
                       {"metadata", std::move(meta)},
                       {"spec", job_spec ? *job_spec : json::object{}}};
    auto r = client_.Create(JobKind(), ns, job);
    if (r.ok()) {
      events_.Record(ref, "Normal", "SuccessfulCreate", "Created job " + job_name);
      running.push_back(std::make_shared<const client::Object>(std::move(r.value())));
      last_schedule = api::ApiTime(*due);
    } else if (r.error().code == 409) {
      last_schedule = api::ApiTime(*due);  // this time's Job exists: it ran
    } else {
      events_.Record(ref, "Warning", "FailedCreate", "Error creating job: " + r.error().message);
      spdlog::warn("cronjob {}: create job: {}", key, r.error().message);
      ok = false;
    }
  }

  // Status, then wake at the next scheduled time.
  json::array active;
  std::sort(running.begin(), running.end(), by_start);
  for (const auto& job : running)
    active.push_back(client::ToJson(client::ReferenceTo(*job, JobKind())));
  json::object status{{"active", std::move(active)}};
  if (!last_schedule.empty()) status["lastScheduleTime"] = last_schedule;
  if (!last_success.empty()) status["lastSuccessfulTime"] = last_success;
  if (StatusDiffers(cj, status)) {
    auto r = client_.Patch(CronJobKind(), ns, name, client::PatchType::kMerge,
                           json::value{{"status", std::move(status)}}, true);
    if (!r.ok() && r.error().code != 404) ok = false;
  }
  if (auto next = schedule->Next(std::chrono::time_point_cast<std::chrono::seconds>(now))) {
    queue_.AddAfter(key, std::chrono::duration_cast<std::chrono::milliseconds>(*next - now) +
                             std::chrono::milliseconds(100));
  }
  return ok;
}

}  // namespace skiff::controllers
