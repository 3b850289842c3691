#pragma once

// PodStartTrace: where the time of one pod's start goes, step by step, from the watch event
// that brought the pod to this node to the agent's first status write. That write logs one
// debug line, read by bench/containerd/pod_startup.py:
//   pod default/p-1 start trace: event=1763900000.123456 phase=Running queue=0.120 ...
// (the event's wall-clock time in seconds, the phase written, then each step's duration in
// ms, in the order the steps ended; a step retried by a later sync appears again). Costs one
// branch per step unless debug logging was on when the worker was created. Not thread-safe:
// used by one pod worker's syncs only.

#include <chrono>
#include <string_view>
#include <utility>
#include <vector>

namespace skiff::agent {

class PodStartTrace {
 public:
  // Starts timing now (the pod's first watch event) when debug logging is on.
  PodStartTrace();

  bool active() const { return active_; }
  // The step that just ended, named by a string literal.
  void Mark(const char* step) {
    if (active_) MarkSlow(step);
  }
  // Logs the line for `pod` and stops timing.
  void Finish(std::string_view pod, std::string_view phase);

 private:
  void MarkSlow(const char* step);

  bool active_;
  std::chrono::system_clock::time_point wall_start_;
  std::chrono::steady_clock::time_point last_;
  std::vector<std::pair<const char*, std::chrono::steady_clock::duration>> steps_;
};

}  // namespace skiff::agent
