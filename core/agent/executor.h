#pragma once

// Executor: the agent's shared threads — a pool that runs posted tasks and fires delayed
// ones. Every pod worker, PLEG relist and heartbeat of every (simulated) node runs here, so a
// thousand hollow nodes cost a handful of threads. `threads` of them run tasks; a thread that
// waits in a BlockingRegion (a CRI or plugin call, a probe) does not count, so while tasks are
// queued the pool starts another thread in its place, up to `max_threads` in all. A pod
// whose runtime call takes 100 ms (or hangs until its deadline) thus never delays another
// pod's worker; threads above `threads` end after a while idle. Delayed tasks wait on one
// timer thread and are then posted.
//
// Thread-safe. Tasks posted after Stop() are dropped; Stop() drops the queued ones and waits
// for the running ones (call it from outside the pool).

#include <chrono>
#include <functional>
#include <memory>

namespace skiff::agent {

class Executor {
 public:
  static constexpr int kDefaultMaxThreads = 256;

  explicit Executor(int threads, int max_threads = kDefaultMaxThreads);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  void Post(std::function<void()> task);
  void PostAfter(std::chrono::milliseconds delay, std::function<void()> task);
  void Stop();

  // Threads alive now (idle, running or blocked).
  int ThreadCountForTest() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace skiff::agent
