// Each default plugin's Filter and Score on hand-built NodeInfos and pods.

#include "core/scheduler/plugins/plugins.h"

#include <gtest/gtest.h>

#include "core/scheduler/scheduler_cache.h"
#include "tests/scheduler/test_objects.h"

namespace skiff::scheduler {
namespace {

using namespace testing;  // NOLINT
namespace json = boost::json;

template <typename P>
P* As(const std::unique_ptr<Plugin>& p) {
  return dynamic_cast<P*>(p.get());
}

PluginStatus RunFilter(const std::unique_ptr<Plugin>& plugin, const json::object& pod_obj,
                       const NodeInfo& node, const Snapshot& snapshot = {}) {
  auto pod = NewPodInfo(pod_obj);
  CycleState state;
  if (auto* pre = As<PreFilterPlugin>(plugin)) {
    PluginStatus s = pre->PreFilter(state, *pod, snapshot);
    if (s.IsSkip()) return PluginStatus::Success();
    if (!s.ok()) return s;
  }
  return As<FilterPlugin>(plugin)->Filter(state, *pod, node);
}

TEST(NodeResourcesFitTest, FitsAndReportsEveryShortage) {
  auto plugin = plugins::NewNodeResourcesFit({});
  NodeInfo node = MakeNodeInfo(Node("n", "1", "1Gi", "2"), {Pod("a", "600m", "512Mi")});
  EXPECT_TRUE(RunFilter(plugin, Pod("p", "400m", "512Mi"), node).ok());
  PluginStatus s = RunFilter(plugin, Pod("p", "500m", "600Mi"), node);
  EXPECT_EQ(s.code(), PluginStatus::Code::kUnschedulable);
  EXPECT_EQ(s.reasons(), (std::vector<std::string>{"Insufficient cpu", "Insufficient memory"}));
  NodeInfo full = MakeNodeInfo(Node("n", "4", "8Gi", "1"), {Pod("a")});
  EXPECT_EQ(RunFilter(plugin, Pod("p"), full).reasons(), std::vector<std::string>{"Too many pods"});
  json::object gpu = Pod("g");
  Set(gpu, "spec.containers",
      json::array{
          json::object{{"name", "c"}, {"resources", {{"requests", {{"example.com/gpu", 1}}}}}}});
  EXPECT_EQ(RunFilter(plugin, gpu, node).reasons(),
            std::vector<std::string>{"Insufficient example.com/gpu"});
}

TEST(NodeResourcesFitTest, LeastAllocatedPrefersEmptierNodes) {
  auto plugin = plugins::NewNodeResourcesFit({});
  NodeInfo empty = MakeNodeInfo(Node("a", "4", "8Gi"));
  NodeInfo busy = MakeNodeInfo(Node("b", "4", "8Gi"), {Pod("x", "3", "6Gi")});
  auto pod = NewPodInfo(Pod("p", "1", "2Gi"));
  CycleState state;
  int64_t s1 = 0, s2 = 0;
  As<ScorePlugin>(plugin)->Score(state, *pod, empty, s1);
  As<ScorePlugin>(plugin)->Score(state, *pod, busy, s2);
  EXPECT_EQ(s1, 75);  // (3/4 + 6/8) / 2 left
  EXPECT_EQ(s2, 0);
}

TEST(BalancedAllocationTest, PrefersEqualFractions) {
  auto plugin = plugins::NewBalancedAllocation({});
  NodeInfo node = MakeNodeInfo(Node("a", "4", "4Gi"));
  CycleState state;
  int64_t balanced = 0, skewed = 0;
  As<ScorePlugin>(plugin)->Score(state, *NewPodInfo(Pod("p", "2", "2Gi")), node, balanced);
  As<ScorePlugin>(plugin)->Score(state, *NewPodInfo(Pod("p", "4", "0")), node, skewed);
  EXPECT_EQ(balanced, 100);
  EXPECT_EQ(skewed, 50);
}

TEST(NodeUnschedulableTest, CordonedUnlessTolerated) {
  auto plugin = plugins::NewNodeUnschedulable({});
  json::object n = Node("n");
  Set(n, "spec.unschedulable", true);
  NodeInfo node = MakeNodeInfo(n);
  PluginStatus s = RunFilter(plugin, Pod("p"), node);
  EXPECT_EQ(s.code(), PluginStatus::Code::kUnschedulableAndUnresolvable);
  EXPECT_EQ(s.Message(), "node(s) were unschedulable");
  json::object tolerant = Pod("p");
  Set(tolerant, "spec.tolerations",
      json::array{json::object{{"key", "node.kubernetes.io/unschedulable"},
                               {"operator", "Exists"},
                               {"effect", "NoSchedule"}}});
  EXPECT_TRUE(RunFilter(plugin, tolerant, node).ok());
}

TEST(NodeNameTest, OnlyTheNamedNode) {
  auto plugin = plugins::NewNodeName({});
  json::object pod = Pod("p");
  Set(pod, "spec.nodeName", "b");
  EXPECT_TRUE(RunFilter(plugin, Pod("p"), MakeNodeInfo(Node("a"))).ok());
  EXPECT_FALSE(RunFilter(plugin, pod, MakeNodeInfo(Node("a"))).ok());
  EXPECT_TRUE(RunFilter(plugin, pod, MakeNodeInfo(Node("b"))).ok());
}

TEST(NodeAffinityTest, SelectorRequiredAndPreferred) {
  auto plugin = plugins::NewNodeAffinity({});
  NodeInfo ssd = MakeNodeInfo(WithLabels(Node("a"), {{"disk", "ssd"}, {"cores", "16"}}));
  NodeInfo hdd = MakeNodeInfo(WithLabels(Node("b"), {{"disk", "hdd"}, {"cores", "4"}}));
  json::object pod = Pod("p");
  Set(pod, "spec.nodeSelector", json::object{{"disk", "ssd"}});
  EXPECT_TRUE(RunFilter(plugin, pod, ssd).ok());
  PluginStatus s = RunFilter(plugin, pod, hdd);
  EXPECT_EQ(s.Message(), "node(s) didn't match Pod's node affinity/selector");

  auto term = [](json::array exprs) {
    return json::object{
        {"nodeSelectorTerms", json::array{json::object{{"matchExpressions", exprs}}}}};
  };
  auto expr = [](const char* key, const char* op, json::array values) {
    return json::object{{"key", key}, {"operator", op}, {"values", values}};
  };
  json::object gt = Pod("p");
  Set(gt, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution",
      term({expr("cores", "Gt", {"8"})}));
  EXPECT_TRUE(RunFilter(plugin, gt, ssd).ok());
  EXPECT_FALSE(RunFilter(plugin, gt, hdd).ok());
  json::object notin = Pod("p");
  Set(notin, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution",
      term({expr("disk", "NotIn", {"ssd"}),
            json::object{{"key", "gpu"}, {"operator", "DoesNotExist"}}}));
  EXPECT_FALSE(RunFilter(plugin, notin, ssd).ok());
  EXPECT_TRUE(RunFilter(plugin, notin, hdd).ok());
  json::object by_name = Pod("p");
  Set(by_name, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution",
      json::object{{"nodeSelectorTerms",
                    json::array{json::object{
                        {"matchFields", json::array{expr("metadata.name", "In", {"b"})}}}}}});
  EXPECT_FALSE(RunFilter(plugin, by_name, ssd).ok());
  EXPECT_TRUE(RunFilter(plugin, by_name, hdd).ok());

  json::object pref = Pod("p");
  Set(pref, "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution",
      json::array{json::object{
          {"weight", 10},
          {"preference",
           json::object{{"matchExpressions", json::array{expr("disk", "In", {"hdd"})}}}}}});
  auto info = NewPodInfo(pref);
  CycleState state;
  auto* score = As<ScorePlugin>(plugin);
  std::vector<NodeScore> scores(2);
  scores[0].node = &ssd;
  scores[1].node = &hdd;
  score->Score(state, *info, ssd, scores[0].score);
  score->Score(state, *info, hdd, scores[1].score);
  score->NormalizeScore(state, *info, scores);
  EXPECT_EQ(scores[0].score, 0);
  EXPECT_EQ(scores[1].score, 100);
}

TEST(TaintTolerationTest, FilterAndPreferNoScheduleScore) {
  auto plugin = plugins::NewTaintToleration({});
  json::object n = Node("n");
  Set(n, "spec.taints",
      json::array{json::object{{"key", "dedicated"}, {"value", "gpu"}, {"effect", "NoSchedule"}}});
  NodeInfo tainted = MakeNodeInfo(n);
  PluginStatus s = RunFilter(plugin, Pod("p"), tainted);
  EXPECT_EQ(s.code(), PluginStatus::Code::kUnschedulableAndUnresolvable);
  EXPECT_EQ(s.Message(), "node(s) had untolerated taint {dedicated: gpu}");
  json::object tol = Pod("p");
  Set(tol, "spec.tolerations",
      json::array{json::object{{"key", "dedicated"}, {"operator", "Equal"}, {"value", "gpu"}}});
  EXPECT_TRUE(RunFilter(plugin, tol, tainted).ok());
  json::object wrong = Pod("p");
  Set(wrong, "spec.tolerations", json::array{json::object{{"key", "dedicated"}, {"value", "cpu"}}});
  EXPECT_FALSE(RunFilter(plugin, wrong, tainted).ok());

  json::object soft = Node("soft");
  Set(soft, "spec.taints", json::array{json::object{{"key", "a"}, {"effect", "PreferNoSchedule"}}});
  NodeInfo soft_node = MakeNodeInfo(soft);
  NodeInfo clean = MakeNodeInfo(Node("clean"));
  EXPECT_TRUE(RunFilter(plugin, Pod("p"), soft_node).ok());
  auto pod = NewPodInfo(Pod("p"));
  CycleState state;
  std::vector<NodeScore> scores{{&soft_node, 0}, {&clean, 0}};
  As<ScorePlugin>(plugin)->Score(state, *pod, soft_node, scores[0].score);
  As<ScorePlugin>(plugin)->Score(state, *pod, clean, scores[1].score);
  As<ScorePlugin>(plugin)->NormalizeScore(state, *pod, scores);
  EXPECT_EQ(scores[0].score, 0);
  EXPECT_EQ(scores[1].score, 100);
}

TEST(NodePortsTest, HostPortConflicts) {
  auto plugin = plugins::NewNodePorts({});
  auto with_port = [](const std::string& name, int port, const char* ip = "") {
    json::object p = Pod(name);
    p["spec"].as_object()["containers"].as_array()[0].as_object()["ports"] =
        json::array{json::object{{"containerPort", 80}, {"hostPort", port}, {"hostIP", ip}}};
    return p;
  };
  NodeInfo node = MakeNodeInfo(Node("n"), {with_port("a", 8080)});
  PluginStatus s = RunFilter(plugin, with_port("p", 8080), node);
  EXPECT_EQ(s.Message(), "node(s) didn't have free ports for the requested pod ports");
  EXPECT_TRUE(RunFilter(plugin, with_port("p", 8081), node).ok());
  NodeInfo specific = MakeNodeInfo(Node("n"), {with_port("a", 8080, "10.0.0.1")});
  EXPECT_TRUE(RunFilter(plugin, with_port("p", 8080, "10.0.0.2"), specific).ok());
  EXPECT_FALSE(RunFilter(plugin, with_port("p", 8080, "0.0.0.0"), specific).ok());
}

// A snapshot over the given NodeInfos, through the cache.
class SnapshotBuilder {
 public:
  void Add(json::object node, std::vector<json::object> pods = {}) {
    std::string name(node["metadata"].as_object()["name"].as_string());
    cache_.AddNode(std::move(node));
    for (auto& p : pods) {
      Set(p, "spec.nodeName", json::string(name));
      cache_.AddPod(NewPodInfo(std::move(p)));
    }
  }
  const Snapshot& Build() {
    cache_.UpdateSnapshot(snapshot_);
    return snapshot_;
  }

