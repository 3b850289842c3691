// The bridge plugin against the real kernel: namespaces, a bridge, veths, addresses, routes,
// and its IPAM files. Every test uses its own bridge, /24 and data directory.
#include "plugins/bridge-cni/bridge_plugin.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <thread>

#include "plugins/bridge-cni/bridge_network.h"
#include "tests/network/test_netns.h"

namespace skiff::bridge_cni {
namespace {

using namespace skiff::testing;
namespace fs = std::filesystem;

class BridgePluginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string reason = NetworkTestSkipReason();
    if (!reason.empty()) GTEST_SKIP() << reason;
    ASSERT_TRUE(subnet_.ok()) << "no free 10.250.X.0/24 for the test";
    plugin_ = NewPlugin();
    ASSERT_NE(plugin_, nullptr);
  }

  std::string Config(const std::string& extra = "") const {
    return R"({"bridge":")" + bridge_ + R"(","subnet":")" + subnet_.cidr() + R"(","dataDir":")" +
           data_.path() + R"(","mtu":1400)" + extra + "}";
  }

  std::unique_ptr<sdk::NetworkPlugin> NewPlugin() {
    auto made = NewBridgePlugin(Config());
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    return made.ok() ? std::move(*made) : nullptr;
  }

  static sdk::NetworkAttachment Attachment(const ScopedNetns& ns, const std::string& id,
                                           const std::string& ifname = "eth0") {
    sdk::NetworkAttachment a;
    a.container_id = id;
    a.netns = ns.path();
    a.ifname = ifname;
    return a;
  }

  std::string IpamFile(const sdk::NetworkResult& r) const {
    std::string address = r.ips.at(0).address;
    return data_.path() + "/" + bridge_ + "/" + address.substr(0, address.find('/'));
  }

  static bool PodLinkGone(const ScopedNetns& ns) {
    return WaitFor(
        [&] { return RunCommand("ip -n " + ns.name() + " link show eth0 2>/dev/null").empty(); });
  }

  bool BridgeHasNoPorts() const {
    return WaitFor([&] { return RunCommand("ip -o link show master " + bridge_).empty(); });
  }

  static bool HostLinkExists(const std::string& name) {
    int rc = 0;
    RunCommand("ip link show " + name + " >/dev/null 2>&1", &rc);
    return rc == 0;
  }

  TestSubnet subnet_;
  TempDir data_;
  std::string bridge_ = UniqueName("b");
  ScopedLinkCleanup cleanup_bridge_{bridge_};
  std::unique_ptr<sdk::NetworkPlugin> plugin_;
};

