#pragma once

// RevisionMemo<T>: what one store event turns into (its text, its parsed object, its encoded
// watch line), computed once and shared by every watcher that receives the event. A store
// revision names exactly one event, so (revision, tag) identifies the value; `tag` tells apart
// variants of one event (e.g. the watch event type a watcher sees). Bounded: the most recent
// revisions hash into a fixed table and a miss or a collision just recomputes. Thread-safe;
// `make` runs without the lock.

#include <array>
#include <cstddef>
#include <memory>
#include <mutex>
#include <utility>

#include "core/store/store.h"

namespace skiff::apiserver {

template <typename T>
class RevisionMemo {
 public:
  template <typename Make>
  std::shared_ptr<const T> Get(store::Revision revision, int tag, Make&& make) {
    Slot& slot = slots_[Index(revision, tag)];
    {
      std::lock_guard lock(mu_);
      if (slot.value && slot.revision == revision && slot.tag == tag) return slot.value;
    }
    std::shared_ptr<const T> value = std::make_shared<const T>(std::forward<Make>(make)());
    std::lock_guard lock(mu_);
    slot.revision = revision;
    slot.tag = tag;
    slot.value = value;
    return value;
  }

 private:
  static constexpr std::size_t kSlots = 1024;  // power of two
  struct Slot {
    store::Revision revision = 0;
    int tag = 0;
    std::shared_ptr<const T> value;
  };
  static std::size_t Index(store::Revision revision, int tag) {
    return (static_cast<std::size_t>(revision) * 4 + static_cast<std::size_t>(tag)) & (kSlots - 1);
  }

  std::mutex mu_;
  std::array<Slot, kSlots> slots_;
};

}  // namespace skiff::apiserver
