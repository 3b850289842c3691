#include "core/agent/pod_start_trace.h"

#include <spdlog/spdlog.h>

#include <string>

namespace skiff::agent {

PodStartTrace::PodStartTrace() : active_(spdlog::should_log(spdlog::level::debug)) {
  if (!active_) return;
  wall_start_ = std::chrono::system_clock::now();
  last_ = std::chrono::steady_clock::now();
  steps_.reserve(16);
}

void PodStartTrace::MarkSlow(const char* step) {
  auto now = std::chrono::steady_clock::now();
  steps_.emplace_back(step, now - last_);
  last_ = now;
}

void PodStartTrace::Finish(std::string_view pod, std::string_view phase) {
  if (!active_) return;
  active_ = false;
  auto us = [](auto d) { return std::chrono::duration_cast<std::chrono::microseconds>(d).count(); };
  int64_t start = us(wall_start_.time_since_epoch());
  std::string line = fmt::format("event={}.{:06d} phase={}", start / 1000000, start % 1000000,
                                 phase.empty() ? "-" : phase);
  for (const auto& [step, d] : steps_) {
    int64_t t = us(d);
    line += fmt::format(" {}={}.{:03d}", step, t / 1000, t % 1000);
  }
  spdlog::debug("pod {} start trace: {}", pod, line);
  steps_.clear();
  steps_.shrink_to_fit();
}

}  // namespace skiff::agent
