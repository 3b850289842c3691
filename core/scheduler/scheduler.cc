#include "core/scheduler/scheduler.h"

#include <spdlog/spdlog.h>

#include <mutex>

#include "core/api/api_time.h"
#include "core/api/json_fields.h"
#include "core/client/event_recorder.h"
#include "core/client/informer.h"
#include "core/scheduler/fit_error.h"
#include "core/scheduler/framework.h"
#include "core/scheduler/informer_lister.h"
#include "core/scheduler/schedule_one.h"
#include "core/scheduler/scheduler_cache.h"
#include "core/scheduler/scheduling_queue.h"
#include "core/scheduler/task_pool.h"

namespace skiff::scheduler {
namespace json = boost::json;
using client::Object;

namespace {

std::chrono::milliseconds Millis(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

client::ObjectReference PodReference(const PodInfo& pod) {
  return client::ObjectReference{"v1", "Pod", pod.ns, pod.name, pod.uid, pod.resource_version};
}

bool Terminated(const Object& pod) {
  std::string_view phase = api::GetString(pod, "status.phase");
  return phase == "Succeeded" || phase == "Failed";
}

// Whether a change to a pending pod can change where it fits (status writes, including our
// own PodScheduled condition, cannot).
bool SchedulingRelevantChange(const Object& a, const Object& b) {
  for (const char* path :
       {"spec", "metadata.labels", "metadata.annotations", "metadata.deletionTimestamp"}) {
    const json::value* x = api::FindPath(a, path);
    const json::value* y = api::FindPath(b, path);
    if (!x || !y) {
      if (x != y) return true;
      continue;
    }
    if (!api::JsonEqual(*x, *y)) return true;
  }
  return false;
}

bool NodeSchedulingRelevantChange(const Object& a, const Object& b) {
  for (const char* path : {"spec", "metadata.labels", "status.allocatable", "status.capacity"}) {
    const json::value* x = api::FindPath(a, path);
    const json::value* y = api::FindPath(b, path);
    if (!x || !y) {
      if (x != y) return true;
      continue;
    }
    if (!api::JsonEqual(*x, *y)) return true;
  }
  return false;
}

}  // namespace

class Scheduler::Impl {
 public:
  Impl(client::InformerFactory& informers, SchedulerConfig config, PluginRegistry registry)
      : informers_(informers),
        client_(informers.client()),
        config_(std::move(config)),
        registry_(std::move(registry)),
        pods_kind_(*api::KindRegistry::Builtin().ByResource("", "v1", "pods")),
        nodes_kind_(*api::KindRegistry::Builtin().ByResource("", "v1", "nodes")) {}

  ~Impl() { Stop(); }

  Status Start() {
    queue_ = std::make_unique<SchedulingQueue>(Millis(config_.initial_backoff_seconds),
                                               Millis(config_.max_backoff_seconds),
                                               Millis(config_.max_unschedulable_seconds));
    lister_ = std::make_unique<InformerLister>(informers_, [this] { OnVolumeChange(); });
    PluginContext context{&client_, lister_.get()};
    auto fw = Framework::New(registry_, config_.plugins, context);
    if (!fw.ok()) return fw.status();
    framework_ = std::move(fw.value());
    placer_ = std::make_unique<PodPlacer>(*framework_, config_.percentage_of_nodes_to_score);
    binders_ = std::make_unique<TaskPool>(config_.bind_workers);
    if (config_.record_events) {
      events_ = std::make_unique<client::EventRecorder>(client_, config_.scheduler_name);
    }

    client::InformerHandlers nh;
    nh.on_add = [this](const Object& n) {
      cache_.AddNode(n);
      queue_->MoveAllToActiveOrBackoff();
    };
    nh.on_update = [this](const Object& o, const Object& n) {
      if (!NodeSchedulingRelevantChange(o, n)) return;
      cache_.UpdateNode(n);
      queue_->MoveAllToActiveOrBackoff();
    };
    nh.on_delete = [this](const Object& n) {
      cache_.RemoveNode(std::string(api::GetString(n, "metadata.name")));
    };
    node_informer_ = &informers_.For(nodes_kind_);
    node_handlers_ = node_informer_->AddHandlers(std::move(nh));

    client::InformerHandlers ph;
    ph.on_add = [this](const Object& p) { OnPod(nullptr, p); };
    ph.on_update = [this](const Object& o, const Object& n) { OnPod(&o, n); };
    ph.on_delete = [this](const Object& p) { OnPodDelete(p); };
    pod_informer_ = &informers_.For(pods_kind_);
    pod_handlers_ = pod_informer_->AddHandlers(std::move(ph));

    lister_->Start();
    node_informer_->Start();
    pod_informer_->Start();
    thread_ = std::thread([this] { Run(); });
    spdlog::info("scheduler: started with plugins {}", fmt::join(framework_->PluginNames(), ","));
    return Status::Ok();
  }

