#include "core/store/sqlite_journal.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <utility>

namespace skiff::store {

namespace {

constexpr std::int64_t kSchemaVersion = 1;
constexpr std::int64_t kTypePut = 0;
constexpr std::int64_t kTypeDelete = 1;

// history keeps every event with its previous state, so a replay carries `prev` too. For a
// delete, value is NULL: the deleted value is prev_value.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS kv(
  key BLOB PRIMARY KEY,
  value BLOB NOT NULL,
  create_revision INTEGER NOT NULL,
  mod_revision INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS history(
  revision INTEGER PRIMARY KEY,
  type INTEGER NOT NULL,
  key BLOB NOT NULL,
  value BLOB,
  create_revision INTEGER NOT NULL,
  prev_value BLOB,
  prev_create_revision INTEGER,
  prev_mod_revision INTEGER);
CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO meta(name, value) VALUES('schema', 1), ('revision', 0), ('compacted', 0);
)sql";

#define SKIFF_RETURN_IF_ERROR(expr)              \
  do {                                           \
    if (Status s_ = (expr); !s_.ok()) return s_; \
  } while (false)

Status Assign(Result<SqliteStatement> prepared, SqliteStatement* out) {
  if (!prepared.ok()) return prepared.status();
  *out = std::move(prepared).value();
  return Status::Ok();
}

Status Configure(SqliteDb& db) {
  SKIFF_RETURN_IF_ERROR(db.Exec("PRAGMA busy_timeout = 10000"));
  // FULL: in WAL mode every commit fsyncs the log before it returns.
  return db.Exec("PRAGMA synchronous = FULL");
}

}  // namespace

Result<std::unique_ptr<SqliteJournal>> SqliteJournal::Open(const std::string& path,
                                                           RecoveredState* state) {
  std::unique_ptr<SqliteJournal> journal(new SqliteJournal());
  if (Status status = journal->Initialize(path, state); !status.ok()) return status;
  spdlog::info("store: opened {} at revision {} (compacted {}, {} keys)", path, state->revision,
               state->compacted, state->kvs.size());
  return journal;
}

SqliteJournal::~SqliteJournal() {
  if (lock_fd_ >= 0) close(lock_fd_);  // releases the flock
}

Status SqliteJournal::Initialize(const std::string& path, RecoveredState* state) {
  std::string lock_path = path + ".lock";
  lock_fd_ = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) {
    return Status::Unavailable("open " + lock_path + ": " + std::strerror(errno));
  }
  if (flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    return Status::Unavailable(path + " is in use by another process");
  }

  Result<SqliteDb> writer = SqliteDb::Open(path);
  if (!writer.ok()) return writer.status();
  writer_ = std::move(writer).value();
  SKIFF_RETURN_IF_ERROR(Configure(writer_));
  {
    Result<SqliteStatement> mode = writer_.Prepare("PRAGMA journal_mode = WAL");
    if (!mode.ok()) return mode.status();
    Result<bool> row = mode->Step();
    if (!row.ok()) return row.status();
    if (!*row || mode->ColumnBlob(0) != "wal") {
      return Status::Unavailable("cannot put " + path + " in WAL mode");
    }
  }
  SKIFF_RETURN_IF_ERROR(writer_.Exec(kSchema));

  SKIFF_RETURN_IF_ERROR(Assign(writer_.Prepare("BEGIN IMMEDIATE"), &begin_));
  SKIFF_RETURN_IF_ERROR(Assign(writer_.Prepare("COMMIT"), &commit_));
  SKIFF_RETURN_IF_ERROR(Assign(writer_.Prepare("ROLLBACK"), &rollback_));
  SKIFF_RETURN_IF_ERROR(
      Assign(writer_.Prepare("INSERT OR REPLACE INTO kv(key, value, create_revision, mod_revision) "
                             "VALUES(?1, ?2, ?3, ?4)"),
             &put_kv_));
  SKIFF_RETURN_IF_ERROR(Assign(writer_.Prepare("DELETE FROM kv WHERE key = ?1"), &delete_kv_));
  SKIFF_RETURN_IF_ERROR(
      Assign(writer_.Prepare("INSERT INTO history(revision, type, key, value, create_revision, "
                             "prev_value, prev_create_revision, prev_mod_revision) "
                             "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
             &append_history_));
  SKIFF_RETURN_IF_ERROR(
      Assign(writer_.Prepare("UPDATE meta SET value = ?2 WHERE name = ?1"), &set_meta_));
  SKIFF_RETURN_IF_ERROR(
      Assign(writer_.Prepare("DELETE FROM history WHERE revision <= ?1"), &compact_history_));
  SKIFF_RETURN_IF_ERROR(Load(state));

  Result<SqliteDb> reader = SqliteDb::Open(path);
  if (!reader.ok()) return reader.status();
  reader_ = std::move(reader).value();
  SKIFF_RETURN_IF_ERROR(Configure(reader_));
  return Assign(reader_.Prepare("SELECT revision, type, key, value, create_revision, "
                                "prev_value, prev_create_revision, prev_mod_revision "
                                "FROM history WHERE revision > ?1 AND revision <= ?2 "
                                "ORDER BY revision"),
                &read_history_);
}

