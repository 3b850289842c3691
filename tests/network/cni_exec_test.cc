// The CNI exec host with fake plugin binaries (shell scripts written by the tests): the
// protocol (environment, stdin, prevResult, order), the result cache, and every way a plugin
// can fail. None of these touch the network.
#include "core/pluginhost/cni_exec.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/network/test_netns.h"

namespace skiff::pluginhost {
namespace {

using skiff::testing::TempDir;
namespace fs = std::filesystem;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class CniExecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bin_ = tmp_.path() + "/bin";
    fs::create_directories(bin_);
  }

  // A plugin that records each call (command, env, stdin) and prints `add_output` on ADD.
  void FakePlugin(const std::string& name, const std::string& add_output,
                  const std::string& extra = "") {
    std::string dir = tmp_.path();
    Script(name, "echo \"$CNI_COMMAND " + name + "\" >> " + dir + "/calls\n" +
                     "env | grep '^CNI_' | sort > " + dir + "/" + name + ".$CNI_COMMAND.env\n" +
                     "cat > " + dir + "/" + name + ".$CNI_COMMAND.stdin\n" + extra +
                     "if [ \"$CNI_COMMAND\" = ADD ]; then printf '%s' '" + add_output + "'; fi\n" +
                     "if [ \"$CNI_COMMAND\" = VERSION ]; then printf '%s' '" +
                     R"({"cniVersion":"1.0.0","supportedVersions":["0.4.0","1.0.0"]})" + "'; fi\n");
  }

  void Script(const std::string& name, const std::string& body) {
    std::string path = bin_ + "/" + name;
    std::ofstream(path) << "#!/bin/sh\n" << body;
    chmod(path.c_str(), 0755);
  }

  static std::string Result(const std::string& ip) {
    return R"({"cniVersion":"1.0.0","interfaces":[{"name":"eth0","sandbox":"/x"}],)"
           R"("ips":[{"address":")" +
           ip + R"(","interface":0}],"dns":{}})";
  }

  std::unique_ptr<sdk::NetworkPlugin> Exec(const std::string& plugins,
                                           const std::string& version = "1.0.0",
                                           int timeout_ms = 5000) {
    std::string config = R"({"binDir":[")" + bin_ + R"("],"cacheDir":")" + tmp_.path() +
                         R"(/cache","timeoutMs":)" + std::to_string(timeout_ms) +
                         R"(,"confList":{"cniVersion":")" + version +
                         R"(","name":"sktnet","plugins":[)" + plugins + "]}}";
    auto made = NewCniExecPlugin(config);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    return made.ok() ? std::move(*made) : nullptr;
  }

  static sdk::NetworkAttachment Attachment(const std::string& id = "ctr1") {
    sdk::NetworkAttachment a;
    a.container_id = id;
    a.netns = "/var/run/netns/fake-" + id;
    a.ifname = "eth0";
    a.pod_name = "web";
    a.pod_namespace = "default";
    return a;
  }

  std::string Calls() const { return ReadFile(tmp_.path() + "/calls"); }
  std::string Input(const std::string& name, const std::string& cmd) const {
    return ReadFile(tmp_.path() + "/" + name + "." + cmd + ".stdin");
  }
  std::string Env(const std::string& name, const std::string& cmd) const {
    return ReadFile(tmp_.path() + "/" + name + "." + cmd + ".env");
  }

  TempDir tmp_;
  std::string bin_;
};

