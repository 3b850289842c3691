// Pod network ADD+DEL per pod: the bridge plugin in-process against Debian's reference
// `bridge` + `host-local` binaries exec'd through the CNI exec host, in one run, on the same
// kind of namespaces (created before timing, used in turn).
// A third case execs our own skiff-bridge binary, which separates the cost of exec from the
// cost of the plugin's work. Needs root; each case gets its own bridge and private /24.
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <map>
#include <memory>

#include "core/pluginhost/cni_exec.h"
#include "plugins/bridge-cni/bridge_plugin.h"
#include "tests/network/test_netns.h"

namespace {

using namespace skiff;
using namespace skiff::testing;

std::map<std::string, double> g_ms_per_pod;

// Pods per case cycle through this many namespaces, all made before timing starts, so
// each ADD meets a namespace whose previous pod is long gone, as a fresh pod's would be.
constexpr int kNamespaces = 64;

// Everything one case needs; torn down (bridge, namespaces, files) when the case ends.
struct Fixture {
  explicit Fixture(const std::string& tag) : bridge(UniqueName(tag + "b")), cleanup(bridge) {
    for (int i = 0; i < kNamespaces; ++i) {
      namespaces.push_back(std::make_unique<ScopedNetns>(tag + std::to_string(i)));
    }
  }
  bool ok() const {
    if (!subnet.ok()) return false;
    for (const auto& ns : namespaces) {
      if (!ns->ok()) return false;
    }
    return true;
  }
  TestSubnet subnet;
  TempDir dir;
  std::string bridge;
  ScopedLinkCleanup cleanup;
  std::vector<std::unique_ptr<ScopedNetns>> namespaces;
};

void RunAddDel(benchmark::State& state, sdk::NetworkPlugin& plugin, const Fixture& f) {
  sdk::NetworkAttachment a;
  a.netns = f.namespaces[0]->path();
  a.ifname = "eth0";
  a.container_id = "warmup";  // creates the bridge outside the timed loop
  if (!plugin.Add(a).ok() || !plugin.Del(a).ok()) {
    state.SkipWithError("warm-up ADD/DEL failed");
    return;
  }
  int64_t n = 0;
  double add_ms = 0, del_ms = 0;
  for (auto _ : state) {
    a.netns = f.namespaces[(n + 1) % kNamespaces]->path();
    a.container_id = "bench-" + std::to_string(n++);
    auto t0 = std::chrono::steady_clock::now();
    auto r = plugin.Add(a);
    auto t1 = std::chrono::steady_clock::now();
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      break;
    }
    sdk::Status s = plugin.Del(a);
    auto t2 = std::chrono::steady_clock::now();
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
    add_ms += std::chrono::duration<double, std::milli>(t1 - t0).count();
    del_ms += std::chrono::duration<double, std::milli>(t2 - t1).count();
  }
  state.SetItemsProcessed(state.iterations());
  if (n > 0) {
    state.counters["add_ms"] = add_ms / static_cast<double>(n);
    state.counters["del_ms"] = del_ms / static_cast<double>(n);
  }
}

bool Prepare(benchmark::State& state, const Fixture& f) {
  std::string reason = NetworkTestSkipReason();
  if (!reason.empty()) {
    state.SkipWithError(reason.c_str());
    return false;
  }
  if (!f.ok()) {
    state.SkipWithError("no free test subnet or namespace");
    return false;
  }
  return true;
}

void Record(const benchmark::State& state, const std::string& name,
            std::chrono::steady_clock::time_point start) {
  if (state.iterations() == 0) return;
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() /
      static_cast<double>(state.iterations());
  g_ms_per_pod[name] = ms;
}

void RunInProcess(benchmark::State& state, const std::string& tag, const std::string& extra,
                  const std::string& record_as) {
  Fixture f(tag);
  if (!Prepare(state, f)) return;
  auto plugin = bridge_cni::NewBridgePlugin(R"({"bridge":")" + f.bridge + R"(","subnet":")" +
                                            f.subnet.cidr() + R"(","dataDir":")" + f.dir.path() +
                                            "\"" + extra + "}");
  if (!plugin.ok()) return state.SkipWithError(plugin.status().ToString().c_str());
  auto start = std::chrono::steady_clock::now();
  RunAddDel(state, **plugin, f);
  Record(state, record_as, start);
  // Destroying the plugin waits for the veths still being deleted in the background: shown
  // so the deferred work is not hidden (it is one kernel batch, not one per pod).
  auto drain = std::chrono::steady_clock::now();
  plugin->reset();
  state.counters["drain_ms"] =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - drain).count();
}

