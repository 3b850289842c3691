// The bridge plugin as the host loads it: libskiff-bridge-cni.so through the library loader.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/pluginhost/library_loader.h"
#include "tests/network/test_netns.h"

namespace skiff::pluginhost {
namespace {

using namespace skiff::testing;

TEST(BridgeLibraryTest, DescriptorSaysNetworkPluginNamedBridge) {
  auto d = DescribePluginLibrary(SKIFF_BRIDGE_PLUGIN_PATH);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->kind, sdk::kNetworkKind);
  EXPECT_EQ(d->name, "bridge");
  EXPECT_EQ(d->abi_version, sdk::kAbiVersion);
}

TEST(BridgeLibraryTest, BadConfigIsInvalidArgumentThroughTheLoader) {
  auto p = LoadPluginLibrary<sdk::NetworkPlugin>(SKIFF_BRIDGE_PLUGIN_PATH, R"({"ipMasq":true})");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), sdk::StatusCode::kInvalidArgument) << p.status().ToString();
}

TEST(BridgeLibraryTest, AddAndDelThroughTheLoadedLibrary) {
  std::string reason = NetworkTestSkipReason();
  if (!reason.empty()) GTEST_SKIP() << reason;
  TestSubnet subnet;
  ASSERT_TRUE(subnet.ok());
  TempDir data;
  std::string bridge = UniqueName("l");
  ScopedLinkCleanup cleanup(bridge);
  ScopedNetns ns("n");
  ASSERT_TRUE(ns.ok());
  auto plugin = LoadPluginLibrary<sdk::NetworkPlugin>(
      SKIFF_BRIDGE_PLUGIN_PATH, R"({"bridge":")" + bridge + R"(","subnet":")" + subnet.cidr() +
                                    R"(","dataDir":")" + data.path() + "\"}");
  ASSERT_TRUE(plugin.ok()) << plugin.status().ToString();
  sdk::NetworkAttachment a;
  a.container_id = "pod-so";
  a.netns = ns.path();
  a.ifname = "eth0";
  auto r = (*plugin)->Add(a);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->ips[0].address, subnet.host(2) + "/24");
  EXPECT_TRUE(Ping(subnet.host(2)));
  EXPECT_TRUE((*plugin)->Check(a).ok());
  EXPECT_TRUE((*plugin)->Del(a).ok());
  EXPECT_FALSE(std::filesystem::exists(data.path() + "/" + bridge + "/" + subnet.host(2)));
}

}  // namespace
}  // namespace skiff::pluginhost
