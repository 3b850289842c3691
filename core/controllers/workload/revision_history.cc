#include "core/controllers/workload/revision_history.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/api/json_fields.h"
#include "core/controllers/common/claim.h"
#include "core/controllers/common/owner_refs.h"

namespace skiff::controllers {
namespace json = boost::json;

namespace {

int64_t Number(const json::object& revision) {
  return api::GetInt(revision, "revision").value_or(0);
}

// True when a revision named name exists that holds another template or is another owner's.
// One of set's own that the cache has not shown yet, or an orphan of the same template (it is
// adopted like other orphans), is no clash.
bool NameClash(client::Client& client, const json::object& set, const std::string& name) {
  auto existing =
      client.Get(ControllerRevisionKind(), api::GetString(set, "metadata.namespace"), name);
  if (!existing.ok()) return false;
  auto ref = ControllerRef(*existing);
  if (ref && ref->uid != api::GetString(set, "metadata.uid")) return true;
  const json::value* data = existing->if_contains("data");
  return data == nullptr || !api::JsonEqual(*data, json::value(RevisionData(set)));
}

}  // namespace

const api::Kind& ControllerRevisionKind() {
  return *api::KindRegistry::Builtin().ByResource("apps", "v1", "controllerrevisions");
}

json::object RevisionData(const json::object& set) {
  const json::object* tmpl = api::FindObject(set, "spec.template");
  json::object patch = tmpl ? *tmpl : json::object();
  patch["$patch"] = "replace";
  return json::object{{"spec", json::object{{"template", std::move(patch)}}}};
}

json::object NewControllerRevision(const api::Kind& set_kind, const json::object& set,
                                   const std::string& name, const std::string& hash,
                                   int64_t number) {
  json::object meta{{"name", name},
                    {"namespace", api::GetString(set, "metadata.namespace")},
                    {"ownerReferences", json::array{MakeControllerRef(set, set_kind)}}};
  json::object labels;
  if (const json::object* l = api::FindObject(set, "spec.template.metadata.labels")) labels = *l;
  labels[kRevisionHashLabel] = hash;
  meta["labels"] = std::move(labels);
  // As Kubernetes does, so `kubectl rollout history` shows the set's change-cause.
  if (const json::object* a = api::FindObject(set, "metadata.annotations"); a && !a->empty()) {
    meta["annotations"] = *a;
  }
  return json::object{{"apiVersion", "apps/v1"},
                      {"kind", "ControllerRevision"},
                      {"metadata", std::move(meta)},
                      {"data", RevisionData(set)},
                      {"revision", number}};
}

HistoryPlan PlanHistory(const api::Kind& set_kind, const json::object& set,
                        const std::string& update_name, const std::string& hash,
                        const std::vector<json::object>& revisions,
                        const std::set<std::string, std::less<>>& live) {
  HistoryPlan plan;
  int64_t max_number = 0;
  const json::object* update = nullptr;
  for (const auto& r : revisions) {
    if (api::GetString(r, "metadata.name") == update_name) {
      update = &r;
    } else {
      max_number = std::max(max_number, Number(r));
    }
  }
  if (update == nullptr) {
    plan.update_number = max_number + 1;
    plan.to_create = NewControllerRevision(set_kind, set, update_name, hash, plan.update_number);
  } else if (Number(*update) <= max_number) {
    // An older template came back (a rollback): it becomes the newest revision.
    plan.update_number = max_number + 1;
    plan.to_renumber = *update;
    plan.renumber_to = plan.update_number;
  } else {
    plan.update_number = Number(*update);
  }

  // Unused revisions, oldest first; those beyond the limit go.
  std::vector<const json::object*> history;
  for (const auto& r : revisions) {
    std::string_view name = api::GetString(r, "metadata.name");
    if (name == update_name || live.contains(name)) continue;
    if (!api::GetString(r, "metadata.deletionTimestamp").empty()) continue;
    history.push_back(&r);
  }
  std::sort(history.begin(), history.end(), [](const json::object* a, const json::object* b) {
    return Number(*a) != Number(*b) ? Number(*a) < Number(*b)
                                    : api::GetString(*a, "metadata.creationTimestamp") <
                                          api::GetString(*b, "metadata.creationTimestamp");
  });
  const int64_t limit =
      std::max<int64_t>(api::GetInt(set, "spec.revisionHistoryLimit").value_or(10), 0);
  const int64_t excess = static_cast<int64_t>(history.size()) - limit;
  for (int64_t i = 0; i < excess; ++i) plan.to_delete.push_back(*history[static_cast<size_t>(i)]);
  return plan;
}

bool ApplyHistory(client::Client& client, const HistoryPlan& plan, std::string_view ns,
                  std::string_view key) {
  const api::Kind& kind = ControllerRevisionKind();
  bool ok = true;
  if (plan.to_create) {
    auto r = client.Create(kind, ns, *plan.to_create);
    if (r.ok()) {
      spdlog::info("{}: created revision {} ({})", key,
                   api::GetString(*plan.to_create, "metadata.name"), plan.update_number);
    } else {
      // 409: not in the cache yet, or another owner's; either way look again later.
      if (r.error().code != 409) {
        spdlog::warn("{}: create revision {}: {}", key,
                     api::GetString(*plan.to_create, "metadata.name"), r.error().message);
      }
      ok = false;
    }
  }
  if (plan.to_renumber) {
    std::string_view name = api::GetString(*plan.to_renumber, "metadata.name");
    auto r = client.Patch(kind, ns, name, client::PatchType::kMerge,
                          json::object{{"revision", plan.renumber_to}});
    if (r.ok()) {
      spdlog::info("{}: revision {} is now {}", key, name, plan.renumber_to);
    } else if (r.error().code != 404) {
      spdlog::warn("{}: renumber revision {}: {}", key, name, r.error().message);
      ok = false;
    }
  }
  for (const auto& old : plan.to_delete) {
    client::DeleteOptions options;
    options.precondition_uid = api::GetString(old, "metadata.uid");
    std::string_view name = api::GetString(old, "metadata.name");
    auto r = client.Delete(kind, ns, name, options);
    if (r.ok()) {
      spdlog::info("{}: deleted old revision {}", key, name);
    } else if (r.error().code != 404 && r.error().code != 409) {
      spdlog::warn("{}: delete revision {}: {}", key, name, r.error().message);
      ok = false;
    }
  }
  return ok;
}

bool SyncHistory(client::Client& client, const api::Kind& set_kind, const client::Object& set,
                 const std::optional<api::LabelSelector>& selector,
                 const std::vector<client::ObjectPtr>& cached, const std::string& update_name,
                 const std::string& hash, const std::set<std::string, std::less<>>& live,
                 std::string_view key) {
  std::string_view ns = api::GetString(set, "metadata.namespace");
  std::string_view uid = api::GetString(set, "metadata.uid");
  std::vector<client::ObjectPtr> owned, orphans;
  for (const auto& r : cached) {
    if (api::GetString(*r, "metadata.namespace") != ns) continue;
    auto ref = ControllerRef(*r);
    if (!ref) {
      orphans.push_back(r);
    } else if (ref->uid == uid) {
      owned.push_back(r);
    }
  }
  Claimed claimed = ClaimDependents(client, ControllerRevisionKind(), set, set_kind, selector,
                                    std::move(owned), orphans);
  if (!claimed.ok) return false;
  // PlanHistory is pure and takes values; a set has a handful of revisions, so copy them.
  std::vector<client::Object> revisions;
  revisions.reserve(claimed.objects.size());
  for (const auto& r : claimed.objects) revisions.push_back(*r);
  HistoryPlan plan = PlanHistory(set_kind, set, update_name, hash, revisions, live);
  if (plan.to_create && NameClash(client, set, update_name)) {
    // Counted, so the next sync hashes the template with it into another name (Kubernetes'
    // status.collisionCount); nothing else is written on this name meanwhile. Counted on the set
    // as read here (resourceVersion): a stale copy, or a deleted set's whose name a new set took,
    // must not count.
    int64_t collisions = api::GetInt(set, "status.collisionCount").value_or(0) + 1;
    json::object patch{
        {"metadata", {{"resourceVersion", api::GetString(set, "metadata.resourceVersion")}}},
        {"status", {{"collisionCount", collisions}}}};
    auto r = client.Patch(set_kind, ns, api::GetString(set, "metadata.name"),
                          client::PatchType::kMerge, patch, /*status=*/true);
    spdlog::info("{}: revision name {} is taken by another revision: collisionCount {}{}", key,
                 update_name, collisions, r.ok() ? "" : " not written: " + r.error().message);
    return false;
  }
  return ApplyHistory(client, plan, ns, key);
}

}  // namespace skiff::controllers
