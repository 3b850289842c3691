#include "core/api/kinds.h"

#include <gtest/gtest.h>

namespace skiff::api {
namespace {

TEST(KindRegistryTest, FindsPodsByResourceAndKind) {
  const auto& reg = KindRegistry::Builtin();
  const Kind* pods = reg.ByResource("", "v1", "pods");
  ASSERT_NE(pods, nullptr);
  EXPECT_EQ(pods->kind, "Pod");
  EXPECT_EQ(pods->singular, "pod");
  EXPECT_EQ(pods->short_names, std::vector<std::string>{"po"});
  EXPECT_EQ(pods->categories, std::vector<std::string>{"all"});
  EXPECT_TRUE(pods->namespaced);
  EXPECT_TRUE(pods->has_status);
  EXPECT_TRUE(pods->has_binding);
  EXPECT_FALSE(pods->has_scale);
  EXPECT_EQ(reg.ByKind("v1", "Pod"), pods);
  EXPECT_EQ(reg.ByKind("apps/v1", "Pod"), nullptr);
}

TEST(KindRegistryTest, AppsKindsServeScaleExceptDaemonSets) {
  const auto& reg = KindRegistry::Builtin();
  const Kind* deploy = reg.ByKind("apps/v1", "Deployment");
  ASSERT_NE(deploy, nullptr);
  EXPECT_EQ(deploy->ApiVersion(), "apps/v1");
  EXPECT_EQ(deploy->ListKind(), "DeploymentList");
  EXPECT_TRUE(deploy->has_scale);
  EXPECT_FALSE(reg.ByResource("apps", "v1", "daemonsets")->has_scale);
  EXPECT_TRUE(reg.ByResource("", "v1", "replicationcontrollers")->has_scale);
}

TEST(KindRegistryTest, ScopeAndStatusFlags) {
  const auto& reg = KindRegistry::Builtin();
  EXPECT_FALSE(reg.ByResource("", "v1", "namespaces")->namespaced);
  EXPECT_FALSE(reg.ByResource("", "v1", "nodes")->namespaced);
  EXPECT_FALSE(reg.ByResource("", "v1", "persistentvolumes")->namespaced);
  EXPECT_FALSE(reg.ByResource("storage.k8s.io", "v1", "storageclasses")->namespaced);
  EXPECT_FALSE(reg.ByResource("", "v1", "configmaps")->has_status);
  EXPECT_FALSE(reg.ByResource("coordination.k8s.io", "v1", "leases")->has_status);
  EXPECT_TRUE(reg.ByResource("", "v1", "services")->has_status);
  EXPECT_TRUE(reg.ByResource("", "v1", "endpoints")->categories.empty());
}

TEST(KindRegistryTest, GroupVersionsExcludeCore) {
  auto gvs = KindRegistry::Builtin().GroupVersions();
  EXPECT_EQ(gvs, (std::vector<std::string>{"apps/v1", "batch/v1", "coordination.k8s.io/v1",
                                           "storage.k8s.io/v1"}));
}

}  // namespace
}  // namespace skiff::api
