// A Pod's container turned into a CRI ContainerConfig: env with valueFrom and the downward
// API, and resources as Linux cgroup settings.

#include "core/agent/runtime_config_builder.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/api/kinds.h"
#include "core/apiserver/registry.h"
#include "core/client/in_process_client.h"
#include "core/store/memory_store.h"

namespace skiff::agent {
namespace {

namespace json = boost::json;

class RuntimeConfigBuilderTest : public ::testing::Test {
 protected:
  RuntimeConfigBuilderTest()
      : store_(store::NewMemoryStore()),
        registry_(*store_, api::KindRegistry::Builtin()),
        client_(client::NewInProcessClient(registry_)) {}

  Result<sdk::ContainerConfig> Build(const char* container_json) {
    pod_ = json::parse(R"({"metadata": {"name": "web-1", "namespace": "shop", "uid": "u1"},
                           "spec": {"containers": []}})")
               .as_object();
    container_ = json::parse(container_json).as_object();
    ContainerInputs in;
    in.pod = &pod_;
    in.container = &container_;
    in.pod_ip = "10.88.0.7";
    in.node_name = "n1";
    return BuildContainerConfig(in, *client_);
  }

  std::unique_ptr<store::Store> store_;
  apiserver::ObjectRegistry registry_;
  std::unique_ptr<client::Client> client_;
  json::object pod_;
  json::object container_;
};

std::string Env(const sdk::ContainerConfig& c, const std::string& key) {
  for (const auto& kv : c.envs) {
    if (kv.key == key) return kv.value;
  }
  return "<unset>";
}

TEST_F(RuntimeConfigBuilderTest, LimitsAndRequestsBecomeCgroupSettings) {
  auto c = Build(R"({"name": "app", "image": "busybox",
                     "resources": {"limits": {"cpu": "500m", "memory": "64Mi"},
                                   "requests": {"cpu": 2}}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const auto& res = c->linux_config.resources;
  EXPECT_EQ(res.cpu_period, 100000);
  EXPECT_EQ(res.cpu_quota, 50000);
  EXPECT_EQ(res.cpu_shares, 2048);  // a JSON number is a quantity too
  EXPECT_EQ(res.memory_limit_in_bytes, 64 * 1024 * 1024);
}

TEST_F(RuntimeConfigBuilderTest, NoResourcesLeaveTheCgroupAlone) {
  auto c = Build(R"({"name": "app", "image": "busybox"})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->linux_config.resources.cpu_quota, 0);
  EXPECT_EQ(c->linux_config.resources.memory_limit_in_bytes, 0);
}

TEST_F(RuntimeConfigBuilderTest, DownwardApiAndExpansion) {
  auto c = Build(R"js({"name": "app", "image": "busybox", "env": [
      {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
      {"name": "NS", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
      {"name": "IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
      {"name": "URL", "value": "http://$(IP):80/$(POD)"}]})js");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(Env(*c, "POD"), "web-1");
  EXPECT_EQ(Env(*c, "NS"), "shop");
  EXPECT_EQ(Env(*c, "IP"), "10.88.0.7");
  EXPECT_EQ(Env(*c, "URL"), "http://10.88.0.7:80/web-1");
}

TEST_F(RuntimeConfigBuilderTest, MissingConfigMapKeyIsNotFound) {
  auto c = Build(R"({"name": "app", "image": "busybox", "env": [
      {"name": "X", "valueFrom": {"configMapKeyRef": {"name": "absent", "key": "k"}}}]})");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Status::Code::kNotFound) << c.status().ToString();
}

}  // namespace
}  // namespace skiff::agent
