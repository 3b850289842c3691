// The StatefulSet controller in process (memory store, in-process client, no scheduler or
// agent: the test makes pods Running and Ready by patching their status).

#include "core/controllers/statefulset/statefulset_controller.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>

#include "core/controllers/garbagecollector/garbage_collector.h"
#include "core/controllers/statefulset/statefulset_plan.h"
#include "tests/controllers/test_cluster.h"

namespace skiff::controllers {
namespace {

namespace json = boost::json;
using testing::Eventually;
using testing::KindOf;
using namespace std::chrono_literals;

class StatefulSetControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    controller_ = std::make_unique<StatefulSetController>(cluster_.informers());
    controller_->Start();
    ASSERT_TRUE(controller_->WaitForSync(10s));
  }

  void CreateSet(int replicas, const std::string& policy) {
    json::object set = json::parse(R"({
      "metadata": {"name": "web"},
      "spec": {
        "serviceName": "nginx",
        "selector": {"matchLabels": {"app": "web"}},
        "template": {"metadata": {"labels": {"app": "web"}},
                     "spec": {"containers": [{"name": "c", "image": "nginx:1"}]}},
        "volumeClaimTemplates": [{"metadata": {"name": "data"},
                                  "spec": {"accessModes": ["ReadWriteOnce"],
                                           "resources": {"requests": {"storage": "1Gi"}}}}]
      }})")
                           .as_object();
    set["spec"].as_object()["replicas"] = replicas;
    set["spec"].as_object()["podManagementPolicy"] = policy;
    auto r = cluster_.client().Create(SetKind(), "default", set);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  static const api::Kind& SetKind() { return KindOf("apps", "statefulsets"); }

