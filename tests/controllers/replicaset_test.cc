// ReplicaSetController against an in-process API server: replica count, adoption and release,
// deletion order, status, and the ReplicationController kind.

#include <gtest/gtest.h>

#include "core/controllers/common/owner_refs.h"
#include "core/controllers/common/pod_template.h"
#include "core/controllers/replicaset/replicaset_controller.h"
#include "tests/controllers/test_cluster.h"

namespace skiff::controllers {
namespace {

using namespace std::chrono_literals;
using testing::Eventually;
using testing::KindOf;
using testing::TestCluster;
namespace json = boost::json;

json::object Template(const std::string& app) {
  return json::object{
      {"metadata", {{"labels", {{"app", app}}}}},
      {"spec", {{"containers", json::array{json::object{{"name", "c"}, {"image", "nginx"}}}}}}};
}

client::Object ReplicaSet(const std::string& name, int replicas, int min_ready = 0) {
  return client::Object{{"apiVersion", "apps/v1"},
                        {"kind", "ReplicaSet"},
                        {"metadata", {{"name", name}}},
                        {"spec",
                         {{"replicas", replicas},
                          {"minReadySeconds", min_ready},
                          {"selector", {{"matchLabels", {{"app", name}}}}},
                          {"template", Template(name)}}}};
}

class ReplicaSetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    controller_ = std::make_unique<ReplicaSetController>(cluster_.client(), rs_kind_);
    controller_->Start();
    ASSERT_TRUE(controller_->WaitForSync(5s));
  }

  std::size_t Count(const std::string& selector) {
    std::size_t n = 0;
    for (const auto& p : cluster_.Pods(selector)) {
      if (api::GetString(p, "metadata.deletionTimestamp").empty()) ++n;
    }
    return n;
  }

  client::Object GetRs(const std::string& name) {
    auto r = cluster_.client().Get(rs_kind_, "default", name);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r.value() : client::Object{};
  }

