#pragma once

// RestartBackoff: the CrashLoopBackOff clock of one pod's containers. Each failed start of a
// container doubles its delay (initial, 2x, 4x ... capped at max); a container that ran for
// longer than `reset_after` starts again from `initial`. Not thread-safe: owned by one pod
// worker, which runs on one strand.

#include <chrono>
#include <map>
#include <string>

namespace skiff::agent {

class RestartBackoff {
 public:
  using Clock = std::chrono::steady_clock;

  RestartBackoff(std::chrono::milliseconds initial, std::chrono::milliseconds max,
                 std::chrono::milliseconds reset_after = std::chrono::minutes(10))
      : initial_(initial), max_(max), reset_after_(reset_after) {}

  // Records that `container` exited after running `ran_for`; returns the delay before it may
  // start again.
  std::chrono::milliseconds RecordExit(const std::string& container,
                                       std::chrono::milliseconds ran_for, Clock::time_point now);
  // True while the container must wait; `remaining` gets how long.
  bool InBackoff(const std::string& container, Clock::time_point now,
                 std::chrono::milliseconds* remaining = nullptr) const;
  // The delay the last RecordExit gave (0 if none).
  std::chrono::milliseconds CurrentDelay(const std::string& container) const;
  void Forget(const std::string& container) { entries_.erase(container); }

 private:
  struct Entry {
    std::chrono::milliseconds delay{0};
    Clock::time_point not_before;
  };
  const std::chrono::milliseconds initial_;
  const std::chrono::milliseconds max_;
  const std::chrono::milliseconds reset_after_;
  std::map<std::string, Entry> entries_;
};

}  // namespace skiff::agent
