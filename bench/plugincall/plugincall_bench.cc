// Per-call overhead of a plugin call made in-process (the .so through the host's loader, and
// the plain object for reference) against the same plugin as a sidecar over a unix socket (the
// real skiff-mock-runtime process, reached through the host's CRI client). `bounded` is the
// plain object behind the deadline wrapper the agent puts on every in-process plugin.
//
//   plugincall_bench [--benchmark_filter=...]
//
// Version and Status are the cheapest calls a runtime has, so their cost is almost all
// boundary; PodSandboxStatus adds a realistic payload (metadata, labels, the netns path as
// verbose JSON); ListContainers/100 shows how the cost grows with the answer.

#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <mutex>

#include "core/pluginhost/bounded_plugins.h"
#include "core/pluginhost/grpc_clients.h"
#include "core/pluginhost/library_loader.h"
#include "core/pluginhost/sidecar_supervisor.h"
#include "plugins/mock-runtime/mock_runtime.h"

namespace {

using skiff::sdk::RuntimeService;

// One sidecar process for the whole run: spawning is not what we measure.
class SidecarFixture {
 public:
  SidecarFixture() {
    char tmpl[] = "/tmp/skiff-bench-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    std::string socket = dir_ + "/mock.sock";
    skiff::pluginhost::GrpcClientOptions options{.plugin_name = "mock",
                                                 .endpoint = "unix://" + socket};
    skiff::pluginhost::SidecarConfig config;
    config.name = "mock";
    config.endpoint = options.endpoint;
    config.command = {SKIFF_MOCK_RUNTIME_SIDECAR, "--socket", socket};
    config.health_interval = std::chrono::seconds(60);  // keep health checks out of the figures
    supervisor_ = std::make_unique<skiff::pluginhost::SidecarSupervisor>(
        config,
        skiff::pluginhost::GrpcHealthCheck(skiff::pluginhost::SidecarKind::kRuntime, options));
    auto started = supervisor_->Start();
    if (!started.ok()) {
      spdlog::error("cannot start the sidecar: {}", started.ToString());
      std::abort();
    }
    client_ = skiff::pluginhost::NewGrpcRuntimeClient(options);
  }
  ~SidecarFixture() {
    client_.reset();
    supervisor_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  RuntimeService& runtime() { return *client_; }

 private:
  std::string dir_;
  std::unique_ptr<skiff::pluginhost::SidecarSupervisor> supervisor_;
  std::unique_ptr<RuntimeService> client_;
};

RuntimeService& Direct() {
  static auto* runtime = skiff::mock::NewMockRuntime("{}").value().release();
  return *runtime;
}

// The plain object behind the deadline wrapper every in-process plugin gets in the agent:
// each call is handed to a pool thread and waited for.
RuntimeService& Bounded() {
  static auto runtime = skiff::pluginhost::BoundPlugin(
      std::shared_ptr<RuntimeService>(skiff::mock::NewMockRuntime("{}").value()), {"mock", {}});
  return *runtime;
}

RuntimeService& Library() {
  static auto runtime = [] {
    auto loaded =
        skiff::pluginhost::LoadPluginLibrary<RuntimeService>(SKIFF_MOCK_RUNTIME_PLUGIN, "{}");
    if (!loaded.ok()) {
      spdlog::error("cannot load the plugin: {}", loaded.status().ToString());
      std::abort();
    }
    return std::move(loaded).value();
  }();
  return *runtime;
}

// Made on first use, stopped (with its directory removed) by main after the run.
std::unique_ptr<SidecarFixture> g_sidecar;

RuntimeService& Sidecar() {
  static std::once_flag once;  // the threaded benchmark calls this from every thread
  std::call_once(once, [] { g_sidecar = std::make_unique<SidecarFixture>(); });
  return g_sidecar->runtime();
}

[[noreturn]] void Fail(const std::string& what, const skiff::sdk::Status& status) {
  spdlog::error("{}: {}", what, status.ToString());
  std::abort();
}

// A sandbox named `name` in `runtime` (names are unique per runtime, as in CRI).
std::string SandboxIn(RuntimeService& runtime, const std::string& name) {
  skiff::sdk::PodSandboxConfig config;
  config.metadata = {name, "uid-" + name, "default", 0};
  config.labels = {{"app", "bench"}, {"tier", "web"}};
  config.annotations = {{"skiff.dev/purpose", "benchmark"}};
  auto id = runtime.RunPodSandbox(config, "");
  if (!id.ok()) Fail("RunPodSandbox", id.status());
  return *id;
}

// Makes `n` containers in one sandbox of `runtime` (once).
void FillContainers(RuntimeService& runtime, int n) {
  std::string sandbox = SandboxIn(runtime, "bench-list");
  skiff::sdk::PodSandboxConfig sandbox_config;
  if (auto pulled = runtime.PullImage({"busybox", {}}, {}, sandbox_config); !pulled.ok()) {
    Fail("PullImage", pulled.status());
  }
  for (int i = 0; i < n; ++i) {
    skiff::sdk::ContainerConfig c;
    // Appended rather than operator+: GCC 12 warns falsely (-Wrestrict) on "c" + to_string.
    std::string name = "c";
    name += std::to_string(i);
    c.metadata = {name, 0};
    c.image = {"busybox", {}};
    c.labels = {{"app", "bench"}};
    if (auto made = runtime.CreateContainer(sandbox, c, sandbox_config); !made.ok()) {
      Fail("CreateContainer", made.status());
    }
  }
}

void Version(benchmark::State& state, RuntimeService& (*runtime)()) {
  RuntimeService& r = runtime();
  for (auto _ : state) benchmark::DoNotOptimize(r.Version("v1"));
}

void Status(benchmark::State& state, RuntimeService& (*runtime)()) {
  RuntimeService& r = runtime();
  for (auto _ : state) benchmark::DoNotOptimize(r.GetStatus());
}

void PodSandboxStatus(benchmark::State& state, RuntimeService& (*runtime)()) {
  RuntimeService& r = runtime();
  static std::map<RuntimeService*, std::string> sandboxes;
  if (!sandboxes.count(&r)) sandboxes[&r] = SandboxIn(r, "bench-status");
  const std::string id = sandboxes[&r];
  for (auto _ : state) benchmark::DoNotOptimize(r.GetPodSandboxStatus(id));
}

void ListContainers(benchmark::State& state, RuntimeService& (*runtime)()) {
  RuntimeService& r = runtime();
  static std::map<RuntimeService*, bool> filled;
  if (!filled[&r]) {
    FillContainers(r, static_cast<int>(state.range(0)));
    filled[&r] = true;
  }
  for (auto _ : state) benchmark::DoNotOptimize(r.ListContainers({}));
}

BENCHMARK_CAPTURE(Version, direct, &Direct);
BENCHMARK_CAPTURE(Version, library, &Library);
BENCHMARK_CAPTURE(Version, bounded, &Bounded);
BENCHMARK_CAPTURE(Version, bounded, &Bounded)->Threads(4)->UseRealTime();
BENCHMARK_CAPTURE(Version, sidecar, &Sidecar);
BENCHMARK_CAPTURE(Version, sidecar, &Sidecar)->Threads(4)->UseRealTime();
BENCHMARK_CAPTURE(Status, direct, &Direct);
BENCHMARK_CAPTURE(Status, library, &Library);
BENCHMARK_CAPTURE(Status, bounded, &Bounded);
BENCHMARK_CAPTURE(Status, sidecar, &Sidecar);
BENCHMARK_CAPTURE(PodSandboxStatus, library, &Library);
BENCHMARK_CAPTURE(PodSandboxStatus, sidecar, &Sidecar);
BENCHMARK_CAPTURE(ListContainers, library, &Library)->Arg(100);
BENCHMARK_CAPTURE(ListContainers, bounded, &Bounded)->Arg(100);
BENCHMARK_CAPTURE(ListContainers, sidecar, &Sidecar)->Arg(100);

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);  // the supervisor's lifecycle lines are not figures
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  g_sidecar.reset();
  return 0;
}
