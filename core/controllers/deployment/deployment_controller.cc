#include "core/controllers/deployment/deployment_controller.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

#include "core/api/api_time.h"
#include "core/api/human_time.h"
#include "core/api/json_fields.h"
#include "core/controllers/common/claim.h"
#include "core/controllers/common/enqueue_keys.h"
#include "core/controllers/common/owner_refs.h"
#include "core/controllers/common/workload_selector.h"
#include "core/controllers/deployment/deployment_util.h"

namespace skiff::controllers {
namespace json = boost::json;

namespace {

const api::Kind& DeploymentKind() {
  static const api::Kind& k = *api::KindRegistry::Builtin().ByResource("apps", "v1", "deployments");
  return k;
}
const api::Kind& ReplicaSetKind() {
  static const api::Kind& k = *api::KindRegistry::Builtin().ByResource("apps", "v1", "replicasets");
  return k;
}

std::int64_t SpecReplicas(const client::Object& o) {
  return api::GetInt(o, "spec.replicas").value_or(0);
}
std::int64_t StatusInt(const client::Object& o, std::string_view field) {
  return api::GetInt(o, "status." + std::string(field)).value_or(0);
}

// Oldest first.
bool CreatedBefore(const client::Object& a, const client::Object& b) {
  std::string_view ta = api::GetString(a, "metadata.creationTimestamp");
  std::string_view tb = api::GetString(b, "metadata.creationTimestamp");
  if (ta != tb) return ta < tb;
  return api::GetString(a, "metadata.name") < api::GetString(b, "metadata.name");
}

// An annotation by its key (keys contain dots, so not a GetString path).
std::string_view Annotation(const json::object& annotations, std::string_view key) {
  const json::value* v = annotations.if_contains(key);
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

bool SkipAnnotation(std::string_view k) {
  return k == "kubectl.kubernetes.io/last-applied-configuration" ||
         k.rfind("deployment.kubernetes.io/", 0) == 0;
}

// A condition; lastTransitionTime kept from old when the status is unchanged, lastUpdateTime
// kept unless touch.
json::object Condition(const json::object* old, std::string_view type, std::string_view status,
                       std::string_view reason, std::string message, bool touch,
                       const std::string& now) {
  bool same = old && api::GetString(*old, "status") == status;
  bool same_reason = same && api::GetString(*old, "reason") == reason;
  json::object c{{"type", type}, {"status", status}};
  c["lastUpdateTime"] = (same_reason && !touch)
                            ? json::value(api::GetString(*old, "lastUpdateTime"))
                            : json::value(now);
  c["lastTransitionTime"] =
      same ? json::value(api::GetString(*old, "lastTransitionTime")) : json::value(now);
  c["reason"] = reason;
  c["message"] = std::move(message);
  return c;
}

}  // namespace

struct DeploymentController::State {
  std::string key, ns, name, uid;
  client::Object d;
  std::optional<api::LabelSelector> selector;
  std::optional<client::Object> new_rs;
  std::vector<client::Object> old;
  bool progressed = false;

