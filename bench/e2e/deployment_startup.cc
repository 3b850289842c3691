// Deployment startup, end to end: against a running `skiff server` (HTTP) with simulated
// nodes, create one Deployment of --replicas tiny pods and watch its pods until every one
// reports phase Running. Reports the wall time from the Create call to the moment all pods
// were created (first seen), all bound (spec.nodeName set) and all Running, as one watch on
// the pods sees them, and, for the processes named by --pid, the CPU seconds they used and
// their peak RSS and busiest threads. The pods are observed through one watch (no polling
// LISTs).
// Usage: deployment_startup --server http://127.0.0.1:PORT [--replicas 10000] [--nodes 1000]
//                           [--pid NAME=PID ...] [--timeout 300]

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "core/api/json_fields.h"
#include "core/client/http_client.h"

namespace {

using namespace skiff;
using Clock = std::chrono::steady_clock;
namespace json = boost::json;

const api::Kind& Kind(const char* group, const char* resource) {
  return *api::KindRegistry::Builtin().ByResource(group, "v1", resource);
}

// user + system CPU seconds of a process, from /proc/PID/stat.
double CpuSeconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string f;
  long ticks = 0;
  // After "pid (comm) ": state is field 3; utime and stime are fields 14 and 15.
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14 || i == 15) ticks += std::stol(f);
  }
  return static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The busiest threads of a process: (CPU seconds, tid), most first.
std::vector<std::pair<double, int>> BusiestThreads(int pid, std::size_t n) {
  std::vector<std::pair<double, int>> out;
  std::filesystem::path dir("/proc/" + std::to_string(pid) + "/task");
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    int tid = std::stoi(entry.path().filename().string());
    std::ifstream in(entry.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 2));
    std::string f;
    long ticks = 0;
    for (int i = 3; i <= 15 && fields >> f; ++i) {
      if (i == 14 || i == 15) ticks += std::stol(f);
    }
    out.emplace_back(static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK)), tid);
  }
  std::sort(out.rbegin(), out.rend());
  if (out.size() > n) out.resize(n);
  return out;
}

// A field of /proc/PID/status in MiB (VmHWM: peak RSS, VmRSS: current).
double StatusMiB(int pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::stod(line.substr(key.size() + 1)) / 1024.0;
  }
  return 0;
}

int ReadyNodes(client::Client& c) {
  auto nodes = c.List(Kind("", "nodes"), "");
  if (!nodes.ok()) return -1;
  int ready = 0;
  for (const auto& n : nodes->items) {
    if (const json::array* conds = api::FindArray(n, "status.conditions")) {
      for (const auto& cond : *conds) {
        if (api::GetString(cond.as_object(), "type") == "Ready" &&
            api::GetString(cond.as_object(), "status") == "True") {
          ++ready;
        }
      }
    }
  }
  return ready;
}

struct Progress {
  std::mutex mu;
  std::condition_variable cv;
  std::unordered_map<std::string, int> state;  // pod -> 1 seen, 2 bound, 3 running
  int seen = 0, bound = 0, running = 0;
  Clock::time_point all_seen, all_bound, all_running;
  bool closed = false;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Deployment startup, end to end"};
  std::string server;
  int replicas = 10000;
  int nodes = 1000;
  int timeout = 300;
  std::vector<std::string> pids;
  std::string ns = "e2e";
  app.add_option("--server", server, "http://127.0.0.1:PORT")->required();
  app.add_option("--replicas", replicas, "pods of the Deployment");
  app.add_option("--nodes", nodes, "Ready nodes to wait for before starting");
  app.add_option("--pid", pids, "NAME=PID of a process to report CPU and peak RSS of");
  app.add_option("--timeout", timeout, "seconds to wait for all pods Running");
  app.add_option("--namespace", ns, "namespace to create the Deployment in (created)");
  CLI11_PARSE(app, argc, argv);

  auto made = client::NewHttpClient(server);
  if (!made.ok()) {
    std::fprintf(stderr, "%s\n", made.status().message().c_str());
    return 2;
  }
  client::Client& c = **made;

