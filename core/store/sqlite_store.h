#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "core/base/status.h"
#include "core/store/store.h"

namespace skiff::store {

struct SqliteStoreOptions {
  // Recent events kept in memory for watch replay; older ones are read from the file.
  std::size_t memory_history_events = 10000;
};

// Opens (creating if needed) the durable store in the SQLite file at `path`, recovering its
// keys, revision, compacted revision and history. One process at a time: a second open of
// the same path fails with Unavailable while the first is alive.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const SqliteStoreOptions& options);

}  // namespace skiff::store
