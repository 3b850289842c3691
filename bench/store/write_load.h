#pragma once

// A closed-loop write load: N threads each issue one write at a time, as fast as the target
// acknowledges them.

#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/base/status.h"

namespace skiff::bench {

struct WriteLoadResult {
  std::uint64_t writes = 0;  // acknowledged inside the measured window
  std::uint64_t errors = 0;
  double seconds = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double per_second() const { return seconds > 0 ? writes / seconds : 0; }
};

// Builds a result from the latencies (ms) of the writes acknowledged in a window of `seconds`.
WriteLoadResult Summarize(std::vector<double> latencies_ms, std::uint64_t errors, double seconds);

// Calls write(thread, sequence) from `threads` threads for warmup + measure; counts the writes
// that complete inside the measure window. `write` must be thread-safe.
WriteLoadResult RunWriteLoad(int threads, std::chrono::milliseconds warmup,
                             std::chrono::milliseconds measure,
                             const std::function<Status(int thread, std::uint64_t seq)>& write);

}  // namespace skiff::bench