  auto wait_start = Clock::now();
  int ready = 0;
  while ((ready = ReadyNodes(c)) < nodes) {
    if (Clock::now() - wait_start > std::chrono::seconds(timeout)) {
      std::fprintf(stderr, "only %d of %d nodes Ready\n", ready, nodes);
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  std::printf("nodes Ready: %d (after %.1f s)\n", ready,
              std::chrono::duration<double>(Clock::now() - wait_start).count());

  auto created_ns =
      c.Create(Kind("", "namespaces"), "", json::object{{"metadata", {{"name", ns}}}});
  if (!created_ns.ok()) {
    std::fprintf(stderr, "namespace %s: %s\n", ns.c_str(), created_ns.error().message.c_str());
    return 1;
  }
  // Let the cluster settle (node registrations, first heartbeats) before measuring CPU.
  std::this_thread::sleep_for(std::chrono::seconds(2));

  Progress p;
  client::WatchOptions wo;
  wo.label_selector = "app=e2e-bench";
  wo.resource_version = std::string(api::GetString(*created_ns, "metadata.resourceVersion"));
  auto watch = c.Watch(
      Kind("", "pods"), ns, wo,
      [&](const client::WatchEvent& e) {
        if (e.type != "ADDED" && e.type != "MODIFIED") return;
        std::string name(api::GetString(*e.object, "metadata.name"));
        int s = 1;
        if (!api::GetString(*e.object, "spec.nodeName").empty()) s = 2;
        if (api::GetString(*e.object, "status.phase") == "Running") s = 3;
        std::lock_guard lock(p.mu);
        int& old = p.state[name];
        auto now = Clock::now();
        for (int level = old + 1; level <= s; ++level) {
          if (level == 1 && ++p.seen == replicas) p.all_seen = now;
          if (level == 2 && ++p.bound == replicas) p.all_bound = now;
          if (level == 3 && ++p.running == replicas) {
            p.all_running = now;
            p.cv.notify_all();
          }
        }
        if (s > old) old = s;
      },
      [&](const api::ApiError& why) {
        std::lock_guard lock(p.mu);
        std::fprintf(stderr, "watch closed: %s\n", why.message.c_str());
        p.closed = true;
        p.cv.notify_all();
      });
  if (!watch.ok()) {
    std::fprintf(stderr, "watch: %s\n", watch.error().message.c_str());
    return 1;
  }

  std::map<std::string, int> procs;
  std::map<std::string, double> cpu0;
  for (const auto& np : pids) {
    auto eq = np.find('=');
    if (eq == std::string::npos) continue;
    procs[np.substr(0, eq)] = std::stoi(np.substr(eq + 1));
  }
  for (const auto& [name, pid] : procs) cpu0[name] = CpuSeconds(pid);

  json::object deployment{
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", {{"name", "e2e-bench"}}},
      {"spec",
       {{"replicas", replicas},
        {"selector", {{"matchLabels", {{"app", "e2e-bench"}}}}},
        {"template",
         {{"metadata", {{"labels", {{"app", "e2e-bench"}}}}},
          {"spec",
           {{"containers", json::array{json::object{
                               {"name", "pause"},
                               {"image", "registry.k8s.io/pause:3.9"},
                               {"resources", {{"requests", {{"cpu", "1m"}, {"memory", "1Mi"}}}}}}}},
            {"terminationGracePeriodSeconds", 0}}}}}}}};
  auto t0 = Clock::now();
  auto d = c.Create(Kind("apps", "deployments"), ns, deployment);
  if (!d.ok()) {
    std::fprintf(stderr, "create deployment: %s\n", d.error().message.c_str());
    return 1;
  }
  bool done;
  {
    std::unique_lock lock(p.mu);
    done = p.cv.wait_for(lock, std::chrono::seconds(timeout), [&] {
      return p.running >= replicas || p.closed;
    }) && p.running >= replicas;
  }
  auto t_end = Clock::now();
  auto secs = [&](Clock::time_point t) { return std::chrono::duration<double>(t - t0).count(); };
  std::lock_guard lock(p.mu);
  std::printf("replicas %d, nodes %d\n", replicas, ready);
  if (!done) {
    std::printf("NOT DONE after %.1f s: seen %d, bound %d, running %d\n", secs(t_end), p.seen,
                p.bound, p.running);
  } else {
    std::printf("all created (seen by the watch): %.2f s\n", secs(p.all_seen));
    std::printf("all bound:                       %.2f s\n", secs(p.all_bound));
    std::printf("all Running:                     %.2f s\n", secs(p.all_running));
  }
  for (const auto& [name, pid] : procs) {
    std::printf("%s: CPU %.2f s over the run, peak RSS %.0f MiB\n", name.c_str(),
                CpuSeconds(pid) - cpu0[name], StatusMiB(pid, "VmHWM"));
    std::printf("  busiest threads since start (CPU s):");
    for (const auto& [cpu, tid] : BusiestThreads(pid, 6)) std::printf(" %d:%.1f", tid, cpu);
    std::printf("\n");
  }
  return done ? 0 : 1;
}
