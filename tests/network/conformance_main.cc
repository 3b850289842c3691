// The SDK's network conformance suite against every way skiff runs a network plugin: the
// bridge plugin in-process, as libskiff-bridge-cni.so through the loader, as the skiff-bridge
// CNI binary through the CNI exec host, and Debian's reference bridge + host-local through
// the same host. Each gets its own bridge, private /24 and state directory. Needs root.
#include <gtest/gtest.h>
#include <skiff/conformance/suites.h>
#include <unistd.h>

#include <memory>

#include "core/pluginhost/cni_exec.h"
#include "core/pluginhost/library_loader.h"
#include "plugins/bridge-cni/bridge_plugin.h"
#include "tests/network/test_netns.h"

namespace {

using namespace skiff;
using namespace skiff::testing;

// One network's bridge, subnet and state, alive (and then cleaned up) for the whole run.
struct Network {
  explicit Network(const std::string& tag) : bridge(UniqueName(tag)), cleanup(bridge) {}
  TestSubnet subnet;
  TempDir dir;
  std::string bridge;
  ScopedLinkCleanup cleanup;

  std::string BridgeConfig() const {
    return R"({"bridge":")" + bridge + R"(","subnet":")" + subnet.cidr() + R"(","dataDir":")" +
           dir.path() + "\"}";
  }
  std::string ExecConfig(const std::string& bin_dir, const std::string& plugins) const {
    return R"({"binDir":[")" + bin_dir + R"("],"cacheDir":")" + dir.path() +
           R"(/cache","timeoutMs":30000,"confList":{"cniVersion":"1.0.0","name":")" + bridge +
           R"(","plugins":[)" + plugins + "]}}";
  }
};

template <typename T>
sdk::Result<std::shared_ptr<sdk::NetworkPlugin>> Shared(sdk::Result<T> made) {
  if (!made.ok()) return made.status();
  return std::shared_ptr<sdk::NetworkPlugin>(std::move(*made));
}

void RegisterAll() {
  static Network in_process("ci"), library("cl"), binary("cb"), reference("cr");
  conformance::RegisterNetworkSuite(
      [] { return Shared(bridge_cni::NewBridgePlugin(in_process.BridgeConfig())); }, {},
      "bridge_in_process");
  conformance::RegisterNetworkSuite(
      [] {
        return pluginhost::LoadPluginLibrary<sdk::NetworkPlugin>(SKIFF_BRIDGE_PLUGIN_PATH,
                                                                 library.BridgeConfig());
      },
      {}, "bridge_library");
  conformance::RegisterNetworkSuite(
      [] {
        std::string plugin = binary.BridgeConfig();
        plugin.insert(1, R"("type":"skiff-bridge",)");
        return Shared(pluginhost::NewCniExecPlugin(binary.ExecConfig(SKIFF_CNI_BIN_DIR, plugin)));
      },
      {}, "skiff_bridge_cni_exec");
  if (access("/usr/lib/cni/bridge", X_OK) == 0 && access("/usr/lib/cni/host-local", X_OK) == 0) {
    conformance::RegisterNetworkSuite(
        [] {
          // isGateway/ipMasq off: host-wide ip_forward and iptables stay untouched.
          std::string plugin = R"({"type":"bridge","bridge":")" + reference.bridge +
                               R"(","isGateway":false,"ipMasq":false,"ipam":{)"
                               R"("type":"host-local","dataDir":")" +
                               reference.dir.path() + R"(/host-local","ranges":[[{"subnet":")" +
                               reference.subnet.cidr() + R"("}]]}})";
          return Shared(pluginhost::NewCniExecPlugin(reference.ExecConfig("/usr/lib/cni", plugin)));
        },
        {}, "reference_cni_exec");
  }
}

TEST(NetworkConformanceSetup, Environment) {
  std::string reason = NetworkTestSkipReason();
  if (!reason.empty()) GTEST_SKIP() << "network conformance " << reason;
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (NetworkTestSkipReason().empty()) RegisterAll();
  return RUN_ALL_TESTS();
}