Status SqliteJournal::Load(RecoveredState* state) {
  Result<SqliteStatement> meta = writer_.Prepare("SELECT name, value FROM meta");
  if (!meta.ok()) return meta.status();
  std::int64_t schema = 0;
  Result<bool> meta_row = meta->Step();
  for (; meta_row.ok() && *meta_row; meta_row = meta->Step()) {
    std::string name = meta->ColumnBlob(0);
    if (name == "schema") schema = meta->ColumnInt(1);
    if (name == "revision") state->revision = meta->ColumnInt(1);
    if (name == "compacted") state->compacted = meta->ColumnInt(1);
  }
  if (!meta_row.ok()) return meta_row.status();
  if (schema != kSchemaVersion) {
    return Status::Internal("unsupported store schema version " + std::to_string(schema));
  }

  Result<SqliteStatement> kvs =
      writer_.Prepare("SELECT key, value, create_revision, mod_revision FROM kv");
  if (!kvs.ok()) return kvs.status();
  Result<bool> row = kvs->Step();
  for (; row.ok() && *row; row = kvs->Step()) {
    state->kvs.push_back(
        KeyValue{kvs->ColumnBlob(0), kvs->ColumnBlob(1), kvs->ColumnInt(2), kvs->ColumnInt(3)});
  }
  return row.status();
}

Status SqliteJournal::RunInTransaction(const std::function<Status()>& body) {
  SKIFF_RETURN_IF_ERROR(begin_.Run());
  Status status = body();
  if (status.ok()) status = commit_.Run();
  if (!status.ok()) {
    // A failed COMMIT may leave the transaction open; roll back whatever remains.
    if (Status rollback = rollback_.Run(); !rollback.ok()) {
      spdlog::warn("store: rollback: {}", rollback.ToString());
    }
  }
  return status;
}

Status SqliteJournal::SetMeta(std::string_view name, std::int64_t value) {
  set_meta_.BindText(1, name);
  set_meta_.BindInt(2, value);
  return set_meta_.Run();
}

Status SqliteJournal::AppendEvent(const Event& event) {
  const KeyValue& kv = event.kv;
  if (event.type == Event::Type::kPut) {
    put_kv_.BindBlob(1, kv.key);
    put_kv_.BindBlob(2, kv.value);
    put_kv_.BindInt(3, kv.create_revision);
    put_kv_.BindInt(4, kv.mod_revision);
    SKIFF_RETURN_IF_ERROR(put_kv_.Run());
  } else {
    delete_kv_.BindBlob(1, kv.key);
    SKIFF_RETURN_IF_ERROR(delete_kv_.Run());
  }
  append_history_.BindInt(1, event.revision());
  append_history_.BindInt(2, event.type == Event::Type::kPut ? kTypePut : kTypeDelete);
  append_history_.BindBlob(3, kv.key);
  if (event.type == Event::Type::kPut) {
    append_history_.BindBlob(4, kv.value);
  } else {
    append_history_.BindNull(4);
  }
  append_history_.BindInt(5, kv.create_revision);
  if (event.prev) {
    append_history_.BindBlob(6, event.prev->value);
    append_history_.BindInt(7, event.prev->create_revision);
    append_history_.BindInt(8, event.prev->mod_revision);
  }
  return append_history_.Run();
}

Status SqliteJournal::Commit(const std::vector<Event>& events) {
  if (events.empty()) return Status::Ok();
  std::lock_guard lock(write_mu_);
  return RunInTransaction([&]() -> Status {
    for (const Event& event : events) SKIFF_RETURN_IF_ERROR(AppendEvent(event));
    return SetMeta("revision", events.back().revision());
  });
}

Status SqliteJournal::Compact(Revision revision) {
  std::lock_guard lock(write_mu_);
  return RunInTransaction([&]() -> Status {
    compact_history_.BindInt(1, revision);
    SKIFF_RETURN_IF_ERROR(compact_history_.Run());
    return SetMeta("compacted", revision);
  });
}

Status SqliteJournal::ReadHistory(std::string_view prefix, Revision after, Revision through,
                                  std::vector<Event>* out) {
  if (through <= after) return Status::Ok();
  std::lock_guard lock(read_mu_);
  read_history_.BindInt(1, after);
  read_history_.BindInt(2, through);
  Result<bool> row = read_history_.Step();
  for (; row.ok() && *row; row = read_history_.Step()) {
    std::string key = read_history_.ColumnBlob(2);
    if (!key.starts_with(prefix)) continue;
    Event event;
    Revision revision = read_history_.ColumnInt(0);
    bool is_put = read_history_.ColumnInt(1) == kTypePut;
    event.type = is_put ? Event::Type::kPut : Event::Type::kDelete;
    if (!read_history_.ColumnIsNull(7)) {
      event.prev = KeyValue{key, read_history_.ColumnBlob(5), read_history_.ColumnInt(6),
                            read_history_.ColumnInt(7)};
    }
    std::string value = is_put ? read_history_.ColumnBlob(3) : read_history_.ColumnBlob(5);
    event.kv = KeyValue{std::move(key), std::move(value), read_history_.ColumnInt(4), revision};
    out->push_back(std::move(event));
  }
  if (!row.ok()) return row.status();
  read_history_.Reset();
  return Status::Ok();
}

}  // namespace skiff::store
