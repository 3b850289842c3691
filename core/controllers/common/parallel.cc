#include "core/controllers/common/parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace skiff::controllers {

void ParallelFor(int n, int threads, const std::function<void(int i)>& fn) {
  std::atomic<int> next{0};
  auto run = [&] {
    for (int i = next++; i < n; i = next++) fn(i);
  };
  std::vector<std::thread> helpers;
  int extra = std::min(threads, n) - 1;
  for (int t = 0; t < extra; ++t) helpers.emplace_back(run);
  run();
  for (auto& h : helpers) h.join();
}

}  // namespace skiff::controllers
