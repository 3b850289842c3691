#pragma once

// SchedulingQueue: pods waiting to be scheduled, in three parts as in Kubernetes:
//   active         ready now, highest priority first, then oldest;
//   backoff        failed recently; each waits initial * 2^(attempts-1) (capped) before
//                  returning to active;
//   unschedulable  fit nowhere; they wait for a cluster event (node added or changed, pod
//                  deleted) — or max_unschedulable — and then go through backoff again.
// A cluster event during a pod's scheduling attempt sends that pod to backoff rather than
// unschedulable, so the event is never missed.
// Thread-safe; Pop blocks. Owns one timer thread that moves pods out of backoff.

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "core/scheduler/pod_info.h"

namespace skiff::scheduler {

struct QueuedPod {
  std::shared_ptr<const PodInfo> pod;
  int attempts = 0;
  std::chrono::steady_clock::time_point first_seen;
  int64_t cycle = 0;  // the scheduling cycle that popped it
};

class SchedulingQueue {
 public:
  using Clock = std::chrono::steady_clock;

  SchedulingQueue(std::chrono::milliseconds initial_backoff, std::chrono::milliseconds max_backoff,
                  std::chrono::milliseconds max_unschedulable);
  ~SchedulingQueue();
  SchedulingQueue(const SchedulingQueue&) = delete;
  SchedulingQueue& operator=(const SchedulingQueue&) = delete;

  // A new pending pod, or a newer version of one (an update makes an unschedulable pod
  // worth trying again at once).
  void AddOrUpdate(std::shared_ptr<const PodInfo> pod);
  void Delete(const std::string& key);
  // Blocks until a pod is active or Close; nullopt once closed.
  std::optional<QueuedPod> Pop();
  // The attempt failed. `unschedulable`: no node fit (wait for an event); otherwise an
  // error (back off and retry).
  void Requeue(QueuedPod pod, bool unschedulable);
  // The pod is bound (or gone): forget its attempts.
  void Done(const std::string& key);
  // A cluster event that may make unschedulable pods fit.
  void MoveAllToActiveOrBackoff();
  void Close();

  std::size_t PendingForTest() const;

 private:
  enum class Where { kActive, kBackoff, kUnschedulable, kInFlight };
  struct Entry {
    QueuedPod queued;
    Where where = Where::kActive;
    Clock::time_point since;          // when it entered unschedulable
    Clock::time_point backoff_until;  // when its back-off ends
    bool updated_in_flight = false;
  };
  // Highest priority first, then oldest, then by key for a strict order.
  using ActiveKey = std::tuple<int64_t, Clock::time_point, std::string>;

  static ActiveKey KeyOf(const Entry& e);
  void PushActiveLocked(Entry& e);
  // To backoff, or straight to active if its back-off is already over.
  void PushBackoffLocked(Entry& e, Clock::time_point now);
  void EraseFromPartLocked(const std::string& key, Entry& e);
  void RunTimer();

  const std::chrono::milliseconds initial_backoff_;
  const std::chrono::milliseconds max_backoff_;
  const std::chrono::milliseconds max_unschedulable_;

  mutable std::mutex mu_;
  std::condition_variable active_cv_;
  std::condition_variable timer_cv_;
  std::unordered_map<std::string, Entry> entries_;
  std::set<ActiveKey> active_;
  std::multimap<Clock::time_point, std::string> backoff_;
  std::set<std::string> unschedulable_;
  int64_t cycle_ = 0;
  int64_t move_request_cycle_ = -1;
  bool closed_ = false;
  std::thread timer_;
};

}  // namespace skiff::scheduler
