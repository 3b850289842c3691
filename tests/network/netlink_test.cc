// The netlink layer against the real kernel: a bridge, a veth pair born in a namespace,
// addresses and routes inside it, checked with `ip`.
#include <gtest/gtest.h>

#include "plugins/bridge-cni/netlink_address.h"
#include "plugins/bridge-cni/netlink_link.h"
#include "plugins/bridge-cni/netns.h"
#include "tests/network/test_netns.h"

namespace skiff::bridge_cni {
namespace {

using namespace skiff::testing;

class NetlinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string reason = NetworkTestSkipReason();
    if (!reason.empty()) GTEST_SKIP() << reason;
    ASSERT_TRUE(NetlinkSocket::Open(&nl_).ok());
  }
  NetlinkSocket nl_;
};

TEST_F(NetlinkTest, MissingLinkIsENODEV) {
  LinkInfo info;
  EXPECT_EQ(GetLink(nl_, UniqueName("none"), &info).err(), ENODEV);
}

TEST_F(NetlinkTest, BridgeVethAddressAndRouteInNamespace) {
  TestSubnet subnet;
  ASSERT_TRUE(subnet.ok());
  ScopedNetns ns("n");
  ASSERT_TRUE(ns.ok());
  std::string bridge = UniqueName("b");
  ScopedLinkCleanup cleanup_bridge(bridge);
  std::string veth = UniqueName("v");
  ScopedLinkCleanup cleanup_veth(veth);

  MacAddress bridge_mac{0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
  SysError e = CreateBridge(nl_, bridge, 1500, bridge_mac);
  ASSERT_TRUE(e.ok()) << e.ToString();
  EXPECT_EQ(CreateBridge(nl_, bridge, 1500, bridge_mac).err(), EEXIST);
  LinkInfo br;
  ASSERT_TRUE(GetLink(nl_, bridge, &br).ok());
  EXPECT_EQ(br.kind, "bridge");
  EXPECT_TRUE(br.up);
  EXPECT_EQ(br.mac, bridge_mac);

  auto gw = *Ipv4Prefix::Parse(subnet.host(1) + "/24");
  e = AddAddress(nl_, br.index, gw);
  ASSERT_TRUE(e.ok()) << e.ToString();
  EXPECT_EQ(AddAddress(nl_, br.index, gw).err(), EEXIST);

  NetnsHandle handle;
  ASSERT_TRUE(NetnsHandle::Open(ns.path(), &handle).ok());
  VethSpec spec;
  spec.host_name = veth;
  spec.host_mac = {0x02, 0, 0, 0, 0, 1};
  spec.host_master = br.index;
  spec.peer_name = "eth0";
  spec.peer_mac = {0x0a, 0x58, 0, 0, 0, 2};
  spec.peer_netns_fd = handle.fd();
  spec.mtu = 1400;
  e = CreateVethPair(nl_, spec);
  ASSERT_TRUE(e.ok()) << e.ToString();
  LinkInfo host_end;
  ASSERT_TRUE(GetLink(nl_, veth, &host_end).ok());
  EXPECT_EQ(host_end.master, br.index);
  EXPECT_EQ(host_end.mtu, 1400u);

  NetlinkSocket inside;
  ASSERT_TRUE(OpenNetlinkIn(handle, &inside).ok());
  LinkInfo eth0;
  ASSERT_TRUE(GetLink(inside, "eth0", &eth0).ok());
  EXPECT_EQ(eth0.mac, spec.peer_mac);
  ASSERT_TRUE(SetLinkUp(inside, 1).ok());
  ASSERT_TRUE(SetLinkUp(inside, eth0.index).ok());
  auto pod = *Ipv4Prefix::Parse(subnet.host(2) + "/24");
  ASSERT_TRUE(AddAddress(inside, eth0.index, pod).ok());
  Ipv4Route def{*Ipv4Prefix::Parse("0.0.0.0/0"), gw.address, eth0.index};
  e = AddRoute(inside, def);
  ASSERT_TRUE(e.ok()) << e.ToString();

  std::vector<Ipv4Prefix> addrs;
  ASSERT_TRUE(ListAddresses(inside, eth0.index, &addrs).ok());
  ASSERT_EQ(addrs.size(), 1u);
  EXPECT_EQ(addrs[0], pod);
  std::vector<Ipv4Route> routes;
  ASSERT_TRUE(ListRoutes(inside, &routes).ok());
  bool found_default = false;
  for (const auto& r : routes) {
    if (r.destination.length == 0 && r.gateway == gw.address) found_default = true;
  }
  EXPECT_TRUE(found_default);

  std::string shown = RunCommand("ip -n " + ns.name() + " -4 addr show eth0");
  EXPECT_NE(shown.find(subnet.host(2) + "/24"), std::string::npos) << shown;
  EXPECT_NE(RunCommand("ip -n " + ns.name() + " link show lo").find("UP"), std::string::npos);
  EXPECT_TRUE(Ping(subnet.host(2)));

  ASSERT_TRUE(DeleteLink(nl_, veth).ok());
  EXPECT_EQ(DeleteLink(nl_, veth).err(), ENODEV);
  EXPECT_EQ(GetLink(inside, "eth0", &eth0).err(), ENODEV);  // the peer went with it
}

TEST_F(NetlinkTest, OpenMissingNamespaceFails) {
  NetnsHandle h;
  EXPECT_EQ(NetnsHandle::Open("/var/run/netns/" + UniqueName("missing"), &h).err(), ENOENT);
  EXPECT_EQ(NetnsHandle::Open("/etc/hostname", &h).err(), EINVAL);
}

}  // namespace
}  // namespace skiff::bridge_cni