  std::int64_t Replicas() const { return api::GetInt(d, "spec.replicas").value_or(1); }
  template <typename F>
  std::int64_t Sum(F f) const {
    std::int64_t n = new_rs ? f(*new_rs) : 0;
    for (const auto& rs : old) n += f(rs);
    return n;
  }
};

DeploymentController::DeploymentController(client::InformerFactory& informers, int workers)
    : client_(informers.client()),
      workers_(workers),
      events_(client_, "deployment-controller", 1000, 2),
      rs_index_(IndexByController),
      deployments_(informers.For(DeploymentKind())),
      replicasets_(informers.For(ReplicaSetKind())),
      runner_(queue_, [this](const std::string& key) { return Sync(key); }) {}

DeploymentController::~DeploymentController() { runner_.Stop(); }

void DeploymentController::Start() {
  handlers_.push_back(replicasets_.AddHandlers(client::InformerHandlers{
      [this](const client::Object& o) { OnReplicaSet(o); },
      [this](const client::Object& old_rs, const client::Object& o) {
        // A change of owner: the old one has lost it.
        auto a = ControllerRef(old_rs);
        auto b = ControllerRef(o);
        if (a && a->kind == "Deployment" && (!b || a->uid != b->uid)) {
          queue_.Add(std::string(api::GetString(o, "metadata.namespace")) + "/" + a->name);
        }
        OnReplicaSet(o);
      },
      [this](const client::Object& o) {
        rs_index_.Remove(o);
        auto ref = ControllerRef(o);
        if (ref && ref->kind == "Deployment") {
          queue_.Add(std::string(api::GetString(o, "metadata.namespace")) + "/" + ref->name);
        }
      }}));
  handlers_.push_back(deployments_.AddHandlers(EnqueueKeys(queue_)));
  replicasets_.Start();
  deployments_.Start();
  runner_.Start(workers_);
}

bool DeploymentController::WaitForSync(std::chrono::milliseconds timeout) {
  return replicasets_.WaitForSync(timeout) && deployments_.WaitForSync(timeout);
}

void DeploymentController::OnReplicaSet(const client::Object& rs) {
  rs_index_.Upsert(rs);
  std::string_view ns = api::GetString(rs, "metadata.namespace");
  if (auto ref = ControllerRef(rs)) {
    if (ref->kind == "Deployment") queue_.Add(std::string(ns) + "/" + ref->name);
    return;
  }
  const json::value* labels = api::FindPath(rs, "metadata.labels");
  for (const auto& d : deployments_.List()) {
    if (api::GetString(*d, "metadata.namespace") != ns) continue;
    auto sel = WorkloadSelector(*d, DeploymentKind());
    if (sel && sel->Matches(labels)) queue_.Add(client::ObjectKey(*d));
  }
}

bool DeploymentController::Claim(State& s) {
  Claimed claimed = ClaimDependents(client_, ReplicaSetKind(), s.d, DeploymentKind(), s.selector,
                                    GetAll(replicasets_, rs_index_.Keys(OwnerIndexKey(s.uid))),
                                    GetAll(replicasets_, rs_index_.Keys(OrphanIndexKey(s.ns))));
  bool ok = claimed.ok;
  std::vector<client::ObjectPtr>& owned = claimed.objects;
  // The new ReplicaSet: the oldest whose template is the deployment's.
  std::sort(owned.begin(), owned.end(), [](const client::ObjectPtr& a, const client::ObjectPtr& b) {
    return CreatedBefore(*a, *b);
  });
  // State keeps copies: a sync replaces them with the results of its writes. A deployment has
  // a handful of ReplicaSets, so this is cheap.
  for (const auto& rs : owned) {
    if (!s.new_rs && TemplateMatches(*rs, s.d)) {
      s.new_rs = *rs;
    } else {
      s.old.push_back(*rs);
    }
  }
  return ok;
}

bool DeploymentController::EnsureNewReplicaSet(State& s) {
  std::int64_t max_old = 0;
  for (const auto& rs : s.old) max_old = std::max(max_old, Revision(rs));
  json::object copied;
  if (const json::object* ann = api::FindObject(s.d, "metadata.annotations")) {
    for (const auto& [k, v] : *ann) {
      if (!SkipAnnotation(k)) copied[k] = v;
    }
  }
  RollingLimits limits = Limits(s.d);
  std::int64_t revision = 0;
  if (s.new_rs) {
    std::int64_t current = Revision(*s.new_rs);
    revision = current > max_old ? current : max_old + 1;
    client::Object rs = *s.new_rs;
    json::object& ann = api::ChildObject(api::ChildObject(rs, "metadata"), "annotations");
    bool changed = false;
    if (revision != current) {
      ann[kRevisionAnnotation] = std::to_string(revision);
      if (current > 0) {
        std::string history(Annotation(ann, kRevisionHistoryAnnotation));
        ann[kRevisionHistoryAnnotation] =
            history.empty() ? std::to_string(current) : history + "," + std::to_string(current);
      }
      changed = true;
    }
    for (const auto& [k, v] : copied) {
      const json::value* have = ann.if_contains(k);
      if (!have || *have != v) {
        ann[k] = v;
        changed = true;
      }
    }
    if (changed) {
      auto r = client_.Update(ReplicaSetKind(), rs);
      if (!r.ok()) return false;
      s.new_rs = std::move(r.value());
    }
  } else {
    const json::object* dtmpl = api::FindObject(s.d, "spec.template");
    if (!dtmpl) return true;
    std::int64_t collisions = api::GetInt(s.d, "status.collisionCount").value_or(0);
    std::string hash = PodTemplateHash(*dtmpl, collisions);
    json::object tmpl = *dtmpl;
    api::ChildObject(api::ChildObject(tmpl, "metadata"), "labels")[kPodTemplateHashLabel] = hash;
    json::object selector;
    if (const json::object* sel = api::FindObject(s.d, "spec.selector")) selector = *sel;
    api::ChildObject(selector, "matchLabels")[kPodTemplateHashLabel] = hash;
    revision = max_old + 1;
    json::object ann = copied;
    ann[kRevisionAnnotation] = std::to_string(revision);
    ann[kDesiredReplicasAnnotation] = std::to_string(s.Replicas());
    ann[kMaxReplicasAnnotation] = std::to_string(s.Replicas() + limits.max_surge);
    std::int64_t initial = 0;
    if (api::GetString(s.d, "spec.strategy.type") != "Recreate") {
      std::int64_t current = s.Sum(SpecReplicas);
      std::int64_t max_total = s.Replicas() + limits.max_surge;
      initial = std::clamp<std::int64_t>(max_total - current, 0, s.Replicas());
    }
    client::Object rs{
        {"apiVersion", "apps/v1"},
        {"kind", "ReplicaSet"},
        {"metadata",
         {{"name", s.name + "-" + hash},
          {"namespace", s.ns},
          {"labels", tmpl["metadata"].as_object()["labels"]},
          {"annotations", std::move(ann)},
          {"ownerReferences", json::array{MakeControllerRef(s.d, DeploymentKind())}}}},
        {"spec",
         {{"replicas", initial},
          {"minReadySeconds", api::GetInt(s.d, "spec.minReadySeconds").value_or(0)},
          {"selector", std::move(selector)},
          {"template", std::move(tmpl)}}}};
    auto r = client_.Create(ReplicaSetKind(), s.ns, rs);
    if (r.ok()) {
      spdlog::info("deployment {}: created ReplicaSet {} (revision {})", s.key,
                   api::GetString(*r, "metadata.name"), revision);
      if (initial > 0) {
        events_.Record(client::ReferenceTo(s.d, DeploymentKind()), "Normal", "ScalingReplicaSet",
                       "Scaled up replica set " + std::string(api::GetString(*r, "metadata.name")) +
                           " from 0 to " + std::to_string(initial));
      }
      s.new_rs = std::move(r.value());
      s.progressed = true;
    } else if (r.error().code == 409) {
      auto existing = client_.Get(ReplicaSetKind(), s.ns, s.name + "-" + hash);
      if (!existing.ok()) return false;
      auto ref = ControllerRef(*existing);
      if (ref && ref->uid == s.uid && TemplateMatches(*existing, s.d)) {
        s.new_rs = std::move(existing.value());  // ours; the cache had not seen it yet
      } else {
        // A different ReplicaSet holds the name: hash again with one more collision.
        client_.Patch(DeploymentKind(), s.ns, s.name, client::PatchType::kMerge,
                      json::value{{"status", {{"collisionCount", collisions + 1}}}}, true);
        return false;
      }
    } else {
      spdlog::warn("deployment {}: create ReplicaSet: {}", s.key, r.error().message);
      return false;
    }
  }
  if (Revision(s.d) != revision) {
    auto r = client_.Patch(
        DeploymentKind(), s.ns, s.name, client::PatchType::kMerge,
        json::value{
            {"metadata", {{"annotations", {{kRevisionAnnotation, std::to_string(revision)}}}}}});
    if (!r.ok()) return false;
    s.d = std::move(r.value());
  }
  return true;
}

bool DeploymentController::Scale(State& s, client::Object& rs, std::int64_t replicas) {
  RollingLimits limits = Limits(s.d);
  std::string desired = std::to_string(s.Replicas());
  std::string max = std::to_string(s.Replicas() + limits.max_surge);
  json::object& ann = api::ChildObject(api::ChildObject(rs, "metadata"), "annotations");
  std::int64_t min_ready = api::GetInt(s.d, "spec.minReadySeconds").value_or(0);
  if (SpecReplicas(rs) == replicas && Annotation(ann, kDesiredReplicasAnnotation) == desired &&
      Annotation(ann, kMaxReplicasAnnotation) == max &&
      api::GetInt(rs, "spec.minReadySeconds").value_or(0) == min_ready) {
    return true;
  }
  client::Object copy = rs;
  json::object& cann = api::ChildObject(api::ChildObject(copy, "metadata"), "annotations");
  cann[kDesiredReplicasAnnotation] = desired;
  cann[kMaxReplicasAnnotation] = max;
  api::ChildObject(copy, "spec")["replicas"] = replicas;
  api::ChildObject(copy, "spec")["minReadySeconds"] = min_ready;  // follows the deployment
  auto r = client_.Update(ReplicaSetKind(), copy);
  if (!r.ok()) {
    if (r.error().code != 409) {
      spdlog::warn("deployment {}: scale {}: {}", s.key, api::GetString(rs, "metadata.name"),
                   r.error().message);
    }
    return false;
  }
  if (std::int64_t from = SpecReplicas(rs); from != replicas) {
    s.progressed = true;
    events_.Record(client::ReferenceTo(s.d, DeploymentKind()), "Normal", "ScalingReplicaSet",
                   std::string("Scaled ") + (replicas > from ? "up" : "down") + " replica set " +
                       std::string(api::GetString(rs, "metadata.name")) + " from " +
                       std::to_string(from) + " to " + std::to_string(replicas));
  }
  rs = std::move(r.value());
  return true;
}

bool DeploymentController::RollingUpdate(State& s) {
  std::int64_t replicas = s.Replicas();
  RollingLimits limits = Limits(s.d);
  client::Object& nrs = *s.new_rs;
  // Up: the new ReplicaSet, within maxSurge.
  std::int64_t new_reps = SpecReplicas(nrs);
  if (new_reps > replicas) {
    if (!Scale(s, nrs, replicas)) return false;
  } else if (new_reps < replicas) {
    std::int64_t current = s.Sum(SpecReplicas);
    std::int64_t max_total = replicas + limits.max_surge;
    if (current < max_total) {
      std::int64_t up = std::min(max_total - current, replicas - new_reps);
      if (!Scale(s, nrs, new_reps + up)) return false;
    }
  } else if (!Scale(s, nrs, replicas)) {  // refreshes the annotations
    return false;
  }
  // Down: the old ones, within maxUnavailable. Unhealthy pods go first.
  std::int64_t old_count = 0;
  for (const auto& rs : s.old) old_count += SpecReplicas(rs);
  if (old_count == 0) return true;
  std::int64_t min_available = replicas - limits.max_unavailable;
  std::int64_t new_unavailable = SpecReplicas(nrs) - StatusInt(nrs, "availableReplicas");
  std::int64_t max_scaled_down = s.Sum(SpecReplicas) - min_available - new_unavailable;
  if (max_scaled_down <= 0) return true;
  std::sort(s.old.begin(), s.old.end(), CreatedBefore);
  std::int64_t cleaned = 0;
  for (auto& rs : s.old) {
    if (cleaned >= max_scaled_down) break;
    std::int64_t unhealthy = SpecReplicas(rs) - StatusInt(rs, "availableReplicas");
    if (unhealthy <= 0) continue;
    std::int64_t down = std::min(max_scaled_down - cleaned, unhealthy);
    if (!Scale(s, rs, SpecReplicas(rs) - down)) return false;
    cleaned += down;
  }
  std::int64_t available = s.Sum([](const client::Object& rs) {
    return std::min(StatusInt(rs, "availableReplicas"), SpecReplicas(rs));
  });
  std::int64_t remaining = available - min_available;
  for (auto& rs : s.old) {
    if (remaining <= 0) break;
    std::int64_t reps = SpecReplicas(rs);
    if (reps == 0) continue;
    std::int64_t down = std::min(reps, remaining);
    if (!Scale(s, rs, reps - down)) return false;
    remaining -= down;
  }
  return true;
}

bool DeploymentController::Recreate(State& s) {
  bool old_active = false;
  for (auto& rs : s.old) {
    if (SpecReplicas(rs) > 0) {
      old_active = true;
      if (!Scale(s, rs, 0)) return false;
    }
  }
  if (old_active) return true;
  for (const auto& rs : s.old) {
    if (StatusInt(rs, "replicas") > 0) return true;  // wait for the old pods to go
  }
  return Scale(s, *s.new_rs, s.Replicas());
}

// The Deployment's size changed since its active ReplicaSets were last scaled.
bool DeploymentController::IsScalingEvent(const State& s) const {
  std::string desired = std::to_string(s.Replicas());
  auto stale = [&](const client::Object& rs) {
    const json::object* ann = api::FindObject(rs, "metadata.annotations");
    std::string_view have = ann ? Annotation(*ann, kDesiredReplicasAnnotation) : "";
    return SpecReplicas(rs) > 0 && !have.empty() && have != desired;
  };
  if (s.new_rs && stale(*s.new_rs)) return true;
  return std::any_of(s.old.begin(), s.old.end(), stale);
}

// Resizing without rolling (a scaling event, or any sync while paused), as Kubernetes' scale:
// one active ReplicaSet (or, with none, the newest) takes the whole size; a complete new one
// leaves the old ones at 0; otherwise a rolling Deployment resizes all active ones in
// proportion, so that a rollout in progress keeps its ratio of old to new pods.
bool DeploymentController::ScaleReplicaSets(State& s) {
  std::int64_t replicas = s.Replicas();
  std::vector<client::Object*> active;
  if (s.new_rs && SpecReplicas(*s.new_rs) > 0) active.push_back(&*s.new_rs);
  for (auto& rs : s.old) {
    if (SpecReplicas(rs) > 0) active.push_back(&rs);
  }
  if (active.size() == 1) return Scale(s, *active[0], replicas);
  if (active.empty()) {
    client::Object* newest = s.new_rs ? &*s.new_rs : nullptr;
    for (auto& rs : s.old) {
      if (!newest || CreatedBefore(*newest, rs)) newest = &rs;
    }
    return !newest || Scale(s, *newest, replicas);
  }
  if (s.new_rs && SpecReplicas(*s.new_rs) == replicas &&
      StatusInt(*s.new_rs, "availableReplicas") >= replicas) {
    for (auto& rs : s.old) {
      if (SpecReplicas(rs) > 0 && !Scale(s, rs, 0)) return false;
    }
    return true;
  }
  if (api::GetString(s.d, "spec.strategy.type") == "Recreate") return true;
  std::int64_t total = 0;
  for (const client::Object* rs : active) total += SpecReplicas(*rs);
  RollingLimits limits = Limits(s.d);
  const bool grow = replicas + limits.max_surge > total;
  std::sort(active.begin(), active.end(), [grow](const client::Object* a, const client::Object* b) {
    if (SpecReplicas(*a) != SpecReplicas(*b)) return SpecReplicas(*a) > SpecReplicas(*b);
    return grow ? CreatedBefore(*b, *a) : CreatedBefore(*a, *b);
  });
  std::vector<ScaleShare> shares;
  for (const client::Object* rs : active) {
    const json::object* ann = api::FindObject(*rs, "metadata.annotations");
    std::string_view max = ann ? Annotation(*ann, kMaxReplicasAnnotation) : "";
    std::int64_t scaled_for = 0;
    std::from_chars(max.data(), max.data() + max.size(), scaled_for);
    shares.push_back({SpecReplicas(*rs), scaled_for});
  }
  std::vector<std::int64_t> sizes =
      ProportionalSizes(shares, replicas, limits.max_surge, StatusInt(s.d, "replicas"));
  for (std::size_t i = 0; i < active.size(); ++i) {
    if (!Scale(s, *active[i], sizes[i])) return false;
  }
  return true;
}

void DeploymentController::Cleanup(State& s) {
  std::int64_t limit = api::GetInt(s.d, "spec.revisionHistoryLimit").value_or(10);
  std::vector<client::Object*> cleanable;
  for (auto& rs : s.old) {
    if (SpecReplicas(rs) == 0 && StatusInt(rs, "replicas") == 0 && !BeingDeleted(rs)) {
      cleanable.push_back(&rs);
    }
  }
  std::int64_t excess = static_cast<std::int64_t>(s.old.size()) - limit;
  if (excess <= 0) return;
  std::sort(
      cleanable.begin(), cleanable.end(),
      [](const client::Object* a, const client::Object* b) { return Revision(*a) < Revision(*b); });
  for (std::int64_t i = 0; i < excess && i < static_cast<std::int64_t>(cleanable.size()); ++i) {
    client::DeleteOptions opts;
    opts.precondition_uid = std::string(api::GetString(*cleanable[i], "metadata.uid"));
    auto r = client_.Delete(ReplicaSetKind(), s.ns, api::GetString(*cleanable[i], "metadata.name"),
                            opts);
    if (r.ok()) {
      spdlog::info("deployment {}: deleted old ReplicaSet {}", s.key,
                   api::GetString(*cleanable[i], "metadata.name"));
    }
  }
}

bool DeploymentController::UpdateStatus(State& s) {
  std::int64_t replicas = s.Replicas();
  RollingLimits limits = Limits(s.d);
  std::int64_t total = s.Sum([](const client::Object& rs) { return StatusInt(rs, "replicas"); });
  std::int64_t updated = s.new_rs ? StatusInt(*s.new_rs, "replicas") : 0;
  std::int64_t ready =
      s.Sum([](const client::Object& rs) { return StatusInt(rs, "readyReplicas"); });
  std::int64_t available =
      s.Sum([](const client::Object& rs) { return StatusInt(rs, "availableReplicas"); });
  std::int64_t generation = api::GetInt(s.d, "metadata.generation").value_or(0);
  // Kubernetes counts the unavailable against the pods the ReplicaSets want.
  std::int64_t wanted = s.Sum(SpecReplicas);
  const json::object* old_status = api::FindObject(s.d, "status");

  // Progress since the last status: more updated, ready or available pods, fewer old ones.
  auto old_int = [&](std::string_view f) {
    return old_status ? api::GetInt(*old_status, f).value_or(0) : 0;
  };
  bool progressed = s.progressed || updated > old_int("updatedReplicas") ||
                    ready > old_int("readyReplicas") || available > old_int("availableReplicas") ||
                    (total - updated) < (old_int("replicas") - old_int("updatedReplicas"));
  bool complete = updated == replicas && total == replicas && available == replicas;
  std::string now = api::NowApiTime();
  std::string rs_name = s.new_rs ? std::string(api::GetString(*s.new_rs, "metadata.name")) : "";

  json::array conditions;
  const json::object* old_avail = api::FindCondition(s.d, "Available");
  if (available >= replicas - limits.max_unavailable) {
    conditions.push_back(Condition(old_avail, "Available", "True", "MinimumReplicasAvailable",
                                   "Deployment has minimum availability.", false, now));
  } else {
    conditions.push_back(Condition(old_avail, "Available", "False", "MinimumReplicasUnavailable",
                                   "Deployment does not have minimum availability.", false, now));
  }
  const json::object* old_prog = api::FindCondition(s.d, "Progressing");
  std::int64_t deadline = api::GetInt(s.d, "spec.progressDeadlineSeconds").value_or(600);
  bool requeue_deadline = false;
  if (api::GetBool(s.d, "spec.paused")) {
    conditions.push_back(Condition(old_prog, "Progressing", "Unknown", "DeploymentPaused",
                                   "Deployment is paused", false, now));
  } else if (complete && s.new_rs) {
    conditions.push_back(Condition(old_prog, "Progressing", "True", "NewReplicaSetAvailable",
                                   "ReplicaSet \"" + rs_name + "\" has successfully progressed.",
                                   progressed, now));
  } else if (s.new_rs) {
    bool timed_out = false;
    if (!progressed && old_prog && api::GetString(*old_prog, "reason") == "ReplicaSetUpdated") {
      auto last = api::ParseRfc3339(api::GetString(*old_prog, "lastUpdateTime"));
      timed_out = last && *last + std::chrono::seconds(deadline) < std::chrono::system_clock::now();
    }
    if (old_prog && api::GetString(*old_prog, "reason") == "ProgressDeadlineExceeded" &&
        !progressed) {
      timed_out = true;
    }
    if (timed_out) {
      conditions.push_back(Condition(old_prog, "Progressing", "False", "ProgressDeadlineExceeded",
                                     "ReplicaSet \"" + rs_name + "\" has timed out progressing.",
                                     false, now));
    } else {
      bool touch =
          progressed || !old_prog || api::GetString(*old_prog, "reason") != "ReplicaSetUpdated";
      conditions.push_back(Condition(old_prog, "Progressing", "True", "ReplicaSetUpdated",
                                     "ReplicaSet \"" + rs_name + "\" is progressing.", touch, now));
      // Look again when the deadline passes (once per update of lastUpdateTime).
      requeue_deadline = touch;
    }
  }

  json::object status{{"observedGeneration", generation},
                      {"replicas", total},
                      {"updatedReplicas", updated},
                      {"readyReplicas", ready},
                      {"availableReplicas", available},
                      {"unavailableReplicas", std::max<std::int64_t>(0, wanted - available)},
                      {"conditions", std::move(conditions)}};
  if (old_status) {
    if (const json::value* c = old_status->if_contains("collisionCount")) {
      status["collisionCount"] = *c;
    }
  }
  if (requeue_deadline) queue_.AddAfter(s.key, std::chrono::seconds(deadline + 1));
  if (old_status && api::JsonEqual(json::value(*old_status), json::value(status))) return true;
  json::object patch_status = status;
  // Merge patch: fields absent from the new status are removed explicitly.
  if (old_status) {
    for (const auto& [k, v] : *old_status) {
      if (!patch_status.contains(k)) patch_status[k] = nullptr;
    }
  }
  auto r = client_.Patch(DeploymentKind(), s.ns, s.name, client::PatchType::kMerge,
                         json::value{{"status", std::move(patch_status)}}, true);
  return r.ok() || r.error().code == 404;
}

bool DeploymentController::Sync(const std::string& key) {
  auto [ns, name] = SplitKey(key);
  auto cached = deployments_.Get(ns, name);
  if (!cached) return true;
  State s;
  s.key = key;
  s.ns = ns;
  s.name = name;
  s.d = *cached;  // a copy: the sync replaces it with the result of its writes
  s.uid = std::string(api::GetString(s.d, "metadata.uid"));
  if (BeingDeleted(s.d)) return true;
  s.selector = WorkloadSelector(s.d, DeploymentKind());
  if (!s.selector) return true;  // validation should have refused it
  bool ok = Claim(s);
  if (api::GetBool(s.d, "spec.paused") || IsScalingEvent(s)) {
    ok = ScaleReplicaSets(s) && ok;
    return UpdateStatus(s) && ok;
  }
  if (!EnsureNewReplicaSet(s)) return false;
  if (!s.new_rs) return UpdateStatus(s) && ok;
  if (api::GetString(s.d, "spec.strategy.type") == "Recreate") {
    ok = Recreate(s) && ok;
  } else {
    ok = RollingUpdate(s) && ok;
  }
  if (!UpdateStatus(s)) ok = false;
  std::int64_t replicas = s.Replicas();
  if (s.new_rs && StatusInt(*s.new_rs, "availableReplicas") >= replicas &&
      SpecReplicas(*s.new_rs) == replicas) {
    Cleanup(s);
  }
  return ok;
}

}  // namespace skiff::controllers