// The default: DEL retires the veth and a background thread deletes it (veth_reaper.h).
void BM_BridgeInProcess(benchmark::State& state) { RunInProcess(state, "p", "", "in-process"); }

// DEL waits for the kernel to delete the veth (an RCU grace period per pod).
void BM_BridgeInProcessSyncDelete(benchmark::State& state) {
  RunInProcess(state, "q", R"(,"deferredDelete":false)", "in-process sync delete");
}

std::unique_ptr<sdk::NetworkPlugin> Exec(benchmark::State& state, const std::string& bin_dir,
                                         const std::string& plugin_json, const Fixture& f) {
  auto made = pluginhost::NewCniExecPlugin(
      R"({"binDir":[")" + bin_dir + R"("],"cacheDir":")" + f.dir.path() +
      R"(/cache","timeoutMs":30000,"confList":{"cniVersion":"1.0.0","name":"sktbench",)"
      R"("plugins":[)" +
      plugin_json + "]}}");
  if (!made.ok()) {
    state.SkipWithError(made.status().ToString().c_str());
    return nullptr;
  }
  return std::move(*made);
}

void BM_ReferenceBridgeHostLocalExec(benchmark::State& state) {
  Fixture f("r");
  if (!Prepare(state, f)) return;
  if (access("/usr/lib/cni/bridge", X_OK) != 0 || access("/usr/lib/cni/host-local", X_OK) != 0) {
    return state.SkipWithError("needs containernetworking-plugins in /usr/lib/cni");
  }
  // The same per-pod work as ours: veth on the bridge, an address and a default route via
  // .1. isGateway/ipMasq off so the reference plugin leaves host-wide ip_forward and
  // iptables alone.
  auto exec = Exec(state, "/usr/lib/cni",
                   R"({"type":"bridge","bridge":")" + f.bridge +
                       R"(","isGateway":false,"ipMasq":false,"mtu":1500,"ipam":{)"
                       R"("type":"host-local","dataDir":")" +
                       f.dir.path() + R"(/host-local","ranges":[[{"subnet":")" + f.subnet.cidr() +
                       R"("}]],"routes":[{"dst":"0.0.0.0/0"}]}})",
                   f);
  if (!exec) return;
  auto start = std::chrono::steady_clock::now();
  RunAddDel(state, *exec, f);
  Record(state, "reference exec", start);
}

void BM_SkiffBridgeBinaryExec(benchmark::State& state) {
  Fixture f("s");
  if (!Prepare(state, f)) return;
  auto exec = Exec(state, SKIFF_CNI_BIN_DIR,
                   R"({"type":"skiff-bridge","bridge":")" + f.bridge + R"(","subnet":")" +
                       f.subnet.cidr() + R"(","dataDir":")" + f.dir.path() + "\"}",
                   f);
  if (!exec) return;
  auto start = std::chrono::steady_clock::now();
  RunAddDel(state, *exec, f);
  Record(state, "skiff-bridge exec", start);
}

BENCHMARK(BM_BridgeInProcess)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);
BENCHMARK(BM_BridgeInProcessSyncDelete)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);
BENCHMARK(BM_ReferenceBridgeHostLocalExec)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(3.0);
BENCHMARK(BM_SkiffBridgeBinaryExec)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  auto ref = g_ms_per_pod.find("reference exec");
  for (const char* ours_name : {"in-process", "in-process sync delete"}) {
    auto ours = g_ms_per_pod.find(ours_name);
    if (ours == g_ms_per_pod.end() || ref == g_ms_per_pod.end() || ours->second <= 0) continue;
    double speedup = ref->second / ours->second;
    spdlog::warn("ADD+DEL per pod: {} {:.3f} ms vs reference exec {:.3f} ms: {:.1f}x ({})",
                 ours_name, ours->second, ref->second, speedup,
                 speedup >= 10 ? "target >=10x met" : "target >=10x NOT met");
  }
  return 0;
}
