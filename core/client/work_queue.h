#pragma once

// WorkQueue: a de-duplicating queue of object keys for controllers, with delayed and
// rate-limited (per-key exponential back-off) adds. A key is never handed to two workers at
// once: adding a key that is being processed queues it again after Done. Thread-safe; owns one
// timer thread.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

namespace skiff::client {

class WorkQueue {
 public:
  explicit WorkQueue(std::chrono::milliseconds base_delay = std::chrono::milliseconds(5),
                     std::chrono::milliseconds max_delay = std::chrono::seconds(300));
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void Add(const std::string& key);
  void AddAfter(const std::string& key, std::chrono::milliseconds delay);
  // Back-off doubling per failure of this key since its last Forget.
  void AddRateLimited(const std::string& key);
  void Forget(const std::string& key);
  int NumRequeues(const std::string& key) const;

  // Blocks for the next key; nullopt once shut down.
  std::optional<std::string> Get();
  void Done(const std::string& key);
  void ShutDown();
  std::size_t Len() const;

 private:
  void AddLocked(const std::string& key);
  void RunTimers();

  const std::chrono::milliseconds base_delay_;
  const std::chrono::milliseconds max_delay_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable timer_cv_;
  std::deque<std::string> queue_;
  std::set<std::string> dirty_;
  std::set<std::string> processing_;
  std::multimap<std::chrono::steady_clock::time_point, std::string> delayed_;
  std::map<std::string, int> failures_;
  bool shutting_down_ = false;
  std::thread timer_;
};

}  // namespace skiff::client
