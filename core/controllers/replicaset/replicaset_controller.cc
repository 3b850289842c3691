#include "core/controllers/replicaset/replicaset_controller.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <span>

#include "core/api/json_fields.h"
#include "core/controllers/common/claim.h"
#include "core/controllers/common/enqueue_keys.h"
#include "core/controllers/common/owner_refs.h"
#include "core/controllers/common/pod_status.h"
#include "core/controllers/common/pod_template.h"
#include "core/controllers/common/pod_writes.h"
#include "core/controllers/common/status_fields.h"
#include "core/controllers/common/workload_selector.h"
#include "core/controllers/replicaset/pod_ranking.h"

namespace skiff::controllers {
namespace json = boost::json;

namespace {

// Every label of the template is on the pod.
bool FullyLabeled(const client::Object& pod, const client::Object& rs) {
  const json::object* want = api::FindObject(rs, "spec.template.metadata.labels");
  if (!want) return true;
  const json::object* have = api::FindObject(pod, "metadata.labels");
  for (const auto& [k, v] : *want) {
    if (!have) return false;
    const json::value* h = have->if_contains(k);
    if (!h || *h != v) return false;
  }
  return true;
}

}  // namespace

ReplicaSetController::ReplicaSetController(client::InformerFactory& informers,
                                           const api::Kind& kind, int workers)
    : client_(informers.client()),
      kind_(kind),
      workers_(workers),
      events_(client_,
              kind.kind == "ReplicaSet" ? "replicaset-controller" : "replication-controller", 1000,
              2),
      pod_index_(IndexByController),
      sets_(informers.For(kind)),
      pods_(informers.For(PodKind())),
      runner_(queue_, [this](const std::string& key) { return Sync(key); }) {}

ReplicaSetController::~ReplicaSetController() { runner_.Stop(); }

void ReplicaSetController::Start() {
  handlers_.push_back(pods_.AddHandlers(client::InformerHandlers{
      [this](const client::Object& o) { OnPodAdd(o); },
      [this](const client::Object& a, const client::Object& b) { OnPodUpdate(a, b); },
      [this](const client::Object& o) { OnPodDelete(o); }}));
  client::InformerHandlers set_handlers = EnqueueKeys(queue_);
  set_handlers.on_delete = [this](const client::Object& o) {
    expectations_.Forget(client::ObjectKey(o));
    queue_.Add(client::ObjectKey(o));
  };
  handlers_.push_back(sets_.AddHandlers(std::move(set_handlers)));
  pods_.Start();
  sets_.Start();
  runner_.Start(workers_);
}

bool ReplicaSetController::WaitForSync(std::chrono::milliseconds timeout) {
  return pods_.WaitForSync(timeout) && sets_.WaitForSync(timeout);
}

std::optional<std::string> ReplicaSetController::OwnerKey(const client::Object& pod) const {
  auto ref = ControllerRef(pod);
  if (!ref || ref->kind != kind_.kind) return std::nullopt;
  std::string_view ns = api::GetString(pod, "metadata.namespace");
  auto rs = sets_.Get(ns, ref->name);
  if (!rs || api::GetString(*rs, "metadata.uid") != ref->uid) return std::nullopt;
  return std::string(ns) + "/" + ref->name;
}

void ReplicaSetController::EnqueueMatching(const client::Object& pod) {
  std::string_view ns = api::GetString(pod, "metadata.namespace");
  const json::value* labels = api::FindPath(pod, "metadata.labels");
  for (const auto& rs : sets_.List()) {
    if (api::GetString(*rs, "metadata.namespace") != ns) continue;
    auto sel = WorkloadSelector(*rs, kind_);
    if (sel && sel->Matches(labels)) queue_.Add(client::ObjectKey(*rs));
  }
}

void ReplicaSetController::OnPodAdd(const client::Object& pod) {
  pod_index_.Upsert(pod);
  if (auto key = OwnerKey(pod)) {
    if (BeingDeleted(pod)) {
      expectations_.DeletionObserved(*key, std::string(api::GetString(pod, "metadata.uid")));
    } else {
      expectations_.CreationObserved(*key);
    }
    queue_.Add(*key);
  } else if (!ControllerRef(pod)) {
    EnqueueMatching(pod);
  }
}

void ReplicaSetController::OnPodUpdate(const client::Object& old_pod, const client::Object& pod) {
  pod_index_.Upsert(pod);
  auto key = OwnerKey(pod);
  if (key && BeingDeleted(pod) && !BeingDeleted(old_pod)) {
    expectations_.DeletionObserved(*key, std::string(api::GetString(pod, "metadata.uid")));
  }
  auto old_ref = ControllerRef(old_pod);
  auto new_ref = ControllerRef(pod);
  if (old_ref && (!new_ref || new_ref->uid != old_ref->uid)) {
    if (auto old_key = OwnerKey(old_pod)) queue_.Add(*old_key);
  }
  if (key) {
    queue_.Add(*key);
    // A pod that just turned ready becomes available minReadySeconds later.
    if (!IsPodReady(old_pod) && IsPodReady(pod)) {
      auto [ns, name] = SplitKey(*key);
      if (auto rs = sets_.Get(ns, name)) {
        auto min_ready = api::GetInt(*rs, "spec.minReadySeconds").value_or(0);
        if (min_ready > 0) queue_.AddAfter(*key, std::chrono::seconds(min_ready + 1));
      }
    }
  } else if (!new_ref) {
    EnqueueMatching(pod);
  }
}

void ReplicaSetController::OnPodDelete(const client::Object& pod) {
  pod_index_.Remove(pod);
  if (auto key = OwnerKey(pod)) {
    expectations_.DeletionObserved(*key, std::string(api::GetString(pod, "metadata.uid")));
    queue_.Add(*key);
  }
}

bool ReplicaSetController::Sync(const std::string& key) {
  auto [ns, name] = SplitKey(key);
  auto cached = sets_.Get(ns, name);
  if (!cached) {
    expectations_.Forget(key);
    return true;
  }
  const client::Object& rs = *cached;
  std::string uid(api::GetString(rs, "metadata.uid"));
  // Its own creations and deletions are still arriving: the cache is behind, and the event
  // of the last one brings the key back.
  if (!expectations_.Satisfied(key)) return true;
  auto selector = WorkloadSelector(rs, kind_);

  // Claim: keep owned pods that still match, release the others, adopt matching orphans.
  Claimed claimed = ClaimDependents(client_, PodKind(), rs, kind_, selector,
                                    GetAll(pods_, pod_index_.Keys(OwnerIndexKey(uid))),
                                    GetAll(pods_, pod_index_.Keys(OrphanIndexKey(ns))));
  bool ok = claimed.ok;
  std::vector<client::ObjectPtr>& owned = claimed.objects;

  std::vector<client::ObjectPtr> active;
  for (auto& p : owned) {
    if (IsPodActive(*p)) active.push_back(std::move(p));
  }

  std::int64_t replicas = api::GetInt(rs, "spec.replicas").value_or(1);
  PodWriter writer{client_, events_, expectations_, key, rs, kind_};
  if (!BeingDeleted(rs)) {
    std::int64_t diff = static_cast<std::int64_t>(active.size()) - replicas;
    if (diff < 0) {
      const json::object* tmpl = api::FindObject(rs, "spec.template");
      json::object empty;
      int n = static_cast<int>(std::min<std::int64_t>(-diff, kBurst));
      if (!CreatePods(writer, tmpl ? *tmpl : empty, n).ok) ok = false;
    } else if (diff > 0) {
      SortForDeletion(active);
      std::size_t n = static_cast<std::size_t>(std::min<std::int64_t>(diff, kBurst));
      if (!DeletePods(writer, std::span(active).first(n)).ok) ok = false;
    }
  }

  // Status.
  std::int64_t min_ready = api::GetInt(rs, "spec.minReadySeconds").value_or(0);
  auto now = std::chrono::system_clock::now();
  std::int64_t fully = 0, ready = 0, available = 0;
  for (const auto& p : active) {
    if (FullyLabeled(*p, rs)) ++fully;
    if (IsPodReady(*p)) ++ready;
    if (IsPodAvailable(*p, min_ready, now)) ++available;
  }
  json::object status{{"replicas", static_cast<std::int64_t>(active.size())},
                      {"fullyLabeledReplicas", fully},
                      {"readyReplicas", ready},
                      {"availableReplicas", available},
                      {"observedGeneration", api::GetInt(rs, "metadata.generation").value_or(0)}};
  if (StatusDiffers(rs, status)) {
    auto r = client_.Patch(kind_, ns, name, client::PatchType::kMerge,
                           json::value{{"status", status}}, true);
    if (!r.ok() && r.error().code != 404) {
      spdlog::warn("{} {}: status: {}", kind_.kind, key, r.error().message);
      ok = false;
    }
  }
  if (min_ready > 0 && ready > available) {
    queue_.AddAfter(key, std::chrono::seconds(1));
  }
  return ok;
}

}  // namespace skiff::controllers
