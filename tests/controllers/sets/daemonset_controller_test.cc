// The DaemonSet controller in process (memory store, in-process client, no scheduler or agent:
// pods stay pinned by affinity, and the test makes them Ready by patching their status).

#include "core/controllers/daemonset/daemonset_controller.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>
#include <set>

#include "core/controllers/daemonset/daemon_pod.h"
#include "tests/controllers/test_cluster.h"

namespace skiff::controllers {
namespace {

namespace json = boost::json;
using testing::Eventually;
using testing::KindOf;
using namespace std::chrono_literals;

class DaemonSetControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    controller_ = std::make_unique<DaemonSetController>(cluster_.informers());
    controller_->Start();
    ASSERT_TRUE(controller_->WaitForSync(10s));
  }

  static const api::Kind& DsKind() { return KindOf("apps", "daemonsets"); }
  static const api::Kind& NodeKind() { return KindOf("", "nodes"); }

  void CreateNode(const std::string& name, json::object labels = {}) {
    auto r = cluster_.client().Create(
        NodeKind(), "", json::object{{"metadata", {{"name", name}, {"labels", labels}}}});
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  void CreateDs(json::object template_spec_extra = {}) {
    json::object ds = json::parse(R"({
      "metadata": {"name": "logs"},
      "spec": {
        "selector": {"matchLabels": {"app": "logs"}},
        "template": {"metadata": {"labels": {"app": "logs"}},
                     "spec": {"containers": [{"name": "c", "image": "agent:1"}]}}
      }})")
                          .as_object();
    json::object& spec = ds["spec"].as_object()["template"].as_object()["spec"].as_object();
    for (const auto& [k, v] : template_spec_extra) spec[k] = v;
    auto r = cluster_.client().Create(DsKind(), "default", ds);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  json::object Ds() { return cluster_.client().Get(DsKind(), "default", "logs").value(); }

  // node -> number of live (not terminating) daemon pods on it.
  std::map<std::string, int> PodsPerNode() {
    std::map<std::string, int> out;
    for (const auto& p : cluster_.Pods()) {
      if (api::GetString(p, "metadata.deletionTimestamp").empty()) ++out[DaemonPodNodeName(p)];
    }
    return out;
  }

  // The pods and the status, for failure messages.
  std::string Dump() {
    std::string out = json::serialize(Ds()["status"]);
    for (const auto& p : cluster_.Pods()) {
      out += "\n" + std::string(api::GetString(p, "metadata.name")) + " " + DaemonPodNodeName(p) +
             " " + std::string(api::GetString(p, "status.phase")) + " " +
             json::serialize(p.at("metadata").at("labels"));
    }
    return out;
  }

  void SetImage(const std::string& image) {
    json::object patch = json::parse(R"({"spec": {"template": {"spec": {"containers": [
                                          {"name": "c", "image": ""}]}}}})")
                             .as_object();
    patch["spec"]
        .as_object()["template"]
        .as_object()["spec"]
        .as_object()["containers"]
        .as_array()[0]
        .as_object()["image"] = image;
    auto r = cluster_.client().Patch(DsKind(), "default", "logs", client::PatchType::kMerge, patch);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  // ControllerRevision name -> revision number.
  std::map<std::string, int64_t> Revisions() {
    std::map<std::string, int64_t> out;
    for (const auto& r : cluster_.List(KindOf("apps", "controllerrevisions"))) {
      out[std::string(api::GetString(r, "metadata.name"))] = api::GetInt(r, "revision").value_or(0);
    }
    return out;
  }

  // Nodes n1..n3 each running a ready pod of the set; returns those pods' revision hash.
  std::string RunOnThreeReadyNodes() {
    for (const char* n : {"n1", "n2", "n3"}) CreateNode(n);
    CreateDs();
    EXPECT_TRUE(Eventually([&] { return PodsPerNode().size() == 3; }));
    cluster_.MakeAllReady();
    EXPECT_TRUE(Eventually([&] { return api::GetInt(Ds(), "status.numberAvailable") == 3; }))
        << Dump();
    return std::string(
        api::GetString(cluster_.Pods().at(0), "metadata.labels.controller-revision-hash"));
  }

  // Pods created from another template than `old_hash`'s (updated) or from it (not updated).
  int CountPods(const std::string& old_hash, bool updated) {
    int n = 0;
    for (const auto& p : cluster_.Pods()) {
      bool is_new = api::GetString(p, "metadata.labels.controller-revision-hash") != old_hash;
      if (is_new == updated) ++n;
    }
    return n;
  }

  // The revision hashes of the live pods.
  std::set<std::string> PodHashes() {
    std::set<std::string> out;
    for (const auto& p : cluster_.Pods()) {
      if (api::GetString(p, "metadata.deletionTimestamp").empty()) {
        out.emplace(api::GetString(p, "metadata.labels.controller-revision-hash"));
      }
    }
    return out;
  }

  testing::TestCluster cluster_;
  std::unique_ptr<DaemonSetController> controller_;
};