TEST_F(CniExecTest, AddRunsTheChainInOrderPassingPrevResult) {
  FakePlugin("first", Result("192.0.2.10/24"));
  FakePlugin("second", Result("192.0.2.20/24"));
  auto exec = Exec(R"({"type":"first","knob":7},{"type":"second"})");
  auto r = exec->Add(Attachment());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->ips.size(), 1u);
  EXPECT_EQ(r->ips[0].address, "192.0.2.20/24");  // the last plugin's result wins
  EXPECT_EQ(r->interfaces[0].sandbox, "/x");
  EXPECT_EQ(Calls(), "ADD first\nADD second\n");

  std::string first_in = Input("first", "ADD");
  EXPECT_NE(first_in.find(R"("name":"sktnet")"), std::string::npos) << first_in;
  EXPECT_NE(first_in.find(R"("cniVersion":"1.0.0")"), std::string::npos) << first_in;
  EXPECT_NE(first_in.find(R"("knob":7)"), std::string::npos) << first_in;
  EXPECT_EQ(first_in.find("prevResult"), std::string::npos) << first_in;
  std::string second_in = Input("second", "ADD");
  EXPECT_NE(second_in.find(R"("prevResult":{)"), std::string::npos) << second_in;
  EXPECT_NE(second_in.find("192.0.2.10/24"), std::string::npos) << second_in;

  std::string env = Env("first", "ADD");
  EXPECT_NE(env.find("CNI_COMMAND=ADD\n"), std::string::npos) << env;
  EXPECT_NE(env.find("CNI_CONTAINERID=ctr1\n"), std::string::npos) << env;
  EXPECT_NE(env.find("CNI_IFNAME=eth0\n"), std::string::npos) << env;
  EXPECT_NE(env.find("CNI_NETNS=/var/run/netns/fake-ctr1\n"), std::string::npos) << env;
  EXPECT_NE(env.find("CNI_PATH=" + bin_ + "\n"), std::string::npos) << env;
  EXPECT_NE(env.find("K8S_POD_NAME=web"), std::string::npos) << env;
  EXPECT_NE(env.find("K8S_POD_NAMESPACE=default"), std::string::npos) << env;
  EXPECT_NE(env.find("IgnoreUnknown=1"), std::string::npos) << env;
  EXPECT_TRUE(fs::exists(tmp_.path() + "/cache/sktnet-ctr1-eth0"));
}

TEST_F(CniExecTest, DelRunsInReverseWithTheCachedResultAndForgetsIt) {
  FakePlugin("first", Result("192.0.2.10/24"));
  FakePlugin("second", Result("192.0.2.20/24"));
  auto exec = Exec(R"({"type":"first"},{"type":"second"})");
  ASSERT_TRUE(exec->Add(Attachment()).ok());
  sdk::Status s = exec->Del(Attachment());
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Calls(), "ADD first\nADD second\nDEL second\nDEL first\n");
  EXPECT_NE(Input("first", "DEL").find("192.0.2.20/24"), std::string::npos);
  EXPECT_FALSE(fs::exists(tmp_.path() + "/cache/sktnet-ctr1-eth0"));
  // Without a cached result DEL still runs, with no prevResult.
  ASSERT_TRUE(exec->Del(Attachment()).ok());
  EXPECT_EQ(Input("first", "DEL").find("prevResult"), std::string::npos);
}

TEST_F(CniExecTest, CheckPassesTheCachedResult) {
  FakePlugin("first", Result("192.0.2.10/24"));
  auto exec = Exec(R"({"type":"first"})");
  EXPECT_EQ(exec->Check(Attachment()).code(), sdk::StatusCode::kNotFound);
  ASSERT_TRUE(exec->Add(Attachment()).ok());
  sdk::Status s = exec->Check(Attachment());
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_NE(Input("first", "CHECK").find("192.0.2.10/24"), std::string::npos);
  EXPECT_NE(Env("first", "CHECK").find("CNI_COMMAND=CHECK"), std::string::npos);
}

TEST_F(CniExecTest, RepeatedAddIsAnsweredFromTheCacheWhileCheckPasses) {
  FakePlugin("first", Result("192.0.2.10/24"));
  auto exec = Exec(R"({"type":"first"})");
  ASSERT_TRUE(exec->Add(Attachment()).ok());
  auto again = exec->Add(Attachment());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->ips[0].address, "192.0.2.10/24");
  EXPECT_EQ(Calls(), "ADD first\nCHECK first\n");
  // Once CHECK fails the chain runs ADD again.
  FakePlugin(
      "first", Result("192.0.2.11/24"),
      "[ \"$CNI_COMMAND\" = CHECK ] && { echo '{\"code\":100,\"msg\":\"gone\"}'; exit 1; }\n");
  auto readded = exec->Add(Attachment());
  ASSERT_TRUE(readded.ok()) << readded.status().ToString();
  EXPECT_EQ(readded->ips[0].address, "192.0.2.11/24");
  EXPECT_EQ(Calls(), "ADD first\nCHECK first\nCHECK first\nADD first\n");
}

