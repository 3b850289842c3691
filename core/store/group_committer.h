#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/base/status.h"
#include "core/store/journal.h"
#include "core/store/keyspace.h"
#include "core/store/mutation.h"
#include "core/store/watch_hub.h"

namespace skiff::store {

// The single writer of a store. Callers enqueue mutations; its thread takes everything
// queued, checks each in order, makes the successful ones durable in one journal commit,
// then applies them to the keyspace, publishes them to the hub and wakes each caller.
// Thread-safe; owned by the store, with the keyspace, hub and journal outliving it.
class GroupCommitter {
 public:
  GroupCommitter(Keyspace& keyspace, WatchHub& hub, Journal* journal);
  ~GroupCommitter();  // finishes what is queued, then joins

  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Blocks until the mutation is committed (its event) or refused (why).
  Result<Event> Submit(Mutation mutation);

 private:
  struct Request;

  void Run();
  void CommitBatch(const std::vector<Request*>& batch);
  void Complete(const std::vector<Request*>& batch);

  Keyspace& keyspace_;
  WatchHub& hub_;
  Journal* const journal_;  // null: nothing to persist
  // After a failed journal commit the on-disk state is uncertain: refuse every later write.
  Status failure_;             // only touched by the writer thread
  std::uint64_t commits_ = 0;  // journal transactions; writer thread only
  std::uint64_t writes_ = 0;   // events committed; writer thread only

  std::mutex mu_;
  std::condition_variable queue_cv_;
  std::vector<Request*> queue_;
  bool stopping_ = false;

  std::thread thread_;  // last: starts after every other member is ready
};

}  // namespace skiff::store
