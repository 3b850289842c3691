#include "plugins/bridge-cni/ipam_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "tests/network/test_netns.h"

namespace skiff::bridge_cni {
namespace {

using skiff::testing::TempDir;

std::unique_ptr<IpamStore> OpenStore(const std::string& dir, const char* subnet = "10.1.2.0/24") {
  auto prefix = *Ipv4Prefix::Parse(subnet);
  Ipv4Address gateway{prefix.Network().value + 1};
  std::unique_ptr<IpamStore> store;
  SysError e = IpamStore::Open(dir, prefix, {gateway}, &store);
  EXPECT_TRUE(e.ok()) << e.ToString();
  return store;
}

TEST(IpamStoreTest, AllocatesFirstHostAfterGatewayAndWritesOwnerFile) {
  TempDir tmp;
  auto store = OpenStore(tmp.path());
  Ipv4Address a;
  bool existed = true;
  ASSERT_TRUE(store->Allocate({"c1", "eth0"}, &a, &existed).ok());
  EXPECT_FALSE(existed);
  EXPECT_EQ(a.ToString(), "10.1.2.2");
  std::ifstream f(tmp.path() + "/10.1.2.2");
  std::string id, ifname;
  f >> id >> ifname;
  EXPECT_EQ(id, "c1");
  EXPECT_EQ(ifname, "eth0");
}

TEST(IpamStoreTest, SameOwnerGetsSameAddress) {
  TempDir tmp;
  auto store = OpenStore(tmp.path());
  Ipv4Address a, b;
  bool existed = false;
  ASSERT_TRUE(store->Allocate({"c1", "eth0"}, &a, &existed).ok());
  ASSERT_TRUE(store->Allocate({"c1", "eth0"}, &b, &existed).ok());
  EXPECT_TRUE(existed);
  EXPECT_EQ(a, b);
  ASSERT_TRUE(store->Allocate({"c1", "eth1"}, &b, &existed).ok());
  EXPECT_FALSE(existed);
  EXPECT_NE(a, b);
}

TEST(IpamStoreTest, ReleaseFreesAndIsIdempotent) {
  TempDir tmp;
  auto store = OpenStore(tmp.path());
  Ipv4Address a;
  bool existed, released;
  ASSERT_TRUE(store->Allocate({"c1", "eth0"}, &a, &existed).ok());
  ASSERT_TRUE(store->Release({"c1", "eth0"}, &released).ok());
  EXPECT_TRUE(released);
  EXPECT_FALSE(std::filesystem::exists(tmp.path() + "/" + a.ToString()));
  ASSERT_TRUE(store->Release({"c1", "eth0"}, &released).ok());
  EXPECT_FALSE(released);
  ASSERT_TRUE(store->Release({"never", "eth0"}, &released).ok());
}

TEST(IpamStoreTest, RoundRobinReusesFreedAddressesLast) {
  TempDir tmp;
  auto store = OpenStore(tmp.path());
  Ipv4Address a, b;
  bool existed, released;
  ASSERT_TRUE(store->Allocate({"c1", "eth0"}, &a, &existed).ok());
  ASSERT_TRUE(store->Release({"c1", "eth0"}, &released).ok());
  ASSERT_TRUE(store->Allocate({"c2", "eth0"}, &b, &existed).ok());
  EXPECT_NE(a, b);
}

TEST(IpamStoreTest, SurvivesReopen) {
  TempDir tmp;
  Ipv4Address a, b;
  bool existed;
  {
    auto store = OpenStore(tmp.path());
    ASSERT_TRUE(store->Allocate({"c1", "eth0"}, &a, &existed).ok());
  }
  auto store = OpenStore(tmp.path());
  ASSERT_TRUE(store->Allocate({"c1", "eth0"}, &b, &existed).ok());
  EXPECT_TRUE(existed);
  EXPECT_EQ(a, b);
  ASSERT_TRUE(store->Allocate({"c2", "eth0"}, &b, &existed).ok());
  EXPECT_NE(a, b);
}

TEST(IpamStoreTest, ExhaustionIsENOSPC) {
  TempDir tmp;
  auto store = OpenStore(tmp.path(), "10.1.2.0/29");  // .2-.6 usable (gateway .1)
  Ipv4Address a;
  bool existed;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store->Allocate({"c" + std::to_string(i), "eth0"}, &a, &existed).ok());
  }
  SysError e = store->Allocate({"c9", "eth0"}, &a, &existed);
  EXPECT_EQ(e.err(), ENOSPC);
}

TEST(IpamStoreTest, ConcurrentStoresNeverShareAnAddress) {
  TempDir tmp;
  // Two stores on one directory stand in for two processes (separate lock descriptors).
  auto s1 = OpenStore(tmp.path());
  auto s2 = OpenStore(tmp.path());
  std::vector<Ipv4Address> got(100);
  std::vector<std::thread> threads;
  for (int i = 0; i < 100; ++i) {
    threads.emplace_back([&, i] {
      bool existed;
      IpamStore* s = i % 2 ? s1.get() : s2.get();
      SysError e = s->Allocate({"c" + std::to_string(i), "eth0"}, &got[i], &existed);
      EXPECT_TRUE(e.ok()) << e.ToString();
    });
  }
  for (auto& t : threads) t.join();
  std::set<uint32_t> distinct;
  for (auto a : got) distinct.insert(a.value);
  EXPECT_EQ(distinct.size(), 100u);
  std::vector<IpamAllocation> all;
  ASSERT_TRUE(s1->List(&all).ok());
  EXPECT_EQ(all.size(), 100u);
}

TEST(IpamStoreTest, ReleaseFindsAddressFileWithoutOwnerLink) {
  TempDir tmp;
  auto store = OpenStore(tmp.path());
  Ipv4Address a;
  bool existed, released;
  ASSERT_TRUE(store->Allocate({"c1", "eth0"}, &a, &existed).ok());
  // As if the process died between writing the address file and the owner link.
  std::filesystem::remove(tmp.path() + "/owners/c1:eth0");
  ASSERT_TRUE(store->Release({"c1", "eth0"}, &released).ok());
  EXPECT_TRUE(released);
  EXPECT_FALSE(std::filesystem::exists(tmp.path() + "/" + a.ToString()));
}

TEST(IpamStoreTest, RejectsOwnersThatAreNotFileNames) {
  TempDir tmp;
  auto store = OpenStore(tmp.path());
  Ipv4Address a;
  bool existed;
  EXPECT_EQ(store->Allocate({"../x", "eth0"}, &a, &existed).err(), EINVAL);
  EXPECT_EQ(store->Allocate({"c1", "et:h0"}, &a, &existed).err(), EINVAL);
  EXPECT_EQ(store->Allocate({"", "eth0"}, &a, &existed).err(), EINVAL);
}

}  // namespace
}  // namespace skiff::bridge_cni
