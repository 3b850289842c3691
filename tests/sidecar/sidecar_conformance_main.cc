// The conformance suites run through sidecars: the mock runtime and the hostpath driver are
// spawned as their sidecar binaries under a SidecarSupervisor, and every case talks to them
// through the host's CRI and CSI clients, exactly as the agent would. The network suite runs
// through the network sidecar server (in this process) and client, with the loopback stand-in
// plugin of tests/plugins, when we may make network namespaces (root).
//
// The sidecars start on the first case that needs them (so listing the tests spawns nothing)
// and stop when the run ends.

#include <gtest/gtest.h>
#include <skiff/conformance/suites.h>
#include <skiff/sdk/serve.h>
#include <unistd.h>

#include <memory>
#include <mutex>

#include "core/pluginhost/grpc_clients.h"
#include "core/pluginhost/sidecar_supervisor.h"
#include "tests/plugins/loopback_network.h"
#include "tests/sidecar/test_support.h"

namespace skiff::sidecar_test {
namespace {

using pluginhost::GrpcClientOptions;
using pluginhost::SidecarKind;

// One supervised sidecar, started on first use.
class LazySidecar {
 public:
  LazySidecar(std::string name, SidecarKind kind, std::vector<std::string> argv_tail)
      : name_(std::move(name)), kind_(kind), argv_tail_(std::move(argv_tail)) {}

  // The endpoint once the sidecar answers, or why it does not.
  sdk::Result<GrpcClientOptions> Client(const ScratchDir& dir, const std::string& binary) {
    std::lock_guard lock(mu_);
    if (!supervisor_) {
      GrpcClientOptions options{.plugin_name = name_, .endpoint = dir.Endpoint(name_)};
      pluginhost::SidecarConfig config;
      config.name = name_;
      config.endpoint = options.endpoint;
      config.command = {binary, "--socket", dir.Socket(name_)};
      config.command.insert(config.command.end(), argv_tail_.begin(), argv_tail_.end());
      config.log_path = (dir.path() / (name_ + ".log")).string();
      supervisor_ = std::make_unique<pluginhost::SidecarSupervisor>(
          config, pluginhost::GrpcHealthCheck(kind_, options));
      started_ = supervisor_->Start();
      options_ = options;
    }
    if (!started_.ok()) return started_;
    return options_;
  }

  void Stop() {
    std::lock_guard lock(mu_);
    supervisor_.reset();
  }

 private:
  std::string name_;
  SidecarKind kind_;
  std::vector<std::string> argv_tail_;
  std::mutex mu_;
  std::unique_ptr<pluginhost::SidecarSupervisor> supervisor_;
  sdk::Status started_;
  GrpcClientOptions options_;
};

// The loopback network plugin behind a sidecar server in this process, started on first use.
class LazyNetworkServer {
 public:
  sdk::Result<GrpcClientOptions> Client(const ScratchDir& dir) {
    std::lock_guard lock(mu_);
    if (!server_) {
      auto server = sdk::StartNetworkServer(std::make_shared<testing_plugins::LoopbackNetwork>(),
                                            dir.Socket("loopback"));
      if (!server.ok()) return server.status();
      server_ = std::move(server).value();
    }
    return GrpcClientOptions{.plugin_name = "loopback", .endpoint = dir.Endpoint("loopback")};
  }
  void Stop() {
    std::lock_guard lock(mu_);
    server_.reset();
  }

 private:
  std::mutex mu_;
  std::unique_ptr<sdk::SidecarServer> server_;
};

ScratchDir* g_dir = nullptr;
LazySidecar* g_runtime = nullptr;
LazySidecar* g_storage = nullptr;
LazyNetworkServer* g_network = nullptr;

class StopSidecars : public testing::Environment {
 public:
  void TearDown() override {
    g_runtime->Stop();
    g_storage->Stop();
    g_network->Stop();
  }
};

}  // namespace
}  // namespace skiff::sidecar_test

int main(int argc, char** argv) {
  using namespace skiff;
  using namespace skiff::sidecar_test;
  testing::InitGoogleTest(&argc, argv);

  ScratchDir dir;
  std::string volumes = (dir.path() / "volumes").string();
  LazySidecar runtime("mock", SidecarKind::kRuntime, {});
  LazySidecar storage(
      "hostpath", SidecarKind::kStorage,
      {"--config", R"({"root": ")" + volumes + R"(", "capacityBytes": 1073741824})"});
  LazyNetworkServer network;
  g_dir = &dir;
  g_runtime = &runtime;
  g_storage = &storage;
  g_network = &network;
  testing::AddGlobalTestEnvironment(new StopSidecars);

  conformance::RegisterRuntimeSuite(
      []() -> sdk::Result<std::shared_ptr<sdk::RuntimeService>> {
        auto options = g_runtime->Client(*g_dir, SKIFF_MOCK_RUNTIME_SIDECAR);
        if (!options.ok()) return options.status();
        return std::shared_ptr<sdk::RuntimeService>(pluginhost::NewGrpcRuntimeClient(*options));
      },
      {}, "sidecar");
  conformance::RegisterStorageSuite(
      []() -> sdk::Result<std::shared_ptr<sdk::StoragePlugin>> {
        auto options = g_storage->Client(*g_dir, SKIFF_HOSTPATH_CSI_SIDECAR);
        if (!options.ok()) return options.status();
        return std::shared_ptr<sdk::StoragePlugin>(pluginhost::NewGrpcStorageClient(*options));
      },
      {}, "sidecar");
  if (::geteuid() == 0) {
    conformance::NetworkSuiteOptions network_options;
    network_options.ifname = "lo";  // what the loopback stand-in configures
    conformance::RegisterNetworkSuite(
        []() -> sdk::Result<std::shared_ptr<sdk::NetworkPlugin>> {
          auto options = g_network->Client(*g_dir);
          if (!options.ok()) return options.status();
          return std::shared_ptr<sdk::NetworkPlugin>(pluginhost::NewGrpcNetworkClient(*options));
        },
        network_options, "sidecar");
  }
  return RUN_ALL_TESTS();
}
