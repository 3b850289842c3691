#pragma once

// Thin RAII over the SQLite C API: just what the journal needs.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace skiff::store {

// One prepared statement. Bound text must outlive the next Step/Run. Not thread-safe.
class SqliteStatement {
 public:
  SqliteStatement() = default;
  explicit SqliteStatement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  ~SqliteStatement();

  // Indexes start at 1, as in SQL.
  void BindInt(int index, std::int64_t value);
  void BindBlob(int index, std::string_view value);  // not copied
  void BindText(int index, std::string_view value);  // not copied; TEXT never equals a BLOB
  void BindNull(int index);

  Result<bool> Step();  // true: a row is ready to read; false: finished
  Status Run();         // steps to the end and resets, for statements without rows
  void Reset();         // also clears bindings

  std::int64_t ColumnInt(int index) const;  // indexes start at 0
  std::string ColumnBlob(int index) const;
  bool ColumnIsNull(int index) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// One connection. Not thread-safe: its owner serializes every use of it and its statements.
class SqliteDb {
 public:
  static Result<SqliteDb> Open(const std::string& path);

  SqliteDb() = default;
  SqliteDb(SqliteDb&& other) noexcept;
  SqliteDb& operator=(SqliteDb&& other) noexcept;
  ~SqliteDb();

  Status Exec(const char* sql);
  Result<SqliteStatement> Prepare(const char* sql);

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

}  // namespace skiff::store
