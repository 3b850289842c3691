// The CNI exec host driving real CNI binaries in real namespaces: Debian's reference
// bridge + host-local + loopback, and our own skiff-bridge binary.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/pluginhost/cni_exec.h"
#include "tests/network/test_netns.h"

namespace skiff::pluginhost {
namespace {

using namespace skiff::testing;
namespace fs = std::filesystem;

constexpr char kDebianCniDir[] = "/usr/lib/cni";

class CniExecNetnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string reason = NetworkTestSkipReason();
    if (!reason.empty()) GTEST_SKIP() << reason;
    ASSERT_TRUE(subnet_.ok());
    ASSERT_TRUE(ns_.ok());
  }

  std::unique_ptr<sdk::NetworkPlugin> Exec(const std::string& bin_dir,
                                           const std::string& conflist) {
    std::string config = R"({"binDir":[")" + bin_dir + R"("],"cacheDir":")" + tmp_.path() +
                         R"(/cache","timeoutMs":20000,"confList":)" + conflist + "}";
    auto made = NewCniExecPlugin(config);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    return made.ok() ? std::move(*made) : nullptr;
  }

  sdk::NetworkAttachment Attachment() const {
    sdk::NetworkAttachment a;
    a.container_id = "ctr-" + std::to_string(getpid());
    a.netns = ns_.path();
    a.ifname = "eth0";
    return a;
  }

  std::string PodAddresses() const {
    return RunCommand("ip -n " + ns_.name() + " -4 -o addr show dev eth0 2>/dev/null");
  }

  TestSubnet subnet_;
  TempDir tmp_;
  ScopedNetns ns_{"x"};
  std::string bridge_ = UniqueName("r");
  ScopedLinkCleanup cleanup_bridge_{bridge_};
};

TEST_F(CniExecNetnsTest, DebianBridgeHostLocalLoopbackChain) {
  for (const char* bin : {"bridge", "host-local", "loopback"}) {
    if (access((std::string(kDebianCniDir) + "/" + bin).c_str(), X_OK) != 0) {
      GTEST_SKIP() << "needs containernetworking-plugins (" << kDebianCniDir << "/" << bin << ")";
    }
  }
  // isGateway/ipMasq off: the reference plugin would otherwise switch on host-wide
  // ip_forward and add iptables rules.
  std::string ipam_dir = tmp_.path() + "/host-local";
  std::string conflist = R"({"cniVersion":"1.0.0","name":"sktref","plugins":[)"
                         R"({"type":"bridge","bridge":")" +
                         bridge_ +
                         R"(","isGateway":false,"ipMasq":false,"ipam":{)"
                         R"("type":"host-local","dataDir":")" +
                         ipam_dir + R"(","ranges":[[{"subnet":")" + subnet_.cidr() +
                         R"("}]]}},{"type":"loopback"}]})";
  auto exec = Exec(kDebianCniDir, conflist);
  ASSERT_NE(exec, nullptr);
  auto r = exec->Add(Attachment());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_FALSE(r->ips.empty());
  std::string address = r->ips[0].address;
  EXPECT_EQ(address.rfind(subnet_.host(0).substr(0, subnet_.host(0).size() - 1), 0), 0u) << address;
  EXPECT_NE(PodAddresses().find(address), std::string::npos) << PodAddresses();
  std::string ip = address.substr(0, address.find('/'));
  EXPECT_TRUE(fs::exists(ipam_dir + "/sktref/" + ip));
  EXPECT_NE(RunCommand("ip -n " + ns_.name() + " link show lo").find(",UP"), std::string::npos);

  sdk::Status s = exec->Check(Attachment());
  EXPECT_TRUE(s.ok()) << s.ToString();
  auto v = exec->Version();
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->cni_version, "1.0.0");

  s = exec->Del(Attachment());
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(PodAddresses(), "");
  EXPECT_FALSE(fs::exists(ipam_dir + "/sktref/" + ip));
  EXPECT_EQ(RunCommand("ip -o link show master " + bridge_ + " 2>/dev/null"), "");
  EXPECT_TRUE(exec->Del(Attachment()).ok());
}

TEST_F(CniExecNetnsTest, SkiffBridgeBinaryAsAStandardCniPlugin) {
  std::string data_dir = tmp_.path() + "/ipam";
  std::string conflist = R"({"cniVersion":"1.1.0","name":"sktown","plugins":[)"
                         R"({"type":"skiff-bridge","bridge":")" +
                         bridge_ + R"(","subnet":")" + subnet_.cidr() + R"(","dataDir":")" +
                         data_dir + R"("}]})";
  auto exec = Exec(SKIFF_CNI_BIN_DIR, conflist);
  ASSERT_NE(exec, nullptr);
  sdk::Status s = exec->GetStatus();  // CNI 1.1 STATUS: creates the bridge
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto r = exec->Add(Attachment());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->interfaces.size(), 3u);
  EXPECT_EQ(r->interfaces[2].sandbox, ns_.path());
  ASSERT_EQ(r->ips.size(), 1u);
  EXPECT_EQ(r->ips[0].address, subnet_.host(2) + "/24");
  EXPECT_EQ(r->ips[0].gateway, subnet_.host(1));
  EXPECT_EQ(r->ips[0].interface, 2);
  EXPECT_NE(PodAddresses().find(subnet_.host(2) + "/24"), std::string::npos);
  EXPECT_TRUE(Ping(subnet_.host(2)));

  s = exec->Check(Attachment());
  EXPECT_TRUE(s.ok()) << s.ToString();
  auto again = exec->Add(Attachment());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->ips[0].address, r->ips[0].address);
  auto v = exec->Version();
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->supported_versions.back(), "1.1.0");

  // A bad config comes back as the plugin's CNI error, mapped to a Status.
  auto bad = Attachment();
  bad.config_json = R"({"cniVersion":"1.0.0","name":"sktown","plugins":[)"
                    R"({"type":"skiff-bridge","subnet":"nonsense"}]})";
  auto failed = exec->Add(bad);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), sdk::StatusCode::kInvalidArgument)
      << failed.status().ToString();
  EXPECT_NE(failed.status().message().find("subnet"), std::string::npos);

  // GC through CNI 1.1: the attachment is not in the valid list, so it goes.
  s = exec->GC({});
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(PodAddresses(), "");
  EXPECT_FALSE(fs::exists(data_dir + "/" + bridge_ + "/" + subnet_.host(2)));
  EXPECT_TRUE(exec->Del(Attachment()).ok());
}

}  // namespace
}  // namespace skiff::pluginhost
