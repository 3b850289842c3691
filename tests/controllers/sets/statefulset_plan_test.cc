// StatefulSet planning as a pure function: ordering, scaling, claims, rolling update, status.

#include "core/controllers/statefulset/statefulset_plan.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/api/json_fields.h"
#include "core/controllers/statefulset/stateful_pod.h"

namespace skiff::controllers {
namespace {

namespace json = boost::json;

const api::Kind& SetKind() {
  return *api::KindRegistry::Builtin().ByResource("apps", "v1", "statefulsets");
}

json::object Set(int replicas, const std::string& policy = "OrderedReady",
                 const std::string& image = "nginx:1") {
  json::object set = json::parse(R"({
    "metadata": {"name": "web", "namespace": "default", "uid": "u-web", "generation": 4},
    "spec": {
      "serviceName": "nginx",
      "selector": {"matchLabels": {"app": "web"}},
      "template": {"metadata": {"labels": {"app": "web"}},
                   "spec": {"containers": [{"name": "c", "image": "IMAGE"}],
                            "volumes": [{"name": "scratch", "emptyDir": {}}]}},
      "volumeClaimTemplates": [{"metadata": {"name": "data"},
                                "spec": {"accessModes": ["ReadWriteOnce"],
                                         "resources": {"requests": {"storage": "1Gi"}}}}],
      "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    }})")
                         .as_object();
  set["spec"].as_object()["replicas"] = replicas;
  set["spec"].as_object()["podManagementPolicy"] = policy;
  set["spec"]
      .as_object()["template"]
      .as_object()["spec"]
      .as_object()["containers"]
      .as_array()[0]
      .as_object()["image"] = image;
  return set;
}

// The pod the controller would have created for ordinal i, in the given state.
json::object Pod(const json::object& set, int64_t i, bool ready, const std::string& revision = "") {
  json::object pod = NewStatefulPod(SetKind(), set, i,
                                    revision.empty() ? StatefulSetUpdateRevision(set) : revision);
  pod["metadata"].as_object()["uid"] = "uid-" + std::to_string(i);
  if (ready) {
    pod["status"] = json::object{
        {"phase", "Running"},
        {"conditions", json::array{json::object{{"type", "Ready"}, {"status", "True"}}}}};
  } else {
    pod["status"] = json::object{{"phase", "Pending"}};
  }
  return pod;
}

std::vector<std::string> Names(const std::vector<json::object>& objs) {
  std::vector<std::string> out;
  for (const auto& o : objs) out.emplace_back(api::GetString(o, "metadata.name"));
  return out;
}

using Strings = std::vector<std::string>;
const auto kNow = std::chrono::system_clock::now();

TEST(StatefulPod, NamesAndOrdinals) {
  EXPECT_EQ(StatefulPodName("web", 3), "web-3");
  EXPECT_EQ(StatefulPodOrdinal("web", "web-12"), 12);
  EXPECT_EQ(StatefulPodOrdinal("web", "web-0"), 0);
  EXPECT_FALSE(StatefulPodOrdinal("web", "web-01"));
  EXPECT_FALSE(StatefulPodOrdinal("web", "web-x"));
  EXPECT_FALSE(StatefulPodOrdinal("web", "web-"));
  EXPECT_FALSE(StatefulPodOrdinal("web", "webs-1"));
  EXPECT_FALSE(StatefulPodOrdinal("web", "web-1-2"));
  EXPECT_EQ(ClaimName("data", "web", 2), "data-web-2");
}

TEST(StatefulPod, IdentityLabelsHostnameAndClaimVolume) {
  json::object set = Set(3);
  json::object pod = NewStatefulPod(SetKind(), set, 2, "web-abc");
  EXPECT_EQ(api::GetString(pod, "metadata.name"), "web-2");
  EXPECT_EQ(api::GetString(pod, "metadata.labels.app"), "web");
  const json::object& labels = *api::FindObject(pod, "metadata.labels");
  EXPECT_EQ(labels.at(kPodNameLabel), "web-2");
  EXPECT_EQ(labels.at(kPodIndexLabel), "2");
  EXPECT_EQ(labels.at(kRevisionLabel), "web-abc");
  EXPECT_EQ(api::GetString(pod, "spec.hostname"), "web-2");
  EXPECT_EQ(api::GetString(pod, "spec.subdomain"), "nginx");
  const json::object& ref = api::FindArray(pod, "metadata.ownerReferences")->at(0).as_object();
  EXPECT_EQ(ref.at("kind"), "StatefulSet");
  EXPECT_EQ(ref.at("uid"), "u-web");
  EXPECT_EQ(ref.at("controller"), true);
  const json::array& volumes = *api::FindArray(pod, "spec.volumes");
  ASSERT_EQ(volumes.size(), 2u);
  EXPECT_EQ(api::GetString(volumes[1].as_object(), "persistentVolumeClaim.claimName"),
            "data-web-2");

  auto claims = NewStatefulClaims(set, 2);
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(api::GetString(claims[0], "metadata.name"), "data-web-2");
  EXPECT_EQ(api::GetString(claims[0], "metadata.labels.app"), "web");
  EXPECT_EQ(api::GetString(claims[0], "spec.resources.requests.storage"), "1Gi");
}

TEST(StatefulSetPlan, OrderedReadyCreatesOnePodAtATimeAfterItsPredecessorIsReady) {
  json::object set = Set(3);
  auto plan = PlanStatefulSet(SetKind(), set, {}, {}, kNow);
  EXPECT_EQ(Names(plan.pods_to_create), Strings{"web-0"});
  EXPECT_EQ(Names(plan.claims_to_create), Strings{"data-web-0"});

  // web-0 exists but is not ready: wait.
  plan = PlanStatefulSet(SetKind(), set, {Pod(set, 0, false)}, {"data-web-0"}, kNow);
  EXPECT_TRUE(plan.pods_to_create.empty());
  EXPECT_TRUE(plan.claims_to_create.empty());

  plan = PlanStatefulSet(SetKind(), set, {Pod(set, 0, true)}, {"data-web-0"}, kNow);
  EXPECT_EQ(Names(plan.pods_to_create), Strings{"web-1"});
  EXPECT_EQ(Names(plan.claims_to_create), Strings{"data-web-1"});
}

TEST(StatefulSetPlan, ParallelCreatesAllAtOnce) {
  json::object set = Set(3, "Parallel");
  auto plan = PlanStatefulSet(SetKind(), set, {}, {"data-web-1"}, kNow);
  EXPECT_EQ(Names(plan.pods_to_create), (Strings{"web-0", "web-1", "web-2"}));
  EXPECT_EQ(Names(plan.claims_to_create), (Strings{"data-web-0", "data-web-2"}));
}

TEST(StatefulSetPlan, ScaleDownRemovesHighestOrdinalFirstOneAtATime) {
  json::object set = Set(1);
  std::vector<json::object> pods{Pod(set, 0, true), Pod(set, 1, true), Pod(set, 2, true)};
  auto plan =
      PlanStatefulSet(SetKind(), set, pods, {"data-web-0", "data-web-1", "data-web-2"}, kNow);
  EXPECT_EQ(Names(plan.pods_to_delete), Strings{"web-2"});
  EXPECT_TRUE(plan.claims_to_create.empty());

  // While web-2 terminates, web-1 stays.
  pods[2]["metadata"].as_object()["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  plan = PlanStatefulSet(SetKind(), set, pods, {"data-web-0"}, kNow);
  EXPECT_TRUE(plan.pods_to_delete.empty());

  json::object parallel = Set(1, "Parallel");
  std::vector<json::object> ppods{Pod(parallel, 0, true), Pod(parallel, 1, false),
                                  Pod(parallel, 2, true)};
  plan = PlanStatefulSet(SetKind(), parallel, ppods, {"data-web-0"}, kNow);
  EXPECT_EQ(Names(plan.pods_to_delete), (Strings{"web-2", "web-1"}));
}

TEST(StatefulSetPlan, OrderedScaleDownWaitsForUnhealthyReplicas) {
  json::object set = Set(2);
  std::vector<json::object> pods{Pod(set, 0, true), Pod(set, 1, false), Pod(set, 2, true)};
  auto plan = PlanStatefulSet(SetKind(), set, pods, {}, kNow);
  EXPECT_TRUE(plan.pods_to_delete.empty());
}

TEST(StatefulSetPlan, FailedPodIsDeletedToBeRecreated) {
  json::object set = Set(2);
  std::vector<json::object> pods{Pod(set, 0, true), Pod(set, 1, false)};
  pods[1]["status"].as_object()["phase"] = "Failed";
  auto plan = PlanStatefulSet(SetKind(), set, pods, {"data-web-0", "data-web-1"}, kNow);
  EXPECT_EQ(Names(plan.pods_to_delete), Strings{"web-1"});
  EXPECT_TRUE(plan.pods_to_create.empty());
}

TEST(StatefulSetPlan, RollingUpdateReplacesFromTheHighestOrdinalWithinPartition) {
  json::object old_set = Set(3, "OrderedReady", "nginx:1");
  std::string old_rev = StatefulSetUpdateRevision(old_set);
  json::object set = Set(3, "OrderedReady", "nginx:2");
  std::string new_rev = StatefulSetUpdateRevision(set);
  ASSERT_NE(old_rev, new_rev);
  set["status"] = json::object{{"currentRevision", old_rev}};
  std::set<std::string, std::less<>> claims{"data-web-0", "data-web-1", "data-web-2"};

  std::vector<json::object> pods{Pod(set, 0, true, old_rev), Pod(set, 1, true, old_rev),
                                 Pod(set, 2, true, old_rev)};
  auto plan = PlanStatefulSet(SetKind(), set, pods, claims, kNow);
  EXPECT_EQ(Names(plan.pods_to_delete), Strings{"web-2"});
  EXPECT_EQ(api::GetString(plan.status, "currentRevision"), old_rev);
  EXPECT_EQ(api::GetString(plan.status, "updateRevision"), new_rev);
  EXPECT_EQ(plan.status.at("currentReplicas"), 3);
  EXPECT_EQ(plan.status.at("updatedReplicas"), 0);

  // web-2 updated but not ready yet: nothing else happens.
  pods[2] = Pod(set, 2, false, new_rev);
  plan = PlanStatefulSet(SetKind(), set, pods, claims, kNow);
  EXPECT_TRUE(plan.pods_to_delete.empty());
  pods[2] = Pod(set, 2, true, new_rev);
  plan = PlanStatefulSet(SetKind(), set, pods, claims, kNow);
  EXPECT_EQ(Names(plan.pods_to_delete), Strings{"web-1"});

  // partition 1: web-0 keeps the old revision.
  set["spec"].as_object()["updateStrategy"].as_object()["rollingUpdate"].as_object()["partition"] =
      1;
  pods[1] = Pod(set, 1, true, new_rev);
  plan = PlanStatefulSet(SetKind(), set, pods, claims, kNow);
  EXPECT_TRUE(plan.pods_to_delete.empty());
  EXPECT_EQ(api::GetString(plan.status, "currentRevision"), old_rev);

  // partition 0 again: web-0 goes, and once it is back the rollout is complete.
  set["spec"].as_object()["updateStrategy"].as_object()["rollingUpdate"].as_object()["partition"] =
      0;
  plan = PlanStatefulSet(SetKind(), set, pods, claims, kNow);
  EXPECT_EQ(Names(plan.pods_to_delete), Strings{"web-0"});
  pods[0] = Pod(set, 0, true, new_rev);
  plan = PlanStatefulSet(SetKind(), set, pods, claims, kNow);
  EXPECT_TRUE(plan.pods_to_delete.empty());
  EXPECT_EQ(api::GetString(plan.status, "currentRevision"), new_rev);
  EXPECT_EQ(plan.status.at("currentReplicas"), 3);
  EXPECT_EQ(plan.status.at("updatedReplicas"), 3);
}

TEST(StatefulSetPlan, PodsBelowThePartitionAreRecreatedAtTheCurrentRevision) {
  json::object old_set = Set(3, "Parallel", "nginx:1");
  const std::string old_rev = StatefulSetUpdateRevision(old_set);
  json::object set = Set(3, "Parallel", "nginx:2");
  const std::string new_rev = StatefulSetUpdateRevision(set);
  set["spec"].as_object()["updateStrategy"].as_object()["rollingUpdate"].as_object()["partition"] =
      2;
  set["status"] = json::object{{"currentRevision", old_rev}};
  std::set<std::string, std::less<>> claims{"data-web-0", "data-web-1", "data-web-2"};
  std::vector<json::object> pods{Pod(set, 1, true, old_rev)};  // web-0 and web-2 are gone
  StatefulRevision current{old_rev, old_set.at("spec").at("template").as_object()};

  auto plan = PlanStatefulSet(SetKind(), set, pods, claims, kNow, &current);
  ASSERT_EQ(Names(plan.pods_to_create), (Strings{"web-0", "web-2"}));
  auto image = [](const json::object& pod) {
    return std::string(
        api::GetString(api::FindArray(pod, "spec.containers")->at(0).as_object(), "image"));
  };
  auto revision = [](const json::object& pod) {
    return std::string(api::GetString(pod, "metadata.labels.controller-revision-hash"));
  };
  EXPECT_EQ(revision(plan.pods_to_create[0]), old_rev);
  EXPECT_EQ(image(plan.pods_to_create[0]), "nginx:1");
  EXPECT_EQ(api::GetString(plan.pods_to_create[0], "spec.hostname"), "web-0");
  EXPECT_EQ(revision(plan.pods_to_create[1]), new_rev);
  EXPECT_EQ(image(plan.pods_to_create[1]), "nginx:2");

  // Without the current template (or under OnDelete), every pod is made at the update revision.
  plan = PlanStatefulSet(SetKind(), set, pods, claims, kNow);
  EXPECT_EQ(revision(plan.pods_to_create[0]), new_rev);
  set["spec"].as_object()["updateStrategy"] = json::object{{"type", "OnDelete"}};
  plan = PlanStatefulSet(SetKind(), set, pods, claims, kNow, &current);
  EXPECT_EQ(revision(plan.pods_to_create[0]), new_rev);
}

TEST(StatefulSetPlan, MaxUnavailableAllowsSeveralReplacementsAtOnce) {
  json::object old_set = Set(3, "Parallel", "nginx:1");
  std::string old_rev = StatefulSetUpdateRevision(old_set);
  json::object set = Set(3, "Parallel", "nginx:2");
  set["spec"]
      .as_object()["updateStrategy"]
      .as_object()["rollingUpdate"]
      .as_object()["maxUnavailable"] = 2;
  std::vector<json::object> pods{Pod(set, 0, true, old_rev), Pod(set, 1, true, old_rev),
                                 Pod(set, 2, true, old_rev)};
  auto plan =
      PlanStatefulSet(SetKind(), set, pods, {"data-web-0", "data-web-1", "data-web-2"}, kNow);
  EXPECT_EQ(Names(plan.pods_to_delete), (Strings{"web-2", "web-1"}));
}

TEST(StatefulSetPlan, OnDeleteLeavesOldPodsAlone) {
  json::object old_set = Set(2, "OrderedReady", "nginx:1");
  json::object set = Set(2, "OrderedReady", "nginx:2");
  set["spec"].as_object()["updateStrategy"] = json::object{{"type", "OnDelete"}};
  std::string old_rev = StatefulSetUpdateRevision(old_set);
  std::vector<json::object> pods{Pod(set, 0, true, old_rev), Pod(set, 1, true, old_rev)};
  auto plan = PlanStatefulSet(SetKind(), set, pods, {"data-web-0", "data-web-1"}, kNow);
  EXPECT_TRUE(plan.pods_to_delete.empty());
  EXPECT_TRUE(plan.pods_to_create.empty());
}

TEST(StatefulSetPlan, StatusCountsReadyAvailableAndGeneration) {
  json::object set = Set(3);
  set["spec"].as_object()["minReadySeconds"] = 60;
  std::vector<json::object> pods{Pod(set, 0, true), Pod(set, 1, false)};
  // web-0 has been ready for years, so it is available.
  pods[0]["status"].as_object()["conditions"].as_array()[0].as_object()["lastTransitionTime"] =
      "2000-01-01T00:00:00Z";
  auto plan = PlanStatefulSet(SetKind(), set, pods, {"data-web-0", "data-web-1"}, kNow);
  EXPECT_EQ(plan.status.at("observedGeneration"), 4);
  EXPECT_EQ(plan.status.at("replicas"), 2);
  EXPECT_EQ(plan.status.at("readyReplicas"), 1);
  EXPECT_EQ(plan.status.at("availableReplicas"), 1);
  EXPECT_EQ(plan.status.at("updatedReplicas"), 2);

  // Just turned ready: ready, not available yet, and the controller is asked to look again.
  pods[1] = Pod(set, 1, true);
  pods[1]["status"].as_object()["conditions"].as_array()[0].as_object()["lastTransitionTime"] =
      "2099-01-01T00:00:00Z";
  plan = PlanStatefulSet(SetKind(), set, pods, {"data-web-0", "data-web-1"}, kNow);
  EXPECT_EQ(plan.status.at("readyReplicas"), 2);
  EXPECT_EQ(plan.status.at("availableReplicas"), 1);
  EXPECT_GT(plan.requeue_after.count(), 0);
}

}  // namespace
}  // namespace skiff::controllers
