// DaemonSet placement and planning as pure functions: eligibility, pinning, tolerations,
// nodes coming and going, rolling update, status.

#include "core/controllers/daemonset/daemonset_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <set>

#include "core/api/api_time.h"
#include "core/api/json_fields.h"
#include "core/controllers/daemonset/daemon_pod.h"

namespace skiff::controllers {
namespace {

namespace json = boost::json;

const api::Kind& DsKind() {
  return *api::KindRegistry::Builtin().ByResource("apps", "v1", "daemonsets");
}

json::object Ds(const std::string& image = "agent:1") {
  json::object ds = json::parse(R"({
    "metadata": {"name": "logs", "namespace": "default", "uid": "u-logs", "generation": 2},
    "spec": {
      "selector": {"matchLabels": {"app": "logs"}},
      "template": {"metadata": {"labels": {"app": "logs"}},
                   "spec": {"containers": [{"name": "c", "image": "IMAGE"}]}},
      "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}}
    }})")
                        .as_object();
  ds["spec"]
      .as_object()["template"]
      .as_object()["spec"]
      .as_object()["containers"]
      .as_array()[0]
      .as_object()["image"] = image;
  return ds;
}

json::object Node(const std::string& name, json::object labels = {}, json::array taints = {}) {
  json::object node{{"metadata", {{"name", name}, {"labels", std::move(labels)}}}};
  if (!taints.empty()) node["spec"] = json::object{{"taints", std::move(taints)}};
  return node;
}

json::object Taint(const std::string& key, const std::string& effect) {
  return json::object{{"key", key}, {"effect", effect}};
}

int uid_counter = 0;

// A daemon pod on node, as created for ds (possibly an older ds), Running and Ready or not.
json::object Pod(const json::object& ds, const std::string& node, bool ready) {
  json::object pod = NewDaemonPod(DsKind(), ds, node, DaemonSetHash(ds));
  json::object& meta = pod["metadata"].as_object();
  meta["name"] = "logs-" + node;
  meta["uid"] = "uid-" + std::to_string(++uid_counter);
  meta["creationTimestamp"] = "2026-01-01T00:00:0" + std::to_string(uid_counter % 10) + "Z";
  pod["spec"].as_object()["nodeName"] = node;
  pod["status"] =
      ready ? json::object{{"phase", "Running"},
                           {"conditions",
                            json::array{json::object{{"type", "Ready"}, {"status", "True"}}}}}
            : json::object{{"phase", "Pending"}};
  return pod;
}

std::vector<std::string> PodNodes(const std::vector<json::object>& pods) {
  std::vector<std::string> out;
  for (const auto& p : pods) out.push_back(DaemonPodNodeName(p));
  std::sort(out.begin(), out.end());
  return out;
}

using Strings = std::vector<std::string>;
using namespace std::chrono_literals;
const auto kNow = std::chrono::system_clock::now();

TEST(DaemonPod, PinnedToItsNodeWithDefaultTolerations) {
  json::object ds = Ds();
  json::object pod = NewDaemonPod(DsKind(), ds, "n1", "abc");
  EXPECT_EQ(api::GetString(pod, "metadata.generateName"), "logs-");
  EXPECT_EQ(api::GetString(pod, "metadata.labels.app"), "logs");
  EXPECT_EQ(api::GetString(pod, "metadata.labels.controller-revision-hash"), "abc");
  EXPECT_EQ(api::FindArray(pod, "metadata.ownerReferences")->at(0).at("uid"), "u-logs");
  EXPECT_EQ(api::GetString(pod, "spec.nodeName"), "");  // the scheduler binds it
  const json::array& terms =
      *api::FindArray(pod,
                      "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution."
                      "nodeSelectorTerms");
  ASSERT_EQ(terms.size(), 1u);
  EXPECT_EQ(json::serialize(terms[0]),
            R"({"matchFields":[{"key":"metadata.name","operator":"In","values":["n1"]}]})");
  EXPECT_EQ(DaemonPodNodeName(pod), "n1");
  std::set<std::string> tolerated;
  for (const auto& t : *api::FindArray(pod, "spec.tolerations")) {
    EXPECT_EQ(t.at("operator"), "Exists");
    tolerated.insert(std::string(api::GetString(t.as_object(), "key")) + ":" +
                     std::string(api::GetString(t.as_object(), "effect")));
  }
  EXPECT_EQ(tolerated, (std::set<std::string>{"node.kubernetes.io/disk-pressure:NoSchedule",
                                              "node.kubernetes.io/memory-pressure:NoSchedule",
                                              "node.kubernetes.io/not-ready:NoExecute",
                                              "node.kubernetes.io/pid-pressure:NoSchedule",
                                              "node.kubernetes.io/unreachable:NoExecute",
                                              "node.kubernetes.io/unschedulable:NoSchedule"}));
}

TEST(DaemonPod, ExistingRequiredTermsKeepTheirExpressionsAndGainTheNodeField) {
  json::object ds = Ds();
  ds["spec"].as_object()["template"].as_object()["spec"].as_object()["affinity"] = json::parse(
      R"({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms":
          [{"matchExpressions": [{"key": "disk", "operator": "In", "values": ["ssd"]}]}]}}})");
  json::object pod = NewDaemonPod(DsKind(), ds, "n2", "abc");
  const json::object& term =
      api::FindArray(pod,
                     "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution."
                     "nodeSelectorTerms")
          ->at(0)
          .as_object();
  EXPECT_EQ(term.at("matchExpressions").as_array().size(), 1u);
  EXPECT_EQ(DaemonPodNodeName(pod), "n2");
}

