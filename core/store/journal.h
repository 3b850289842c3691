#pragma once

#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/store/store.h"

namespace skiff::store {

// What a durable backend recovers on open: the live keys and the revision counters.
struct RecoveredState {
  Revision revision = 0;
  Revision compacted = 0;
  std::vector<KeyValue> kvs;
};

// The persistence seam of a store: makes committed events durable and keeps their history.
// The memory backend has none. Thread-safe: Commit and Compact are called by one writer at a
// time, ReadHistory concurrently with them.
class Journal {
 public:
  virtual ~Journal() = default;

  // Makes `events` (consecutive revisions) durable atomically; returns only once they are.
  virtual Status Commit(const std::vector<Event>& events) = 0;
  // Drops the history at or below `revision` and records it as the compacted revision.
  virtual Status Compact(Revision revision) = 0;
  // Appends to `out` the events with after < revision <= through whose key has `prefix`.
  virtual Status ReadHistory(std::string_view prefix, Revision after, Revision through,
                             std::vector<Event>* out) = 0;
};

}  // namespace skiff::store
