#pragma once

// Executor: the agent's shared threads — a small pool that runs posted tasks and fires
// delayed ones. Every pod worker, PLEG relist and heartbeat of every (simulated) node runs
// here, so a thousand hollow nodes cost a handful of threads. Thread-safe. Tasks posted after
// Stop() are dropped; Stop() joins the threads (call it from outside the pool).

#include <chrono>
#include <functional>
#include <memory>

namespace skiff::agent {

class Executor {
 public:
  explicit Executor(int threads);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  void Post(std::function<void()> task);
  void PostAfter(std::chrono::milliseconds delay, std::function<void()> task);
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace skiff::agent