using Placement = std::map<std::string, int>;

TEST_F(DaemonSetControllerTest, OnePodPerNodeFollowingNodesAndLabels) {
  CreateNode("n1");
  CreateNode("n2");
  CreateDs();
  ASSERT_TRUE(Eventually([&] { return PodsPerNode() == Placement{{"n1", 1}, {"n2", 1}}; }));
  ASSERT_TRUE(Eventually([&] {
    json::object ds = Ds();
    return api::GetInt(ds, "status.desiredNumberScheduled") == 2 &&
           api::GetInt(ds, "status.currentNumberScheduled") == 2;
  }));
  EXPECT_EQ(api::GetInt(Ds(), "status.numberReady"), 0);

  CreateNode("n3");
  ASSERT_TRUE(Eventually([&] {
    return PodsPerNode() == Placement{{"n1", 1}, {"n2", 1}, {"n3", 1}};
  }));
  ASSERT_TRUE(cluster_.client().Delete(NodeKind(), "", "n2").ok());
  ASSERT_TRUE(Eventually([&] { return PodsPerNode() == Placement{{"n1", 1}, {"n3", 1}}; }));

  cluster_.MakeAllReady();
  ASSERT_TRUE(Eventually([&] {
    json::object ds = Ds();
    return api::GetInt(ds, "status.numberReady") == 2 &&
           api::GetInt(ds, "status.numberAvailable") == 2 &&
           api::GetInt(ds, "status.updatedNumberScheduled") == 2 &&
           api::GetInt(ds, "status.numberMisscheduled") == 0 &&
           api::GetInt(ds, "status.observedGeneration") == api::GetInt(ds, "metadata.generation");
  }));
  // Settled: still exactly one pod per node (expectations kept the controller from doubling).
  EXPECT_EQ(PodsPerNode(), (Placement{{"n1", 1}, {"n3", 1}}));
}

TEST_F(DaemonSetControllerTest, NodeSelectorFollowsLabelChanges) {
  CreateNode("edge-1", {{"role", "edge"}});
  CreateNode("core-1", {{"role", "core"}});
  CreateDs(json::object{{"nodeSelector", {{"role", "edge"}}}});
  ASSERT_TRUE(Eventually([&] { return PodsPerNode() == Placement{{"edge-1", 1}}; }));

  auto relabel = [&](const std::string& node, const std::string& role) {
    auto r = cluster_.client().Patch(NodeKind(), "", node, client::PatchType::kMerge,
                                     json::object{{"metadata", {{"labels", {{"role", role}}}}}});
    ASSERT_TRUE(r.ok()) << r.error().message;
  };
  relabel("core-1", "edge");
  ASSERT_TRUE(Eventually([&] { return PodsPerNode() == Placement{{"core-1", 1}, {"edge-1", 1}}; }));
  relabel("edge-1", "core");
  ASSERT_TRUE(Eventually([&] { return PodsPerNode() == Placement{{"core-1", 1}}; }));
}

