#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/store/journal.h"
#include "core/store/sqlite_db.h"

namespace skiff::store {

// The journal of the SQLite backend: one file in WAL mode with synchronous=FULL holding the
// live keys (kv), the event history (history) and the revision counters (meta). Owns its two
// connections and a lock file that keeps other processes out. Thread-safe: writes serialize
// on the write connection; history reads use their own connection and never block commits.
class SqliteJournal final : public Journal {
 public:
  // Opens or creates the file at `path` and fills `state` from it.
  static Result<std::unique_ptr<SqliteJournal>> Open(const std::string& path,
                                                     RecoveredState* state);
  ~SqliteJournal() override;

  Status Commit(const std::vector<Event>& events) override;
  Status Compact(Revision revision) override;
  Status ReadHistory(std::string_view prefix, Revision after, Revision through,
                     std::vector<Event>* out) override;

 private:
  SqliteJournal() = default;
  Status Initialize(const std::string& path, RecoveredState* state);
  Status Load(RecoveredState* state);
  Status RunInTransaction(const std::function<Status()>& body);  // requires write_mu_
  Status AppendEvent(const Event& event);                        // requires write_mu_
  Status SetMeta(std::string_view name, std::int64_t value);     // requires write_mu_

  int lock_fd_ = -1;

  std::mutex write_mu_;
  SqliteDb writer_;
  SqliteStatement begin_, commit_, rollback_, put_kv_, delete_kv_, append_history_, set_meta_,
      compact_history_;

  std::mutex read_mu_;
  SqliteDb reader_;
  SqliteStatement read_history_;
};

}  // namespace skiff::store
