// DeploymentController (with the ReplicaSet controller and the garbage collector) against an
// in-process API server; the test plays the node agent by marking pods ready.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <cctype>
#include <set>

#include "core/controllers/common/int_or_percent.h"
#include "core/controllers/common/owner_refs.h"
#include "core/controllers/deployment/deployment_controller.h"
#include "core/controllers/deployment/deployment_util.h"
#include "core/controllers/garbagecollector/garbage_collector.h"
#include "core/controllers/replicaset/replicaset_controller.h"
#include "tests/controllers/test_cluster.h"

namespace skiff::controllers {
namespace {

using namespace std::chrono_literals;
using testing::AutoReady;
using testing::Eventually;
using testing::KindOf;
using testing::TestCluster;
namespace json = boost::json;

TEST(DeploymentUtilTest, IntOrPercent) {
  json::value pct("25%"), two(2), odd("33%");
  EXPECT_EQ(ScaledValue(&pct, 10, true), 3);
  EXPECT_EQ(ScaledValue(&pct, 10, false), 2);
  EXPECT_EQ(ScaledValue(&two, 10, false), 2);
  EXPECT_EQ(ScaledValue(&odd, 3, false), 0);
  EXPECT_EQ(ScaledValue(&odd, 3, true), 1);
  EXPECT_EQ(ScaledValue(nullptr, 3, true), 0);

  auto limits = [](const char* text) { return Limits(json::parse(text).as_object()); };
  auto l = limits(R"({"spec":{"replicas":4,"strategy":{"type":"RollingUpdate",
      "rollingUpdate":{"maxSurge":"50%","maxUnavailable":"50%"}}}})");
  EXPECT_EQ(l.max_surge, 2);
  EXPECT_EQ(l.max_unavailable, 2);
  l = limits(R"({"spec":{"replicas":3,"strategy":{"type":"RollingUpdate",
      "rollingUpdate":{"maxSurge":0,"maxUnavailable":"10%"}}}})");
  EXPECT_EQ(l.max_surge, 0);
  EXPECT_EQ(l.max_unavailable, 1);  // both zero: one may be unavailable
  l = limits(R"({"spec":{"replicas":3,"strategy":{"type":"Recreate"}}})");
  EXPECT_EQ(l.max_surge, 0);
  EXPECT_EQ(l.max_unavailable, 0);
}

TEST(DeploymentUtilTest, TemplateHashIgnoresKeyOrderAndHashLabel) {
  auto a = json::parse(R"({"metadata":{"labels":{"app":"x","tier":"y"}},
                           "spec":{"containers":[{"name":"c","image":"i"}]}})")
               .as_object();
  auto b = json::parse(R"({"spec":{"containers":[{"image":"i","name":"c"}]},
                           "metadata":{"labels":{"tier":"y","app":"x","pod-template-hash":"q"}}})")
               .as_object();
  EXPECT_EQ(PodTemplateHash(a, 0), PodTemplateHash(b, 0));
  b["metadata"].as_object()["creationTimestamp"] = nullptr;  // null is absent
  EXPECT_EQ(PodTemplateHash(a, 0), PodTemplateHash(b, 0));
  EXPECT_TRUE(TemplateMatches(client::Object{{"spec", {{"template", a}}}},
                              client::Object{{"spec", {{"template", b}}}}));
  EXPECT_NE(PodTemplateHash(a, 0), PodTemplateHash(a, 1));
  auto c = a;
  c["spec"].as_object()["containers"].as_array()[0].as_object()["image"] = "j";
  EXPECT_NE(PodTemplateHash(a, 0), PodTemplateHash(c, 0));
  for (char ch : PodTemplateHash(a, 0)) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(ch)));
}

client::Object Deployment(const std::string& name, int replicas, const std::string& image,
                          const std::string& strategy_json) {
  client::Object d{
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", {{"name", name}}},
      {"spec",
       {{"replicas", replicas},
        {"selector", {{"matchLabels", {{"app", name}}}}},
        {"strategy", json::parse(strategy_json)},
        {"template",
         {{"metadata", {{"labels", {{"app", name}}}}},
          {"spec",
           {{"containers", json::array{json::object{{"name", "c"}, {"image", image}}}}}}}}}}};
  return d;
}