  void PatchSpec(const json::value& spec) {
    auto r = cluster_.client().Patch(SetKind(), "default", "web", client::PatchType::kMerge,
                                     json::object{{"spec", spec}});
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  json::object Set() { return cluster_.client().Get(SetKind(), "default", "web").value(); }

  std::optional<json::object> Pod(const std::string& name) {
    auto r = cluster_.client().Get(KindOf("", "pods"), "default", name);
    if (!r.ok()) return std::nullopt;
    return *r;
  }

  std::set<std::string> PodNames() {
    std::set<std::string> out;
    for (const auto& p : cluster_.Pods()) out.emplace(api::GetString(p, "metadata.name"));
    return out;
  }

  std::set<std::string> ClaimNames() {
    std::set<std::string> out;
    for (const auto& c : cluster_.List(KindOf("", "persistentvolumeclaims"))) {
      out.emplace(api::GetString(c, "metadata.name"));
    }
    return out;
  }

  static std::string Revision(const json::object& pod) {
    return std::string(api::GetString(pod, "metadata.labels.controller-revision-hash"));
  }

  // ControllerRevision name -> revision number.
  std::map<std::string, int64_t> Revisions() {
    std::map<std::string, int64_t> out;
    for (const auto& r : cluster_.List(KindOf("apps", "controllerrevisions"))) {
      out[std::string(api::GetString(r, "metadata.name"))] = api::GetInt(r, "revision").value_or(0);
    }
    return out;
  }

  void SetImage(const std::string& image) {
    json::object tmpl =
        json::parse(R"({"spec": {"containers": [{"name": "c", "image": ""}]}})").as_object();
    tmpl["spec"].as_object()["containers"].as_array()[0].as_object()["image"] = image;
    PatchSpec(json::object{{"template", tmpl}});
  }

  // Every pod at revision and ready, and the status saying so.
  bool RolledOutTo(const std::string& revision, int replicas) {
    if (PodNames().size() != static_cast<std::size_t>(replicas)) return false;
    for (const auto& name : PodNames()) {
      auto pod = Pod(name);  // gone since the list when the controller just replaced it
      if (!pod || Revision(*pod) != revision) return false;
    }
    json::object set = Set();
    return api::GetString(set, "status.updateRevision") == revision &&
           api::GetString(set, "status.currentRevision") == revision &&
           api::GetInt(set, "status.readyReplicas") == replicas;
  }

  testing::TestCluster cluster_;
  std::unique_ptr<StatefulSetController> controller_;
};

TEST_F(StatefulSetControllerTest, OrderedReadyCreatesInOrderWithClaimsAndRecreatesDeletedPods) {
  CreateSet(3, "OrderedReady");
  ASSERT_TRUE(Eventually([&] { return Pod("web-0").has_value(); }));
  // The controller has seen web-0 (it counts it) and still made no web-1: web-0 is not ready.
  ASSERT_TRUE(Eventually([&] { return api::GetInt(Set(), "status.replicas") == 1; }));
  EXPECT_EQ(PodNames(), std::set<std::string>{"web-0"});
  EXPECT_EQ(ClaimNames(), std::set<std::string>{"data-web-0"});

  for (int i = 0; i < 3; ++i) {
    std::string name = "web-" + std::to_string(i);
    ASSERT_TRUE(Eventually([&] { return Pod(name).has_value(); })) << name;
    EXPECT_EQ(PodNames().size(), static_cast<std::size_t>(i + 1));
    cluster_.MakeReady(*Pod(name));
  }
  ASSERT_TRUE(Eventually([&] { return api::GetInt(Set(), "status.readyReplicas") == 3; }));
  json::object set = Set();
  EXPECT_EQ(api::GetInt(set, "status.replicas"), 3);
  EXPECT_EQ(api::GetInt(set, "status.updatedReplicas"), 3);
  EXPECT_EQ(api::GetInt(set, "status.currentReplicas"), 3);
  EXPECT_EQ(api::GetInt(set, "status.availableReplicas"), 3);
  EXPECT_EQ(api::GetInt(set, "status.observedGeneration"), api::GetInt(set, "metadata.generation"));
  EXPECT_EQ(api::GetString(set, "status.currentRevision"),
            api::GetString(set, "status.updateRevision"));
  EXPECT_EQ(ClaimNames(), (std::set<std::string>{"data-web-0", "data-web-1", "data-web-2"}));

  json::object web1 = *Pod("web-1");
  EXPECT_EQ(api::GetString(web1, "spec.hostname"), "web-1");
  EXPECT_EQ(api::GetString(web1, "spec.subdomain"), "nginx");
  EXPECT_EQ(api::FindObject(web1, "metadata.labels")->at("apps.kubernetes.io/pod-index"), "1");
  EXPECT_EQ(api::FindArray(web1, "spec.volumes")->at(0).at("persistentVolumeClaim").at("claimName"),
            "data-web-1");

  // Deleted, web-1 comes back under the same name with the same claim.
  std::string old_uid(api::GetString(web1, "metadata.uid"));
  ASSERT_TRUE(cluster_.client().Delete(KindOf("", "pods"), "default", "web-1").ok());
  ASSERT_TRUE(Eventually([&] {
    auto p = Pod("web-1");
    return p && api::GetString(*p, "metadata.uid") != old_uid;
  }));
  EXPECT_EQ(api::FindArray(*Pod("web-1"), "spec.volumes")
                ->at(0)
                .at("persistentVolumeClaim")
                .at("claimName"),
            "data-web-1");
  EXPECT_EQ(ClaimNames().size(), 3u);
  cluster_.MakeReady(*Pod("web-1"));

  // Scale down: web-2 goes, then web-1; the claims stay.
  PatchSpec(json::object{{"replicas", 1}});
  ASSERT_TRUE(Eventually([&] { return PodNames() == std::set<std::string>{"web-0"}; }));
  EXPECT_EQ(ClaimNames().size(), 3u);
  ASSERT_TRUE(Eventually([&] { return api::GetInt(Set(), "status.replicas") == 1; }));
}

TEST_F(StatefulSetControllerTest, ParallelCreatesAllAndRollingUpdateGoesFromTheHighestOrdinal) {
  CreateSet(3, "Parallel");
  ASSERT_TRUE(Eventually([&] { return PodNames().size() == 3; }));
  EXPECT_EQ(ClaimNames().size(), 3u);
  cluster_.MakeAllReady();
  ASSERT_TRUE(Eventually([&] { return api::GetInt(Set(), "status.readyReplicas") == 3; }));
  std::string old_revision(api::GetString(Set(), "status.currentRevision"));

  PatchSpec(json::parse(R"({"template": {"spec": {"containers": [{"name": "c",
                                                                   "image": "nginx:2"}]}}})"));
  for (int i = 2; i >= 0; --i) {
    std::string name = "web-" + std::to_string(i);
    ASSERT_TRUE(Eventually([&] {
      auto p = Pod(name);
      return p && Revision(*p) != old_revision;
    })) << name;
    // The lower ordinals still run the old template.
    for (int j = 0; j < i; ++j) {
      EXPECT_EQ(Revision(*Pod("web-" + std::to_string(j))), old_revision) << j;
    }
    cluster_.MakeReady(*Pod(name));
  }
  ASSERT_TRUE(Eventually([&] {
    json::object set = Set();
    return api::GetInt(set, "status.updatedReplicas") == 3 &&
           api::GetString(set, "status.currentRevision") != old_revision &&
           api::GetString(set, "status.currentRevision") ==
               api::GetString(set, "status.updateRevision");
  }));
}