TEST_F(DaemonSetControllerTest, RollingUpdateReplacesOneNodeAtATime) {
  std::string old_hash = RunOnThreeReadyNodes();
  SetImage("agent:2");
  for (int step = 1; step <= 3; ++step) {
    ASSERT_TRUE(Eventually([&] { return CountPods(old_hash, true) == step; })) << step;
    // maxUnavailable 1: the other nodes keep their old, ready pods meanwhile.
    EXPECT_EQ(CountPods(old_hash, false), 3 - step);
    EXPECT_EQ(cluster_.MakeAllReady(), 1);
  }
  ASSERT_TRUE(Eventually([&] {
    json::object ds = Ds();
    return api::GetInt(ds, "status.updatedNumberScheduled") == 3 &&
           api::GetInt(ds, "status.numberAvailable") == 3;
  }));
}

TEST_F(DaemonSetControllerTest, RollingUpdateWithMaxSurgeStartsTheNewPodBeforeTheOldGoes) {
  std::string old_hash = RunOnThreeReadyNodes();
  auto r = cluster_.client().Patch(DsKind(), "default", "logs", client::PatchType::kMerge,
                                   json::parse(R"({"spec": {
        "updateStrategy": {"rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
        "template": {"spec": {"containers": [{"name": "c", "image": "agent:2"}]}}}})"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  for (int step = 1; step <= 3; ++step) {
    // The updated pod runs beside the old one on its node: all old pods are still there.
    ASSERT_TRUE(Eventually([&] {
      return CountPods(old_hash, true) == step && CountPods(old_hash, false) == 4 - step;
    })) << step
        << Dump();
    EXPECT_EQ(cluster_.MakeAllReady(), 1);
  }
  ASSERT_TRUE(Eventually([&] {
    json::object ds = Ds();
    return CountPods(old_hash, false) == 0 &&
           api::GetInt(ds, "status.updatedNumberScheduled") == 3 &&
           api::GetInt(ds, "status.numberAvailable") == 3;
  })) << Dump();
}

TEST_F(DaemonSetControllerTest, KeepsOneRevisionPerTemplateAndRenumbersOnRollback) {
  testing::AutoReady agent(cluster_);
  CreateNode("n1");
  CreateDs();
  ASSERT_TRUE(Eventually([&] { return PodHashes().size() == 1; }));
  const std::string first = "logs-" + *PodHashes().begin();
  ASSERT_TRUE(Eventually([&] {
    return Revisions() == std::map<std::string, int64_t>{{first, 1}};
  })) << Revisions().size();
  json::object revision =
      cluster_.client().Get(KindOf("apps", "controllerrevisions"), "default", first).value();
  EXPECT_EQ(api::GetString(revision, "metadata.labels.app"), "logs");
  EXPECT_EQ(api::GetString(revision, "metadata.labels.controller-revision-hash"), first.substr(5));
  const std::string ds_uid(api::GetString(Ds(), "metadata.uid"));
  EXPECT_EQ(api::FindArray(revision, "metadata.ownerReferences")->at(0).at("uid"),
            json::value(ds_uid));
  EXPECT_EQ(api::FindArray(revision, "data.spec.template.spec.containers")->at(0).at("image"),
            "agent:1");

  SetImage("agent:2");
  std::string second;
  ASSERT_TRUE(Eventually([&] {
    auto hashes = PodHashes();
    if (hashes.size() != 1 || "logs-" + *hashes.begin() == first) return false;
    second = "logs-" + *hashes.begin();
    return Revisions() == std::map<std::string, int64_t>{{first, 1}, {second, 2}};
  })) << Dump();

  // Back to the first template: its revision becomes number 3, no third object.
  SetImage("agent:1");
  ASSERT_TRUE(Eventually([&] {
    return PodHashes() == std::set<std::string>{first.substr(5)} &&
           Revisions() == std::map<std::string, int64_t>{{first, 3}, {second, 2}};
  })) << Dump();
}