TEST(DeploymentUtilTest, ProportionalSizes) {
  // Kubernetes' documented example: 10 replicas, maxSurge 3, a rollout stuck at 8 old + 5
  // new, scaled to 15: 5 more in all, 3 to the old set and 2 to the new one.
  EXPECT_EQ(ProportionalSizes({{8, 13}, {5, 13}}, 15, 3, 13), (std::vector<std::int64_t>{11, 7}));
  // Back down to 10 (older first on ties; here the sizes differ).
  EXPECT_EQ(ProportionalSizes({{11, 18}, {7, 18}}, 10, 3, 18), (std::vector<std::int64_t>{8, 5}));
  // To 0: every set goes, whatever it was scaled for.
  EXPECT_EQ(ProportionalSizes({{11, 18}, {7, 18}}, 0, 0, 18), (std::vector<std::int64_t>{0, 0}));
  // Rounding leftovers go to the first: 3 sets of 1, grown to 3 + 1 surge.
  EXPECT_EQ(ProportionalSizes({{1, 3}, {1, 3}, {1, 3}}, 3, 1, 3),
            (std::vector<std::int64_t>{2, 1, 1}));
  // Without the annotation the Deployment's status.replicas stands in.
  EXPECT_EQ(ProportionalSizes({{4, 0}, {2, 0}}, 12, 0, 6), (std::vector<std::int64_t>{8, 4}));
}

class DeploymentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gc_ = std::make_unique<GarbageCollector>(cluster_.informers());
    rs_ = std::make_unique<ReplicaSetController>(cluster_.informers(), rs_kind_);
    dc_ = std::make_unique<DeploymentController>(cluster_.informers());
    gc_->Start();
    rs_->Start();
    dc_->Start();
    ASSERT_TRUE(gc_->WaitForSync(5s) && rs_->WaitForSync(5s) && dc_->WaitForSync(5s));
  }

  client::Object Get(const std::string& name) {
    auto r = cluster_.client().Get(deploy_kind_, "default", name);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r.value() : client::Object{};
  }

  void Patch(const std::string& name, const std::string& patch) {
    auto r = cluster_.client().Patch(deploy_kind_, "default", name, client::PatchType::kMerge,
                                     json::parse(patch));
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  void SetImage(const std::string& name, const std::string& image) {
    Patch(name, R"({"spec":{"template":{"spec":{"containers":[{"name":"c","image":")" + image +
                    R"("}]}}}})");
  }

  std::vector<client::Object> ReplicaSets() { return cluster_.List(rs_kind_); }

  // The deployment has rolled out completely, as `kubectl rollout status` judges it.
  bool RolledOut(const std::string& name) {
    auto d = Get(name);
    auto replicas = api::GetInt(d, "spec.replicas").value_or(1);
    if (api::GetInt(d, "status.observedGeneration") < api::GetInt(d, "metadata.generation")) {
      return false;
    }
    return api::GetInt(d, "status.updatedReplicas") == replicas &&
           api::GetInt(d, "status.replicas") == replicas &&
           api::GetInt(d, "status.availableReplicas") == replicas;
  }

  std::string Condition(const client::Object& d, const std::string& type, const char* field) {
    if (const json::array* conds = api::FindArray(d, "status.conditions")) {
      for (const auto& c : *conds) {
        if (api::GetString(c.as_object(), "type") == type) {
          return std::string(api::GetString(c.as_object(), field));
        }
      }
    }
    return "";
  }

  std::size_t LivePods(const std::string& image = "") {
    std::size_t n = 0;
    for (const auto& p : cluster_.Pods()) {
      if (!api::GetString(p, "metadata.deletionTimestamp").empty()) continue;
      const json::array* cs = api::FindArray(p, "spec.containers");
      if (!image.empty() && api::GetString(cs->at(0).as_object(), "image") != image) continue;
      ++n;
    }
    return n;
  }

  TestCluster cluster_;
  const api::Kind& rs_kind_ = KindOf("apps", "replicasets");
  const api::Kind& deploy_kind_ = KindOf("apps", "deployments");
  std::unique_ptr<GarbageCollector> gc_;
  std::unique_ptr<ReplicaSetController> rs_;
  std::unique_ptr<DeploymentController> dc_;
};