  void Stop() {
    if (stopped_.exchange(true) || !queue_) return;
    pod_handlers_.reset();
    node_handlers_.reset();
    queue_->Close();
    if (thread_.joinable()) thread_.join();
    binders_.reset();  // finishes bindings in flight
    events_.reset();
    lister_.reset();
  }

  bool WaitForSync(std::chrono::milliseconds timeout) {
    return node_informer_->WaitForSync(timeout) && pod_informer_->WaitForSync(timeout) &&
           lister_->WaitForSync(timeout);
  }

  SchedulerStats Stats() const {
    return {scheduled_.load(), unschedulable_.load(), errors_.load()};
  }

 private:
  bool Responsible(const PodInfo& pod) const {
    return pod.scheduler_name.empty() || pod.scheduler_name == config_.scheduler_name;
  }

  void OnPod(const Object* old_obj, const Object& obj) {
    if (Terminated(obj)) {
      // A finished pod holds no resources.
      OnPodDelete(obj);
      return;
    }
    std::string_view node = api::GetString(obj, "spec.nodeName");
    if (!node.empty()) {
      auto pod = NewPodInfo(obj);
      queue_->Delete(pod->key);
      cache_.AddPod(std::move(pod));
      return;
    }
    if (old_obj && !SchedulingRelevantChange(*old_obj, obj)) return;
    auto pod = NewPodInfo(obj);
    if (!Responsible(*pod)) return;
    if (pod->deleting) {
      queue_->Delete(pod->key);
      return;
    }
    queue_->AddOrUpdate(std::move(pod));
  }

  void OnPodDelete(const Object& obj) {
    std::string key = std::string(api::GetString(obj, "metadata.namespace")) + "/" +
                      std::string(api::GetString(obj, "metadata.name"));
    queue_->Delete(key);
    cache_.RemovePod(key);
    // Its resources are free again.
    if (!api::GetString(obj, "spec.nodeName").empty()) queue_->MoveAllToActiveOrBackoff();
  }

  void OnVolumeChange() {
    if (queue_) queue_->MoveAllToActiveOrBackoff();
  }

  void Run() {
    while (auto queued = queue_->Pop()) ScheduleOne(std::move(*queued));
  }

  void ScheduleOne(QueuedPod queued) {
    const std::shared_ptr<const PodInfo> pod = queued.pod;  // queued is moved below
    if (cache_.IsAssumed(pod->key)) {
      // Already placed; its binding is in flight.
      queue_->Done(pod->key);
      return;
    }
    cache_.UpdateSnapshot(snapshot_);
    auto state = std::make_shared<CycleState>();
    ScheduleResult result = placer_->Schedule(*state, *pod, snapshot_);
    if (!result.status.ok()) {
      if (result.status.code() == PluginStatus::Code::kError) {
        ++errors_;
        spdlog::warn("scheduler: error scheduling {}: {} ({})", pod->key, result.status.Message(),
                     result.status.plugin());
        queue_->Requeue(std::move(queued), false);
        RecordFailure(pod, result.status.Message());
        return;
      }
      ++unschedulable_;
      std::string message = FitErrorMessage(result.diagnosis);
      spdlog::debug("scheduler: {} unschedulable: {}", pod->key, message);
      queue_->Requeue(std::move(queued), true);
      RecordFailure(pod, std::move(message));
      return;
    }
    const std::string node = result.node;
    auto assumed = WithNodeName(*pod, node);
    if (Status s = cache_.AssumePod(assumed); !s.ok()) {
      ++errors_;
      queue_->Requeue(std::move(queued), false);
      return;
    }
    if (PluginStatus s = framework_->RunReserve(*state, *assumed, node); !s.ok()) {
      framework_->RunUnreserve(*state, *assumed, node);
      cache_.ForgetPod(pod->key);
      ++errors_;
      queue_->Requeue(std::move(queued), false);
      RecordFailure(pod, s.Message());
      return;
    }
    binders_->Submit([this, queued = std::move(queued), state, assumed, node]() mutable {
      BindingCycle(std::move(queued), *state, assumed, node);
    });
  }

