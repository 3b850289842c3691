#pragma once

// TaskPool: a fixed set of threads running submitted tasks in FIFO order — the scheduler's
// binding workers, so API writes never hold up the scheduling thread and concurrent binds
// share the store's group commits. Thread-safe; the destructor runs what is queued, then
// joins.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace skiff::scheduler {

class TaskPool {
 public:
  explicit TaskPool(int threads);
  ~TaskPool();
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  void Submit(std::function<void()> task);
  // Blocks until nothing is queued or running.
  void Drain();

 private:
  void Run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<std::function<void()>> tasks_;
  int running_ = 0;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace skiff::scheduler