TEST_F(CniExecTest, MissingBinaryNamesPluginOperationAndBinDir) {
  auto exec = Exec(R"({"type":"no-such-plugin"})");
  auto r = exec->Add(Attachment());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), sdk::StatusCode::kFailedPrecondition);
  std::string msg(r.status().message());
  EXPECT_NE(msg.find("no-such-plugin"), std::string::npos) << msg;
  EXPECT_NE(msg.find("ADD"), std::string::npos) << msg;
  EXPECT_NE(msg.find(bin_), std::string::npos) << msg;
  EXPECT_EQ(exec->GetStatus().code(), sdk::StatusCode::kUnavailable);
}

TEST_F(CniExecTest, GarbageOutputIsAClearError) {
  Script("garbage", "echo 'this is not json'\n");
  auto r = Exec(R"({"type":"garbage"})")->Add(Attachment());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), sdk::StatusCode::kInternal);
  std::string msg(r.status().message());
  EXPECT_NE(msg.find("garbage"), std::string::npos) << msg;
  EXPECT_NE(msg.find("invalid result"), std::string::npos) << msg;
  EXPECT_NE(msg.find("this is not json"), std::string::npos) << msg;
}

TEST_F(CniExecTest, NonZeroExitWithoutJsonReportsStatusAndStderr) {
  Script("crash", "echo 'segfault-ish trouble' >&2\nexit 1\n");
  auto r = Exec(R"({"type":"crash"})")->Add(Attachment());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), sdk::StatusCode::kInternal);
  std::string msg(r.status().message());
  EXPECT_NE(msg.find("crash"), std::string::npos) << msg;
  EXPECT_NE(msg.find("exited with status 1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("segfault-ish trouble"), std::string::npos) << msg;
}

TEST_F(CniExecTest, JsonErrorMapsCodeAndMessage) {
  Script("picky",
         R"(echo '{"cniVersion":"1.0.0","code":7,"msg":"bad subnet","details":"x/y"}'; exit 1)"
         "\n");
  auto r = Exec(R"({"type":"picky"})")->Add(Attachment());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), sdk::StatusCode::kInvalidArgument);
  std::string msg(r.status().message());
  EXPECT_NE(msg.find("picky"), std::string::npos) << msg;
  EXPECT_NE(msg.find("bad subnet"), std::string::npos) << msg;
  EXPECT_NE(msg.find("x/y"), std::string::npos) << msg;
  EXPECT_NE(msg.find("code 7"), std::string::npos) << msg;

  Script("gone", R"(echo '{"code":3,"msg":"no such container"}'; exit 1)"
                 "\n");
  auto del = Exec(R"({"type":"gone"})")->Del(Attachment());
  EXPECT_EQ(del.code(), sdk::StatusCode::kNotFound) << del.ToString();
}

TEST_F(CniExecTest, HungPluginTimesOutInsteadOfBlocking) {
  Script("hang", "sleep 30\n");
  auto exec = Exec(R"({"type":"hang"})", "1.0.0", 300);
  auto start = std::chrono::steady_clock::now();
  auto r = exec->Add(Attachment());
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), sdk::StatusCode::kDeadlineExceeded);
  EXPECT_NE(r.status().message().find("timed out"), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("hang"), std::string::npos);
  EXPECT_LT(took, std::chrono::seconds(3));
}

TEST_F(CniExecTest, FailedAddUndoesTheEarlierPlugins) {
  FakePlugin("first", Result("192.0.2.10/24"));
  Script("broken", "echo \"$CNI_COMMAND broken\" >> " + tmp_.path() +
                       "/calls\n[ \"$CNI_COMMAND\" = ADD ] && exit 2\nexit 0\n");
  auto r = Exec(R"({"type":"first"},{"type":"broken"})")->Add(Attachment());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(Calls(), "ADD first\nADD broken\nDEL broken\nDEL first\n");
  EXPECT_FALSE(fs::exists(tmp_.path() + "/cache/sktnet-ctr1-eth0"));
}

