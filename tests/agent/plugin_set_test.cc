#include "core/pluginhost/plugin_set.h"

#include <gtest/gtest.h>

#include "tests/agent/fake_runtime.h"

namespace skiff::pluginhost {
namespace {

TEST(PluginSetSpecTest, ParsesEachMode) {
  auto spec = ParsePluginSetSpec(R"(
plugins:
  runtime: { name: mock, library: lib/libmock.so, config: { netns: false } }
  network: { name: bridge, cni: { binDir: /opt/cni/bin, confList: /etc/cni/net.d/10.conflist } }
  storage: { name: hostpath, command: [skiff-hostpath-csi, --socket, /run/h.sock], socket: /run/h.sock }
  callTimeoutSeconds: 7
)");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->runtime->mode, PluginMode::kLibrary);
  EXPECT_EQ(spec->runtime->config_json, R"({"netns":false})");
  EXPECT_EQ(spec->network->mode, PluginMode::kCni);
  EXPECT_EQ(spec->network->cni_conf_list, "/etc/cni/net.d/10.conflist");
  EXPECT_EQ(spec->storage->mode, PluginMode::kSidecar);
  EXPECT_EQ(spec->storage->command.size(), 3u);
  EXPECT_EQ(spec->call_timeout.count(), 7);

  auto endpoint = ParsePluginSetSpec(
      "plugins: {runtime: {name: containerd, endpoint: unix:///run/containerd/containerd.sock}}");
  ASSERT_TRUE(endpoint.ok());
  EXPECT_EQ(endpoint->runtime->mode, PluginMode::kEndpoint);
  EXPECT_FALSE(endpoint->network);
}

TEST(PluginSetSpecTest, ErrorsNameThePlugin) {
  struct Case {
    const char* yaml;
    const char* expect;
  } cases[] = {
      {"plugins: {runtime: {name: mock}}", "plugins.runtime (mock): needs one of"},
      {"plugins: {runtime: {library: x.so}}", "plugins.runtime: name is required"},
      {"plugins: {runtime: {name: m, library: x.so, endpoint: unix:///x}}", "only one of"},
      {"plugins: {runtime: {name: m, command: [x]}}", "needs socket"},
      {"plugins: {runtime: {name: m, endpoint: /x.sock}}", "unix:///"},
      {"plugins: {storage: {name: h, cni: {binDir: a, confList: b}}}", "only for the network"},
      {"plugins: {network: {name: b, cni: {binDir: a}}}", "plugins.network (b): cni needs both"},
      {"plugins: {runtime: {name: m, library: x.so, confg: {}}}", "unknown field \"confg\""},
      {"plugins: {gpu: {name: m}}", "unknown plugin slot \"gpu\""},
  };
  for (const auto& c : cases) {
    auto r = ParsePluginSetSpec(c.yaml);
    ASSERT_FALSE(r.ok()) << c.yaml;
    EXPECT_NE(r.status().message().find(c.expect), std::string_view::npos)
        << c.yaml << " -> " << r.status().ToString();
  }
}

TEST(PluginSetTest, OpensThroughOpenersAndReportsHealth) {
  auto spec = ParsePluginSetSpec("plugins: {runtime: {name: fake, library: fake.so}}");
  ASSERT_TRUE(spec.ok());
  PluginOpeners openers = DefaultPluginOpeners();
  openers.runtime = [](const PluginSpec& s,
                       std::chrono::seconds) -> sdk::Result<std::shared_ptr<sdk::RuntimeService>> {
    EXPECT_EQ(s.library, "fake.so");
    return std::shared_ptr<sdk::RuntimeService>(std::make_shared<agent::testing::FakeRuntime>());
  };
  auto set = OpenPluginSet(*spec, openers);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  auto health = CheckPluginHealth(*set);
  ASSERT_EQ(health.size(), 1u);
  EXPECT_TRUE(health[0].healthy);
  EXPECT_EQ(health[0].mode, "library");
  EXPECT_EQ(health[0].detail, "fake 0.1");
}

TEST(PluginSetTest, RuntimeIsRequiredAndOpenErrorsPropagate) {
  auto empty = OpenPluginSet(PluginSetSpec{}, DefaultPluginOpeners());
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("runtime is required"), std::string_view::npos);
  auto spec = ParsePluginSetSpec("plugins: {runtime: {name: fake, library: /nonexistent.so}}");
  ASSERT_TRUE(spec.ok());
  auto r = OpenPluginSet(*spec, DefaultPluginOpeners());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("plugins.runtime (fake)"), std::string_view::npos)
      << r.status().ToString();
}

}  // namespace
}  // namespace skiff::pluginhost
