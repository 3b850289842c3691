#pragma once

// The Store: a key-value store with etcd v3 semantics, the only durable state of skiff.
//
// - One global revision, +1 per successful write (create, update, delete).
// - Each key carries create_revision and mod_revision; update/delete are compare-and-swap
//   on mod_revision.
// - Reads (get, list) are served at the latest revision.
// - watch(prefix, after) delivers every event with revision > after, in revision order,
//   never duplicated, never skipped; when some of those events were compacted away
//   (after < compacted_revision()) it fails with Status::Compacted.
//
// Thread-safety: every method may be called from any thread concurrently. A write returns
// only once it is durable (for persistent backends); if the backend could not persist a
// write, that write and every later one fail with Unavailable (reopen the store).
// Watch callbacks run on a store-owned thread; they must be quick and must not call back
// into the store's write methods.
// Ownership: the caller owns the Store and every WatchHandle; destroying a handle cancels
// its watch (no callback runs after the destructor returns). All handles must be destroyed
// before the Store.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace skiff::store {

using Revision = std::int64_t;

struct KeyValue {
  std::string key;
  std::string value;
  Revision create_revision = 0;
  Revision mod_revision = 0;
};

struct Event {
  enum class Type { kPut, kDelete };
  Type type = Type::kPut;
  // For kPut: the new state (mod_revision == the event's revision). For kDelete: key and
  // value as they were when deleted, mod_revision == the revision of the delete.
  KeyValue kv;
  // The state before this event, when there was one (absent for a create).
  std::optional<KeyValue> prev;
  Revision revision() const { return kv.mod_revision; }
};

struct ListResult {
  std::vector<KeyValue> items;  // sorted by key
  Revision revision = 0;        // the store revision the list was read at
  bool more = false;            // true when limit cut the result
};

struct ListOptions {
  std::string start_after;  // only keys strictly greater than this (for paging)
  std::size_t limit = 0;    // 0 = no limit
};

// A committed event as watchers receive it: one copy, shared by all of them.
using SharedEvent = std::shared_ptr<const Event>;

// Called with one or more events in revision order. Runs on a store thread.
using WatchCallback = std::function<void(const std::vector<SharedEvent>& events)>;

class WatchHandle {
 public:
  virtual ~WatchHandle() = default;
};

class Store {
 public:
  virtual ~Store() = default;

  // Keys are non-empty byte strings (InvalidArgument otherwise); values are any bytes.
  // A refused write (AlreadyExists, NotFound, Conflict) takes no revision.

  // Creates key only if absent. Returns the new revision, or AlreadyExists.
  virtual Result<Revision> Create(std::string_view key, std::string value) = 0;
  // Replaces key only if its mod_revision == expected. NotFound if absent, Conflict if stale
  // (expected == 0 never matches). Keeps the key's create_revision.
  virtual Result<Revision> Update(std::string_view key, std::string value, Revision expected) = 0;
  // Deletes key if its mod_revision == expected (expected == 0: unconditionally).
  // Returns the deleted KeyValue with mod_revision set to the delete's revision.
  virtual Result<KeyValue> Delete(std::string_view key, Revision expected) = 0;

  virtual Result<KeyValue> Get(std::string_view key) const = 0;
  virtual ListResult List(std::string_view prefix, const ListOptions& options = {}) const = 0;
  // The latest revision (of the last acknowledged write).
  virtual Revision CurrentRevision() const = 0;

  // Watches keys with this prefix for events with revision > after.
  // after == 0 means "from now" (current revision). Compacted if after < CompactedRevision().
  // A callback may destroy its own handle (it is then never called again); destroying a
  // handle from any other thread waits for a running callback of it to return.
  virtual Result<std::unique_ptr<WatchHandle>> Watch(std::string_view prefix, Revision after,
                                                     WatchCallback callback) = 0;

  // Drops history at or below revision; watches from there fail with Compacted. Live keys
  // stay. A no-op at or below CompactedRevision(); InvalidArgument above CurrentRevision().
  virtual Status Compact(Revision revision) = 0;
  virtual Revision CompactedRevision() const = 0;
};

}  // namespace skiff::store