TEST_F(CniExecTest, GcDeletesStaleCachedAttachmentsAndCallsGcOnCni11) {
  FakePlugin("first", Result("192.0.2.10/24"));
  auto exec = Exec(R"({"type":"first"})", "1.1.0");
  ASSERT_TRUE(exec->Add(Attachment("keep")).ok());
  ASSERT_TRUE(exec->Add(Attachment("stale")).ok());
  sdk::Status s = exec->GC({{"keep", "eth0"}});
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Calls(), "ADD first\nADD first\nDEL first\nGC first\n");
  EXPECT_NE(Env("first", "DEL").find("CNI_CONTAINERID=stale"), std::string::npos);
  std::string gc_in = Input("first", "GC");
  EXPECT_NE(gc_in.find(R"("cni.dev/valid-attachments":[{"containerID":"keep","ifname":"eth0"}])"),
            std::string::npos)
      << gc_in;
  EXPECT_TRUE(fs::exists(tmp_.path() + "/cache/sktnet-keep-eth0"));
  EXPECT_FALSE(fs::exists(tmp_.path() + "/cache/sktnet-stale-eth0"));
}

TEST_F(CniExecTest, StatusRunsStatusOnCni11AndMapsNotAvailable) {
  Script("ready", "exit 0\n");
  EXPECT_TRUE(Exec(R"({"type":"ready"})", "1.1.0")->GetStatus().ok());
  Script("notready", R"(echo '{"code":50,"msg":"no uplink"}'; exit 1)"
                     "\n");
  sdk::Status s = Exec(R"({"type":"notready"})", "1.1.0")->GetStatus();
  EXPECT_EQ(s.code(), sdk::StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("no uplink"), std::string::npos) << s.ToString();
  // Before 1.1 there is no STATUS command: present binaries mean ready.
  EXPECT_TRUE(Exec(R"({"type":"notready"})", "1.0.0")->GetStatus().ok());
}

TEST_F(CniExecTest, VersionIsWhatTheWholeChainSpeaks) {
  FakePlugin("first", Result("192.0.2.10/24"));
  Script("newer", R"(echo '{"cniVersion":"1.1.0","supportedVersions":["1.0.0","1.1.0"]}')"
                  "\n");
  auto v = Exec(R"({"type":"first"},{"type":"newer"})")->Version();
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->cni_version, "1.0.0");
  EXPECT_EQ(v->supported_versions, std::vector<std::string>{"1.0.0"});
}

TEST_F(CniExecTest, ConfigForms) {
  std::string conflist = tmp_.path() + "/10-x.conflist";
  std::ofstream(conflist) << R"({"cniVersion":"1.0.0","name":"fromfile","plugins":[{"type":"a"}]})";
  auto opts = ParseCniExecConfig(R"({"binDir":"/a:/b","confList":")" + conflist + "\"}");
  ASSERT_TRUE(opts.ok()) << opts.status().ToString();
  EXPECT_EQ(opts->bin_dirs, (std::vector<std::string>{"/a", "/b"}));
  EXPECT_EQ(opts->network.name, "fromfile");
  // A single .conf is a list of one.
  opts = ParseCniExecConfig(R"({"confList":{"cniVersion":"0.4.0","name":"n","type":"bridge"}})");
  ASSERT_TRUE(opts.ok()) << opts.status().ToString();
  ASSERT_EQ(opts->network.plugins.size(), 1u);
  EXPECT_EQ(opts->network.plugins[0].type, "bridge");
  EXPECT_FALSE(ParseCniExecConfig(R"({"binDir":["/x"]})").ok());
  EXPECT_FALSE(ParseCniExecConfig(R"({"confList":"/nonexistent.conflist"})").ok());
  EXPECT_FALSE(ParseCniExecConfig(R"({"confList":{"name":"n","plugins":[{"type":"a"}]}})").ok());
  EXPECT_FALSE(
      ParseCniExecConfig(R"({"confList":{"cniVersion":"1.0.0","name":"n","plugins":[{}]}})").ok());
  EXPECT_FALSE(ParseCniExecConfig(
                   R"({"confList":{"cniVersion":"1.0.0","name":"n","plugins":[{"type":"../x"}]}})")
                   .ok());
}

TEST_F(CniExecTest, RejectsContainerIdsThatWouldEscapeTheCache) {
  FakePlugin("first", Result("192.0.2.10/24"));
  auto a = Attachment();
  a.container_id = "../../etc";
  EXPECT_EQ(Exec(R"({"type":"first"})")->Add(a).status().code(), sdk::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace skiff::pluginhost
