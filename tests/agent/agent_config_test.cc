#include "core/agent/agent_config.h"

#include <gtest/gtest.h>

#include "core/agent/runtime_config_builder.h"

namespace skiff::agent {
namespace {

TEST(AgentConfigTest, ParsesEveryField) {
  auto cfg = ParseAgentConfig(R"(
nodeName: n1
rootDir: /tmp/x
address: 127.0.0.2
kubeletPort: 0
labels: {zone: a}
taints: [{key: gpu, value: "true", effect: NoSchedule}]
capacity: {cpu: 8, memory: 16Gi}
heartbeatSeconds: 5
crashLoopBackOff: {initialSeconds: 1, maxSeconds: 4}
plugins: {runtime: {name: mock, library: x.so}}
)");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->node_name, "n1");
  EXPECT_EQ(cfg->kubelet_port, 0);
  EXPECT_EQ(cfg->labels.at("zone"), "a");
  EXPECT_EQ(cfg->taints.size(), 1u);
  EXPECT_EQ(cfg->capacity.at("cpu"), "8");
  EXPECT_EQ(cfg->capacity.at("memory"), "16Gi");
  EXPECT_EQ(cfg->capacity.count("pods"), 1u);  // from the machine defaults
  EXPECT_EQ(cfg->heartbeat.count(), 5);
  EXPECT_EQ(cfg->backoff_max.count(), 4000);
}

TEST(AgentConfigTest, EmptyConfigGetsTheMachineCapacity) {
  auto cfg = ParseAgentConfig("");
  ASSERT_TRUE(cfg.ok());
  EXPECT_EQ(cfg->capacity.at("pods"), "110");
  EXPECT_FALSE(cfg->capacity.at("cpu").empty());
  EXPECT_FALSE(cfg->node_name.empty());
}

TEST(AgentConfigTest, RejectsMistakesWithTheField) {
  auto bad = ParseAgentConfig("kubeletPort: many\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("kubeletPort"), std::string::npos);
  auto typo = ParseAgentConfig("nodename: x\n");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find("nodename"), std::string::npos);
  auto taint = ParseAgentConfig("taints: [{key: a, effect: Sometimes}]\n");
  EXPECT_FALSE(taint.ok());
}

}  // namespace
}  // namespace skiff::agent
