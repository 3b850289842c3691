#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "core/base/status.h"
#include "core/store/journal.h"
#include "core/store/keyspace.h"
#include "core/store/mutation.h"
#include "core/store/watch_hub.h"

namespace skiff::store {

// The single writer of a store (group commit). Callers queue mutations; the caller at the
// head of the queue becomes the writer: it takes everything queued, checks each in order,
// makes the successful ones durable in one journal commit, applies them to the keyspace,
// publishes them to the hub, wakes each caller of the batch and hands the writer role to
// the next in line. One writer at a time, no thread handoff when a caller writes alone.
// Thread-safe; owned by the store, with the keyspace, hub and journal outliving it.
class GroupCommitter {
 public:
  GroupCommitter(Keyspace& keyspace, WatchHub& hub, Journal* journal);
  ~GroupCommitter();  // no Submit may be running

  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Blocks until the mutation is committed (its event) or refused (why).
  Result<Event> Submit(Mutation mutation);

 private:
  struct Request;

  void CommitBatch(const std::vector<Request*>& batch);  // only by the current writer

  Keyspace& keyspace_;
  WatchHub& hub_;
  Journal* const journal_;  // null: nothing to persist

  // Touched only by the current writer (the role passes under mu_).
  // After a failed journal commit the on-disk state is uncertain: refuse every later write.
  Status failure_;
  std::uint64_t commits_ = 0;  // journal transactions
  std::uint64_t writes_ = 0;   // events committed

  std::mutex mu_;
  std::deque<Request*> queue_;  // the front is the writer, with its batch right behind it
};

}  // namespace skiff::store
