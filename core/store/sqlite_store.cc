#include "core/store/sqlite_store.h"

#include <utility>

#include "core/store/kv_store.h"
#include "core/store/sqlite_journal.h"

namespace skiff::store {

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  return OpenSqliteStore(path, SqliteStoreOptions{});
}

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const SqliteStoreOptions& options) {
  RecoveredState state;
  Result<std::unique_ptr<SqliteJournal>> journal = SqliteJournal::Open(path, &state);
  if (!journal.ok()) return journal.status();
  // Zero would mean "everything in memory", which a journal-backed store does not need.
  std::size_t limit = options.memory_history_events == 0 ? 1 : options.memory_history_events;
  return std::unique_ptr<Store>(
      std::make_unique<KvStore>(std::move(journal).value(), std::move(state), limit));
}

}  // namespace skiff::store
