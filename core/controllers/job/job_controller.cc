#include "core/controllers/job/job_controller.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <span>

#include "core/api/api_time.h"
#include "core/api/human_time.h"
#include "core/api/json_fields.h"
#include "core/controllers/common/claim.h"
#include "core/controllers/common/enqueue_keys.h"
#include "core/controllers/common/owner_refs.h"
#include "core/controllers/common/pod_status.h"
#include "core/controllers/common/pod_template.h"
#include "core/controllers/common/pod_writes.h"
#include "core/controllers/common/status_fields.h"
#include "core/controllers/common/workload_selector.h"

namespace skiff::controllers {
namespace json = boost::json;
using Clock = std::chrono::system_clock;

namespace {

constexpr int kBurst = 500;  // pods created or deleted per sync

// When the Job finished (its Complete or Failed condition turned True), if it did.
std::optional<Clock::time_point> FinishedAt(const client::Object& job) {
  std::string_view outcome = JobOutcome(job);
  if (outcome.empty()) return std::nullopt;
  return api::ParseRfc3339(api::GetString(*api::FindCondition(job, outcome), "lastTransitionTime"))
      .value_or(Clock::now());
}

// When the pod's containers last ended (their latest terminated.finishedAt), if it says.
std::optional<Clock::time_point> ContainersEndedAt(const client::Object& pod) {
  std::optional<Clock::time_point> latest;
  if (const json::array* statuses = api::FindArray(pod, "status.containerStatuses")) {
    for (const auto& s : *statuses) {
      if (!s.is_object()) continue;
      auto t = api::ParseRfc3339(api::GetString(s.get_object(), "state.terminated.finishedAt"));
      if (t && (!latest || *t > *latest)) latest = t;
    }
  }
  return latest;
}

}  // namespace

const api::Kind& JobKind() {
  static const api::Kind& kind = *api::KindRegistry::Builtin().ByResource("batch", "v1", "jobs");
  return kind;
}

std::string_view JobOutcome(const client::Object& job) {
  if (api::ConditionIsTrue(job, "Complete")) return "Complete";
  if (api::ConditionIsTrue(job, "Failed")) return "Failed";
  return "";
}

// What one sync found and decided: the status it writes.
struct JobController::Counts {
  std::int64_t active = 0, ready = 0, terminating = 0, succeeded = 0, failed = 0;
  std::string start_time;
  std::optional<std::string> completion_time;
  // A condition to set True: type, reason, message (empty type: none).
  std::string finish, reason, message;
};

JobController::JobController(client::InformerFactory& informers, int workers,
                             std::chrono::milliseconds failure_backoff)
    : client_(informers.client()),
      workers_(workers),
      failure_backoff_(failure_backoff),
      events_(client_, "job-controller", 1000, 2),
      pod_index_(IndexByController),
      jobs_(informers.For(JobKind())),
      pods_(informers.For(PodKind())),
      runner_(queue_, [this](const std::string& key) { return Sync(key); }) {}

JobController::~JobController() { runner_.Stop(); }

void JobController::Start() {
  handlers_.push_back(pods_.AddHandlers(client::InformerHandlers{
      [this](const client::Object& o) { OnPod(nullptr, o, false); },
      [this](const client::Object& a, const client::Object& b) { OnPod(&a, b, false); },
      [this](const client::Object& o) { OnPod(nullptr, o, true); }}));
  client::InformerHandlers job_handlers = EnqueueKeys(queue_);
  job_handlers.on_delete = [this](const client::Object& o) {
    expectations_.Forget(client::ObjectKey(o));
  };
  handlers_.push_back(jobs_.AddHandlers(std::move(job_handlers)));
  pods_.Start();
  jobs_.Start();
  runner_.Start(workers_);
}

bool JobController::WaitForSync(std::chrono::milliseconds timeout) {
  return pods_.WaitForSync(timeout) && jobs_.WaitForSync(timeout);
}

std::optional<std::string> JobController::OwnerKey(const client::Object& pod) const {
  auto ref = ControllerRef(pod);
  if (!ref || ref->kind != "Job") return std::nullopt;
  std::string_view ns = api::GetString(pod, "metadata.namespace");
  auto job = jobs_.Get(ns, ref->name);
  if (!job || api::GetString(*job, "metadata.uid") != ref->uid) return std::nullopt;
  return std::string(ns) + "/" + ref->name;
}

void JobController::OnPod(const client::Object* old_pod, const client::Object& pod, bool deleted) {
  if (deleted) {
    pod_index_.Remove(pod);
  } else {
    pod_index_.Upsert(pod);
  }
  auto key = OwnerKey(pod);
  if (!key) return;
  std::string uid(api::GetString(pod, "metadata.uid"));
  if (deleted || (BeingDeleted(pod) && (old_pod == nullptr || !BeingDeleted(*old_pod)))) {
    expectations_.DeletionObserved(*key, uid);
  } else if (old_pod == nullptr) {
    expectations_.CreationObserved(*key);
  }
  queue_.Add(*key);
}

bool JobController::Sync(const std::string& key) {
  auto [ns, name] = SplitKey(key);
  auto cached = jobs_.Get(ns, name);
  if (!cached) {
    expectations_.Forget(key);
    return true;
  }
  const client::Object& job = *cached;
  if (BeingDeleted(job)) return true;
  if (FinishedAt(job)) return DeleteAfterTtl(key, job);
  // Its own creations and deletions are still arriving: their events bring the key back.
  if (!expectations_.Satisfied(key)) return true;
  Counts counts;
  bool ok = SyncPods(key, job, counts);
  return WriteStatus(job, counts) && ok;
}

bool JobController::SyncPods(const std::string& key, const client::Object& job, Counts& c) {
  const std::string ns(api::GetString(job, "metadata.namespace"));
  std::string uid(api::GetString(job, "metadata.uid"));
  Claimed claimed =
      ClaimDependents(client_, PodKind(), job, JobKind(), WorkloadSelector(job, JobKind()),
                      GetAll(pods_, pod_index_.Keys(OwnerIndexKey(uid))),
                      GetAll(pods_, pod_index_.Keys(OrphanIndexKey(ns))));
  bool ok = claimed.ok;
  std::vector<client::ObjectPtr> active;
  std::int64_t succeeded = 0, failed = 0;
  std::optional<Clock::time_point> last_success;
  std::vector<Clock::time_point> failures;  // when failed pods ended, where they say
  for (auto& pod : claimed.objects) {
    std::string_view phase = api::GetString(*pod, "status.phase");
    if (phase == "Succeeded") {
      ++succeeded;
      auto t = ContainersEndedAt(*pod);
      if (t && (!last_success || *t > *last_success)) last_success = t;
    } else if (phase == "Failed") {
      ++failed;
      if (auto t = ContainersEndedAt(*pod)) failures.push_back(*t);
    } else if (BeingDeleted(*pod)) {
      ++c.terminating;
    } else {
      if (IsPodReady(*pod)) ++c.ready;
      active.push_back(std::move(pod));
    }
  }
  c.succeeded = std::max(succeeded, api::GetInt(job, "status.succeeded").value_or(0));
  c.failed = std::max(failed, api::GetInt(job, "status.failed").value_or(0));

  static const json::object kEmpty;
  const json::object* spec_ptr = api::FindObject(job, "spec");
  const json::object& spec = spec_ptr ? *spec_ptr : kEmpty;
  const bool suspended = api::GetBool(spec, "suspend");
  auto now = Clock::now();
  c.start_time = std::string(api::GetString(job, "status.startTime"));
  if (c.start_time.empty() && !suspended) c.start_time = api::ApiTime(now);
  const auto completions = api::GetInt(spec, "completions");
  const std::int64_t parallelism = api::GetInt(spec, "parallelism").value_or(1);
  const auto deadline = api::GetInt(spec, "activeDeadlineSeconds");
  const auto started = api::ParseRfc3339(c.start_time);

  if (c.failed > api::GetInt(spec, "backoffLimit").value_or(6)) {
    c.finish = "Failed";
    c.reason = "BackoffLimitExceeded";
    c.message = "Job has reached the specified backoff limit";
  } else if (deadline && started && now - *started >= std::chrono::seconds(*deadline)) {
    c.finish = "Failed";
    c.reason = "DeadlineExceeded";
    c.message = "Job was active longer than specified deadline";
  } else if (completions ? c.succeeded >= *completions : c.succeeded > 0 && active.empty()) {
    c.finish = "Complete";
    c.completion_time = api::ApiTime(now);
  }

  std::int64_t want = 0;
  if (!c.finish.empty() || suspended) {
    want = 0;
  } else if (completions) {
    want = std::clamp<std::int64_t>(*completions - c.succeeded, 0, parallelism);
  } else {
    // Work-queue mode: once one pod succeeded, the rest only finish.
    want = c.succeeded > 0 ? std::min<std::int64_t>(active.size(), parallelism) : parallelism;
  }
  if (deadline && started && c.finish.empty()) {
    queue_.AddAfter(key, std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::seconds(*deadline) - (now - *started)) +
                             std::chrono::milliseconds(100));
  }