TEST(DaemonPlacement, SelectorAffinityAndTaints) {
  json::object ds = Ds();
  EXPECT_TRUE(PlaceDaemon(ds, Node("a")).should_run);
  // Default daemon tolerations cover not-ready, pressure and unschedulable.
  json::object cordoned = Node("b", {},
                               {Taint("node.kubernetes.io/not-ready", "NoExecute"),
                                Taint("node.kubernetes.io/disk-pressure", "NoSchedule")});
  cordoned["spec"].as_object()["unschedulable"] = true;
  EXPECT_TRUE(PlaceDaemon(ds, cordoned).should_run);

  // Another NoSchedule taint: no new pod, an existing one stays.
  auto place = PlaceDaemon(ds, Node("c", {}, {Taint("dedicated", "NoSchedule")}));
  EXPECT_FALSE(place.should_run);
  EXPECT_TRUE(place.should_continue_running);
  // NoExecute: the pod must go.
  place = PlaceDaemon(ds, Node("d", {}, {Taint("dedicated", "NoExecute")}));
  EXPECT_FALSE(place.should_run);
  EXPECT_FALSE(place.should_continue_running);
  // ... unless the template tolerates it.
  ds["spec"].as_object()["template"].as_object()["spec"].as_object()["tolerations"] =
      json::array{json::object{{"key", "dedicated"}, {"operator", "Exists"}}};
  EXPECT_TRUE(PlaceDaemon(ds, Node("d", {}, {Taint("dedicated", "NoExecute")})).should_run);

  json::object selective = Ds();
  selective["spec"].as_object()["template"].as_object()["spec"].as_object()["nodeSelector"] =
      json::object{{"role", "edge"}};
  EXPECT_FALSE(PlaceDaemon(selective, Node("e")).should_run);
  EXPECT_FALSE(PlaceDaemon(selective, Node("e")).should_continue_running);
  EXPECT_TRUE(PlaceDaemon(selective, Node("e", {{"role", "edge"}})).should_run);

  json::object affine = Ds();
  affine["spec"].as_object()["template"].as_object()["spec"].as_object()["affinity"] = json::parse(
      R"({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms":
          [{"matchExpressions": [{"key": "disk", "operator": "In", "values": ["ssd"]}]}]}}})");
  EXPECT_FALSE(PlaceDaemon(affine, Node("f", {{"disk", "hdd"}})).should_run);
  EXPECT_TRUE(PlaceDaemon(affine, Node("f", {{"disk", "ssd"}})).should_run);
}

