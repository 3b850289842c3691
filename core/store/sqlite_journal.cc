#include "core/store/sqlite_journal.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>

namespace skiff::store {

namespace {

constexpr std::int64_t kSchemaVersion = 2;
constexpr std::int64_t kTypePut = 0;
constexpr std::int64_t kTypeDelete = 1;
// Revisions folded per compaction transaction: bounds how long a commit waits behind it.
constexpr Revision kCompactionStep = 5000;

// history.value is NULL for a delete (the deleted value is the previous one). The previous
// state of an update or delete is stored as its revisions only; its value is the value of
// history row prev_mod_revision, or of compacted_kv when that row was compacted away.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS history(
  revision INTEGER PRIMARY KEY,
  type INTEGER NOT NULL,
  key BLOB NOT NULL,
  value BLOB,
  create_revision INTEGER NOT NULL,
  prev_create_revision INTEGER,
  prev_mod_revision INTEGER);
CREATE TABLE IF NOT EXISTS compacted_kv(
  key BLOB PRIMARY KEY,
  value BLOB NOT NULL,
  create_revision INTEGER NOT NULL,
  mod_revision INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO meta(name, value) VALUES('schema', 2), ('compacted', 0);
)sql";

#define SKIFF_RETURN_IF_ERROR(expr)              \
  do {                                           \
    if (Status s_ = (expr); !s_.ok()) return s_; \
  } while (false)

Status Prepare(SqliteDb& db, const char* sql, SqliteStatement* out) {
  Result<SqliteStatement> prepared = db.Prepare(sql);
  if (!prepared.ok()) return prepared.status();
  *out = std::move(prepared).value();
  return Status::Ok();
}

Status Configure(SqliteDb& db) {
  SKIFF_RETURN_IF_ERROR(db.Exec("PRAGMA busy_timeout = 10000"));
  // FULL: in WAL mode every commit fsyncs the log before it returns.
  return db.Exec("PRAGMA synchronous = FULL");
}

// Reads one integer row of a query; `fallback` when it has no row.
Result<std::int64_t> QueryInt(SqliteStatement& statement, std::int64_t fallback) {
  Result<bool> row = statement.Step();
  if (!row.ok()) return row.status();
  std::int64_t value = *row ? statement.ColumnInt(0) : fallback;
  statement.Reset();
  return value;
}

}  // namespace

Result<std::unique_ptr<SqliteJournal>> SqliteJournal::Open(const std::string& path,
                                                           RecoveredState* state) {
  Result<FileLock> lock = FileLock::Acquire(path + ".lock");
  if (!lock.ok()) return lock.status();
  std::unique_ptr<SqliteJournal> journal(new SqliteJournal(std::move(lock).value()));
  if (Status status = journal->Initialize(path, state); !status.ok()) return status;
  spdlog::info("store: opened {} at revision {} (compacted {}, {} keys)", path, state->revision,
               state->compacted, state->kvs.size());
  return journal;
}

Status SqliteJournal::Initialize(const std::string& path, RecoveredState* state) {
  Result<SqliteDb> writer = SqliteDb::Open(path);
  if (!writer.ok()) return writer.status();
  writer_ = std::move(writer).value();
  SKIFF_RETURN_IF_ERROR(Configure(writer_));
  {
    SqliteStatement mode;
    SKIFF_RETURN_IF_ERROR(Prepare(writer_, "PRAGMA journal_mode = WAL", &mode));
    Result<bool> row = mode.Step();
    if (!row.ok()) return row.status();
    if (!*row || mode.ColumnBlob(0) != "wal") {
      return Status::Unavailable("cannot put " + path + " in WAL mode");
    }
  }
  SKIFF_RETURN_IF_ERROR(writer_.Exec(kSchema));

  Result<SqliteDb> reader = SqliteDb::Open(path);
  if (!reader.ok()) return reader.status();
  reader_ = std::move(reader).value();
  SKIFF_RETURN_IF_ERROR(Configure(reader_));
  SKIFF_RETURN_IF_ERROR(PrepareStatements());
  return Load(state);
}

