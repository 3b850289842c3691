#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/base/status.h"
#include "core/store/journal.h"
#include "core/store/store.h"

namespace skiff::store {

// Fans committed events out to watchers and replays history to new ones, with no gap and no
// duplicate between replay and live events. Runs every callback on its own dispatcher thread.
// Thread-safe. The store owns it; every handle it returns must be destroyed before it.
class WatchHub {
 public:
  // `revision` and `compacted` are the store's counters at open. Recent history is kept in
  // memory, at most `memory_history_limit` events (0 = all retained history, for a store
  // without journal); older history is read from `journal`, which must then be non-null.
  WatchHub(Revision revision, Revision compacted, Journal* journal,
           std::size_t memory_history_limit);
  ~WatchHub();

  WatchHub(const WatchHub&) = delete;
  WatchHub& operator=(const WatchHub&) = delete;

  // Records just-committed events (consecutive revisions, in order) and queues them for the
  // matching watchers, each event shared by all of them. Never waits on a callback.
  void Publish(std::vector<Event> events);

  // Delivers every event with revision > after whose key has `prefix`. Compacted when
  // after < compacted(). Destroying the handle cancels the watch and waits for a running
  // callback of it to return, except on the dispatcher thread itself (a callback may destroy
  // its own handle: the callback then finishes but is never called again).
  Result<std::unique_ptr<WatchHandle>> Watch(std::string prefix, Revision after,
                                             WatchCallback callback);

  // Forgets history at or below `revision` (<= the last published revision). Once this
  // returns, no watch below `revision` can start, so the journal may then delete it.
  Status Compact(Revision revision);
  Revision compacted() const;

 private:
  struct Watcher;
  class Handle;

  void Cancel(const std::shared_ptr<Watcher>& watcher);
  void MarkReady(const std::shared_ptr<Watcher>& watcher);  // requires mu_
  void DispatchLoop();

  Journal* const journal_;
  const std::size_t memory_history_limit_;

  mutable std::mutex mu_;
  std::condition_variable ready_cv_;  // the dispatcher waits for ready_ or stopping_
  std::condition_variable idle_cv_;   // cancellers wait for a callback to return
  Revision published_;                // revision of the last published event
  Revision compacted_;
  Revision memory_start_;            // history_ holds exactly revisions (memory_start_, published_]
  std::deque<SharedEvent> history_;  // consecutive revisions
  std::vector<std::shared_ptr<Watcher>> watchers_;
  std::deque<std::shared_ptr<Watcher>> ready_;  // watchers with pending events, FIFO
  bool stopping_ = false;

  std::thread dispatcher_;  // last: starts after every other member is ready
};

}  // namespace skiff::store