// The name the set's revision would get is held by another set's revision of another
// template: the controller counts the clash (status.collisionCount) and names its revision with
// another hash, leaving the other revision alone.
TEST_F(StatefulSetControllerTest, ARevisionNameTakenByAnotherRevisionBumpsTheCollisionCount) {
  controller_.reset();  // the set first, so the clash is in place before the controller looks
  CreateSet(2, "Parallel");
  const std::string taken = StatefulSetUpdateRevision(Set());
  json::object other{
      {"metadata",
       {{"name", taken},
        {"ownerReferences", json::array{json::object{{"apiVersion", "apps/v1"},
                                                     {"kind", "DaemonSet"},
                                                     {"name", "web"},
                                                     {"uid", "another-set"},
                                                     {"controller", true}}}}}},
      {"data", json::parse(R"({"spec":{"template":{"$patch":"replace","spec":{}}}})")},
      {"revision", 1}};
  ASSERT_TRUE(
      cluster_.client().Create(KindOf("apps", "controllerrevisions"), "default", other).ok());

  controller_ = std::make_unique<StatefulSetController>(cluster_.informers());
  controller_->Start();
  ASSERT_TRUE(controller_->WaitForSync(10s));
  testing::AutoReady agent(cluster_);
  ASSERT_TRUE(Eventually([&] {
    json::object set = Set();
    return api::GetInt(set, "status.collisionCount") == 1 &&
           api::GetString(set, "status.updateRevision") == StatefulSetUpdateRevision(set) &&
           RolledOutTo(StatefulSetUpdateRevision(set), 2);
  })) << json::serialize(Set());
  const std::string ours = StatefulSetUpdateRevision(Set());
  EXPECT_NE(ours, taken);
  EXPECT_EQ(Revisions(), (std::map<std::string, int64_t>{{taken, 1}, {ours, 1}}));
  auto kept = cluster_.client().Get(KindOf("apps", "controllerrevisions"), "default", taken);
  ASSERT_TRUE(kept.ok());
  const json::array* refs = api::FindArray(*kept, "metadata.ownerReferences");
  ASSERT_NE(refs, nullptr);
  EXPECT_EQ(refs->at(0).at("uid"), "another-set");
}

