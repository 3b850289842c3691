#include "core/controllers/garbagecollector/garbage_collector.h"

#include <spdlog/spdlog.h>

#include "core/api/json_fields.h"

namespace skiff::controllers {
namespace json = boost::json;

namespace {

constexpr auto kForegroundRecheck = std::chrono::seconds(5);
// Between the two passes over an orphaning owner's dependents (see the header).
constexpr auto kOrphanSettle = std::chrono::milliseconds(500);

enum class OwnerState { kSolid, kWaiting, kGone, kError };

}  // namespace

GarbageCollector::GarbageCollector(client::InformerFactory& informers, int workers)
    : client_(informers.client()),
      workers_(workers),
      runner_(queue_, [this](const std::string& uid) { return Sync(uid); }) {
  for (const api::Kind& kind : api::KindRegistry::Builtin().All()) {
    if (kind.kind != "Event") informers_.emplace_back(&kind, &informers.For(kind));
  }
}

GarbageCollector::~GarbageCollector() {
  runner_.Stop();
  handlers_.clear();
}

void GarbageCollector::Start() {
  for (auto [kind, informer] : informers_) {
    handlers_.push_back(informer->AddHandlers(client::InformerHandlers{
        [this, kind](const client::Object& o) { OnUpsert(*kind, o); },
        [this, kind](const client::Object&, const client::Object& o) { OnUpsert(*kind, o); },
        [this](const client::Object& o) { OnDelete(o); }}));
    informer->Start();
  }
  runner_.Start(workers_);
}

bool GarbageCollector::WaitForSync(std::chrono::milliseconds timeout) {
  for (auto [kind, informer] : informers_) {
    if (!informer->WaitForSync(timeout)) return false;
  }
  return true;
}

void GarbageCollector::OnUpsert(const api::Kind& kind, const client::Object& obj) {
  GraphNode node = graph_.Upsert(kind, obj);
  if (node.deleting && (node.orphan || node.foreground)) {
    queue_.Add(node.uid);
    return;
  }
  // A dependent whose owner is not in the graph may be garbage (or the owner is not seen yet:
  // Sync looks it up).
  for (const auto& o : node.owners) {
    auto owner = graph_.Get(o.uid);
    if (!owner || (owner->deleting && owner->foreground)) {
      queue_.Add(node.uid);
      break;
    }
  }
}

void GarbageCollector::OnDelete(const client::Object& obj) {
  auto node = graph_.Remove(obj);
  if (!node) return;
  {
    std::lock_guard lock(mu_);
    orphan_first_pass_done_.erase(node->uid);
  }
  // Its dependents may be garbage now; owners waiting for it may be done.
  for (const auto& d : graph_.Dependents(node->uid)) queue_.Add(d.uid);
  for (const auto& o : node->owners) {
    auto owner = graph_.Get(o.uid);
    if (owner && owner->deleting && owner->foreground) queue_.Add(o.uid);
  }
}

bool GarbageCollector::Sync(const std::string& uid) {
  auto node = graph_.Get(uid);
  if (!node) return true;
  if (node->deleting) {
    if (node->orphan) return ProcessOrphan(*node);
    if (node->foreground) return ProcessForeground(*node);
    return true;
  }
  return CollectIfOrphaned(*node);
}

bool GarbageCollector::RemoveFinalizer(const GraphNode& node, std::string_view finalizer) {
  auto fresh = client_.Get(*node.kind, node.ns, node.name);
  if (!fresh.ok()) return fresh.error().code == 404;
  if (api::GetString(*fresh, "metadata.uid") != node.uid) return true;
  json::object& meta = api::ChildObject(*fresh, "metadata");
  json::array kept;
  if (const json::value* f = meta.if_contains("finalizers"); f && f->is_array()) {
    for (const auto& v : f->as_array()) {
      if (!(v.is_string() && v.as_string() == finalizer)) kept.push_back(v);
    }
  }
  meta["finalizers"] = std::move(kept);
  auto r = client_.Update(*node.kind, *fresh);
  if (!r.ok() && r.error().code != 404) {
    spdlog::debug("garbage collector: remove {} from {} {}/{}: {}", finalizer, node.kind->kind,
                  node.ns, node.name, r.error().message);
    return false;
  }
  return true;
}

bool GarbageCollector::ProcessOrphan(const GraphNode& owner) {
  for (const auto& d : graph_.Dependents(owner.uid)) {
    auto fresh = client_.Get(*d.kind, d.ns, d.name);
    if (!fresh.ok()) {
      if (fresh.error().code == 404) continue;
      return false;
    }
    if (api::GetString(*fresh, "metadata.uid") != d.uid) continue;
    auto r = Release(client_, *d.kind, *fresh, owner.uid);
    if (!r.ok() && r.error().code != 404) return false;
  }
  {
    std::lock_guard lock(mu_);
    if (orphan_first_pass_done_.insert(owner.uid).second) {
      queue_.AddAfter(owner.uid, kOrphanSettle);  // dependents still on their way get released
      return true;
    }
  }
  if (!RemoveFinalizer(owner, kOrphanFinalizer)) return false;
  {
    std::lock_guard lock(mu_);
    orphan_first_pass_done_.erase(owner.uid);
  }
  spdlog::info("garbage collector: orphaned the dependents of {} {}/{}", owner.kind->kind, owner.ns,
               owner.name);
  return true;
}

bool GarbageCollector::ProcessForeground(const GraphNode& owner) {
  int blocking = 0;
  bool ok = true;
  for (const auto& d : graph_.Dependents(owner.uid)) {
    for (const auto& ref : d.owners) {
      if (ref.uid == owner.uid && ref.block_owner_deletion) ++blocking;
    }
    if (d.deleting) continue;
    client::DeleteOptions opts;
    opts.precondition_uid = d.uid;
    opts.propagation_policy = graph_.HasDependents(d.uid) ? "Foreground" : "Background";
    auto r = client_.Delete(*d.kind, d.ns, d.name, opts);
    if (!r.ok() && r.error().code != 404 && r.error().code != 409) ok = false;
  }
  if (blocking > 0) {
    queue_.AddAfter(owner.uid, kForegroundRecheck);  // also woken by the dependents' deletion
    return ok;
  }
  if (!RemoveFinalizer(owner, kForegroundFinalizer)) return false;
  return ok;
}

bool GarbageCollector::CollectIfOrphaned(const GraphNode& node) {
  if (node.owners.empty()) return true;
  std::vector<std::string> dangling;
  int solid = 0, waiting = 0;
  for (const auto& ref : node.owners) {
    OwnerState state = OwnerState::kGone;
    if (auto owner = graph_.Get(ref.uid)) {
      state = owner->deleting && owner->foreground ? OwnerState::kWaiting : OwnerState::kSolid;
    } else {
      const api::Kind* kind = api::KindRegistry::Builtin().ByKind(ref.api_version, ref.kind);
      if (!kind) {
        state = OwnerState::kSolid;  // a kind this server does not serve: leave it be
      } else {
        auto live = client_.Get(*kind, kind->namespaced ? node.ns : "", ref.name);
        if (live.ok() && api::GetString(*live, "metadata.uid") == ref.uid) {
          bool fg = false;
          if (const json::array* f = api::FindArray(*live, "metadata.finalizers")) {
            for (const auto& v : *f)
              fg = fg || (v.is_string() && v.as_string() == kForegroundFinalizer);
          }
          state = fg && !api::GetString(*live, "metadata.deletionTimestamp").empty()
                      ? OwnerState::kWaiting
                      : OwnerState::kSolid;
        } else if (!live.ok() && live.error().code != 404) {
          state = OwnerState::kError;
        }
      }
    }
    switch (state) {
      case OwnerState::kSolid:
        ++solid;
        break;
      case OwnerState::kWaiting:
        ++waiting;
        break;
      case OwnerState::kGone:
        dangling.push_back(ref.uid);
        break;
      case OwnerState::kError:
        return false;
    }
  }
  if (solid > 0) {
    if (dangling.empty()) return true;
    // Drop the references to owners that are gone.
    auto fresh = client_.Get(*node.kind, node.ns, node.name);
    if (!fresh.ok()) return fresh.error().code == 404;
    if (api::GetString(*fresh, "metadata.uid") != node.uid) return true;
    json::array kept;
    if (const json::array* refs = api::FindArray(*fresh, "metadata.ownerReferences")) {
      for (const auto& r : *refs) {
        bool gone = false;
        for (const auto& g : dangling) {
          gone = gone || (r.is_object() && api::GetString(r.get_object(), "uid") == g);
        }
        if (!gone) kept.push_back(r);
      }
    }
    api::ChildObject(*fresh, "metadata")["ownerReferences"] = std::move(kept);
    auto r = client_.Update(*node.kind, *fresh);
    return r.ok() || r.error().code == 404;
  }
  if (waiting == 0 && dangling.empty()) return true;
  client::DeleteOptions opts;
  opts.precondition_uid = node.uid;
  opts.propagation_policy =
      waiting > 0 && graph_.HasDependents(node.uid) ? "Foreground" : "Background";
  auto r = client_.Delete(*node.kind, node.ns, node.name, opts);
  if (!r.ok() && r.error().code != 404 && r.error().code != 409) {
    spdlog::warn("garbage collector: delete {} {}/{}: {}", node.kind->kind, node.ns, node.name,
                 r.error().message);
    return false;
  }
  spdlog::debug("garbage collector: deleted {} {}/{} (owners gone)", node.kind->kind, node.ns,
                node.name);
  return true;
}

}  // namespace skiff::controllers