// status.collisionCount names the revision anew (a name clash is resolved that way); without
// it the hash is the template's alone.
TEST(DaemonSetPlan, CollisionCountGivesTheRevisionAnotherHash) {
  json::object ds = Ds();
  const std::string plain = DaemonSetHash(ds);
  EXPECT_EQ(DaemonSetHash(Ds()), plain);
  ds["status"] = json::object{{"collisionCount", 0}};
  EXPECT_EQ(DaemonSetHash(ds), plain);
  ds["status"] = json::object{{"collisionCount", 1}};
  const std::string bumped = DaemonSetHash(ds);
  EXPECT_NE(bumped, plain);
  ds["status"] = json::object{{"collisionCount", 2}};
  EXPECT_NE(DaemonSetHash(ds), bumped);
}

TEST(DaemonSetPlan, OnePodPerEligibleNode) {
  json::object ds = Ds();
  std::vector<json::object> nodes{Node("a"), Node("b"), Node("c", {}, {Taint("x", "NoSchedule")})};
  auto plan = PlanDaemonSet(DsKind(), ds, nodes, {}, kNow);
  EXPECT_EQ(PodNodes(plan.pods_to_create), (Strings{"a", "b"}));
  EXPECT_TRUE(plan.pods_to_delete.empty());
  EXPECT_EQ(plan.status.at("desiredNumberScheduled"), 2);
  EXPECT_EQ(plan.status.at("currentNumberScheduled"), 0);

  std::vector<json::object> pods{Pod(ds, "a", true)};
  plan = PlanDaemonSet(DsKind(), ds, nodes, pods, kNow);
  EXPECT_EQ(PodNodes(plan.pods_to_create), Strings{"b"});
  EXPECT_EQ(plan.status.at("currentNumberScheduled"), 1);
  EXPECT_EQ(plan.status.at("numberReady"), 1);
  EXPECT_EQ(plan.status.at("numberAvailable"), 1);
  EXPECT_EQ(plan.status.at("numberUnavailable"), 1);
  EXPECT_EQ(plan.status.at("updatedNumberScheduled"), 1);
  EXPECT_EQ(plan.status.at("observedGeneration"), 2);
}

TEST(DaemonSetPlan, NodesThatLeaveOrNoLongerFitLoseTheirPods) {
  json::object ds = Ds();
  ds["spec"].as_object()["template"].as_object()["spec"].as_object()["nodeSelector"] =
      json::object{{"role", "edge"}};
  std::vector<json::object> pods{Pod(ds, "a", true), Pod(ds, "b", true), Pod(ds, "gone", true)};
  std::vector<json::object> nodes{Node("a", {{"role", "edge"}}), Node("b", {{"role", "core"}})};
  auto plan = PlanDaemonSet(DsKind(), ds, nodes, pods, kNow);
  EXPECT_EQ(PodNodes(plan.pods_to_delete), (Strings{"b", "gone"}));
  EXPECT_TRUE(plan.pods_to_create.empty());
  EXPECT_EQ(plan.status.at("numberMisscheduled"), 1);
  EXPECT_EQ(plan.status.at("desiredNumberScheduled"), 1);
}

TEST(DaemonSetPlan, FailedPodsAndDuplicatesAreRemoved) {
  json::object ds = Ds();
  std::vector<json::object> pods{Pod(ds, "a", true), Pod(ds, "a", true), Pod(ds, "b", false)};
  pods[2]["status"].as_object()["phase"] = "Failed";
  auto plan = PlanDaemonSet(DsKind(), ds, {Node("a"), Node("b")}, pods, kNow);
  ASSERT_EQ(plan.pods_to_delete.size(), 2u);
  // The younger duplicate goes; the failed pod goes and is replaced once it is gone.
  EXPECT_EQ(plan.pods_to_delete[0].at("metadata").at("uid"), pods[1].at("metadata").at("uid"));
  EXPECT_EQ(plan.pods_to_delete[1].at("metadata").at("uid"), pods[2].at("metadata").at("uid"));
  EXPECT_TRUE(plan.pods_to_create.empty());
  plan = PlanDaemonSet(DsKind(), ds, {Node("a"), Node("b")}, {pods[0]}, kNow);
  EXPECT_EQ(PodNodes(plan.pods_to_create), Strings{"b"});
}