constexpr const char* kRolling =
    R"({"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":0}})";

TEST_F(DeploymentTest, CreatesReplicaSetAndBecomesAvailable) {
  auto d =
      cluster_.client().Create(deploy_kind_, "default", Deployment("web", 3, "nginx:1", kRolling));
  ASSERT_TRUE(d.ok()) << d.error().message;
  AutoReady kubelet(cluster_);
  ASSERT_TRUE(Eventually([&] { return RolledOut("web"); }));
  auto rss = ReplicaSets();
  ASSERT_EQ(rss.size(), 1u);
  const auto& rs = rss[0];
  std::string hash(api::GetString(rs, "metadata.labels.pod-template-hash"));
  EXPECT_FALSE(hash.empty());
  EXPECT_EQ(api::GetString(rs, "metadata.name"), "web-" + hash);
  EXPECT_EQ(api::GetString(rs, "spec.selector.matchLabels.pod-template-hash"), hash);
  EXPECT_EQ(api::GetString(rs, "spec.template.metadata.labels.pod-template-hash"), hash);
  EXPECT_EQ(Revision(rs), 1);
  EXPECT_EQ(ControllerRef(rs)->uid, api::GetString(*d, "metadata.uid"));
  EXPECT_EQ(LivePods(), 3u);
  ASSERT_TRUE(Eventually([&] {
    auto now = Get("web");
    return Revision(now) == 1 && Condition(now, "Available", "status") == "True" &&
           Condition(now, "Progressing", "reason") == "NewReplicaSetAvailable" &&
           api::GetInt(now, "status.readyReplicas") == 3 &&
           api::GetInt(now, "status.unavailableReplicas") == 0;
  }));
  // Scale.
  Patch("web", R"({"spec":{"replicas":5}})");
  ASSERT_TRUE(Eventually([&] { return RolledOut("web") && LivePods() == 5; }));
  EXPECT_EQ(ReplicaSets().size(), 1u);
  // Both scalings are Events on the Deployment, as `kubectl describe deployment` shows them.
  std::string rs_name(api::GetString(rs, "metadata.name"));
  std::set<std::string> want{"Scaled up replica set " + rs_name + " from 0 to 3",
                             "Scaled up replica set " + rs_name + " from 3 to 5"};
  std::set<std::string> got;
  ASSERT_TRUE(Eventually([&] {
    got.clear();
    for (const auto& e : cluster_.Events("Deployment", "web", "ScalingReplicaSet")) {
      EXPECT_EQ(api::GetString(e, "involvedObject.uid"), api::GetString(*d, "metadata.uid"));
      EXPECT_EQ(api::GetString(e, "type"), "Normal");
      got.insert(std::string(api::GetString(e, "message")));
    }
    return got == want;
  })) << "got "
      << got.size() << " ScalingReplicaSet events";
}

