// Scheduler throughput, shaped like kube-scheduler's scheduler_perf
// SchedulingBasic/5000Nodes_10000Pods: N Node objects (no agents), M pending pods, and the
// time until every pod is bound — through the real ObjectRegistry and the durable SQLite
// store (or memory), with the in-process client, binding writes and Scheduled events
// included. Pods are created before the scheduler starts, so the figure is scheduling and
// binding alone, not pod creation.

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "core/api/json_fields.h"
#include "core/apiserver/registry.h"
#include "core/client/in_process_client.h"
#include "core/scheduler/scheduler.h"
#include "core/store/memory_store.h"
#include "core/store/sqlite_store.h"

namespace {

namespace json = boost::json;
using namespace skiff;
using Clock = std::chrono::steady_clock;

// scheduler_perf's node-default.yaml.
json::object NodeObject(int i) {
  std::string name = "node-" + std::to_string(i);
  json::object res{{"cpu", "4"}, {"memory", "32Gi"}, {"pods", "110"}};
  return json::object{
      {"apiVersion", "v1"},
      {"kind", "Node"},
      {"metadata", {{"name", name}, {"labels", {{"kubernetes.io/hostname", name}}}}},
      {"status", {{"capacity", res}, {"allocatable", res}}}};
}

// scheduler_perf's pod-default.yaml.
json::object PodObject(int i) {
  return json::object{
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata", {{"name", "pod-" + std::to_string(i)}, {"namespace", "default"}}},
      {"spec",
       {{"containers",
         json::array{json::object{
             {"name", "pause"},
             {"image", "registry.k8s.io/pause:3.10"},
             {"resources", {{"requests", {{"cpu", "100m"}, {"memory", "500Mi"}}}}}}}}}}};
}

// Creates count objects from `threads` threads (concurrent writes share group commits).
void CreateAll(client::Client& c, const api::Kind& kind, const char* ns, int count, int threads,
               json::object (*make)(int)) {
  std::atomic<int> next{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&] {
      for (int i = next++; i < count; i = next++) {
        auto r = c.Create(kind, ns, make(i));
        if (!r.ok()) spdlog::error("create: {}", r.error().message);
      }
    });
  }
  for (auto& t : ts) t.join();
}

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("scheduler throughput (scheduler_perf SchedulingBasic shape)");
  int nodes = 5000, pods = 10000, bind_workers = 64, percentage = 0;
  std::string data_dir;
  bool memory = false, no_events = false;
  app.add_option("--nodes", nodes)->capture_default_str();
  app.add_option("--pods", pods)->capture_default_str();
  app.add_option("--bind-workers", bind_workers)->capture_default_str();
  app.add_option("--percentage-of-nodes-to-score", percentage, "0 = adaptive")
      ->capture_default_str();
  app.add_option("--data-dir", data_dir, "SQLite store directory (default: a fresh temp dir)");
  app.add_flag("--memory-store", memory, "Use the in-memory store instead of SQLite");
  app.add_flag("--no-events", no_events, "Do not write Scheduled events");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);

  std::unique_ptr<store::Store> st;
  std::filesystem::path dir;
  if (memory) {
    st = store::NewMemoryStore();
  } else {
    dir = data_dir.empty() ? std::filesystem::temp_directory_path() /
                                 ("skiff-sched-bench-" + std::to_string(::getpid()))
                           : std::filesystem::path(data_dir);
    std::filesystem::create_directories(dir);
    auto opened = store::OpenSqliteStore((dir / "store.db").string());
    if (!opened.ok()) {
      spdlog::error("open store: {}", opened.status().ToString());
      return 1;
    }
    st = std::move(opened.value());
  }
  apiserver::ObjectRegistry registry(*st, api::KindRegistry::Builtin());
  auto client = client::NewInProcessClient(registry);
  const auto& kinds = api::KindRegistry::Builtin();
  client->Create(*kinds.ByResource("", "v1", "namespaces"), "",
                 json::object{{"metadata", {{"name", "default"}}}});

  auto t0 = Clock::now();
  CreateAll(*client, *kinds.ByResource("", "v1", "nodes"), "", nodes, 8, NodeObject);
  CreateAll(*client, *kinds.ByResource("", "v1", "pods"), "default", pods, 8, PodObject);
  double setup = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("setup: %d nodes + %d pods created in %.2fs (%s store)\n", nodes, pods, setup,
              memory ? "memory" : "sqlite");

  scheduler::SchedulerConfig config;
  config.bind_workers = bind_workers;
  config.percentage_of_nodes_to_score = percentage;
  config.record_events = !no_events;
  client::InformerFactory informers(*client);
  scheduler::Scheduler sched(informers, config);
  auto start = Clock::now();
  const double cpu_start = CpuSeconds();
  if (Status s = sched.Start(); !s.ok()) {
    spdlog::error("{}", s.message());
    return 1;
  }
  uint64_t last = 0;
  auto last_t = start;
  double peak = 0;
  // Polled every 5 ms so the end is seen within 5 ms (the run lasts about a second); the peak
  // rate is taken over windows of at least 100 ms.
  while (sched.Stats().scheduled < static_cast<uint64_t>(pods)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    auto now = Clock::now();
    uint64_t done = sched.Stats().scheduled;
    double window = std::chrono::duration<double>(now - last_t).count();
    if (window >= 0.1) {
      peak = std::max(peak, (done - last) / window);
      last = done;
      last_t = now;
    }
    if (std::chrono::duration<double>(now - start).count() > 600) {
      spdlog::error("timed out with {} of {} bound", done, pods);
      return 1;
    }
  }
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  double cpu = CpuSeconds() - cpu_start;
  auto stats = sched.Stats();
  sched.Stop();

  // Every pod bound, in the store.
  auto list = client->List(*kinds.ByResource("", "v1", "pods"), "default");
  int bound = 0;
  for (const auto& p : list->items) bound += !api::GetString(p, "spec.nodeName").empty();
  std::printf(
      "scheduled %d pods onto %d nodes in %.3fs: %.0f pods/s (peak 100ms window %.0f pods/s); "
      "bound in store: %d; unschedulable attempts %llu, errors %llu\n"
      "process CPU while scheduling: %.2fs (%.0f pods per CPU-second)\n",
      pods, nodes, secs, pods / secs, peak, bound,
      static_cast<unsigned long long>(stats.unschedulable),
      static_cast<unsigned long long>(stats.errors), cpu, pods / cpu);
  client.reset();
  st.reset();
  if (!dir.empty() && data_dir.empty()) std::filesystem::remove_all(dir);
  return bound == pods ? 0 : 1;
}