TEST_F(DaemonSetControllerTest, PrunesUnusedRevisionsBeyondTheHistoryLimit) {
  testing::AutoReady agent(cluster_);
  CreateNode("n1");
  CreateDs();
  ASSERT_TRUE(Eventually([&] { return Revisions().size() == 1; }));
  auto r = cluster_.client().Patch(DsKind(), "default", "logs", client::PatchType::kMerge,
                                   json::parse(R"({"spec": {"revisionHistoryLimit": 1}})"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  for (const char* image : {"agent:2", "agent:3", "agent:4"}) {
    SetImage(image);
    // Wait until the pod runs this template (so each template gets its revision) and no pod
    // runs an older one.
    ASSERT_TRUE(Eventually([&] {
      auto pods = cluster_.Pods();
      auto hashes = PodHashes();
      return pods.size() == 1 &&
             api::FindArray(pods[0], "spec.containers")->at(0).at("image") == json::value(image) &&
             hashes.size() == 1 && Revisions().contains("logs-" + *hashes.begin()) &&
             api::GetInt(Ds(), "status.numberAvailable") == 1;
    })) << image
        << Dump();
  }
  // The current one (number 4) and one old one (3) stay.
  ASSERT_TRUE(Eventually([&] {
    auto revisions = Revisions();
    std::set<int64_t> numbers;
    for (const auto& [name, n] : revisions) numbers.insert(n);
    return numbers == std::set<int64_t>{3, 4};
  })) <<
      [&] {
        std::string out;
        for (const auto& [name, n] : Revisions()) out += name + "=" + std::to_string(n) + " ";
        return out;
      }()
      << Dump();
}

TEST_F(DaemonSetControllerTest, AdoptsItsOrphanedHistoryWhenCreatedAgain) {
  testing::AutoReady agent(cluster_);
  CreateNode("n1");
  CreateDs();
  ASSERT_TRUE(Eventually([&] { return Revisions().size() == 1; }));
  SetImage("agent:2");
  ASSERT_TRUE(Eventually([&] { return Revisions().size() == 2; }));
  const std::map<std::string, int64_t> before = Revisions();

  // As after `kubectl delete ds logs --cascade=orphan`: the revisions lose their owner.
  controller_.reset();
  for (const auto& r : cluster_.List(KindOf("apps", "controllerrevisions"))) {
    auto patched = cluster_.client().Patch(
        KindOf("apps", "controllerrevisions"), "default", api::GetString(r, "metadata.name"),
        client::PatchType::kMerge, json::parse(R"({"metadata": {"ownerReferences": null}})"));
    ASSERT_TRUE(patched.ok()) << patched.error().message;
  }
  ASSERT_TRUE(cluster_.client().Delete(DsKind(), "default", "logs").ok());
  controller_ = std::make_unique<DaemonSetController>(cluster_.informers());
  controller_->Start();
  ASSERT_TRUE(controller_->WaitForSync(10s));

  CreateDs();  // agent:1 again
  const std::string uid(api::GetString(Ds(), "metadata.uid"));
  auto owned = [&] {
    for (const auto& r : cluster_.List(KindOf("apps", "controllerrevisions"))) {
      const json::array* refs = api::FindArray(r, "metadata.ownerReferences");
      if (!refs || refs->size() != 1 || refs->at(0).at("uid") != json::value(uid)) return false;
    }
    return true;
  };
  // Both adopted; agent:1's revision is the newest again (3), no duplicate.
  const std::string first =
      before.begin()->second == 1 ? before.begin()->first : std::prev(before.end())->first;
  std::map<std::string, int64_t> want = before;
  want[first] = 3;
  ASSERT_TRUE(Eventually([&] { return owned() && Revisions() == want; })) << Revisions().size();
}

}  // namespace
}  // namespace skiff::controllers
