#include "core/scheduler/scheduling_queue.h"

namespace skiff::scheduler {

SchedulingQueue::SchedulingQueue(std::chrono::milliseconds initial_backoff,
                                 std::chrono::milliseconds max_backoff,
                                 std::chrono::milliseconds max_unschedulable)
    : initial_backoff_(initial_backoff),
      max_backoff_(max_backoff),
      max_unschedulable_(max_unschedulable),
      timer_([this] { RunTimer(); }) {}

SchedulingQueue::~SchedulingQueue() {
  Close();
  timer_.join();
}

SchedulingQueue::ActiveKey SchedulingQueue::KeyOf(const Entry& e) {
  return {-e.queued.pod->priority, e.queued.first_seen, e.queued.pod->key};
}

void SchedulingQueue::PushActiveLocked(Entry& e) {
  e.where = Where::kActive;
  active_.insert(KeyOf(e));
  active_cv_.notify_one();
}

void SchedulingQueue::PushBackoffLocked(Entry& e, Clock::time_point now) {
  if (e.backoff_until <= now) {
    PushActiveLocked(e);
    return;
  }
  e.where = Where::kBackoff;
  bool earliest = backoff_.empty() || e.backoff_until < backoff_.begin()->first;
  backoff_.emplace(e.backoff_until, e.queued.pod->key);
  if (earliest) timer_cv_.notify_one();
}

void SchedulingQueue::EraseFromPartLocked(const std::string& key, Entry& e) {
  switch (e.where) {
    case Where::kActive:
      active_.erase(KeyOf(e));
      break;
    case Where::kBackoff: {
      auto [b, end] = backoff_.equal_range(e.backoff_until);
      for (auto it = b; it != end; ++it) {
        if (it->second == key) {
          backoff_.erase(it);
          break;
        }
      }
      break;
    }
    case Where::kUnschedulable:
      unschedulable_.erase(key);
      break;
    case Where::kInFlight:
      break;
  }
}

void SchedulingQueue::AddOrUpdate(std::shared_ptr<const PodInfo> pod) {
  std::lock_guard lock(mu_);
  if (closed_) return;
  const std::string key = pod->key;
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    Entry e;
    e.queued = {std::move(pod), 0, Clock::now(), 0};
    PushActiveLocked(entries_.emplace(key, std::move(e)).first->second);
    return;
  }
  Entry& e = it->second;
  EraseFromPartLocked(key, e);
  e.queued.pod = std::move(pod);
  switch (e.where) {
    case Where::kInFlight:
      e.updated_in_flight = true;
      break;
    case Where::kBackoff:
      PushBackoffLocked(e, Clock::now());
      break;
    case Where::kActive:
    case Where::kUnschedulable:
      // The pod changed, so whatever made it unschedulable may be gone.
      PushActiveLocked(e);
      break;
  }
}

void SchedulingQueue::Delete(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  EraseFromPartLocked(key, it->second);
  entries_.erase(it);
}

std::optional<QueuedPod> SchedulingQueue::Pop() {
  std::unique_lock lock(mu_);
  active_cv_.wait(lock, [this] { return closed_ || !active_.empty(); });
  if (closed_) return std::nullopt;
  auto node = active_.extract(active_.begin());
  Entry& e = entries_.at(std::get<2>(node.value()));
  e.where = Where::kInFlight;
  e.updated_in_flight = false;
  ++e.queued.attempts;
  e.queued.cycle = ++cycle_;
  return e.queued;
}

void SchedulingQueue::Requeue(QueuedPod pod, bool unschedulable) {
  std::lock_guard lock(mu_);
  if (closed_) return;
  auto it = entries_.find(pod.pod->key);
  if (it == entries_.end() || it->second.where != Where::kInFlight) return;  // deleted meanwhile
  Entry& e = it->second;
  const auto now = Clock::now();
  auto backoff = initial_backoff_;
  for (int i = 1; i < e.queued.attempts && backoff < max_backoff_; ++i) backoff *= 2;
  e.backoff_until = now + std::min(backoff, max_backoff_);
  if (unschedulable && !e.updated_in_flight && move_request_cycle_ < e.queued.cycle) {
    e.where = Where::kUnschedulable;
    e.since = now;
    unschedulable_.insert(pod.pod->key);
    return;
  }
  PushBackoffLocked(e, now);
}

void SchedulingQueue::Done(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it != entries_.end() && it->second.where == Where::kInFlight) entries_.erase(it);
}

void SchedulingQueue::MoveAllToActiveOrBackoff() {
  std::lock_guard lock(mu_);
  move_request_cycle_ = cycle_;
  const auto now = Clock::now();
  for (const auto& key : unschedulable_) PushBackoffLocked(entries_.at(key), now);
  unschedulable_.clear();
}

void SchedulingQueue::Close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  active_cv_.notify_all();
  timer_cv_.notify_all();
}

std::size_t SchedulingQueue::PendingForTest() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

void SchedulingQueue::RunTimer() {
  std::unique_lock lock(mu_);
  while (!closed_) {
    auto wake = Clock::now() + std::chrono::seconds(1);
    if (!backoff_.empty()) wake = std::min(wake, backoff_.begin()->first);
    timer_cv_.wait_until(lock, wake);
    if (closed_) return;
    const auto now = Clock::now();
    while (!backoff_.empty() && backoff_.begin()->first <= now) {
      std::string key = std::move(backoff_.begin()->second);
      backoff_.erase(backoff_.begin());
      PushActiveLocked(entries_.at(key));
    }
    // Pods left unschedulable too long are tried again anyway, in case an event was missed.
    for (auto it = unschedulable_.begin(); it != unschedulable_.end();) {
      Entry& e = entries_.at(*it);
      if (now - e.since >= max_unschedulable_) {
        PushBackoffLocked(e, now);
        it = unschedulable_.erase(it);
      } else {
        ++it;
      }
    }
  }
}

}  // namespace skiff::scheduler
