#include "core/agent/restart_backoff.h"

#include <algorithm>

namespace skiff::agent {

std::chrono::milliseconds RestartBackoff::RecordExit(const std::string& container,
                                                     std::chrono::milliseconds ran_for,
                                                     Clock::time_point now) {
  Entry& e = entries_[container];
  if (e.delay.count() == 0 || ran_for >= reset_after_) {
    e.delay = initial_;
  } else {
    e.delay = std::min(max_, e.delay * 2);
  }
  e.not_before = now + e.delay;
  return e.delay;
}

bool RestartBackoff::InBackoff(const std::string& container, Clock::time_point now,
                               std::chrono::milliseconds* remaining) const {
  auto it = entries_.find(container);
  if (it == entries_.end() || now >= it->second.not_before) return false;
  if (remaining) {
    *remaining = std::chrono::duration_cast<std::chrono::milliseconds>(it->second.not_before - now);
  }
  return true;
}

std::chrono::milliseconds RestartBackoff::CurrentDelay(const std::string& container) const {
  auto it = entries_.find(container);
  return it == entries_.end() ? std::chrono::milliseconds(0) : it->second.delay;
}

}  // namespace skiff::agent