TEST(DaemonSetPlan, RollingUpdateRespectsMaxUnavailable) {
  json::object old_ds = Ds("agent:1");
  json::object ds = Ds("agent:2");
  std::vector<json::object> nodes{Node("a"), Node("b"), Node("c")};
  std::vector<json::object> pods{Pod(old_ds, "a", true), Pod(old_ds, "b", true),
                                 Pod(old_ds, "c", true)};
  auto plan = PlanDaemonSet(DsKind(), ds, nodes, pods, kNow);
  EXPECT_EQ(plan.pods_to_delete.size(), 1u);
  EXPECT_EQ(plan.status.at("updatedNumberScheduled"), 0);

  // One node's new pod is not ready yet: no other old pod goes.
  pods[0] = Pod(ds, "a", false);
  plan = PlanDaemonSet(DsKind(), ds, nodes, pods, kNow);
  EXPECT_TRUE(plan.pods_to_delete.empty());
  EXPECT_EQ(plan.status.at("updatedNumberScheduled"), 1);

  // An old pod that is unavailable anyway may go regardless.
  pods[1] = Pod(old_ds, "b", false);
  plan = PlanDaemonSet(DsKind(), ds, nodes, pods, kNow);
  EXPECT_EQ(PodNodes(plan.pods_to_delete), Strings{"b"});

  // maxUnavailable 2 with everything ready: two old pods at once.
  ds["spec"]
      .as_object()["updateStrategy"]
      .as_object()["rollingUpdate"]
      .as_object()["maxUnavailable"] = "50%";
  pods = {Pod(old_ds, "a", true), Pod(old_ds, "b", true), Pod(old_ds, "c", true)};
  plan = PlanDaemonSet(DsKind(), ds, nodes, pods, kNow);
  EXPECT_EQ(plan.pods_to_delete.size(), 2u);

  ds["spec"].as_object()["updateStrategy"] = json::object{{"type", "OnDelete"}};
  plan = PlanDaemonSet(DsKind(), ds, nodes, pods, kNow);
  EXPECT_TRUE(plan.pods_to_delete.empty());
}