Status SqliteJournal::PrepareStatements() {
  SKIFF_RETURN_IF_ERROR(Prepare(writer_, "BEGIN IMMEDIATE", &begin_write_));
  SKIFF_RETURN_IF_ERROR(Prepare(writer_, "COMMIT", &commit_write_));
  SKIFF_RETURN_IF_ERROR(Prepare(writer_, "ROLLBACK", &rollback_write_));
  SKIFF_RETURN_IF_ERROR(Prepare(writer_,
                                "INSERT INTO history(revision, type, key, value, "
                                "create_revision, prev_create_revision, prev_mod_revision) "
                                "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                &append_history_));
  SKIFF_RETURN_IF_ERROR(Prepare(writer_,
                                "SELECT revision, type, key, value, create_revision FROM "
                                "history WHERE revision <= ?1 ORDER BY revision",
                                &scan_for_fold_));
  SKIFF_RETURN_IF_ERROR(Prepare(writer_,
                                "INSERT OR REPLACE INTO compacted_kv(key, value, "
                                "create_revision, mod_revision) VALUES(?1, ?2, ?3, ?4)",
                                &fold_put_));
  SKIFF_RETURN_IF_ERROR(Prepare(writer_, "DELETE FROM compacted_kv WHERE key = ?1", &fold_delete_));
  SKIFF_RETURN_IF_ERROR(
      Prepare(writer_, "DELETE FROM history WHERE revision <= ?1", &drop_history_));
  SKIFF_RETURN_IF_ERROR(
      Prepare(writer_, "UPDATE meta SET value = ?1 WHERE name = 'compacted'", &set_compacted_));

  SKIFF_RETURN_IF_ERROR(Prepare(reader_, "BEGIN", &begin_read_));
  SKIFF_RETURN_IF_ERROR(Prepare(reader_, "COMMIT", &end_read_));
  SKIFF_RETURN_IF_ERROR(
      Prepare(reader_, "SELECT value FROM meta WHERE name = 'compacted'", &read_compacted_));
  SKIFF_RETURN_IF_ERROR(Prepare(reader_,
                                "SELECT revision, type, key, value, create_revision, "
                                "prev_create_revision, prev_mod_revision FROM history "
                                "WHERE revision > ?1 AND revision <= ?2 ORDER BY revision",
                                &read_history_));
  SKIFF_RETURN_IF_ERROR(
      Prepare(reader_, "SELECT value FROM history WHERE revision = ?1", &history_value_));
  return Prepare(reader_, "SELECT value, mod_revision FROM compacted_kv WHERE key = ?1",
                 &compacted_value_);
}

Status SqliteJournal::Load(RecoveredState* state) {
  SqliteStatement schema;
  SKIFF_RETURN_IF_ERROR(Prepare(writer_, "SELECT value FROM meta WHERE name = 'schema'", &schema));
  Result<std::int64_t> version = QueryInt(schema, 0);
  if (!version.ok()) return version.status();
  if (*version != kSchemaVersion) {
    return Status::Internal("unsupported store schema version " + std::to_string(*version));
  }
  SqliteStatement compacted;
  SKIFF_RETURN_IF_ERROR(
      Prepare(writer_, "SELECT value FROM meta WHERE name = 'compacted'", &compacted));
  Result<std::int64_t> compacted_revision = QueryInt(compacted, 0);
  if (!compacted_revision.ok()) return compacted_revision.status();
  compacted_ = *compacted_revision;

  std::map<std::string, KeyValue> live;
  SqliteStatement snapshot;
  SKIFF_RETURN_IF_ERROR(Prepare(
      writer_, "SELECT key, value, create_revision, mod_revision FROM compacted_kv", &snapshot));
  Result<bool> row = snapshot.Step();
  for (; row.ok() && *row; row = snapshot.Step()) {
    KeyValue kv{snapshot.ColumnBlob(0), snapshot.ColumnBlob(1), snapshot.ColumnInt(2),
                snapshot.ColumnInt(3)};
    live.emplace(kv.key, std::move(kv));
  }
  if (!row.ok()) return row.status();

  Revision revision = compacted_;
  SqliteStatement replay;
  SKIFF_RETURN_IF_ERROR(Prepare(
      writer_, "SELECT revision, type, key, value, create_revision FROM history ORDER BY revision",
      &replay));
  for (row = replay.Step(); row.ok() && *row; row = replay.Step()) {
    revision = replay.ColumnInt(0);
    std::string key = replay.ColumnBlob(2);
    if (replay.ColumnInt(1) == kTypePut) {
      live.insert_or_assign(key,
                            KeyValue{key, replay.ColumnBlob(3), replay.ColumnInt(4), revision});
    } else {
      live.erase(key);
    }
  }
  if (!row.ok()) return row.status();

  state->revision = revision;
  state->compacted = compacted_;
  state->kvs.clear();
  state->kvs.reserve(live.size());
  for (auto& [key, kv] : live) state->kvs.push_back(std::move(kv));
  return Status::Ok();
}

Status SqliteJournal::RunInTransaction(const std::function<Status()>& body) {
  SKIFF_RETURN_IF_ERROR(begin_write_.Run());
  Status status = body();
  if (status.ok()) status = commit_write_.Run();
  if (!status.ok()) {
    // A failed COMMIT may leave the transaction open; roll back whatever remains.
    if (Status rollback = rollback_write_.Run(); !rollback.ok()) {
      spdlog::warn("store: rollback: {}", rollback.ToString());
    }
  }
  return status;
}

Status SqliteJournal::AppendEvent(const Event& event) {
  const KeyValue& kv = event.kv;
  bool is_put = event.type == Event::Type::kPut;
  append_history_.BindInt(1, event.revision());
  append_history_.BindInt(2, is_put ? kTypePut : kTypeDelete);
  append_history_.BindBlob(3, kv.key);
  if (is_put) {
    append_history_.BindBlob(4, kv.value);
  } else {
    append_history_.BindNull(4);
  }
  append_history_.BindInt(5, kv.create_revision);
  if (event.prev) {
    append_history_.BindInt(6, event.prev->create_revision);
    append_history_.BindInt(7, event.prev->mod_revision);
  }
  return append_history_.Run();
}

Status SqliteJournal::Commit(const std::vector<Event>& events) {
  if (events.empty()) return Status::Ok();
  std::lock_guard lock(write_mu_);
  return RunInTransaction([&]() -> Status {
    for (const Event& event : events) SKIFF_RETURN_IF_ERROR(AppendEvent(event));
    return Status::Ok();
  });
}

Status SqliteJournal::CompactStep(Revision through) {
  return RunInTransaction([&]() -> Status {
    scan_for_fold_.BindInt(1, through);
    Result<bool> row = scan_for_fold_.Step();
    for (; row.ok() && *row; row = scan_for_fold_.Step()) {
      std::string key = scan_for_fold_.ColumnBlob(2);
      Status status;
      if (scan_for_fold_.ColumnInt(1) == kTypePut) {
        std::string value = scan_for_fold_.ColumnBlob(3);
        fold_put_.BindBlob(1, key);
        fold_put_.BindBlob(2, value);
        fold_put_.BindInt(3, scan_for_fold_.ColumnInt(4));
        fold_put_.BindInt(4, scan_for_fold_.ColumnInt(0));
        status = fold_put_.Run();
      } else {
        fold_delete_.BindBlob(1, key);
        status = fold_delete_.Run();
      }
      if (!status.ok()) {
        scan_for_fold_.Reset();
        return status;
      }
    }
    if (!row.ok()) return row.status();
    scan_for_fold_.Reset();
    drop_history_.BindInt(1, through);
    SKIFF_RETURN_IF_ERROR(drop_history_.Run());
    set_compacted_.BindInt(1, through);
    return set_compacted_.Run();
  });
}

Status SqliteJournal::Compact(Revision revision) {
  while (true) {
    std::lock_guard lock(write_mu_);
    if (compacted_ >= revision) return Status::Ok();
    Revision through = std::min(revision, compacted_ + kCompactionStep);
    SKIFF_RETURN_IF_ERROR(CompactStep(through));
    compacted_ = through;
  }
}

Result<std::string> SqliteJournal::PrevValue(const std::string& key, Revision prev_mod_revision,
                                             Revision compacted) {
  Result<bool> row = true;
  std::optional<std::string> value;
  if (prev_mod_revision > compacted) {
    history_value_.BindInt(1, prev_mod_revision);
    row = history_value_.Step();
    if (row.ok() && *row) value = history_value_.ColumnBlob(0);
    history_value_.Reset();
  } else {
    compacted_value_.BindBlob(1, key);
    row = compacted_value_.Step();
    if (row.ok() && *row && compacted_value_.ColumnInt(1) == prev_mod_revision) {
      value = compacted_value_.ColumnBlob(0);
    }
    compacted_value_.Reset();
  }
  if (!row.ok()) return row.status();
  if (!value) {
    return Status::Internal("history has no value for " + key + " at revision " +
                            std::to_string(prev_mod_revision));
  }
  return std::move(*value);
}

Status SqliteJournal::ReadHistoryLocked(std::string_view prefix, Revision after, Revision through,
                                        std::vector<Event>* out) {
  Result<std::int64_t> compacted = QueryInt(read_compacted_, 0);
  if (!compacted.ok()) return compacted.status();
  // Where each put read by this call landed in `out`, to find prev values without a query.
  std::unordered_map<Revision, std::size_t> read_here;
  read_history_.BindInt(1, after);
  read_history_.BindInt(2, through);
  Result<bool> row = read_history_.Step();
  for (; row.ok() && *row; row = read_history_.Step()) {
    std::string key = read_history_.ColumnBlob(2);
    if (!key.starts_with(prefix)) continue;
    Revision revision = read_history_.ColumnInt(0);
    Event event;
    event.type = read_history_.ColumnInt(1) == kTypePut ? Event::Type::kPut : Event::Type::kDelete;
    if (!read_history_.ColumnIsNull(6)) {
      Revision prev_mod = read_history_.ColumnInt(6);
      std::string prev_value;
      if (auto it = read_here.find(prev_mod); it != read_here.end()) {
        prev_value = (*out)[it->second].kv.value;
      } else {
        Result<std::string> looked_up = PrevValue(key, prev_mod, *compacted);
        if (!looked_up.ok()) {
          read_history_.Reset();
          return looked_up.status();
        }
        prev_value = std::move(looked_up).value();
      }
      event.prev = KeyValue{key, std::move(prev_value), read_history_.ColumnInt(5), prev_mod};
    }
    std::string value = event.type == Event::Type::kPut ? read_history_.ColumnBlob(3)
                        : event.prev                    ? event.prev->value
                                                        : std::string();
    event.kv = KeyValue{std::move(key), std::move(value), read_history_.ColumnInt(4), revision};
    if (event.type == Event::Type::kPut) read_here[revision] = out->size();
    out->push_back(std::move(event));
  }
  if (!row.ok()) return row.status();
  read_history_.Reset();
  return Status::Ok();
}

Status SqliteJournal::ReadHistory(std::string_view prefix, Revision after, Revision through,
                                  std::vector<Event>* out) {
  if (through <= after) return Status::Ok();
  std::lock_guard lock(read_mu_);
  // One read transaction: history and compacted_kv seen at the same instant.
  SKIFF_RETURN_IF_ERROR(begin_read_.Run());
  std::size_t size_before = out->size();
  Status status = ReadHistoryLocked(prefix, after, through, out);
  if (Status end = end_read_.Run(); status.ok()) status = end;
  if (!status.ok()) out->resize(size_before);
  return status;
}

}  // namespace skiff::store
