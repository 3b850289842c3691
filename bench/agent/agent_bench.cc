// Agent benchmarks, in one process on a memory store through the in-process client:
//   startup: pods created at --rate pods/s on one agent with the built-in mock runtime;
//            latency from Create to the first watch event showing phase Running (p50/p99).
//   memory:  RSS growth per simulated (hollow) node for --nodes nodes.
// Usage: agent_bench startup [--pods 400 --rate 20] | memory [--nodes 1000]

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/json.hpp>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "core/agent/agent.h"
#include "core/agent/builtin/builtin_plugins.h"
#include "core/agent/simulated_nodes.h"
#include "core/api/json_fields.h"
#include "core/apiserver/registry.h"
#include "core/client/in_process_client.h"
#include "core/store/memory_store.h"

namespace {

using namespace skiff;
using namespace std::chrono_literals;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

const api::Kind& KindOf(const char* resource) {
  return *api::KindRegistry::Builtin().ByResource("", "v1", resource);
}

long RssKb() {
  std::ifstream in("/proc/self/status");
  std::string key;
  long value = 0;
  std::string unit;
  while (in >> key) {
    if (key == "VmRSS:") {
      in >> value;
      return value;
    }
    std::getline(in, unit);
  }
  return 0;
}

struct Cluster {
  Cluster() {
    store = store::NewMemoryStore();
    registry = std::make_unique<apiserver::ObjectRegistry>(*store, api::KindRegistry::Builtin());
    for (const char* ns : {"default", "kube-node-lease"}) {
      (void)registry->Create(
          KindOf("namespaces"), "",
          json::object{
              {"metadata", {{"name", ns}}}, {"spec", json::object{}}, {"status", json::object{}}});
    }
    client = client::NewInProcessClient(*registry);
  }
  std::unique_ptr<store::Store> store;
  std::unique_ptr<apiserver::ObjectRegistry> registry;
  std::unique_ptr<client::Client> client;
};

pluginhost::PluginSetSpec MockOnly() {
  return *pluginhost::ParsePluginSetSpec(
      "plugins: {runtime: {name: mock, library: 'builtin:mock'}}");
}

int Startup(int pods, int rate) {
  Cluster c;
  agent::Executor executor(4);
  agent::AgentConfig cfg;
  cfg.node_name = "bench-node";
  cfg.hollow = true;
  cfg.capacity = {{"cpu", "64"}, {"memory", "256Gi"}, {"pods", "10000"}};
  auto plugins = pluginhost::OpenPluginSet(MockOnly(), agent::BuiltinAwareOpeners());
  auto node = agent::Agent::Create(*c.client, cfg, std::move(plugins).value(), executor);
  if (Status s = node->Start(); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, Clock::time_point> created;
  std::vector<double> latencies_ms;
  client::WatchOptions wo;
  wo.resource_version = "0";
  auto watch = c.client->Watch(
      KindOf("pods"), "default", wo,
      [&](const client::WatchEvent& e) {
        if (api::GetString(*e.object, "status.phase") != "Running") return;
        auto now = Clock::now();
        std::lock_guard lock(mu);
        auto it = created.find(std::string(api::GetString(*e.object, "metadata.name")));
        if (it == created.end()) return;
        latencies_ms.push_back(std::chrono::duration<double, std::milli>(now - it->second).count());
        created.erase(it);
        cv.notify_all();
      },
      [](const api::ApiError&) {});
  auto start = Clock::now();
  for (int i = 0; i < pods; ++i) {
    std::this_thread::sleep_until(start + std::chrono::microseconds(1'000'000LL * i / rate));
    std::string name = "p" + std::to_string(i);
    {
      std::lock_guard lock(mu);
      created[name] = Clock::now();
    }
    auto r = c.client->Create(
        KindOf("pods"), "default",
        json::object{
            {"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata", {{"name", name}}},
            {"spec",
             {{"nodeName", "bench-node"},
              {"containers", json::array{json::object{{"name", "c"}, {"image", "pause:3.9"}}}}}},
            {"status", json::object{}}});
    if (!r.ok()) std::fprintf(stderr, "create %s: %s\n", name.c_str(), r.error().message.c_str());
  }
  {
    std::unique_lock lock(mu);
    cv.wait_for(lock, 60s, [&] { return created.empty(); });
  }
  if (watch.ok()) watch.value().reset();
  node->Stop();
  executor.Stop();
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto pct = [&](double p) {
    return latencies_ms.empty()
               ? 0.0
               : latencies_ms[std::min(latencies_ms.size() - 1,
                                       static_cast<std::size_t>(p * latencies_ms.size()))];
  };
  std::printf(
      "pod startup (create -> Running via watch), %d pods at %d/s: running %zu, "
      "p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
      pods, rate, latencies_ms.size(), pct(0.50), pct(0.99),
      latencies_ms.empty() ? 0.0 : latencies_ms.back());
  return latencies_ms.size() == static_cast<std::size_t>(pods) ? 0 : 1;
}

int Memory(int nodes) {
  Cluster c;
  agent::Executor executor(4);
  agent::AgentConfig cfg;
  cfg.node_name = "hollow";
  cfg.capacity = {{"cpu", "4"}, {"memory", "8Gi"}, {"pods", "110"}};
  long before = RssKb();
  agent::SimulatedNodes hollow(*c.client, executor, cfg, nodes, MockOnly());
  if (Status s = hollow.Start(); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  std::this_thread::sleep_for(3s);
  long after = RssKb();
  // The store holds each Node and Lease too: counted, since a real server would hold them.
  std::printf(
      "simulated nodes: %d, RSS %ld KiB -> %ld KiB, %.1f KiB per node (incl. their "
      "Node+Lease in the in-process store)\n",
      nodes, before, after, static_cast<double>(after - before) / nodes);
  hollow.Stop();
  executor.Stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"skiff agent benchmarks"};
  app.require_subcommand(1);
  int pods = 400, rate = 20, nodes = 1000;
  auto* s = app.add_subcommand("startup", "pod startup latency");
  s->add_option("--pods", pods);
  s->add_option("--rate", rate);
  auto* m = app.add_subcommand("memory", "memory per simulated node");
  m->add_option("--nodes", nodes);
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);
  if (*s) return Startup(pods, rate);
  return Memory(nodes);
}