  auto ref = client::ReferenceTo(job, JobKind());
  std::int64_t diff = static_cast<std::int64_t>(active.size()) - want;
  // Failed pods are replaced after a back-off, as in Kubernetes: the base delay after the first
  // failure since the last success, doubling with each further one, at most 6 minutes.
  std::erase_if(failures, [&](auto t) { return last_success && t <= *last_success; });
  if (diff < 0 && !failures.empty()) {
    auto delay = failure_backoff_ * (1LL << std::min<std::size_t>(failures.size() - 1, 20));
    auto due = *std::max_element(failures.begin(), failures.end()) +
               std::min<Clock::duration>(delay, std::chrono::minutes(6));
    if (due > now) {
      queue_.AddAfter(key, std::chrono::duration_cast<std::chrono::milliseconds>(due - now) +
                               std::chrono::milliseconds(10));
      diff = 0;
    }
  }
  PodWriter writer{client_, events_, expectations_, key, job, JobKind()};
  c.active = static_cast<std::int64_t>(active.size());
  if (diff < 0) {
    int n = static_cast<int>(std::min<std::int64_t>(-diff, kBurst));
    const json::object* tmpl = api::FindObject(spec, "template");
    PodWrites created = CreatePods(writer, tmpl ? *tmpl : kEmpty, n);
    c.active += created.done;
    ok = created.ok && ok;
  } else if (diff > 0) {
    // Newest first: the pods that have run the shortest.
    std::sort(active.begin(), active.end(), [](const auto& a, const auto& b) {
      return api::GetString(*a, "metadata.creationTimestamp") >
             api::GetString(*b, "metadata.creationTimestamp");
    });
    std::size_t n = static_cast<std::size_t>(std::min<std::int64_t>(diff, kBurst));
    PodWrites deleted = DeletePods(writer, std::span(active).first(n));
    c.active -= deleted.done;
    ok = deleted.ok && ok;
  }
  // A Job is finished only once its pods are gone (or were never there).
  if (!c.finish.empty() && (c.active > 0 || !ok)) {
    c.finish.clear();
    c.completion_time.reset();
  }
  if (!c.finish.empty()) {
    if (c.finish == "Complete") {
      events_.Record(ref, "Normal", "Completed", "Job completed");
    } else {
      events_.Record(ref, "Warning", c.reason, c.message);
    }
  }
  return ok;
}

