// ReplicaSetController against an in-process API server: replica count, adoption and release,
// deletion order, status, and the ReplicationController kind.

#include <gtest/gtest.h>

#include <set>

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
    controller_ = std::make_unique<ReplicaSetController>(cluster_.informers(), rs_kind_);
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

TEST_F(ReplicaSetTest, RecordsCreateAndDeleteEventsOnTheSet) {
  auto rs = cluster_.client().Create(rs_kind_, "default", ReplicaSet("web", 3));
  ASSERT_TRUE(rs.ok()) << rs.error().message;
  ASSERT_TRUE(Eventually(
      [&] { return cluster_.Events("ReplicaSet", "web", "SuccessfulCreate").size() == 3; }));
  std::set<std::string> messages;
  for (const auto& p : cluster_.Pods("app=web")) {
    messages.insert("Created pod: " + std::string(api::GetString(p, "metadata.name")));
  }
  for (const auto& e : cluster_.Events("ReplicaSet", "web", "SuccessfulCreate")) {
    EXPECT_EQ(api::GetString(e, "type"), "Normal");
    EXPECT_EQ(api::GetString(e, "involvedObject.apiVersion"), "apps/v1");
    EXPECT_EQ(api::GetString(e, "involvedObject.uid"), api::GetString(*rs, "metadata.uid"));
    EXPECT_EQ(api::GetString(e, "source.component"), "replicaset-controller");
    EXPECT_EQ(messages.erase(std::string(api::GetString(e, "message"))), 1u);
  }
  Scale("web", 1);
  ASSERT_TRUE(Eventually([&] { return Count("app=web") == 1; }));
  ASSERT_TRUE(Eventually(
      [&] { return cluster_.Events("ReplicaSet", "web", "SuccessfulDelete").size() == 2; }));
  std::string kept(api::GetString(cluster_.Pods("app=web")[0], "metadata.name"));
  for (const auto& e : cluster_.Events("ReplicaSet", "web", "SuccessfulDelete")) {
    EXPECT_EQ(api::GetString(e, "message").rfind("Deleted pod: web-", 0), 0u);
    EXPECT_NE(api::GetString(e, "message"), "Deleted pod: " + kept);
  }
}

// Forwards to a real client, except that creating a pod fails.
class PodCreateFails : public client::Client {
 public:
  explicit PodCreateFails(client::Client& real) : real_(real) {}
  api::ApiResult<client::Object> Get(const api::Kind& k, std::string_view ns,
                                     std::string_view name) override {
    return real_.Get(k, ns, name);
  }
  api::ApiResult<client::ObjectList> List(const api::Kind& k, std::string_view ns,
                                          const client::ListOptions& o) override {
    return real_.List(k, ns, o);
  }
  api::ApiResult<client::Object> Create(const api::Kind& k, std::string_view ns,
                                        const client::Object& obj) override {
    if (k.kind == "Pod") return api::ApiError::Internal("the disk is on fire");
    return real_.Create(k, ns, obj);
  }
  api::ApiResult<client::Object> Update(const api::Kind& k, const client::Object& obj,
                                        bool status) override {
    return real_.Update(k, obj, status);
  }
  api::ApiResult<client::Object> Patch(const api::Kind& k, std::string_view ns,
                                       std::string_view name, client::PatchType type,
                                       const json::value& patch, bool status) override {
    return real_.Patch(k, ns, name, type, patch, status);
  }
  api::ApiResult<client::Object> Delete(const api::Kind& k, std::string_view ns,
                                        std::string_view name,
                                        const client::DeleteOptions& o) override {
    return real_.Delete(k, ns, name, o);
  }
  api::ApiResult<client::Object> Bind(std::string_view ns, std::string_view pod,
                                      std::string_view node) override {
    return real_.Bind(ns, pod, node);
  }
  api::ApiResult<std::unique_ptr<client::WatchHandle>> Watch(
      const api::Kind& k, std::string_view ns, const client::WatchOptions& o,
      client::WatchCallback on_event, client::WatchClosed on_closed) override {
    return real_.Watch(k, ns, o, std::move(on_event), std::move(on_closed));
  }

 private:
  client::Client& real_;
};

TEST(ReplicaSetEventsTest, FailedCreateIsAWarningWithTheError) {
  TestCluster cluster;
  PodCreateFails failing(cluster.client());
  client::InformerFactory failing_informers(failing);
  const api::Kind& rs_kind = KindOf("apps", "replicasets");
  ReplicaSetController controller(failing_informers, rs_kind);
  controller.Start();
  ASSERT_TRUE(controller.WaitForSync(5s));
  auto rs = cluster.client().Create(rs_kind, "default", ReplicaSet("web", 2));
  ASSERT_TRUE(rs.ok()) << rs.error().message;
  ASSERT_TRUE(
      Eventually([&] { return !cluster.Events("ReplicaSet", "web", "FailedCreate").empty(); }));
  auto e = cluster.Events("ReplicaSet", "web", "FailedCreate")[0];
  EXPECT_EQ(api::GetString(e, "type"), "Warning");
  EXPECT_EQ(api::GetString(e, "involvedObject.uid"), api::GetString(*rs, "metadata.uid"));
  EXPECT_NE(api::GetString(e, "message").find("the disk is on fire"), std::string_view::npos);
  EXPECT_TRUE(cluster.Events("ReplicaSet", "web", "SuccessfulCreate").empty());
}

TEST(ReplicationControllerTest, ManagesPodsByMapSelector) {
  TestCluster cluster;
  const api::Kind& rc_kind = KindOf("", "replicationcontrollers");
  ReplicaSetController controller(cluster.informers(), rc_kind);
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
  ASSERT_TRUE(Eventually([&] {
    return cluster.Events("ReplicationController", "legacy", "SuccessfulCreate").size() == 2;
  }));
  EXPECT_EQ(api::GetString(cluster.Events("ReplicationController", "legacy", "SuccessfulCreate")[0],
                           "source.component"),
            "replication-controller");
  cluster.MakeAllReady("app=legacy");
  ASSERT_TRUE(Eventually([&] {
    auto r = cluster.client().Get(rc_kind, "default", "legacy");
    return r.ok() && api::GetInt(*r, "status.readyReplicas") == 2;
  }));
}

}  // namespace
}  // namespace skiff::controllers