TEST_F(BridgePluginTest, AddWiresThePodAndTheHostCanPingIt) {
  ScopedNetns ns("n");
  ASSERT_TRUE(ns.ok());
  auto result = plugin_->Add(Attachment(ns, "pod-a"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();

  // The CNI 1.0 result shape: bridge, host veth, pod interface; the ip points at the latter.
  ASSERT_EQ(result->interfaces.size(), 3u);
  EXPECT_EQ(result->interfaces[0].name, bridge_);
  EXPECT_EQ(result->interfaces[1].name, BridgeNetwork::HostVethName(bridge_, "pod-a", "eth0"));
  EXPECT_EQ(result->interfaces[2].name, "eth0");
  EXPECT_EQ(result->interfaces[2].sandbox, ns.path());
  EXPECT_EQ(result->interfaces[2].mac.size(), 17u);
  ASSERT_EQ(result->ips.size(), 1u);
  EXPECT_EQ(result->ips[0].address, subnet_.host(2) + "/24");
  EXPECT_EQ(result->ips[0].gateway, subnet_.host(1));
  EXPECT_EQ(result->ips[0].interface, 2);
  ASSERT_EQ(result->routes.size(), 1u);
  EXPECT_EQ(result->routes[0].dst, "0.0.0.0/0");

  std::string addr = RunCommand("ip -n " + ns.name() + " -4 addr show dev eth0");
  EXPECT_NE(addr.find("inet " + subnet_.host(2) + "/24"), std::string::npos) << addr;
  EXPECT_NE(addr.find("mtu 1400"), std::string::npos) << addr;
  std::string route = RunCommand("ip -n " + ns.name() + " -4 route show default");
  EXPECT_NE(route.find("via " + subnet_.host(1) + " dev eth0"), std::string::npos) << route;
  std::string lo = RunCommand("ip -n " + ns.name() + " link show lo");
  EXPECT_NE(lo.find(",UP"), std::string::npos) << lo;
  std::string br = RunCommand("ip -4 addr show dev " + bridge_);
  EXPECT_NE(br.find("inet " + subnet_.host(1) + "/24"), std::string::npos) << br;
  std::string master = RunCommand("ip link show master " + bridge_);
  EXPECT_NE(master.find(result->interfaces[1].name), std::string::npos) << master;

  EXPECT_TRUE(Ping(subnet_.host(2)));
  EXPECT_TRUE(plugin_->Check(Attachment(ns, "pod-a")).ok());
  EXPECT_TRUE(plugin_->Del(Attachment(ns, "pod-a")).ok());
}

TEST_F(BridgePluginTest, AddIsIdempotent) {
  ScopedNetns ns("n");
  ASSERT_TRUE(ns.ok());
  auto first = plugin_->Add(Attachment(ns, "pod-a"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = plugin_->Add(Attachment(ns, "pod-a"));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->ips[0].address, first->ips[0].address);
  for (size_t i = 0; i < first->interfaces.size(); ++i) {
    EXPECT_EQ(second->interfaces[i].name, first->interfaces[i].name);
    EXPECT_EQ(second->interfaces[i].mac, first->interfaces[i].mac);
  }
  std::string addr = RunCommand("ip -n " + ns.name() + " -4 -o addr show dev eth0");
  EXPECT_EQ(std::count(addr.begin(), addr.end(), '\n'), 1) << addr;
  EXPECT_TRUE(plugin_->Del(Attachment(ns, "pod-a")).ok());
}

TEST_F(BridgePluginTest, DelRemovesVethAndAddressFileAndIsIdempotent) {
  ScopedNetns ns("n");
  ASSERT_TRUE(ns.ok());
  auto result = plugin_->Add(Attachment(ns, "pod-a"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  std::string veth = result->interfaces[1].name;
  std::string file = IpamFile(*result);
  EXPECT_TRUE(HostLinkExists(veth));
  EXPECT_TRUE(fs::exists(file));

  sdk::Status s = plugin_->Del(Attachment(ns, "pod-a"));
  ASSERT_TRUE(s.ok()) << s.ToString();
  // At once: the host end's name and the address are free, the pod has no link any more.
  EXPECT_FALSE(HostLinkExists(veth));
  EXPECT_FALSE(fs::exists(file));
  std::string pod_link = RunCommand("ip -n " + ns.name() + " link show eth0 2>/dev/null");
  EXPECT_TRUE(pod_link.empty() || pod_link.find("NO-CARRIER") != std::string::npos) << pod_link;
  // Soon: the retired pair is deleted by the reaper.
  EXPECT_TRUE(PodLinkGone(ns));
  EXPECT_TRUE(plugin_->Del(Attachment(ns, "pod-a")).ok());
  EXPECT_TRUE(plugin_->Del(Attachment(ns, "never-added")).ok());
}

TEST_F(BridgePluginTest, SynchronousDeleteWhenDeferredDeleteIsOff) {
  auto made = NewBridgePlugin(Config(R"(,"deferredDelete":false)"));
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  ScopedNetns ns("n");
  ASSERT_TRUE(ns.ok());
  ASSERT_TRUE((*made)->Add(Attachment(ns, "pod-a")).ok());
  ASSERT_TRUE((*made)->Del(Attachment(ns, "pod-a")).ok());
  EXPECT_EQ(RunCommand("ip -n " + ns.name() + " link show eth0 2>/dev/null"), "");
}

TEST_F(BridgePluginTest, AddRightAfterDelInTheSameNamespace) {
  ScopedNetns ns("n");
  ASSERT_TRUE(ns.ok());
  for (int i = 0; i < 5; ++i) {
    auto r = plugin_->Add(Attachment(ns, "pod-a"));
    ASSERT_TRUE(r.ok()) << "round " << i << ": " << r.status().ToString();
    ASSERT_TRUE(plugin_->Del(Attachment(ns, "pod-a")).ok());
  }
  auto r = plugin_->Add(Attachment(ns, "pod-b"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(plugin_->Check(Attachment(ns, "pod-b")).ok());
  EXPECT_TRUE(Ping(r->ips[0].address.substr(0, r->ips[0].address.find('/'))));
  ASSERT_TRUE(plugin_->Del(Attachment(ns, "pod-b")).ok());
}

TEST_F(BridgePluginTest, DelAfterTheNamespaceIsGoneStillReleasesTheAddress) {
  sdk::NetworkAttachment a;
  sdk::Result<sdk::NetworkResult> result = sdk::Status::Internal("unset");
  {
    ScopedNetns ns("n");
    ASSERT_TRUE(ns.ok());
    a = Attachment(ns, "pod-a");
    result = plugin_->Add(a);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
  }
  EXPECT_FALSE(fs::exists(a.netns));
  sdk::Status s = plugin_->Del(a);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_FALSE(fs::exists(IpamFile(*result)));
  EXPECT_FALSE(HostLinkExists(result->interfaces[1].name));
  EXPECT_TRUE(BridgeHasNoPorts());
}

TEST_F(BridgePluginTest, AddToMissingNamespaceIsNotFoundAndLeaksNothing) {
  sdk::NetworkAttachment a;
  a.container_id = "pod-a";
  a.ifname = "eth0";
  a.netns = "/var/run/netns/" + UniqueName("missing");
  auto result = plugin_->Add(a);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), sdk::StatusCode::kNotFound) << result.status().ToString();
  EXPECT_NE(result.status().message().find(a.netns), std::string::npos);
  EXPECT_FALSE(fs::exists(data_.path() + "/" + bridge_ + "/" + subnet_.host(2)));
}

TEST_F(BridgePluginTest, AddWhenIfnameIsTakenIsAlreadyExistsAndLeaksNothing) {
  ScopedNetns ns("n");
  ASSERT_TRUE(ns.ok());
  int rc = 0;
  RunCommand("ip -n " + ns.name() + " link add eth0 type veth peer name eth0peer", &rc);
  ASSERT_EQ(rc, 0);
  auto result = plugin_->Add(Attachment(ns, "pod-a"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), sdk::StatusCode::kAlreadyExists) << result.status().ToString();
  EXPECT_FALSE(fs::exists(data_.path() + "/" + bridge_ + "/" + subnet_.host(2)));
  EXPECT_FALSE(HostLinkExists(BridgeNetwork::HostVethName(bridge_, "pod-a", "eth0")));
}

TEST_F(BridgePluginTest, ANewInstanceKeepsTheAllocations) {
  ScopedNetns ns1("n1"), ns2("n2");
  ASSERT_TRUE(ns1.ok() && ns2.ok());
  auto first = plugin_->Add(Attachment(ns1, "pod-a"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  plugin_.reset();  // "restart"
  plugin_ = NewPlugin();
  auto other = plugin_->Add(Attachment(ns2, "pod-b"));
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_NE(other->ips[0].address, first->ips[0].address);
  auto again = plugin_->Add(Attachment(ns1, "pod-a"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->ips[0].address, first->ips[0].address);
  EXPECT_TRUE(plugin_->Check(Attachment(ns1, "pod-a")).ok());
  EXPECT_TRUE(plugin_->Del(Attachment(ns1, "pod-a")).ok());
  EXPECT_TRUE(plugin_->Del(Attachment(ns2, "pod-b")).ok());
}

TEST_F(BridgePluginTest, FiftyConcurrentAddsGetFiftyDistinctAddresses) {
  constexpr int kPods = 50;
  std::vector<std::unique_ptr<ScopedNetns>> namespaces;
  for (int i = 0; i < kPods; ++i) {
    namespaces.push_back(std::make_unique<ScopedNetns>("c" + std::to_string(i)));
    ASSERT_TRUE(namespaces.back()->ok());
  }
  std::vector<std::string> addresses(kPods);
  std::vector<std::thread> threads;
  for (int i = 0; i < kPods; ++i) {
    threads.emplace_back([&, i] {
      auto r = plugin_->Add(Attachment(*namespaces[i], "pod-" + std::to_string(i)));
      if (r.ok()) {
        addresses[i] = r->ips[0].address;
      } else {
        ADD_FAILURE() << r.status().ToString();
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> distinct(addresses.begin(), addresses.end());
  distinct.erase("");
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kPods));
  for (int i = 0; i < kPods; ++i) {
    std::string shown = RunCommand("ip -n " + namespaces[i]->name() + " -4 -o addr show dev eth0");
    EXPECT_NE(shown.find(addresses[i]), std::string::npos) << shown;
  }
  threads.clear();
  for (int i = 0; i < kPods; ++i) {
    threads.emplace_back([&, i] {
      sdk::Status s = plugin_->Del(Attachment(*namespaces[i], "pod-" + std::to_string(i)));
      EXPECT_TRUE(s.ok()) << s.ToString();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_TRUE(BridgeHasNoPorts());
}

TEST_F(BridgePluginTest, CheckFailsOnceThePodAddressIsRemoved) {
  ScopedNetns ns("n");
  ASSERT_TRUE(ns.ok());
  auto result = plugin_->Add(Attachment(ns, "pod-a"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(plugin_->Check(Attachment(ns, "pod-a")).ok());
  RunCommand("ip -n " + ns.name() + " addr del " + result->ips[0].address + " dev eth0");
  sdk::Status s = plugin_->Check(Attachment(ns, "pod-a"));
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("lacks"), std::string::npos) << s.ToString();
  EXPECT_EQ(plugin_->Check(Attachment(ns, "never-added")).code(), sdk::StatusCode::kNotFound);
  EXPECT_TRUE(plugin_->Del(Attachment(ns, "pod-a")).ok());
}

TEST_F(BridgePluginTest, CheckComparesAgainstPrevResult) {
  ScopedNetns ns("n");
  ASSERT_TRUE(ns.ok());
  ASSERT_TRUE(plugin_->Add(Attachment(ns, "pod-a")).ok());
  auto a = Attachment(ns, "pod-a");
  a.config_json = Config(R"(,"prevResult":{"ips":[{"address":")" + subnet_.host(2) + "/24\"}]}");
  EXPECT_TRUE(plugin_->Check(a).ok());
  a.config_json = Config(R"(,"prevResult":{"ips":[{"address":")" + subnet_.host(9) + "/24\"}]}");
  EXPECT_EQ(plugin_->Check(a).code(), sdk::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(plugin_->Del(Attachment(ns, "pod-a")).ok());
}

TEST_F(BridgePluginTest, GcReleasesOnlyStaleAttachments) {
  ScopedNetns ns1("n1"), ns2("n2");
  ASSERT_TRUE(ns1.ok() && ns2.ok());
  auto keep = plugin_->Add(Attachment(ns1, "pod-keep"));
  auto stale = plugin_->Add(Attachment(ns2, "pod-stale"));
  ASSERT_TRUE(keep.ok() && stale.ok());
  sdk::Status s = plugin_->GC({{"pod-keep", "eth0"}});
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(fs::exists(IpamFile(*keep)));
  EXPECT_TRUE(HostLinkExists(keep->interfaces[1].name));
  EXPECT_FALSE(fs::exists(IpamFile(*stale)));
  EXPECT_FALSE(HostLinkExists(stale->interfaces[1].name));
  // GC finishes its deletions before it returns.
  EXPECT_EQ(RunCommand("ip -n " + ns2.name() + " link show eth0 2>/dev/null"), "");
  EXPECT_TRUE(plugin_->Check(Attachment(ns1, "pod-keep")).ok());
  EXPECT_TRUE(plugin_->GC({}).ok());
  EXPECT_FALSE(fs::exists(IpamFile(*keep)));
  EXPECT_EQ(RunCommand("ip -o link show master " + bridge_), "");
}

TEST_F(BridgePluginTest, StatusCreatesTheBridge) {
  EXPECT_FALSE(HostLinkExists(bridge_));
  sdk::Status s = plugin_->GetStatus();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(HostLinkExists(bridge_));
  auto v = plugin_->Version();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->cni_version, "1.1.0");
}

TEST_F(BridgePluginTest, PerCallConfigSelectsAnotherBridge) {
  TestSubnet other_subnet;
  ASSERT_TRUE(other_subnet.ok());
  std::string other_bridge = UniqueName("o");
  ScopedLinkCleanup cleanup(other_bridge);
  ScopedNetns ns("n");
  ASSERT_TRUE(ns.ok());
  auto a = Attachment(ns, "pod-a");
  a.config_json = R"({"bridge":")" + other_bridge + R"(","subnet":")" + other_subnet.cidr() +
                  R"(","dataDir":")" + data_.path() + "\"}";
  auto r = plugin_->Add(a);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->interfaces[0].name, other_bridge);
  EXPECT_EQ(r->ips[0].address, other_subnet.host(2) + "/24");
  EXPECT_TRUE(plugin_->Del(a).ok());
}

TEST(BridgeConfigTest, RejectsBadSettings) {
  auto bad = [](const std::string& json) {
    auto r = NewBridgePlugin(json);
    return !r.ok() && r.status().code() == sdk::StatusCode::kInvalidArgument;
  };
  EXPECT_TRUE(bad("not json"));
  EXPECT_TRUE(bad(R"({"subnet":"10.0.0.0"})"));
  EXPECT_TRUE(bad(R"({"subnet":"10.0.0.0/31"})"));
  EXPECT_TRUE(bad(R"({"ipMasq":true})"));
  EXPECT_TRUE(bad(R"({"mtu":10})"));
  EXPECT_TRUE(bad(R"({"bridge":"a/b"})"));
  EXPECT_TRUE(bad(R"({"dataDir":"relative"})"));
  EXPECT_TRUE(bad(R"({"subnet":"10.0.0.0/24","gateway":"10.0.1.1"})"));
}

}  // namespace
}  // namespace skiff::bridge_cni
