// Runs the conformance suites in-process against the reference plugins, loaded as shared
// libraries through the host's loader, next to the plugins' own tests; and the network suite
// against a loopback stand-in, since the real network plugin lives elsewhere.
#include <gtest/gtest.h>
#include <skiff/conformance/suites.h>
#include <unistd.h>

#include <filesystem>

#include "core/pluginhost/library_loader.h"
#include "loopback_network.h"

namespace {

using skiff::pluginhost::LoadPluginLibrary;

// The hostpath suite's root, made on first use and removed after the run.
const std::string& HostpathRoot() {
  static const std::string root = [] {
    std::string path = "/tmp/skiff-hostpath-conformance-" + std::to_string(getpid());
    std::filesystem::create_directories(path);
    return path;
  }();
  return root;
}

class HostpathRootCleanup : public testing::Environment {
 public:
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all("/tmp/skiff-hostpath-conformance-" + std::to_string(getpid()), ec);
  }
};

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  using namespace skiff;
  conformance::RegisterRuntimeSuite(
      [] { return LoadPluginLibrary<sdk::RuntimeService>(SKIFF_MOCK_RUNTIME_PLUGIN, "{}"); });
  conformance::RegisterRuntimeSuite(
      [] {
        return LoadPluginLibrary<sdk::RuntimeService>(SKIFF_MOCK_RUNTIME_PLUGIN,
                                                      R"({"netns": true})");
      },
      {}, "netns");
  conformance::RegisterStorageSuite([] {
    return LoadPluginLibrary<sdk::StoragePlugin>(
        SKIFF_HOSTPATH_CSI_PLUGIN,
        R"({"root": ")" + HostpathRoot() + R"(", "capacityBytes": 1073741824})");
  });
  // The network suite needs netns (root); loopback stands in for a real network plugin.
  if (geteuid() == 0) {
    conformance::NetworkSuiteOptions network_options;
    network_options.ifname = "lo";
    conformance::RegisterNetworkSuite(
        []() -> sdk::Result<std::shared_ptr<sdk::NetworkPlugin>> {
          return std::make_shared<testing_plugins::LoopbackNetwork>();
        },
        network_options, "loopback");
  }
  testing::AddGlobalTestEnvironment(new HostpathRootCleanup);
  return RUN_ALL_TESTS();
}
