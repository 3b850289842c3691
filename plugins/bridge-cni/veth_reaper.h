#pragma once

// Deletes retired veths in the background. The kernel makes every link deletion wait for an
// RCU grace period (tens of milliseconds on a busy machine), which would dominate a DEL that
// otherwise takes a fraction of a millisecond. So DEL retires the host end instead (down,
// renamed "skz...", moved to kRetiredGroup: the pod is cut off at once, the names are free)
// and this thread deletes the whole group in one kernel batch: one grace period for however
// many veths piled up meanwhile. Thread-safe. The destructor deletes what is left, so
// nothing outlives the plugin; retired veths left by a crashed process are collected by the
// next reap of any instance (the group is shared).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace skiff::bridge_cni {

// IFLA_GROUP of retired veths ("skif").
inline constexpr uint32_t kRetiredGroup = 0x736b6966;

class VethReaper {
 public:
  VethReaper() = default;
  ~VethReaper();
  VethReaper(const VethReaper&) = delete;
  VethReaper& operator=(const VethReaper&) = delete;

  // A fresh name for a retired link: "skz" + 12 hex digits, unique across processes.
  static std::string RetiredName();

  // A link was just retired: delete the group soon.
  void Retired();
  // Waits until every retired link so far is deleted; false on timeout.
  bool WaitIdle(std::chrono::milliseconds timeout);
  // Deletes the group now, on the calling thread (for GC and STATUS).
  static void ReapNow();

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t requested_ = 0;  // Retired() calls so far
  uint64_t done_ = 0;       // requests covered by a finished reap
  bool stopping_ = false;
  std::thread thread_;  // started on first use
};

}  // namespace skiff::bridge_cni
