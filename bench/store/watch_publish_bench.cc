// What open watches cost the writer: Create throughput of the memory store (no disk, so the
// commit path is all there is) with 0, 100 and 1,000 watchers on the written prefix, 1 KiB
// values (a small pod). Every committed event is handed to each watcher before the write is
// acknowledged; the callbacks themselves run on the store's dispatcher thread.
// Usage: watch_publish_bench [--benchmark_filter=...]

#include <benchmark/benchmark.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/store/memory_store.h"

namespace {

void BM_CreateWithWatchers(benchmark::State& state) {
  auto store = skiff::store::NewMemoryStore();
  std::atomic<long> delivered{0};
  std::vector<std::unique_ptr<skiff::store::WatchHandle>> watches;
  for (int i = 0; i < state.range(0); ++i) {
    auto handle = store->Watch("/pods/", 0, [&](const auto& events) {
      delivered.fetch_add(static_cast<long>(events.size()), std::memory_order_relaxed);
    });
    if (!handle.ok()) {
      state.SkipWithError("watch failed");
      return;
    }
    watches.push_back(std::move(handle).value());
  }
  const std::string value(1024, 'v');
  long n = 0;
  for (auto _ : state) {
    auto created = store->Create("/pods/p" + std::to_string(n++), value);
    if (!created.ok()) state.SkipWithError("create failed");
  }
  watches.clear();  // waits for running callbacks
  state.SetItemsProcessed(n);
  state.counters["delivered"] = static_cast<double>(delivered.load());
}
BENCHMARK(BM_CreateWithWatchers)->Arg(0)->Arg(100)->Arg(1000)->UseRealTime()->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