TEST(DaemonSetPlan, RollingUpdateSurgesWithMaxSurge) {
  json::object old_ds = Ds("agent:1");
  json::object ds = Ds("agent:2");
  ds["spec"].as_object()["updateStrategy"].as_object()["rollingUpdate"] =
      json::object{{"maxSurge", 1}, {"maxUnavailable", 0}};
  std::vector<json::object> nodes{Node("a"), Node("b"), Node("c")};
  std::vector<json::object> pods{Pod(old_ds, "a", true), Pod(old_ds, "b", true),
                                 Pod(old_ds, "c", true)};
  // One updated pod starts beside an old one; nothing is deleted yet.
  auto plan = PlanDaemonSet(DsKind(), ds, nodes, pods, kNow);
  EXPECT_EQ(PodNodes(plan.pods_to_create), Strings{"a"});
  EXPECT_TRUE(plan.pods_to_delete.empty());

  // While it is not ready, both stay and no other node surges.
  pods.push_back(Pod(ds, "a", false));
  plan = PlanDaemonSet(DsKind(), ds, nodes, pods, kNow);
  EXPECT_TRUE(plan.pods_to_create.empty());
  EXPECT_TRUE(plan.pods_to_delete.empty());
  EXPECT_EQ(plan.status.at("currentNumberScheduled"), 3);
  EXPECT_EQ(plan.status.at("updatedNumberScheduled"), 1);
  EXPECT_EQ(plan.status.at("numberAvailable"), 3);

  // Once it is available the old pod on its node goes and the next node surges.
  pods[3] = Pod(ds, "a", true);
  plan = PlanDaemonSet(DsKind(), ds, nodes, pods, kNow);
  ASSERT_EQ(plan.pods_to_delete.size(), 1u);
  EXPECT_EQ(plan.pods_to_delete[0].at("metadata").at("uid"), pods[0].at("metadata").at("uid"));
  EXPECT_EQ(PodNodes(plan.pods_to_create), Strings{"b"});

  // An old pod that is down anyway is replaced at once, beyond the surge budget.
  pods[2] = Pod(old_ds, "c", false);
  pods.push_back(Pod(ds, "b", false));
  plan = PlanDaemonSet(DsKind(), ds, nodes, pods, kNow);
  EXPECT_EQ(PodNodes(plan.pods_to_create), Strings{"c"});

  // A second updated pod on a node is a duplicate; an old and an updated one are not.
  pods.push_back(Pod(ds, "b", false));
  pods[4]["metadata"].as_object()["creationTimestamp"] = "2026-01-01T00:00:00Z";
  pods[5]["metadata"].as_object()["creationTimestamp"] = "2026-01-01T00:00:01Z";
  plan = PlanDaemonSet(DsKind(), ds, nodes, pods, kNow);
  std::set<std::string> deleted;
  for (const auto& p : plan.pods_to_delete) {
    deleted.insert(std::string(api::GetString(p, "metadata.uid")));
  }
  // a's old pod (its updated one is available) and b's younger updated duplicate.
  EXPECT_EQ(deleted, (std::set<std::string>{std::string(api::GetString(pods[0], "metadata.uid")),
                                            std::string(api::GetString(pods[5], "metadata.uid"))}));
}

TEST(DaemonSetPlan, ASurgePodWithinMinReadySecondsKeepsTheOldPodAndAsksToLookAgain) {
  json::object old_ds = Ds("agent:1");
  json::object ds = Ds("agent:2");
  ds["spec"].as_object()["minReadySeconds"] = 30;
  ds["spec"].as_object()["updateStrategy"].as_object()["rollingUpdate"] =
      json::object{{"maxSurge", 1}, {"maxUnavailable", 0}};
  auto ready_since = [](json::object pod, std::chrono::system_clock::time_point t) {
    pod["status"].as_object()["conditions"].as_array()[0].as_object()["lastTransitionTime"] =
        api::ApiTime(t);
    return pod;
  };
  std::vector<json::object> pods{ready_since(Pod(old_ds, "a", true), kNow - 1h),
                                 ready_since(Pod(ds, "a", true), kNow - 5s)};
  auto plan = PlanDaemonSet(DsKind(), ds, {Node("a")}, pods, kNow);
  EXPECT_TRUE(plan.pods_to_delete.empty());  // the new pod is ready, not yet available
  EXPECT_TRUE(plan.pods_to_create.empty());
  EXPECT_EQ(plan.status.at("numberAvailable"), 1);
  EXPECT_GT(plan.requeue_after.count(), 0);  // nothing else would bring the set back

  plan = PlanDaemonSet(DsKind(), ds, {Node("a")}, pods, kNow + 30s);
  ASSERT_EQ(plan.pods_to_delete.size(), 1u);
  EXPECT_EQ(plan.pods_to_delete[0].at("metadata").at("uid"), pods[0].at("metadata").at("uid"));
}

TEST(DaemonSetPlan, WaitsForATerminatingPodBeforeReplacingIt) {
  json::object ds = Ds();
  std::vector<json::object> pods{Pod(ds, "a", true)};
  pods[0]["metadata"].as_object()["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  auto plan = PlanDaemonSet(DsKind(), ds, {Node("a")}, pods, kNow);
  EXPECT_TRUE(plan.pods_to_create.empty());
  EXPECT_TRUE(plan.pods_to_delete.empty());
  plan = PlanDaemonSet(DsKind(), ds, {Node("a")}, {}, kNow);
  EXPECT_EQ(PodNodes(plan.pods_to_create), Strings{"a"});
}

}  // namespace
}  // namespace skiff::controllers
