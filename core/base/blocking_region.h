#pragma once

// BlockingRegion: marks a stretch where the calling thread waits on something slow and
// outside the process (a CRI call to containerd, a plugin call, a probe). A thread pool that
// installed a BlockingObserver on its threads hears about it and can start another thread for
// the work queued behind, so one pod's slow runtime call never delays another pod's worker.
// On threads without an observer a region costs a thread-local read. Nested regions count
// once. Not copyable; use it on the stack.

namespace skiff {

class BlockingObserver {
 public:
  // Called on the blocking thread, at the start and the end of its outermost region.
  virtual void BlockingBegin() noexcept = 0;
  virtual void BlockingEnd() noexcept = 0;

 protected:
  ~BlockingObserver() = default;
};

class BlockingRegion {
 public:
  BlockingRegion() noexcept : observer_(depth_++ == 0 ? observer() : nullptr) {
    if (observer_) observer_->BlockingBegin();
  }
  ~BlockingRegion() {
    --depth_;
    if (observer_) observer_->BlockingEnd();
  }
  BlockingRegion(const BlockingRegion&) = delete;
  BlockingRegion& operator=(const BlockingRegion&) = delete;

  // Installs `o` for the calling thread (nullptr removes it); the pool calls this once on
  // each of its threads.
  static void SetObserver(BlockingObserver* o) noexcept { observer() = o; }

 private:
  static BlockingObserver*& observer() noexcept {
    thread_local BlockingObserver* current = nullptr;
    return current;
  }
  static inline thread_local int depth_ = 0;

  BlockingObserver* const observer_;
};

}  // namespace skiff
