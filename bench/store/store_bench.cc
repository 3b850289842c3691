// store_bench: durable writes/s of skiff's SQLite store against a real etcd on this machine,
// at 1 and at 64 concurrent writers, plus the read path (List of 10,000 keys, Get).
//
//   store_bench [--seconds 10] [--warmup 2] [--writers 1,64] [--value-size 256]
//               [--dir /tmp] [--etcd /usr/bin/etcd] [--etcd-connections 8]
//               [--etcd-client async|sync] [--rounds 3] [--skip-etcd]

#include <spdlog/spdlog.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/store/etcd_client.h"
#include "bench/store/etcd_process.h"
#include "bench/store/write_load.h"
#include "core/store/sqlite_store.h"

namespace skiff::bench {
namespace {

using Milliseconds = std::chrono::milliseconds;

struct Options {
  double seconds = 10;
  double warmup = 2;
  std::vector<int> writers = {1, 64};
  std::size_t value_size = 256;
  std::string dir = std::filesystem::temp_directory_path().string();
  std::string etcd = "/usr/bin/etcd";
  int etcd_connections = 8;
  bool skip_etcd = false;
  int rounds = 3;
  std::string etcd_client = "async";
};

struct Row {
  std::string target;
  int writers = 0;
  WriteLoadResult result;
};

std::string Key(int thread, std::uint64_t seq) {
  return "/bench/" + std::to_string(thread) + "/" + std::to_string(seq);
}

Milliseconds ToMs(double seconds) { return Milliseconds(static_cast<long>(seconds * 1000)); }

// A fresh directory under `base`, removed on destruction.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& base) {
    std::string pattern = base + "/skiff-store-bench-XXXXXX";
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

Result<Row> RunSqlite(const Options& options, int writers, const std::string& value) {
  ScratchDir dir(options.dir);
  Result<std::unique_ptr<store::Store>> opened = store::OpenSqliteStore(dir.path() + "/store.db");
  if (!opened.ok()) return opened.status();
  store::Store& store = **opened;
  Row row{"skiff sqlite", writers, {}};
  row.result = RunWriteLoad(writers, ToMs(options.warmup), ToMs(options.seconds),
                            [&](int thread, std::uint64_t seq) {
                              return store.Create(Key(thread, seq), value).status();
                            });
  return row;
}

Result<Row> RunEtcd(const Options& options, int writers, const std::string& value) {
  Result<std::unique_ptr<EtcdProcess>> etcd = EtcdProcess::Start(options.etcd, options.dir);
  if (!etcd.ok()) return etcd.status();
  EtcdKvClient client((*etcd)->client_endpoint(), std::min(writers, options.etcd_connections));
  if (Status ready = client.WaitReady(std::chrono::seconds(30)); !ready.ok()) return ready;
  Row row{"etcd " + options.etcd_client, writers, {}};
  if (options.etcd_client == "async") {
    row.result =
        client.RunAsyncPutLoad(writers, ToMs(options.warmup), ToMs(options.seconds), value);
  } else {
    row.result = RunWriteLoad(
        writers, ToMs(options.warmup), ToMs(options.seconds),
        [&](int thread, std::uint64_t seq) { return client.Put(thread, Key(thread, seq), value); });
  }
  return row;
}

// Times List of a 10,000-key prefix and Get on the SQLite store (served from memory).
void RunReads(const Options& options, const std::string& value) {
  ScratchDir dir(options.dir);
  Result<std::unique_ptr<store::Store>> opened = store::OpenSqliteStore(dir.path() + "/store.db");
  if (!opened.ok()) return;
  store::Store& store = **opened;
  constexpr int kKeys = 10000;
  constexpr int kLoaders = 64;
  std::vector<std::thread> loaders;
  for (int t = 0; t < kLoaders; ++t) {
    loaders.emplace_back([&, t] {
      for (int i = t; i < kKeys; i += kLoaders) {
        (void)store.Create("/list/" + std::to_string(i), value);
      }
    });
  }
  for (std::thread& loader : loaders) loader.join();
  (void)store.Create("/other", value);

  using Clock = std::chrono::steady_clock;
  std::vector<double> list_ms;
  std::size_t listed = 0;
  for (int i = 0; i < 21; ++i) {
    auto start = Clock::now();
    listed = store.List("/list/").items.size();
    list_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(list_ms.begin(), list_ms.end());
  constexpr int kGets = 200000;
  auto start = Clock::now();
  for (int i = 0; i < kGets; ++i) (void)store.Get("/list/" + std::to_string(i % kKeys));
  double get_us = std::chrono::duration<double, std::micro>(Clock::now() - start).count() / kGets;
  std::printf(
      "\nreads (skiff sqlite, served from memory): List of %zu keys: median %.2f ms, "
      "max %.2f ms; Get: %.2f us\n",
      listed, list_ms[list_ms.size() / 2], list_ms.back(), get_us);
}

// The machine is shared: say how busy it was, so figures can be read in context.
std::string LoadAverage() {
  std::FILE* file = std::fopen("/proc/loadavg", "r");
  if (file == nullptr) return "?";
  char buffer[128] = {};
  std::string load = std::fgets(buffer, sizeof(buffer), file) != nullptr ? buffer : "?";
  std::fclose(file);
  return load.substr(0, load.find(' ', load.find(' ', load.find(' ') + 1) + 1));
}

std::string FilesystemType(const std::string& dir) {
  struct statfs fs {};
  if (statfs(dir.c_str(), &fs) != 0) return "?";
  switch (fs.f_type) {
    case 0xEF53:
      return "ext2/3/4";
    case 0x01021994:
      return "tmpfs (not durable!)";
    case 0x58465342:
      return "xfs";
    case static_cast<decltype(fs.f_type)>(0x9123683E):
      return "btrfs";
    case 0x794c7630:
      return "overlayfs";
    default:
      return "type 0x" + std::to_string(fs.f_type);
  }
}

int Main(int argc, char** argv) {
  Options options;
  CLI::App app{"Durable writes/s: skiff's SQLite store vs a real etcd"};
  app.add_option("--seconds", options.seconds, "measured seconds per run");
  app.add_option("--warmup", options.warmup, "warm-up seconds per run");
  app.add_option("--writers", options.writers, "concurrent writer counts")->delimiter(',');
  app.add_option("--value-size", options.value_size, "bytes per value");
  app.add_option("--dir", options.dir, "where data files go (same disk for both)");
  app.add_option("--etcd", options.etcd, "etcd binary");
  app.add_option("--etcd-connections", options.etcd_connections,
                 "gRPC connections to etcd (writers share them)");
  app.add_flag("--skip-etcd", options.skip_etcd, "only measure the SQLite store");
  app.add_option("--etcd-client", options.etcd_client,
                 "async: one thread keeps every writer's Put in flight (least client CPU); "
                 "sync: one blocking thread per writer")
      ->check(CLI::IsMember({"async", "sync"}));
  app.add_option("--rounds", options.rounds,
                 "rounds, each running every target in turn; the median is reported");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_pattern("  [%l] %v");

  std::string value(options.value_size, 'v');
  std::printf("value %zu bytes, %.0f s measured after %.0f s warm-up, data in %s (%s)\n",
              options.value_size, options.seconds, options.warmup, options.dir.c_str(),
              FilesystemType(options.dir).c_str());
  std::printf("load average at start: %s\n", LoadAverage().c_str());
  bool etcd_available = !options.skip_etcd && access(options.etcd.c_str(), X_OK) == 0;
  if (!options.skip_etcd && !etcd_available) {
    std::printf("etcd: %s not found, skipping the etcd runs\n", options.etcd.c_str());
  }

  // Rounds interleave the targets so that drift in the (shared) machine hits both alike.
  std::vector<std::vector<Row>> runs;  // one per (writers, target), every round
  for (int round = 0; round < options.rounds; ++round) {
    std::size_t slot = 0;
    for (int writers : options.writers) {
      std::vector<Result<Row>> results;
      results.push_back(RunSqlite(options, writers, value));
      if (etcd_available) results.push_back(RunEtcd(options, writers, value));
      for (Result<Row>& result : results) {
        if (!result.ok()) {
          std::fprintf(stderr, "run failed: %s\n", result.status().ToString().c_str());
          return 1;
        }
        if (runs.size() <= slot) runs.emplace_back();
        std::printf("round %d: %-12s writers=%-3d %8.0f writes/s\n", round + 1,
                    result->target.c_str(), writers, result->result.per_second());
        std::fflush(stdout);
        runs[slot++].push_back(*result);
      }
    }
  }

  std::printf(
      "\n| target | writers | durable writes/s (median of %d) | all rounds | p50 ms | "
      "p99 ms | errors |\n",
      options.rounds);
  std::printf("|---|---:|---:|---|---:|---:|---:|\n");
  std::vector<Row> medians;
  for (std::vector<Row>& slot : runs) {
    std::string all;
    for (const Row& row : slot) {
      all += (all.empty() ? "" : ", ") + std::to_string(static_cast<long>(row.result.per_second()));
    }
    std::sort(slot.begin(), slot.end(), [](const Row& a, const Row& b) {
      return a.result.per_second() < b.result.per_second();
    });
    const Row& median = slot[slot.size() / 2];
    medians.push_back(median);
    std::printf("| %s | %d | %.0f | %s | %.2f | %.2f | %llu |\n", median.target.c_str(),
                median.writers, median.result.per_second(), all.c_str(), median.result.p50_ms,
                median.result.p99_ms, static_cast<unsigned long long>(median.result.errors));
  }
  if (etcd_available) {
    std::printf("\n");
    for (std::size_t i = 0; i + 1 < medians.size(); i += 2) {
      double etcd = medians[i + 1].result.per_second();
      std::printf("writers=%d: sqlite/etcd = %.2fx\n", medians[i].writers,
                  etcd > 0 ? medians[i].result.per_second() / etcd : 0);
    }
  }
  std::printf("load average at end: %s\n", LoadAverage().c_str());
  RunReads(options, value);
  return 0;
}

}  // namespace
}  // namespace skiff::bench

int main(int argc, char** argv) { return skiff::bench::Main(argc, argv); }
