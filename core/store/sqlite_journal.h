#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/status.h"
#include "core/store/file_lock.h"
#include "core/store/journal.h"
#include "core/store/sqlite_db.h"

namespace skiff::store {

// The journal of the SQLite backend, one file in WAL mode with synchronous=FULL:
//   history       every event above the compacted revision; a commit only appends here, so
//                 it dirties few pages however scattered its keys are
//   compacted_kv  the live keys as of the compacted revision; compaction folds history in
//   meta          schema version and compacted revision
// State on open = compacted_kv + history replayed; revision = the last event's (or compacted).
// Owns two connections and a lock file that keeps other processes out. Thread-safe: writes
// serialize on the write connection; history reads have their own and never block commits.
class SqliteJournal final : public Journal {
 public:
  // Opens or creates the file at `path` and fills `state` from it.
  static Result<std::unique_ptr<SqliteJournal>> Open(const std::string& path,
                                                     RecoveredState* state);

  Status Commit(const std::vector<Event>& events) override;
  // Folds history into compacted_kv and deletes it, in bounded steps so commits interleave.
  Status Compact(Revision revision) override;
  Status ReadHistory(std::string_view prefix, Revision after, Revision through,
                     std::vector<Event>* out) override;

 private:
  explicit SqliteJournal(FileLock lock) : lock_(std::move(lock)) {}
  Status Initialize(const std::string& path, RecoveredState* state);
  Status PrepareStatements();
  Status Load(RecoveredState* state);
  Status RunInTransaction(const std::function<Status()>& body);  // requires write_mu_
  Status AppendEvent(const Event& event);                        // requires write_mu_
  Status CompactStep(Revision through);                          // requires write_mu_
  Status ReadHistoryLocked(std::string_view prefix, Revision after, Revision through,
                           std::vector<Event>* out);  // requires read_mu_, in a transaction
  Result<std::string> PrevValue(const std::string& key, Revision prev_mod_revision,
                                Revision compacted);  // requires read_mu_

  FileLock lock_;  // first: released only after both connections are closed

  std::mutex write_mu_;
  SqliteDb writer_;
  Revision compacted_ = 0;  // as persisted; guarded by write_mu_
  SqliteStatement begin_write_, commit_write_, rollback_write_, append_history_, scan_for_fold_,
      fold_put_, fold_delete_, drop_history_, set_compacted_;

  std::mutex read_mu_;
  SqliteDb reader_;
  SqliteStatement begin_read_, end_read_, read_compacted_, read_history_, history_value_,
      compacted_value_;
};

}  // namespace skiff::store