bool JobController::WriteStatus(const client::Object& job, const Counts& c) {
  json::array conditions;
  if (const json::array* have = api::FindArray(job, "status.conditions")) conditions = *have;
  const bool suspended = api::GetBool(job, "spec.suspend");
  auto set_condition = [&](std::string_view type, std::string_view status, std::string_view reason,
                           std::string_view message) {
    std::string now = api::NowApiTime();
    for (auto& v : conditions) {
      json::object& cond = v.as_object();
      if (api::GetString(cond, "type") != type) continue;
      if (api::GetString(cond, "status") == status) return;
      cond["status"] = status;
      cond["reason"] = reason;
      cond["message"] = message;
      cond["lastProbeTime"] = now;
      cond["lastTransitionTime"] = now;
      return;
    }
    conditions.push_back(json::object{{"type", type},
                                      {"status", status},
                                      {"reason", reason},
                                      {"message", message},
                                      {"lastProbeTime", now},
                                      {"lastTransitionTime", now}});
  };
  if (suspended) {
    set_condition("Suspended", "True", "JobSuspended", "Job suspended");
  } else if (api::FindCondition(job, "Suspended")) {
    set_condition("Suspended", "False", "JobResumed", "Job resumed");
  }
  if (!c.finish.empty()) set_condition(c.finish, "True", c.reason, c.message);

  json::object status{{"active", c.active},
                      {"ready", c.ready},
                      {"terminating", c.terminating},
                      {"succeeded", c.succeeded},
                      {"failed", c.failed}};
  if (!c.start_time.empty()) status["startTime"] = c.start_time;
  if (c.completion_time) status["completionTime"] = *c.completion_time;
  if (!conditions.empty()) status["conditions"] = std::move(conditions);
  if (!StatusDiffers(job, status)) return true;
  auto r = client_.Patch(JobKind(), api::GetString(job, "metadata.namespace"),
                         api::GetString(job, "metadata.name"), client::PatchType::kMerge,
                         json::value{{"status", std::move(status)}}, true);
  if (!r.ok() && r.error().code != 404) {
    spdlog::warn("job {}: status: {}", client::ObjectKey(job), r.error().message);
    return false;
  }
  return true;
}

bool JobController::DeleteAfterTtl(const std::string& key, const client::Object& job) {
  auto ttl = api::GetInt(job, "spec.ttlSecondsAfterFinished");
  auto finished = FinishedAt(job);
  if (!ttl || !finished) return true;
  auto due = *finished + std::chrono::seconds(*ttl);
  auto now = Clock::now();
  if (now < due) {
    queue_.AddAfter(key, std::chrono::duration_cast<std::chrono::milliseconds>(due - now) +
                             std::chrono::milliseconds(100));
    return true;
  }
  client::DeleteOptions opts;
  opts.precondition_uid = std::string(api::GetString(job, "metadata.uid"));
  opts.propagation_policy = "Background";
  auto r = client_.Delete(JobKind(), api::GetString(job, "metadata.namespace"),
                          api::GetString(job, "metadata.name"), opts);
  if (!r.ok() && r.error().code != 404 && r.error().code != 409) {
    spdlog::warn("job {}: delete after ttl: {}", key, r.error().message);
    return false;
  }
  spdlog::info("job {}: deleted {} s after it finished (ttlSecondsAfterFinished)", key, *ttl);
  return true;
}

}  // namespace skiff::controllers