  void Scale(const std::string& name, int replicas) {
    auto r = cluster_.client().Patch(rs_kind_, "default", name, client::PatchType::kMerge,
                                     json::value{{"spec", {{"replicas", replicas}}}});
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  TestCluster cluster_;
  const api::Kind& rs_kind_ = KindOf("apps", "replicasets");
  std::unique_ptr<ReplicaSetController> controller_;
};

TEST_F(ReplicaSetTest, CreatesAndDeletesToMatchReplicas) {
  auto rs = cluster_.client().Create(rs_kind_, "default", ReplicaSet("web", 3));
  ASSERT_TRUE(rs.ok()) << rs.error().message;
  ASSERT_TRUE(Eventually([&] { return Count("app=web") == 3; }));
  for (const auto& p : cluster_.Pods("app=web")) {
    auto ref = ControllerRef(p);
    ASSERT_TRUE(ref);
    EXPECT_EQ(ref->uid, api::GetString(*rs, "metadata.uid"));
    EXPECT_EQ(api::GetString(p, "metadata.name").rfind("web-", 0), 0u);
  }
  Scale("web", 5);
  ASSERT_TRUE(Eventually([&] { return Count("app=web") == 5; }));
  Scale("web", 1);
  ASSERT_TRUE(Eventually([&] { return Count("app=web") == 1; }));
  // It stays there: no over-creation after the deletions land.
  EXPECT_FALSE(Eventually([&] { return Count("app=web") != 1; }, 300ms));
}

TEST_F(ReplicaSetTest, RecreatesDeletedPod) {
  ASSERT_TRUE(cluster_.client().Create(rs_kind_, "default", ReplicaSet("web", 2)).ok());
  ASSERT_TRUE(Eventually([&] { return Count("app=web") == 2; }));
  auto pods = cluster_.Pods("app=web");
  std::string gone(api::GetString(pods[0], "metadata.name"));
  ASSERT_TRUE(cluster_.client().Delete(PodKind(), "default", gone).ok());
  ASSERT_TRUE(Eventually([&] {
    auto now = cluster_.Pods("app=web");
    if (now.size() != 2) return false;
    for (const auto& p : now) {
      if (api::GetString(p, "metadata.name") == gone) return false;
    }
    return true;
  }));
}

TEST_F(ReplicaSetTest, ScaleDownKeepsReadyPods) {
  ASSERT_TRUE(cluster_.client().Create(rs_kind_, "default", ReplicaSet("web", 4)).ok());
  ASSERT_TRUE(Eventually([&] { return Count("app=web") == 4; }));
  auto pods = cluster_.Pods("app=web");
  std::set<std::string> ready;
  for (int i = 0; i < 2; ++i) {
    cluster_.MakeReady(pods[i]);
    ready.insert(std::string(api::GetString(pods[i], "metadata.name")));
  }
  ASSERT_TRUE(Eventually([&] { return api::GetInt(GetRs("web"), "status.readyReplicas") == 2; }));
  Scale("web", 2);
  ASSERT_TRUE(Eventually([&] { return Count("app=web") == 2; }));
  for (const auto& p : cluster_.Pods("app=web")) {
    EXPECT_TRUE(ready.count(std::string(api::GetString(p, "metadata.name"))));
  }
}

TEST_F(ReplicaSetTest, AdoptsOrphansAndReleasesMismatches) {
  // An orphan that matches is adopted instead of creating a new pod.
  json::object orphan = Template("web");
  orphan["metadata"].as_object()["name"] = "orphan";
  auto o = cluster_.client().Create(PodKind(), "default", orphan);
  ASSERT_TRUE(o.ok()) << o.error().message;
  auto rs = cluster_.client().Create(rs_kind_, "default", ReplicaSet("web", 2));
  ASSERT_TRUE(rs.ok());
  ASSERT_TRUE(Eventually([&] {
    auto p = cluster_.client().Get(PodKind(), "default", "orphan");
    auto ref = p.ok() ? ControllerRef(*p) : std::nullopt;
    return ref && ref->uid == api::GetString(*rs, "metadata.uid") && Count("app=web") == 2;
  }));
  // Relabelled, it is released and replaced.
  auto r = cluster_.client().Patch(PodKind(), "default", "orphan", client::PatchType::kMerge,
                                   json::value{{"metadata", {{"labels", {{"app", "other"}}}}}});
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(Eventually([&] {
    auto p = cluster_.client().Get(PodKind(), "default", "orphan");
    return p.ok() && !ControllerRef(*p) && Count("app=web") == 2;
  }));
}

TEST_F(ReplicaSetTest, StatusCountsReadyAndAvailable) {
  ASSERT_TRUE(cluster_.client().Create(rs_kind_, "default", ReplicaSet("web", 3, 2)).ok());
  ASSERT_TRUE(Eventually([&] {
    auto rs = GetRs("web");
    return api::GetInt(rs, "status.replicas") == 3 &&
           api::GetInt(rs, "status.fullyLabeledReplicas") == 3 &&
           api::GetInt(rs, "status.observedGeneration") == 1;
  }));
  auto pods = cluster_.Pods("app=web");
  cluster_.MakeReady(pods[0], std::chrono::system_clock::now() - 60s);  // long ready
  cluster_.MakeReady(pods[1]);                                          // just ready
  ASSERT_TRUE(Eventually([&] {
    auto rs = GetRs("web");
    return api::GetInt(rs, "status.readyReplicas") == 2 &&
           api::GetInt(rs, "status.availableReplicas") == 1;
  }));
  // After minReadySeconds the second one counts as available too.
  ASSERT_TRUE(
      Eventually([&] { return api::GetInt(GetRs("web"), "status.availableReplicas") == 2; }, 10s));
  Scale("web", 1);
  ASSERT_TRUE(Eventually([&] {
    auto rs = GetRs("web");
    return api::GetInt(rs, "status.replicas") == 1 &&
           api::GetInt(rs, "status.observedGeneration") == 2;
  }));
}

TEST(ReplicationControllerTest, ManagesPodsByMapSelector) {
  TestCluster cluster;
  const api::Kind& rc_kind = KindOf("", "replicationcontrollers");
  ReplicaSetController controller(cluster.client(), rc_kind);
  controller.Start();
  ASSERT_TRUE(controller.WaitForSync(5s));
  client::Object rc{{"apiVersion", "v1"},
                    {"kind", "ReplicationController"},
                    {"metadata", {{"name", "legacy"}}},
                    {"spec", {{"replicas", 2}, {"template", Template("legacy")}}}};
  auto created = cluster.client().Create(rc_kind, "default", rc);
  ASSERT_TRUE(created.ok()) << created.error().message;
  ASSERT_TRUE(Eventually([&] { return cluster.Pods("app=legacy").size() == 2; }));
  auto ref = ControllerRef(cluster.Pods("app=legacy")[0]);
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->kind, "ReplicationController");
  EXPECT_EQ(ref->api_version, "v1");
  cluster.MakeAllReady("app=legacy");
  ASSERT_TRUE(Eventually([&] {
    auto r = cluster.client().Get(rc_kind, "default", "legacy");
    return r.ok() && api::GetInt(*r, "status.readyReplicas") == 2;
  }));
}

}  // namespace
}  // namespace skiff::controllers
