#include "core/store/kv_store.h"

#include <spdlog/spdlog.h>

#include <string>
#include <utility>

namespace skiff::store {

KvStore::KvStore(std::unique_ptr<Journal> journal, RecoveredState state,
                 std::size_t memory_history_limit)
    : journal_(std::move(journal)),
      keyspace_(state.revision, std::move(state.kvs)),
      hub_(state.revision, state.compacted, journal_.get(), memory_history_limit),
      committer_(keyspace_, hub_, journal_.get()) {}

KvStore::~KvStore() = default;

Result<Event> KvStore::Write(Mutation mutation) {
  if (mutation.key.empty()) return Status::InvalidArgument("empty key");
  return committer_.Submit(std::move(mutation));
}

Result<Revision> KvStore::Create(std::string_view key, std::string value) {
  Result<Event> event = Write({Mutation::Kind::kCreate, std::string(key), std::move(value), 0});
  if (!event.ok()) return event.status();
  return event->revision();
}

Result<Revision> KvStore::Update(std::string_view key, std::string value, Revision expected) {
  Result<Event> event =
      Write({Mutation::Kind::kUpdate, std::string(key), std::move(value), expected});
  if (!event.ok()) return event.status();
  return event->revision();
}

Result<KeyValue> KvStore::Delete(std::string_view key, Revision expected) {
  Result<Event> event = Write({Mutation::Kind::kDelete, std::string(key), {}, expected});
  if (!event.ok()) return event.status();
  return std::move(event->kv);
}

Result<KeyValue> KvStore::Get(std::string_view key) const {
  std::optional<KeyValue> kv = keyspace_.Get(key);
  if (!kv) return Status::NotFound("key " + std::string(key) + " not found");
  return std::move(*kv);
}

ListResult KvStore::List(std::string_view prefix, const ListOptions& options) const {
  return keyspace_.List(prefix, options);
}

Revision KvStore::CurrentRevision() const { return keyspace_.revision(); }

Result<std::unique_ptr<WatchHandle>> KvStore::Watch(std::string_view prefix, Revision after,
                                                    WatchCallback callback) {
  if (after < 0) return Status::InvalidArgument("negative watch revision");
  // "Now" is what readers see: an acknowledged write is never replayed to a later watch(0).
  if (after == 0) after = keyspace_.revision();
  return hub_.Watch(std::string(prefix), after, std::move(callback));
}

Status KvStore::Compact(Revision revision) {
  std::lock_guard lock(compact_mu_);
  if (revision <= hub_.compacted()) return Status::Ok();
  // The hub first: from here no watch can start below `revision`, so deleting is safe.
  if (Status status = hub_.Compact(revision); !status.ok()) return status;
  if (journal_ != nullptr) {
    if (Status status = journal_->Compact(revision); !status.ok()) {
      spdlog::error("store: compaction at {} failed: {}", revision, status.ToString());
      return status;
    }
  }
  spdlog::debug("store: compacted history at or below revision {}", revision);
  return Status::Ok();
}

Revision KvStore::CompactedRevision() const { return hub_.compacted(); }

}  // namespace skiff::store
