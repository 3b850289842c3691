#include "core/controllers/statefulset/statefulset_controller.h"

#include <spdlog/spdlog.h>

#include <optional>

#include "core/api/json_fields.h"
#include "core/api/selectors.h"
#include "core/controllers/common/enqueue_keys.h"
#include "core/controllers/common/object_index.h"
#include "core/controllers/common/owner_refs.h"
#include "core/controllers/common/pod_template.h"
#include "core/controllers/common/status_fields.h"
#include "core/controllers/common/workload_selector.h"
#include "core/controllers/statefulset/claim_retention.h"
#include "core/controllers/statefulset/stateful_pod.h"
#include "core/controllers/statefulset/statefulset_plan.h"
#include "core/controllers/workload/pod_state.h"
#include "core/controllers/workload/revision_history.h"

namespace skiff::controllers {
namespace json = boost::json;

namespace {

const api::Kind& Kind(std::string_view group, std::string_view resource) {
  return *api::KindRegistry::Builtin().ByResource(group, "v1", resource);
}

client::ListOptions Labelled(std::string label) {
  client::ListOptions options;
  options.label_selector = std::move(label);
  return options;
}

}  // namespace

StatefulSetController::StatefulSetController(client::InformerFactory& informers)
    : client_(informers.client()),
      set_kind_(Kind("apps", "statefulsets")),
      sets_(informers.For(set_kind_)),
      // Only pods with a StatefulSet identity: the others (a Deployment's thousands) are not
      // worth caching. Orphans left by an orphaning delete keep the label and are adopted.
      pods_(informers.For(Kind("", "pods"), Labelled(kPodNameLabel))),
      claims_(informers.For(Kind("", "persistentvolumeclaims"))),
      revisions_(informers.For(ControllerRevisionKind())),
      workers_(queue_, [this](const std::string& key) { return Sync(key); }) {}

StatefulSetController::~StatefulSetController() { workers_.Stop(); }

void StatefulSetController::Start() {
  handlers_.push_back(sets_.AddHandlers(EnqueueKeys(queue_)));
  handlers_.push_back(pods_.AddHandlers(
      client::InformerHandlers{[this](const client::Object& o) { EnqueueOwnerOf(o); },
                               [this](const client::Object& old_pod, const client::Object& o) {
                                 EnqueueOwnerOf(old_pod);
                                 EnqueueOwnerOf(o);
                               },
                               [this](const client::Object& o) { EnqueueOwnerOf(o); }}));
  handlers_.push_back(revisions_.AddHandlers(client::InformerHandlers{
      [this](const client::Object& o) { EnqueueRevisionOwner(o); },
      [this](const client::Object&, const client::Object& o) { EnqueueRevisionOwner(o); },
      [this](const client::Object& o) { EnqueueRevisionOwner(o); }}));
  sets_.Start();
  pods_.Start();
  claims_.Start();
  revisions_.Start();
  workers_.Start(1);
}

bool StatefulSetController::WaitForSync(std::chrono::milliseconds timeout) {
  return sets_.WaitForSync(timeout) && pods_.WaitForSync(timeout) && claims_.WaitForSync(timeout) &&
         revisions_.WaitForSync(timeout);
}

void StatefulSetController::EnqueueRevisionOwner(const client::Object& revision) {
  std::string_view ns = api::GetString(revision, "metadata.namespace");
  if (auto ref = ControllerRef(revision)) {
    if (ref->kind == "StatefulSet") queue_.Add(std::string(ns) + "/" + ref->name);
    return;
  }
  for (const auto& set : sets_.List()) {  // an orphan some set may adopt
    if (api::GetString(*set, "metadata.namespace") == ns) queue_.Add(client::ObjectKey(*set));
  }
}

void StatefulSetController::EnqueueOwnerOf(const client::Object& pod) {
  std::string_view ns = api::GetString(pod, "metadata.namespace");
  if (auto ref = ControllerRef(pod)) {
    if (ref->kind == "StatefulSet") queue_.Add(std::string(ns) + "/" + ref->name);
    return;
  }
  // An orphan: the sets that might adopt it.
  for (const auto& set : sets_.List()) {
    if (api::GetString(*set, "metadata.namespace") != ns) continue;
    auto selector = WorkloadSelector(*set, set_kind_);
    if (selector && selector->Matches(api::FindPath(pod, "metadata.labels"))) {
      queue_.Add(client::ObjectKey(*set));
    }
  }
}

bool StatefulSetController::Sync(const std::string& key) {
  // Decisions are only as good as the caches: wait for their first lists.
  if (!WaitForSync(std::chrono::milliseconds(100))) return false;
  auto [ns, name] = SplitKey(key);
  auto set = sets_.Get(ns, name);
  if (!set || IsTerminating(*set)) return true;
  auto selector = WorkloadSelector(*set, set_kind_);
  if (!selector) {
    spdlog::warn("statefulset {}: bad selector", key);
    return true;
  }
  const std::string uid(api::GetString(*set, "metadata.uid"));
  const api::Kind& pod_kind = PodKind();

  // PlanStatefulSet is pure and takes values: copies of this set's pods only.
  std::vector<json::object> pods;
  for (const auto& cached : pods_.List()) {
    const client::Object& pod = *cached;
    if (api::GetString(pod, "metadata.namespace") != ns) continue;
    auto ref = ControllerRef(pod);
    if (ref && ref->uid == uid) {
      pods.push_back(pod);
      continue;
    }
    if (ref || IsTerminating(pod) ||
        !StatefulPodOrdinal(name, api::GetString(pod, "metadata.name")) ||
        !selector->Matches(api::FindPath(pod, "metadata.labels"))) {
      continue;
    }
    auto adopted = Adopt(client_, pod_kind, pod, *set, set_kind_);
    if (!adopted.ok()) return false;  // a stale cache: retry
    pods.push_back(std::move(*adopted));
  }
  std::set<std::string, std::less<>> claims;
  std::vector<client::ObjectPtr> own_claims;  // CLAIM-NAME-i of this set's claim templates
  for (const auto& claim : claims_.List()) {
    if (api::GetString(*claim, "metadata.namespace") != ns) continue;
    claims.emplace(api::GetString(*claim, "metadata.name"));
    if (StatefulClaimOrdinal(*set, api::GetString(*claim, "metadata.name"))) {
      own_claims.push_back(claim);
    }
  }

  // The history first, as Kubernetes keeps it: the current revision and those the pods still
  // use stay.
  const std::string update_revision = StatefulSetUpdateRevision(*set);
  std::set<std::string, std::less<>> live;
  for (const auto& pod : pods) {
    std::string_view revision = api::GetString(pod, "metadata.labels.controller-revision-hash");
    if (!revision.empty()) live.emplace(revision);
  }
  if (std::string_view current = api::GetString(*set, "status.currentRevision"); !current.empty()) {
    live.emplace(current);
  }
  const bool history_ok =
      SyncHistory(client_, set_kind_, *set, selector, revisions_.List(), update_revision,
                  update_revision.substr(name.size() + 1), live, key);

  // Pods below a rolling update's partition come back at the current revision's template.
  std::optional<StatefulRevision> current;
  if (std::string_view current_name = api::GetString(*set, "status.currentRevision");
      !current_name.empty() && current_name != update_revision) {
    auto revision = revisions_.Get(ns, current_name);
    auto ref = revision ? ControllerRef(*revision) : std::nullopt;
    const json::object* tmpl =
        ref && ref->uid == uid ? api::FindObject(*revision, "data.spec.template") : nullptr;
    if (tmpl) {
      current = StatefulRevision{std::string(current_name), *tmpl};
      current->pod_template.erase("$patch");
    }
  }
  StatefulSetPlan plan =
      PlanStatefulSet(set_kind_, *set, pods, claims, std::chrono::system_clock::now(),
                      current ? &*current : nullptr);
  const api::Kind& claim_kind = Kind("", "persistentvolumeclaims");
  // persistentVolumeClaimRetentionPolicy, as ownerReferences; before any pod is removed, so a
  // claim that goes with its pod is owned by it by then.
  auto pod_of = [&](int64_t ordinal) -> const json::object* {
    for (const auto& pod : pods) {
      if (StatefulPodOrdinal(name, api::GetString(pod, "metadata.name")) == ordinal) return &pod;
    }
    return nullptr;
  };
  bool ok = true;
  bool claims_owned = true;
  for (const auto& own_claim : own_claims) {
    const client::Object& claim = *own_claim;
    int64_t ordinal = *StatefulClaimOrdinal(*set, api::GetString(claim, "metadata.name"));
    auto owners = RetainedClaimOwners(set_kind_, *set, claim, ordinal, pod_of(ordinal));
    if (!owners) continue;
    json::object patch{{"metadata",
                        {{"ownerReferences", std::move(*owners)},
                         {"resourceVersion", api::GetString(claim, "metadata.resourceVersion")}}}};
    auto r = client_.Patch(claim_kind, ns, api::GetString(claim, "metadata.name"),
                           client::PatchType::kMerge, patch);
    if (!r.ok() && r.error().code != 404) {
      if (r.error().code != 409) {
        spdlog::warn("statefulset {}: claim {} owners: {}", key,
                     api::GetString(claim, "metadata.name"), r.error().message);
      }
      claims_owned = false;
    }
  }
  for (auto claim : plan.claims_to_create) {
    int64_t ordinal = *StatefulClaimOrdinal(*set, api::GetString(claim, "metadata.name"));
    if (auto owners = RetainedClaimOwners(set_kind_, *set, claim, ordinal, nullptr)) {
      api::ChildObject(claim, "metadata")["ownerReferences"] = std::move(*owners);
    }
    auto r = client_.Create(claim_kind, ns, claim);
    if (!r.ok() && r.error().code != 409) {
      spdlog::warn("statefulset {}: create claim {}: {}", key,
                   api::GetString(claim, "metadata.name"), r.error().message);
      ok = false;
    }
  }
  if (ok) {  // never a pod without its claims
    for (const auto& pod : plan.pods_to_create) {
      auto r = client_.Create(pod_kind, ns, pod);
      if (!r.ok() && r.error().code != 409) {
        spdlog::warn("statefulset {}: create pod {}: {}", key, api::GetString(pod, "metadata.name"),
                     r.error().message);
        ok = false;
      } else if (r.ok()) {
        spdlog::info("statefulset {}: created pod {}", key, api::GetString(pod, "metadata.name"));
      }
    }
  }
  // The owners above come from the claims cache; a claim created a moment ago may not be in it
  // yet, so a pod whose claims go with it waits until they are (or are gone).
  auto claims_seen = [&](const json::object& pod) {
    if (!ScaledDownClaimsGo(*set)) return true;
    auto ordinal = StatefulPodOrdinal(name, api::GetString(pod, "metadata.name"));
    if (!ordinal) return true;
    for (const auto& claim : NewStatefulClaims(*set, *ordinal)) {
      std::string_view claim_name = api::GetString(claim, "metadata.name");
      if (claims.contains(claim_name)) continue;
      auto live = client_.Get(claim_kind, ns, claim_name);
      if (live.ok() || live.error().code != 404) return false;
    }
    return true;
  };
  for (const auto& pod : plan.pods_to_delete) {
    if (!claims_owned) break;  // a claim that should go with its pod is not owned by it yet
    if (!claims_seen(pod)) {
      claims_owned = false;
      break;
    }
    client::DeleteOptions options;
    options.precondition_uid = api::GetString(pod, "metadata.uid");
    auto r = client_.Delete(pod_kind, ns, api::GetString(pod, "metadata.name"), options);
    if (!r.ok() && r.error().code != 404 && r.error().code != 409) {
      spdlog::warn("statefulset {}: delete pod {}: {}", key, api::GetString(pod, "metadata.name"),
                   r.error().message);
      ok = false;
    } else if (r.ok()) {
      spdlog::info("statefulset {}: deleted pod {}", key, api::GetString(pod, "metadata.name"));
    }
  }
  if (StatusDiffers(*set, plan.status)) {
    auto r = client_.Patch(set_kind_, ns, name, client::PatchType::kMerge,
                           json::object{{"status", plan.status}}, /*status=*/true);
    if (!r.ok() && r.error().code != 404) {
      spdlog::warn("statefulset {}: status: {}", key, r.error().message);
      ok = false;
    }
  }
  if (ok && plan.requeue_after.count() > 0) queue_.AddAfter(key, plan.requeue_after);
  return ok && history_ok && claims_owned;
}

}  // namespace skiff::controllers