TEST_F(DeploymentTest, RollingUpdateRespectsSurgeAndUnavailableThenUndo) {
  ASSERT_TRUE(cluster_.client()
                  .Create(deploy_kind_, "default", Deployment("web", 3, "nginx:1", kRolling))
                  .ok());
  std::optional<AutoReady> kubelet(std::in_place, cluster_);
  ASSERT_TRUE(Eventually([&] { return RolledOut("web"); }));
  std::string old_rs(api::GetString(ReplicaSets()[0], "metadata.name"));

  SetImage("web", "nginx:2");
  // Throughout: at most replicas + maxSurge pods wanted, never fewer than replicas - 0 ready.
  bool violated = false;
  ASSERT_TRUE(Eventually(
      [&] {
        std::int64_t wanted = 0;
        for (const auto& rs : ReplicaSets()) wanted += api::GetInt(rs, "spec.replicas").value_or(0);
        std::size_t ready = 0;
        for (const auto& p : cluster_.Pods()) {
          if (api::GetString(p, "metadata.deletionTimestamp").empty() &&
              api::GetString(p, "status.phase") == "Running") {
            ++ready;
          }
        }
        if (wanted > 4 || ready < 3) violated = true;
        return RolledOut("web") && LivePods("nginx:2") == 3 && LivePods() == 3;
      },
      20s));
  EXPECT_FALSE(violated);
  auto rss = ReplicaSets();
  ASSERT_EQ(rss.size(), 2u);
  for (const auto& rs : rss) {
    bool is_old = api::GetString(rs, "metadata.name") == old_rs;
    EXPECT_EQ(api::GetInt(rs, "spec.replicas"), is_old ? 0 : 3);
    EXPECT_EQ(Revision(rs), is_old ? 1 : 2);
  }
  EXPECT_EQ(Revision(Get("web")), 2);

  // Undo the way kubectl does: copy the old ReplicaSet's template back.
  auto old = cluster_.client().Get(rs_kind_, "default", old_rs);
  ASSERT_TRUE(old.ok());
  json::object tmpl = TemplateWithoutHash(*api::FindObject(*old, "spec.template"));
  tmpl["metadata"].as_object()["creationTimestamp"] = nullptr;  // as kubectl sends it
  auto r = cluster_.client().Patch(
      deploy_kind_, "default", "web", client::PatchType::kJson,
      json::array{json::object{{"op", "replace"}, {"path", "/spec/template"}, {"value", tmpl}}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_TRUE(Eventually([&] { return RolledOut("web") && LivePods("nginx:1") == 3; }, 20s));
  auto revived = cluster_.client().Get(rs_kind_, "default", old_rs);
  ASSERT_TRUE(revived.ok());
  EXPECT_EQ(Revision(*revived), 3);
  EXPECT_EQ(api::GetInt(*revived, "spec.replicas"), 3);
  EXPECT_EQ(ReplicaSets().size(), 2u);

  // Deleting the deployment takes its ReplicaSets and pods along.
  kubelet.reset();
  client::DeleteOptions opts;
  opts.propagation_policy = "Background";
  ASSERT_TRUE(cluster_.client().Delete(deploy_kind_, "default", "web", opts).ok());
  ASSERT_TRUE(Eventually([&] { return ReplicaSets().empty() && cluster_.Pods().empty(); }));
}

TEST_F(DeploymentTest, RecreateStopsOldPodsFirst) {
  ASSERT_TRUE(cluster_.client()
                  .Create(deploy_kind_, "default",
                          Deployment("web", 2, "nginx:1", R"({"type":"Recreate"})"))
                  .ok());
  AutoReady kubelet(cluster_);
  ASSERT_TRUE(Eventually([&] { return RolledOut("web"); }));
  SetImage("web", "nginx:2");
  bool overlap = false;
  ASSERT_TRUE(Eventually(
      [&] {
        if (LivePods("nginx:1") > 0 && LivePods("nginx:2") > 0) overlap = true;
        return RolledOut("web") && LivePods("nginx:2") == 2 && LivePods() == 2;
      },
      20s));
  EXPECT_FALSE(overlap);
}

TEST_F(DeploymentTest, PausedOnlyScalesAndHistoryIsLimited) {
  auto d = Deployment("web", 2, "nginx:1", kRolling);
  d["spec"].as_object()["revisionHistoryLimit"] = 1;
  ASSERT_TRUE(cluster_.client().Create(deploy_kind_, "default", d).ok());
  AutoReady kubelet(cluster_);
  ASSERT_TRUE(Eventually([&] { return RolledOut("web"); }));

  Patch("web", R"({"spec":{"paused":true}})");
  SetImage("web", "nginx:2");
  Patch("web", R"({"spec":{"replicas":3}})");
  ASSERT_TRUE(Eventually([&] {
    auto now = Get("web");
    return LivePods("nginx:1") == 3 &&
           Condition(now, "Progressing", "reason") == "DeploymentPaused";
  }));
  EXPECT_EQ(ReplicaSets().size(), 1u);  // no rollout while paused
  EXPECT_EQ(LivePods("nginx:2"), 0u);

  Patch("web", R"({"spec":{"paused":false}})");
  ASSERT_TRUE(Eventually([&] { return RolledOut("web") && LivePods("nginx:2") == 3; }, 20s));
  SetImage("web", "nginx:3");
  ASSERT_TRUE(Eventually([&] { return RolledOut("web") && LivePods("nginx:3") == 3; }, 20s));
  // Three revisions, history limit 1: the current one and one old one remain.
  ASSERT_TRUE(Eventually([&] { return ReplicaSets().size() == 2; }));
  EXPECT_EQ(Revision(Get("web")), 3);
}

TEST_F(DeploymentTest, ScalingMidRolloutKeepsTheRatioOfOldToNew) {
  ASSERT_TRUE(cluster_.client()
                  .Create(deploy_kind_, "default",
                          Deployment("web", 10, "nginx:1",
                                     R"({"type":"RollingUpdate","rollingUpdate":)"
                                     R"({"maxSurge":3,"maxUnavailable":2}})"))
                  .ok());
  std::optional<AutoReady> kubelet(std::in_place, cluster_);
  ASSERT_TRUE(Eventually([&] { return RolledOut("web"); }));
  std::string old_rs(api::GetString(ReplicaSets()[0], "metadata.name"));
  // The new pods never become ready: the rollout stops at 8 old + 5 new (13 = 10 + surge 3).
  kubelet.reset();
  SetImage("web", "nginx:2");
  auto sizes = [&] {
    std::pair<std::int64_t, std::int64_t> old_new{-1, -1};
    for (const auto& rs : ReplicaSets()) {
      std::int64_t n = api::GetInt(rs, "spec.replicas").value_or(0);
      (api::GetString(rs, "metadata.name") == old_rs ? old_new.first : old_new.second) = n;
    }
    return old_new;
  };
  using Sizes = std::pair<std::int64_t, std::int64_t>;
  ASSERT_TRUE(Eventually([&] {
    return sizes() == Sizes{8, 5};
  })) << sizes().first
      << "/" << sizes().second;
  // Scaled to 15 mid-rollout: 5 more, shared 3 old / 2 new, and the rollout stays there.
  Patch("web", R"({"spec":{"replicas":15}})");
  ASSERT_TRUE(Eventually([&] {
    return sizes() == Sizes{11, 7};
  })) << sizes().first
      << "/" << sizes().second;
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(sizes(), (Sizes{11, 7}));
  // Both sets now say which size they were scaled for.
  for (const auto& rs : ReplicaSets()) {
    const json::object* ann = api::FindObject(rs, "metadata.annotations");
    ASSERT_NE(ann, nullptr);
    EXPECT_EQ(ann->at(kDesiredReplicasAnnotation), "15");
    EXPECT_EQ(ann->at(kMaxReplicasAnnotation), "18");
  }
  // And back to 10: 5 fewer, 3 old / 2 new.
  Patch("web", R"({"spec":{"replicas":10}})");
  ASSERT_TRUE(Eventually([&] {
    return sizes() == Sizes{8, 5};
  })) << sizes().first
      << "/" << sizes().second;
}

TEST_F(DeploymentTest, ProgressDeadlineExceeded) {
  auto d = Deployment("stuck", 2, "nginx:1", kRolling);
  d["spec"].as_object()["progressDeadlineSeconds"] = 1;
  ASSERT_TRUE(cluster_.client().Create(deploy_kind_, "default", d).ok());
  // No pod ever becomes ready: after a second without progress the rollout has failed.
  ASSERT_TRUE(Eventually(
      [&] {
        auto now = Get("stuck");
        return Condition(now, "Progressing", "reason") == "ProgressDeadlineExceeded" &&
               Condition(now, "Progressing", "status") == "False" &&
               Condition(now, "Available", "status") == "False";
      },
      15s));
  // Progress again (pods turn ready) clears it.
  AutoReady kubelet(cluster_);
  ASSERT_TRUE(Eventually([&] {
    return RolledOut("stuck") &&
           Condition(Get("stuck"), "Progressing", "reason") == "NewReplicaSetAvailable";
  }));
}

}  // namespace
}  // namespace skiff::controllers
