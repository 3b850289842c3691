#include "core/controllers/daemonset/daemonset_controller.h"

#include <spdlog/spdlog.h>

#include <set>

#include "core/api/json_fields.h"
#include "core/controllers/common/enqueue_keys.h"
#include "core/controllers/common/object_index.h"
#include "core/controllers/common/owner_refs.h"
#include "core/controllers/common/pod_template.h"
#include "core/controllers/common/status_fields.h"
#include "core/controllers/common/workload_selector.h"
#include "core/controllers/daemonset/daemon_pod.h"
#include "core/controllers/daemonset/daemonset_plan.h"
#include "core/controllers/workload/pod_state.h"
#include "core/controllers/workload/revision_history.h"

namespace skiff::controllers {
namespace json = boost::json;

namespace {

const api::Kind& Kind(std::string_view group, std::string_view resource) {
  return *api::KindRegistry::Builtin().ByResource(group, "v1", resource);
}

// Placement reads a node's labels and spec (taints, unschedulable); heartbeats change only
// its status.
bool SamePlacement(const json::object& a, const json::object& b) {
  for (const char* path : {"metadata.labels", "spec"}) {
    const json::value* x = api::FindPath(a, path);
    const json::value* y = api::FindPath(b, path);
    if ((x == nullptr) != (y == nullptr) || (x && !api::JsonEqual(*x, *y))) return false;
  }
  return true;
}

client::ListOptions Labelled(std::string label) {
  client::ListOptions options;
  options.label_selector = std::move(label);
  return options;
}

}  // namespace

DaemonSetController::DaemonSetController(client::InformerFactory& informers)
    : client_(informers.client()),
      ds_kind_(Kind("apps", "daemonsets")),
      sets_(informers.For(ds_kind_)),
      // Only pods with a revision label (DaemonSet and StatefulSet pods): a Deployment's
      // thousands are not worth caching. Orphans left by an orphaning delete keep the label.
      pods_(informers.For(PodKind(), Labelled("controller-revision-hash"))),
      nodes_(informers.For(Kind("", "nodes"))),
      revisions_(informers.For(ControllerRevisionKind())),
      workers_(queue_, [this](const std::string& key) { return Sync(key); }) {}

DaemonSetController::~DaemonSetController() { workers_.Stop(); }

void DaemonSetController::Start() {
  client::InformerHandlers set_handlers = EnqueueKeys(queue_);
  set_handlers.on_delete = [this](const client::Object& o) {
    expectations_.Forget(client::ObjectKey(o));
  };
  handlers_.push_back(sets_.AddHandlers(std::move(set_handlers)));
  handlers_.push_back(pods_.AddHandlers(client::InformerHandlers{
      [this](const client::Object& o) { OnPodAdd(o); },
      [this](const client::Object& old_pod, const client::Object& o) { OnPodUpdate(old_pod, o); },
      [this](const client::Object& o) { OnPodDelete(o); }}));
  handlers_.push_back(nodes_.AddHandlers(
      client::InformerHandlers{[this](const client::Object&) { EnqueueAll(); },
                               [this](const client::Object& old_node, const client::Object& node) {
                                 if (!SamePlacement(old_node, node)) EnqueueAll();
                               },
                               [this](const client::Object&) { EnqueueAll(); }}));
  handlers_.push_back(revisions_.AddHandlers(client::InformerHandlers{
      [this](const client::Object& o) { EnqueueRevisionOwner(o); },
      [this](const client::Object&, const client::Object& o) { EnqueueRevisionOwner(o); },
      [this](const client::Object& o) { EnqueueRevisionOwner(o); }}));
  sets_.Start();
  pods_.Start();
  nodes_.Start();
  revisions_.Start();
  workers_.Start(1);
}

bool DaemonSetController::WaitForSync(std::chrono::milliseconds timeout) {
  return sets_.WaitForSync(timeout) && pods_.WaitForSync(timeout) && nodes_.WaitForSync(timeout) &&
         revisions_.WaitForSync(timeout);
}

std::string DaemonSetController::OwnerKey(const client::Object& pod) {
  auto ref = ControllerRef(pod);
  if (!ref || ref->kind != "DaemonSet") return "";
  return std::string(api::GetString(pod, "metadata.namespace")) + "/" + ref->name;
}

void DaemonSetController::OnPodAdd(const client::Object& pod) {
  std::string key = OwnerKey(pod);
  if (key.empty()) {
    if (!ControllerRef(pod)) EnqueueAll();  // an orphan some set may adopt
    return;
  }
  expectations_.CreationObserved(key);
  if (IsTerminating(pod)) {
    expectations_.DeletionObserved(key, std::string(api::GetString(pod, "metadata.uid")));
  }
  queue_.Add(key);
}

void DaemonSetController::OnPodUpdate(const client::Object& old_pod, const client::Object& pod) {
  std::string key = OwnerKey(pod);
  if (std::string old_key = OwnerKey(old_pod); !old_key.empty() && old_key != key) {
    queue_.Add(old_key);
  }
  if (key.empty()) {
    if (!ControllerRef(pod)) EnqueueAll();
    return;
  }
  if (IsTerminating(pod)) {
    expectations_.DeletionObserved(key, std::string(api::GetString(pod, "metadata.uid")));
  }
  queue_.Add(key);
}

void DaemonSetController::OnPodDelete(const client::Object& pod) {
  std::string key = OwnerKey(pod);
  if (key.empty()) return;
  expectations_.DeletionObserved(key, std::string(api::GetString(pod, "metadata.uid")));
  queue_.Add(key);
}

void DaemonSetController::EnqueueRevisionOwner(const client::Object& revision) {
  auto ref = ControllerRef(revision);
  if (!ref) {
    EnqueueAll();  // an orphan some set may adopt
  } else if (ref->kind == "DaemonSet") {
    queue_.Add(std::string(api::GetString(revision, "metadata.namespace")) + "/" + ref->name);
  }
}

void DaemonSetController::EnqueueAll() {
  for (const auto& ds : sets_.List()) queue_.Add(client::ObjectKey(*ds));
}

bool DaemonSetController::Sync(const std::string& key) {
  if (!WaitForSync(std::chrono::milliseconds(100))) return false;
  auto [ns, name] = SplitKey(key);
  auto ds = sets_.Get(ns, name);
  if (!ds) {
    expectations_.Forget(key);
    return true;
  }
  if (IsTerminating(*ds)) return true;
  auto selector = WorkloadSelector(*ds, ds_kind_);
  if (!selector) {
    spdlog::warn("daemonset {}: bad selector", key);
    return true;
  }
  // Read before the cache: writes observed after this point are in the cache read below, so
  // a plan made from it cannot repeat them.
  const bool satisfied = expectations_.Satisfied(key);
  const std::string uid(api::GetString(*ds, "metadata.uid"));
  // PlanDaemonSet is pure and takes values: copies of this set's pods only.
  std::vector<json::object> pods;
  for (const auto& cached : pods_.List()) {
    const client::Object& pod = *cached;
    if (api::GetString(pod, "metadata.namespace") != ns) continue;
    auto ref = ControllerRef(pod);
    if (ref && ref->uid == uid) {
      pods.push_back(pod);
      continue;
    }
    if (ref || IsTerminating(pod) || !selector->Matches(api::FindPath(pod, "metadata.labels"))) {
      continue;
    }
    auto adopted = Adopt(client_, PodKind(), pod, *ds, ds_kind_);
    if (!adopted.ok()) return false;  // a stale cache: retry
    pods.push_back(std::move(*adopted));
  }

  // The history first, as Kubernetes keeps it: revisions the pods still use stay.
  const std::string hash = DaemonSetHash(*ds);
  std::set<std::string, std::less<>> live;
  for (const auto& pod : pods) {
    std::string_view h = api::GetString(pod, "metadata.labels.controller-revision-hash");
    if (!h.empty()) live.insert(name + "-" + std::string(h));
  }
  bool ok = SyncHistory(client_, ds_kind_, *ds, selector, revisions_.List(), name + "-" + hash,
                        hash, live, key);

  std::vector<json::object> nodes;
  for (const auto& node : nodes_.List()) nodes.push_back(*node);
  DaemonSetPlan plan = PlanDaemonSet(ds_kind_, *ds, nodes, pods, std::chrono::system_clock::now());
  // Writes only on a cache that has seen our previous ones; status is always reported.
  if (satisfied && (!plan.pods_to_create.empty() || !plan.pods_to_delete.empty())) {
    std::vector<std::string> uids;
    for (const auto& pod : plan.pods_to_delete) {
      uids.emplace_back(api::GetString(pod, "metadata.uid"));
    }
    expectations_.Expect(key, static_cast<int>(plan.pods_to_create.size()), uids);
    for (const auto& pod : plan.pods_to_create) {
      auto r = client_.Create(PodKind(), ns, pod);
      if (r.ok()) {
        spdlog::info("daemonset {}: created pod {} for node {}", key,
                     api::GetString(*r, "metadata.name"), DaemonPodNodeName(pod));
      } else {
        expectations_.CreationObserved(key);  // it will never be seen
        spdlog::warn("daemonset {}: create pod: {}", key, r.error().message);
        ok = false;
      }
    }
    for (const auto& pod : plan.pods_to_delete) {
      std::string pod_uid(api::GetString(pod, "metadata.uid"));
      client::DeleteOptions options;
      options.precondition_uid = pod_uid;
      auto r = client_.Delete(PodKind(), ns, api::GetString(pod, "metadata.name"), options);
      if (r.ok()) {
        spdlog::info("daemonset {}: deleted pod {}", key, api::GetString(pod, "metadata.name"));
      } else {
        expectations_.DeletionObserved(key, pod_uid);
        if (r.error().code != 404 && r.error().code != 409) {
          spdlog::warn("daemonset {}: delete pod {}: {}", key, api::GetString(pod, "metadata.name"),
                       r.error().message);
          ok = false;
        }
      }
    }
  }
  if (StatusDiffers(*ds, plan.status)) {
    auto r = client_.Patch(ds_kind_, ns, name, client::PatchType::kMerge,
                           json::object{{"status", plan.status}}, /*status=*/true);
    if (!r.ok() && r.error().code != 404) {
      spdlog::warn("daemonset {}: status: {}", key, r.error().message);
      ok = false;
    }
  }
  if (ok && plan.requeue_after.count() > 0) queue_.AddAfter(key, plan.requeue_after);
  return ok;
}

}  // namespace skiff::controllers