  void BindingCycle(QueuedPod queued, CycleState& state, std::shared_ptr<const PodInfo> pod,
                    const std::string& node) {
    PluginStatus s = framework_->RunPreBind(state, *pod, node);
    if (s.ok()) s = framework_->RunBind(state, *pod, node);
    if (s.ok()) {
      ++scheduled_;
      queue_->Done(pod->key);
      if (events_) {
        events_->Record(PodReference(*pod), "Normal", "Scheduled",
                        "Successfully assigned " + pod->key + " to " + node, "Binding");
      }
      return;
    }
    ++errors_;
    spdlog::warn("scheduler: binding {} to {} failed: {}", pod->key, node, s.Message());
    framework_->RunUnreserve(state, *pod, node);
    cache_.ForgetPod(pod->key);
    // What it held is free again; and a pod bound meanwhile is dropped by the informer.
    queue_->MoveAllToActiveOrBackoff();
    queue_->Requeue(std::move(queued), false);
  }

  // PodScheduled=False with the reasons (only when it changes, so retries do not write),
  // and a FailedScheduling event. Off the scheduling thread.
  void RecordFailure(const std::shared_ptr<const PodInfo>& pod, std::string message) {
    binders_->Submit([this, pod, message = std::move(message)] {
      if (events_) {
        events_->Record(PodReference(*pod), "Warning", "FailedScheduling", message, "Scheduling");
      }
      if (pod->unschedulable_message == message) return;
      json::value patch = {
          {"status",
           {{"conditions", json::array{json::object{{"type", "PodScheduled"},
                                                    {"status", "False"},
                                                    {"reason", "Unschedulable"},
                                                    {"message", message},
                                                    {"lastProbeTime", nullptr},
                                                    {"lastTransitionTime", api::NowApiTime()}}}}}}};
      auto r = client_.Patch(pods_kind_, pod->ns, pod->name, client::PatchType::kStrategic, patch,
                             /*status=*/true);
      if (!r.ok() && r.error().code != 404) {
        spdlog::warn("scheduler: cannot update status of {}: {}", pod->key, r.error().message);
      }
    });
  }

  client::InformerFactory& informers_;
  client::Client& client_;
  const SchedulerConfig config_;
  const PluginRegistry registry_;
  const api::Kind& pods_kind_;
  const api::Kind& nodes_kind_;

  SchedulerCache cache_;
  Snapshot snapshot_;  // scheduling thread only
  std::unique_ptr<SchedulingQueue> queue_;
  std::unique_ptr<InformerLister> lister_;
  std::unique_ptr<Framework> framework_;
  std::unique_ptr<PodPlacer> placer_;
  std::unique_ptr<TaskPool> binders_;
  std::unique_ptr<client::EventRecorder> events_;
  client::Informer* node_informer_ = nullptr;  // shared, from informers_
  client::Informer* pod_informer_ = nullptr;
  std::unique_ptr<client::InformerRegistration> node_handlers_;
  std::unique_ptr<client::InformerRegistration> pod_handlers_;
  std::thread thread_;
  std::atomic<bool> stopped_{false};
  std::atomic<uint64_t> scheduled_{0};
  std::atomic<uint64_t> unschedulable_{0};
  std::atomic<uint64_t> errors_{0};
};

Scheduler::Scheduler(client::InformerFactory& informers, SchedulerConfig config)
    : Scheduler(informers, std::move(config), InTreeRegistry()) {}

Scheduler::Scheduler(client::InformerFactory& informers, SchedulerConfig config,
                     PluginRegistry registry)
    : impl_(std::make_unique<Impl>(informers, std::move(config), std::move(registry))) {}

Scheduler::~Scheduler() = default;

Status Scheduler::Start() { return impl_->Start(); }
void Scheduler::Stop() { impl_->Stop(); }
bool Scheduler::WaitForSync(std::chrono::milliseconds timeout) {
  return impl_->WaitForSync(timeout);
}
SchedulerStats Scheduler::Stats() const { return impl_->Stats(); }

}  // namespace skiff::scheduler