TEST_F(StatefulSetControllerTest, AdoptsAnOrphanPodInsteadOfReplacingIt) {
  // As left by `kubectl delete sts web --cascade=orphan`: no ownerReference, identity label kept.
  auto orphan = cluster_.client().Create(
      KindOf("", "pods"), "default",
      json::parse(R"({"metadata": {"name": "web-0", "labels": {"app": "web",
                        "statefulset.kubernetes.io/pod-name": "web-0"}},
                      "spec": {"containers": [{"name": "c", "image": "nginx:1"}]}})")
          .as_object());
  ASSERT_TRUE(orphan.ok()) << orphan.error().message;
  CreateSet(1, "OrderedReady");
  std::string set_uid(api::GetString(Set(), "metadata.uid"));
  ASSERT_TRUE(Eventually([&] {
    auto p = Pod("web-0");
    const json::array* refs = p ? api::FindArray(*p, "metadata.ownerReferences") : nullptr;
    return refs && !refs->empty() && api::GetString(refs->at(0).as_object(), "uid") == set_uid;
  }));
  EXPECT_EQ(api::GetString(*Pod("web-0"), "metadata.uid"), api::GetString(*orphan, "metadata.uid"));
}

TEST_F(StatefulSetControllerTest, RevisionsFollowTheTemplateAndARollbackRenumbersTheOldOne) {
  testing::AutoReady agent(cluster_);
  CreateSet(2, "Parallel");
  ASSERT_TRUE(Eventually([&] { return !api::GetString(Set(), "status.updateRevision").empty(); }));
  const std::string first(api::GetString(Set(), "status.updateRevision"));
  ASSERT_TRUE(Eventually([&] { return RolledOutTo(first, 2); }));
  ASSERT_TRUE(Eventually([&] {
    return Revisions() == std::map<std::string, int64_t>{{first, 1}};
  }));
  json::object revision =
      cluster_.client().Get(KindOf("apps", "controllerrevisions"), "default", first).value();
  EXPECT_EQ(api::GetString(revision, "metadata.labels.app"), "web");
  EXPECT_EQ(first, "web-" + std::string(api::GetString(
                                revision, "metadata.labels.controller-revision-hash")));
  EXPECT_EQ(api::FindArray(revision, "metadata.ownerReferences")->at(0).at("kind"), "StatefulSet");
  EXPECT_EQ(api::FindArray(revision, "data.spec.template.spec.containers")->at(0).at("image"),
            "nginx:1");

  SetImage("nginx:2");
  std::string update;
  ASSERT_TRUE(Eventually([&] {
    update = std::string(api::GetString(Set(), "status.updateRevision"));
    return update != first && RolledOutTo(update, 2) &&
           Revisions() == std::map<std::string, int64_t>{{first, 1}, {update, 2}};
  })) << update;

  SetImage("nginx:1");
  ASSERT_TRUE(Eventually([&] {
    return RolledOutTo(first, 2) &&
           Revisions() == std::map<std::string, int64_t>{{first, 3}, {update, 2}};
  }));

  // revisionHistoryLimit 0: once every pod runs the current template, only its revision stays.
  PatchSpec(json::object{{"revisionHistoryLimit", 0}});
  ASSERT_TRUE(Eventually([&] {
    return Revisions() == std::map<std::string, int64_t>{{first, 3}};
  }));
}

TEST_F(StatefulSetControllerTest, APodBelowThePartitionComesBackAtTheCurrentRevision) {
  testing::AutoReady agent(cluster_);
  CreateSet(2, "Parallel");
  PatchSpec(json::parse(R"({"updateStrategy": {"type": "RollingUpdate",
                                                "rollingUpdate": {"partition": 1}}})"));
  ASSERT_TRUE(Eventually([&] { return !api::GetString(Set(), "status.updateRevision").empty(); }));
  const std::string first(api::GetString(Set(), "status.updateRevision"));
  ASSERT_TRUE(Eventually([&] { return RolledOutTo(first, 2); }));
  ASSERT_TRUE(Eventually([&] { return Revisions().contains(first); }));

  SetImage("nginx:2");
  std::string update;
  ASSERT_TRUE(Eventually([&] {
    update = std::string(api::GetString(Set(), "status.updateRevision"));
    auto web1 = Pod("web-1");
    return update != first && web1 && Revision(*web1) == update && Revisions().contains(update);
  }));
  EXPECT_EQ(Revision(*Pod("web-0")), first);

  std::string old_uid(api::GetString(*Pod("web-0"), "metadata.uid"));
  ASSERT_TRUE(cluster_.client().Delete(KindOf("", "pods"), "default", "web-0").ok());
  ASSERT_TRUE(Eventually([&] {
    auto p = Pod("web-0");
    return p && api::GetString(*p, "metadata.uid") != old_uid;
  }));
  json::object web0 = *Pod("web-0");
  EXPECT_EQ(Revision(web0), first);
  EXPECT_EQ(api::FindArray(web0, "spec.containers")->at(0).at("image"), "nginx:1");
  EXPECT_EQ(api::GetString(Set(), "status.currentRevision"), first);
}

