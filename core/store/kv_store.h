#pragma once

#include <cstddef>
#include <memory>
#include <mutex>

#include "core/store/group_committer.h"
#include "core/store/journal.h"
#include "core/store/keyspace.h"
#include "core/store/store.h"
#include "core/store/watch_hub.h"

namespace skiff::store {

// The Store shared by every embedded backend: reads from the in-memory keyspace, writes
// through the group committer, watches through the hub; a backend only supplies the journal
// (none for memory). Thread-safe as Store requires; owns its journal and threads.
class KvStore final : public Store {
 public:
  // `memory_history_limit`: see WatchHub (0 = keep all retained history in memory).
  KvStore(std::unique_ptr<Journal> journal, RecoveredState state, std::size_t memory_history_limit);
  ~KvStore() override;

  Result<Revision> Create(std::string_view key, std::string value) override;
  Result<Revision> Update(std::string_view key, std::string value, Revision expected) override;
  Result<KeyValue> Delete(std::string_view key, Revision expected) override;

  Result<KeyValue> Get(std::string_view key) const override;
  ListResult List(std::string_view prefix, const ListOptions& options) const override;
  Revision CurrentRevision() const override;

  Result<std::unique_ptr<WatchHandle>> Watch(std::string_view prefix, Revision after,
                                             WatchCallback callback) override;

  Status Compact(Revision revision) override;
  Revision CompactedRevision() const override;

 private:
  Result<Event> Write(Mutation mutation);

  // Declared in dependency order: destroyed writer first, journal last.
  std::unique_ptr<Journal> journal_;
  Keyspace keyspace_;
  WatchHub hub_;
  GroupCommitter committer_;
  std::mutex compact_mu_;  // one compaction at a time
};

}  // namespace skiff::store