 private:
  SchedulerCache cache_;
  Snapshot snapshot_;
};

json::object Spread(json::object pod, const char* key, int skew,
                    const char* when = "DoNotSchedule") {
  Set(pod, "spec.topologySpreadConstraints",
      json::array{json::object{{"maxSkew", skew},
                               {"topologyKey", key},
                               {"whenUnsatisfiable", when},
                               {"labelSelector", {{"matchLabels", {{"app", "web"}}}}}}});
  return pod;
}

TEST(PodTopologySpreadTest, MaxSkewAcrossZones) {
  auto plugin = plugins::NewPodTopologySpread({});
  SnapshotBuilder b;
  auto web = [](const std::string& n) { return WithLabels(Pod(n), {{"app", "web"}}); };
  b.Add(WithLabels(Node("a"), {{"zone", "z1"}}), {web("w1"), web("w2")});
  b.Add(WithLabels(Node("b"), {{"zone", "z2"}}), {web("w3")});
  b.Add(Node("nolabel"));
  const Snapshot& snap = b.Build();
  json::object pod = Spread(web("p"), "zone", 1);
  EXPECT_EQ(RunFilter(plugin, pod, *snap.Get("a"), snap).Message(),
            "node(s) didn't match pod topology spread constraints");
  EXPECT_TRUE(RunFilter(plugin, pod, *snap.Get("b"), snap).ok());
  EXPECT_EQ(RunFilter(plugin, pod, *snap.Get("nolabel"), snap).code(),
            PluginStatus::Code::kUnschedulableAndUnresolvable);
  EXPECT_TRUE(RunFilter(plugin, Spread(web("p"), "zone", 2), *snap.Get("a"), snap).ok());

  // ScheduleAnyway: scores instead; the zone with fewer matching pods wins.
  json::object soft = Spread(web("p"), "zone", 1, "ScheduleAnyway");
  auto info = NewPodInfo(soft);
  CycleState state;
  std::vector<const NodeInfo*> feasible{snap.Get("a"), snap.Get("b")};
  ASSERT_TRUE(As<PreScorePlugin>(plugin)->PreScore(state, *info, feasible, snap).ok());
  std::vector<NodeScore> scores{{feasible[0], 0}, {feasible[1], 0}};
  for (auto& s : scores) As<ScorePlugin>(plugin)->Score(state, *info, *s.node, s.score);
  As<ScorePlugin>(plugin)->NormalizeScore(state, *info, scores);
  EXPECT_LT(scores[0].score, scores[1].score);
}

json::object AffinityTerm(const char* app, const char* key) {
  return json::object{{"labelSelector", {{"matchLabels", {{"app", app}}}}}, {"topologyKey", key}};
}

TEST(InterPodAffinityTest, RequiredAffinityAndAntiAffinity) {
  auto plugin = plugins::NewInterPodAffinity({});
  SnapshotBuilder b;
  b.Add(WithLabels(Node("a"), {{"zone", "z1"}}), {WithLabels(Pod("db"), {{"app", "db"}})});
  b.Add(WithLabels(Node("b"), {{"zone", "z2"}}));
  const Snapshot& snap = b.Build();

  json::object near_db = Pod("p");
  Set(near_db, "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution",
      json::array{AffinityTerm("db", "zone")});
  EXPECT_TRUE(RunFilter(plugin, near_db, *snap.Get("a"), snap).ok());
  PluginStatus s = RunFilter(plugin, near_db, *snap.Get("b"), snap);
  EXPECT_EQ(s.code(), PluginStatus::Code::kUnschedulableAndUnresolvable);
  EXPECT_EQ(s.Message(), "node(s) didn't match pod affinity rules");

  json::object away = Pod("p");
  Set(away, "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution",
      json::array{AffinityTerm("db", "zone")});
  EXPECT_EQ(RunFilter(plugin, away, *snap.Get("a"), snap).Message(),
            "node(s) didn't match pod anti-affinity rules");
  EXPECT_TRUE(RunFilter(plugin, away, *snap.Get("b"), snap).ok());

  // The first pod of a self-selecting group may go anywhere.
  json::object first = WithLabels(Pod("w"), {{"app", "web"}});
  Set(first, "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution",
      json::array{AffinityTerm("web", "zone")});
  EXPECT_TRUE(RunFilter(plugin, first, *snap.Get("b"), snap).ok());
}

TEST(InterPodAffinityTest, ExistingPodsAntiAffinity) {
  auto plugin = plugins::NewInterPodAffinity({});
  json::object loner = WithLabels(Pod("loner"), {{"app", "loner"}});
  Set(loner, "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution",
      json::array{AffinityTerm("web", "kubernetes.io/hostname")});
  SnapshotBuilder b;
  b.Add(Node("a"), {loner});
  b.Add(Node("b"));
  const Snapshot& snap = b.Build();
  json::object web = WithLabels(Pod("p"), {{"app", "web"}});
  EXPECT_EQ(RunFilter(plugin, web, *snap.Get("a"), snap).Message(),
            "node(s) didn't satisfy existing pods anti-affinity rules");
  EXPECT_TRUE(RunFilter(plugin, web, *snap.Get("b"), snap).ok());
  EXPECT_TRUE(RunFilter(plugin, Pod("other"), *snap.Get("a"), snap).ok());
}

TEST(InterPodAffinityTest, PreferredScores) {
  auto plugin = plugins::NewInterPodAffinity({});
  SnapshotBuilder b;
  b.Add(WithLabels(Node("a"), {{"zone", "z1"}}), {WithLabels(Pod("c"), {{"app", "cache"}})});
  b.Add(WithLabels(Node("b"), {{"zone", "z2"}}));
  const Snapshot& snap = b.Build();
  json::object pod = Pod("p");
  Set(pod, "spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution",
      json::array{
          json::object{{"weight", 50}, {"podAffinityTerm", AffinityTerm("cache", "zone")}}});
  auto info = NewPodInfo(pod);
  CycleState state;
  std::vector<const NodeInfo*> feasible{snap.Get("a"), snap.Get("b")};
  ASSERT_TRUE(As<PreScorePlugin>(plugin)->PreScore(state, *info, feasible, snap).ok());
  std::vector<NodeScore> scores{{feasible[0], 0}, {feasible[1], 0}};
  for (auto& s : scores) As<ScorePlugin>(plugin)->Score(state, *info, *s.node, s.score);
  As<ScorePlugin>(plugin)->NormalizeScore(state, *info, scores);
  EXPECT_EQ(scores[0].score, 100);
  EXPECT_EQ(scores[1].score, 0);
}

class FakeLister final : public ObjectLister {
 public:
  std::map<std::string, json::object> objects;  // "resource/ns/name"
  std::optional<json::object> Get(std::string_view r, std::string_view ns,
                                  std::string_view name) const override {
    auto it = objects.find(std::string(r) + "/" + std::string(ns) + "/" + std::string(name));
    if (it == objects.end()) return std::nullopt;
    return it->second;
  }
  std::vector<json::object> List(std::string_view r) const override {
    std::vector<json::object> out;
    for (const auto& [k, v] : objects) {
      if (k.rfind(std::string(r) + "/", 0) == 0) out.push_back(v);
    }
    return out;
  }
};

json::object PodWithClaim(const char* claim) {
  json::object p = Pod("p");
  Set(p, "spec.volumes",
      json::array{
          json::object{{"name", "data"}, {"persistentVolumeClaim", {{"claimName", claim}}}}});
  return p;
}

json::object PvWithNode(const char* name, const char* node, const char* cls = "") {
  return json::object{
      {"metadata", {{"name", name}}},
      {"spec",
       {{"capacity", {{"storage", "10Gi"}}},
        {"accessModes", json::array{"ReadWriteOnce"}},
        {"storageClassName", cls},
        {"nodeAffinity",
         {{"required",
           {{"nodeSelectorTerms",
             json::array{
                 json::object{{"matchExpressions",
                               json::array{json::object{{"key", "kubernetes.io/hostname"},
                                                        {"operator", "In"},
                                                        {"values", json::array{node}}}}}}}}}}}}}},
      {"status", {{"phase", "Available"}}}};
}

TEST(VolumeBindingTest, BoundClaimFollowsPvNodeAffinity) {
  FakeLister lister;
  lister.objects["persistentvolumeclaims/default/data"] =
      json::object{{"metadata", {{"name", "data"}}}, {"spec", {{"volumeName", "pv1"}}}};
  lister.objects["persistentvolumes//pv1"] = PvWithNode("pv1", "a");
  auto plugin = plugins::NewVolumeBinding({nullptr, &lister});
  EXPECT_TRUE(RunFilter(plugin, PodWithClaim("data"), MakeNodeInfo(Node("a"))).ok());
  EXPECT_EQ(RunFilter(plugin, PodWithClaim("data"), MakeNodeInfo(Node("b"))).Message(),
            "node(s) had volume node affinity conflict");
  EXPECT_EQ(RunFilter(plugin, PodWithClaim("nope"), MakeNodeInfo(Node("a"))).Message(),
            "persistentvolumeclaim \"nope\" not found");
}

TEST(VolumeBindingTest, WaitForFirstConsumer) {
  FakeLister lister;
  lister.objects["persistentvolumeclaims/default/data"] =
      json::object{{"metadata", {{"name", "data"}}},
                   {"spec",
                    {{"storageClassName", "local"},
                     {"accessModes", json::array{"ReadWriteOnce"}},
                     {"resources", {{"requests", {{"storage", "5Gi"}}}}}}}};
  lister.objects["storageclasses//local"] =
      json::object{{"metadata", {{"name", "local"}}},
                   {"provisioner", "kubernetes.io/no-provisioner"},
                   {"volumeBindingMode", "WaitForFirstConsumer"}};
  lister.objects["persistentvolumes//pv-a"] = PvWithNode("pv-a", "a", "local");
  auto plugin = plugins::NewVolumeBinding({nullptr, &lister});
  EXPECT_TRUE(RunFilter(plugin, PodWithClaim("data"), MakeNodeInfo(Node("a"))).ok());
  EXPECT_EQ(RunFilter(plugin, PodWithClaim("data"), MakeNodeInfo(Node("b"))).Message(),
            "node(s) didn't find available persistent volumes to bind");
  // A provisioner can make a volume anywhere.
  lister.objects["storageclasses//local"]["provisioner"] = "skiff.io/hostpath";
  EXPECT_TRUE(RunFilter(plugin, PodWithClaim("data"), MakeNodeInfo(Node("b"))).ok());
  // Immediate binding: the pod waits for the controller.
  lister.objects["storageclasses//local"]["volumeBindingMode"] = "Immediate";
  EXPECT_EQ(RunFilter(plugin, PodWithClaim("data"), MakeNodeInfo(Node("a"))).Message(),
            "pod has unbound immediate PersistentVolumeClaims");
}

}  // namespace
}  // namespace skiff::scheduler