TEST_F(StatefulSetControllerTest, ClaimRetentionDeleteRemovesClaimsWithTheirPodAndTheSet) {
  GarbageCollector gc(cluster_.informers());
  gc.Start();
  ASSERT_TRUE(gc.WaitForSync(10s));
  testing::AutoReady agent(cluster_);
  CreateSet(3, "Parallel");
  PatchSpec(json::parse(R"({"persistentVolumeClaimRetentionPolicy":
                               {"whenDeleted": "Delete", "whenScaled": "Delete"}})"));
  const std::string set_uid(api::GetString(Set(), "metadata.uid"));
  auto owned_by_set = [&](const std::string& claim) {
    auto c = cluster_.client().Get(KindOf("", "persistentvolumeclaims"), "default", claim);
    const json::array* refs = c.ok() ? api::FindArray(*c, "metadata.ownerReferences") : nullptr;
    return refs && refs->size() == 1 && refs->at(0).at("uid") == json::value(set_uid) &&
           refs->at(0).at("kind") == "StatefulSet";
  };
  ASSERT_TRUE(Eventually([&] {
    return PodNames().size() == 3 && owned_by_set("data-web-0") && owned_by_set("data-web-1") &&
           owned_by_set("data-web-2");
  }));

  // Scaled down: web-2's claim goes with web-2; the others stay.
  PatchSpec(json::object{{"replicas", 2}});
  ASSERT_TRUE(Eventually([&] {
    return ClaimNames() == std::set<std::string>{"data-web-0", "data-web-1"};
  })) << ClaimNames().size();
  EXPECT_EQ(PodNames(), (std::set<std::string>{"web-0", "web-1"}));
  EXPECT_TRUE(owned_by_set("data-web-0"));

  // Deleted: the collector takes the pods and, through their owner references, the claims.
  ASSERT_TRUE(cluster_.client().Delete(SetKind(), "default", "web").ok());
  ASSERT_TRUE(Eventually([&] { return ClaimNames().empty() && PodNames().empty(); }))
      << ClaimNames().size();
}

TEST_F(StatefulSetControllerTest, ClaimRetentionRetainKeepsClaimsUnowned) {
  GarbageCollector gc(cluster_.informers());
  gc.Start();
  ASSERT_TRUE(gc.WaitForSync(10s));
  testing::AutoReady agent(cluster_);
  CreateSet(2, "Parallel");
  ASSERT_TRUE(Eventually([&] { return PodNames().size() == 2 && ClaimNames().size() == 2; }));
  PatchSpec(json::object{{"replicas", 1}});
  ASSERT_TRUE(Eventually([&] { return PodNames() == std::set<std::string>{"web-0"}; }));
  ASSERT_TRUE(cluster_.client().Delete(SetKind(), "default", "web").ok());
  ASSERT_TRUE(Eventually([&] { return PodNames().empty(); }));
  EXPECT_EQ(ClaimNames(), (std::set<std::string>{"data-web-0", "data-web-1"}));
  for (const auto& c : cluster_.List(KindOf("", "persistentvolumeclaims"))) {
    const json::array* refs = api::FindArray(c, "metadata.ownerReferences");
    EXPECT_TRUE(refs == nullptr || refs->empty()) << api::GetString(c, "metadata.name");
  }
}

}  // namespace
}  // namespace skiff::controllers
