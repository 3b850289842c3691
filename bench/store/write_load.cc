#include "bench/store/write_load.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <utility>
#include <vector>

namespace skiff::bench {

namespace {

enum Phase { kWarmup, kMeasure, kStop };

double Percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  std::size_t index = static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1));
  return sorted[index];
}

}  // namespace

WriteLoadResult RunWriteLoad(int threads, std::chrono::milliseconds warmup,
                             std::chrono::milliseconds measure,
                             const std::function<Status(int thread, std::uint64_t seq)>& write) {
  using Clock = std::chrono::steady_clock;
  std::atomic<int> phase = kWarmup;
  std::atomic<std::uint64_t> errors = 0;
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(threads));
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::vector<double>& mine = latencies[static_cast<std::size_t>(t)];
      for (std::uint64_t seq = 0; phase.load() != kStop; ++seq) {
        Clock::time_point start = Clock::now();
        Status status = write(t, seq);
        Clock::time_point end = Clock::now();
        if (phase.load() != kMeasure) continue;
        if (!status.ok()) {
          if (errors.fetch_add(1) == 0) spdlog::warn("write failed: {}", status.ToString());
          continue;
        }
        mine.push_back(std::chrono::duration<double, std::milli>(end - start).count());
      }
    });
  }
  std::this_thread::sleep_for(warmup);
  Clock::time_point begin = Clock::now();
  phase = kMeasure;
  std::this_thread::sleep_for(measure);
  phase = kStop;
  Clock::time_point finish = Clock::now();
  for (std::thread& worker : workers) worker.join();

  std::vector<double> all;
  for (const std::vector<double>& mine : latencies) all.insert(all.end(), mine.begin(), mine.end());
  return Summarize(std::move(all), errors.load(),
                   std::chrono::duration<double>(finish - begin).count());
}

WriteLoadResult Summarize(std::vector<double> latencies_ms, std::uint64_t errors, double seconds) {
  std::sort(latencies_ms.begin(), latencies_ms.end());
  WriteLoadResult result;
  result.writes = latencies_ms.size();
  result.errors = errors;
  result.seconds = seconds;
  result.p50_ms = Percentile(latencies_ms, 0.50);
  result.p99_ms = Percentile(latencies_ms, 0.99);
  return result;
}

}  // namespace skiff::bench
