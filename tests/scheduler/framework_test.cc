// The framework's ordering and status handling, the registry, the config and the
// FailedScheduling message form.

#include "core/scheduler/framework.h"

#include <gtest/gtest.h>

#include "core/scheduler/fit_error.h"
#include "core/scheduler/schedule_one.h"
#include "core/scheduler/scheduler_cache.h"
#include "tests/scheduler/test_objects.h"

namespace skiff::scheduler {
namespace {

using namespace testing;  // NOLINT

// A plugin that logs its calls and answers as told.
class Probe final : public PreFilterPlugin,
                    public FilterPlugin,
                    public ScorePlugin,
                    public ReservePlugin,
                    public BindPlugin {
 public:
  Probe(std::string name, std::vector<std::string>* log) : name_(std::move(name)), log_(log) {}
  std::string_view Name() const override { return name_; }

  PluginStatus PreFilter(CycleState&, const PodInfo&, const Snapshot&) override {
    log_->push_back(name_ + ".PreFilter");
    return pre_filter;
  }
  PluginStatus Filter(const CycleState&, const PodInfo&, const NodeInfo& node) const override {
    log_->push_back(name_ + ".Filter(" + node.name() + ")");
    return node.name() == reject_node ? filter_reject : PluginStatus::Success();
  }
  PluginStatus Score(const CycleState&, const PodInfo&, const NodeInfo& node,
                     int64_t& score) const override {
    score = node.name() == favourite ? 10 : 5;
    return PluginStatus::Success();
  }
  PluginStatus Reserve(CycleState&, const PodInfo&, const std::string&) override {
    log_->push_back(name_ + ".Reserve");
    return reserve;
  }
  void Unreserve(CycleState&, const PodInfo&, const std::string&) override {
    log_->push_back(name_ + ".Unreserve");
  }
  PluginStatus Bind(CycleState&, const PodInfo&, const std::string&) override {
    log_->push_back(name_ + ".Bind");
    return bind;
  }

  PluginStatus pre_filter;
  PluginStatus filter_reject = PluginStatus::Unschedulable("probe says no");
  std::string reject_node;
  std::string favourite;
  PluginStatus reserve;
  PluginStatus bind = PluginStatus::Skip();

 private:
  std::string name_;
  std::vector<std::string>* log_;
};

struct Fixture {
  std::vector<std::string> log;
  std::map<std::string, Probe*> probes;
  PluginRegistry registry;
  std::unique_ptr<Framework> fw;

  explicit Fixture(std::vector<PluginSetting> settings) {
    for (const auto& s : settings) {
      EXPECT_TRUE(registry
                      .Register(s.name,
                                [this, name = s.name](const PluginContext&) {
                                  auto p = std::make_unique<Probe>(name, &log);
                                  probes[name] = p.get();
                                  return p;
                                })
                      .ok());
    }
    auto r = Framework::New(registry, settings, {});
    EXPECT_TRUE(r.ok());
    fw = std::move(r.value());
  }
};

TEST(PluginRegistryTest, RegisteringTwiceIsAnError) {
  PluginRegistry r;
  auto f = [](const PluginContext&) -> std::unique_ptr<Plugin> { return nullptr; };
  EXPECT_TRUE(r.Register("X", f).ok());
  EXPECT_EQ(r.Register("X", f).code(), Status::Code::kAlreadyExists);
  EXPECT_FALSE(InTreeRegistry().Register("NodeResourcesFit", f).ok());
  auto undo = r.ReplaceForTest("Y", f);
  EXPECT_NE(r.Find("Y"), nullptr);
  undo();
  EXPECT_EQ(r.Find("Y"), nullptr);
}

TEST(FrameworkTest, UnknownOrDuplicatePluginFails) {
  PluginRegistry r = InTreeRegistry();
  EXPECT_FALSE(Framework::New(r, {{"Nope", 1}}, {}).ok());
  EXPECT_FALSE(Framework::New(r, {{"NodeName", 1}, {"NodeName", 1}}, {}).ok());
  auto all = Framework::New(r, SchedulerConfig::DefaultPlugins(), {});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ((*all)->PluginNames().size(), SchedulerConfig::DefaultPlugins().size());
}

TEST(FrameworkTest, FilterStopsAtFirstRejectionInConfigOrder) {
  Fixture f({{"A", 1}, {"B", 1}, {"C", 1}});
  f.probes["B"]->reject_node = "n1";
  NodeInfo n1 = MakeNodeInfo(Node("n1"));
  auto pod = NewPodInfo(Pod("p"));
  CycleState state;
  PluginStatus s = f.fw->RunFilter(state, *pod, n1);
  EXPECT_EQ(s.plugin(), "B");
  EXPECT_EQ(s.code(), PluginStatus::Code::kUnschedulable);
  EXPECT_EQ(f.log, (std::vector<std::string>{"A.Filter(n1)", "B.Filter(n1)"}));
}

TEST(FrameworkTest, PreFilterSkipSkipsFilterAndRejectionStops) {
  Fixture f({{"A", 1}, {"B", 1}});
  f.probes["A"]->pre_filter = PluginStatus::Skip();
  auto pod = NewPodInfo(Pod("p"));
  Snapshot snap;
  CycleState state;
  EXPECT_TRUE(f.fw->RunPreFilter(state, *pod, snap).ok());
  NodeInfo n = MakeNodeInfo(Node("n"));
  f.log.clear();
  EXPECT_TRUE(f.fw->RunFilter(state, *pod, n).ok());
  EXPECT_EQ(f.log, std::vector<std::string>{"B.Filter(n)"});

  f.probes["A"]->pre_filter = PluginStatus::UnschedulableAndUnresolvable("never");
  CycleState state2;
  PluginStatus s = f.fw->RunPreFilter(state2, *pod, snap);
  EXPECT_EQ(s.code(), PluginStatus::Code::kUnschedulableAndUnresolvable);
  EXPECT_EQ(s.plugin(), "A");
}

TEST(FrameworkTest, ScoresAreWeightedAndReserveUnwindsInReverse) {
  Fixture f({{"A", 1}, {"B", 3}});
  f.probes["A"]->favourite = "x";
  f.probes["B"]->favourite = "y";
  NodeInfo x = MakeNodeInfo(Node("x")), y = MakeNodeInfo(Node("y"));
  auto pod = NewPodInfo(Pod("p"));
  CycleState state;
  std::vector<int64_t> totals;
  ASSERT_TRUE(f.fw->RunScore(state, *pod, {&x, &y}, totals).ok());
  EXPECT_EQ(totals, (std::vector<int64_t>{10 + 15, 5 + 30}));

  f.log.clear();
  f.probes["B"]->reserve = PluginStatus::Error("full");
  EXPECT_EQ(f.fw->RunReserve(state, *pod, "x").plugin(), "B");
  f.fw->RunUnreserve(state, *pod, "x");
  EXPECT_EQ(f.log,
            (std::vector<std::string>{"A.Reserve", "B.Reserve", "B.Unreserve", "A.Unreserve"}));
  // Bind: the first binder that does not skip decides.
  f.log.clear();
  f.probes["B"]->bind = PluginStatus::Success();
  EXPECT_TRUE(f.fw->RunBind(state, *pod, "x").ok());
  EXPECT_EQ(f.log, (std::vector<std::string>{"A.Bind", "B.Bind"}));
}

TEST(FrameworkTest, PlacerPicksHighestScoreAndCollectsDiagnosis) {
  Fixture f({{"A", 1}});
  f.probes["A"]->favourite = "n2";
  f.probes["A"]->reject_node = "n3";
  SchedulerCache cache;
  for (const char* n : {"n1", "n2", "n3"}) cache.AddNode(Node(n));
  Snapshot snap;
  cache.UpdateSnapshot(snap);
  PodPlacer placer(*f.fw, 0);
  auto pod = NewPodInfo(Pod("p"));
  CycleState state;
  ScheduleResult r = placer.Schedule(state, *pod, snap);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.node, "n2");
  EXPECT_EQ(r.diagnosis.node_statuses.size(), 1u);
  EXPECT_EQ(r.diagnosis.num_all_nodes, 3u);
}

TEST(FitErrorTest, KubernetesMessageForm) {
  Diagnosis d;
  d.num_all_nodes = 5;
  for (int i = 0; i < 3; ++i) {
    d.node_statuses.emplace_back("n" + std::to_string(i),
                                 PluginStatus::Unschedulable("Insufficient cpu"));
  }
  for (int i = 3; i < 5; ++i) {
    d.node_statuses.emplace_back(
        "n" + std::to_string(i),
        PluginStatus::UnschedulableAndUnresolvable("node(s) had untolerated taint {key: value}"));
  }
  EXPECT_EQ(FitErrorMessage(d),
            "0/5 nodes are available: 2 node(s) had untolerated taint {key: value}, 3 "
            "Insufficient cpu.");
  d.post_filter_message = "preemption: 0/5 nodes are available: 5 Preemption is not helpful";
  EXPECT_EQ(FitErrorMessage(d),
            "0/5 nodes are available: 2 node(s) had untolerated taint {key: value}, 3 "
            "Insufficient cpu. preemption: 0/5 nodes are available: 5 Preemption is not helpful.");
  Diagnosis pre;
  pre.num_all_nodes = 2;
  pre.pre_filter_message = "persistentvolumeclaim \"x\" not found";
  EXPECT_EQ(FitErrorMessage(pre),
            "0/2 nodes are available: persistentvolumeclaim \"x\" not found.");
}

TEST(SchedulerConfigTest, ParsesPluginsAndPercentage) {
  auto c = ParseSchedulerConfig(R"(
percentageOfNodesToScore: 30
plugins:
  disabled: [{name: NodePorts}]
  enabled: [{name: TaintToleration, weight: 7}, {name: Custom}]
)");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->percentage_of_nodes_to_score, 30);
  bool has_ports = false, custom = false;
  for (const auto& p : c->plugins) {
    has_ports |= p.name == "NodePorts";
    custom |= p.name == "Custom";
    if (p.name == "TaintToleration") {
      EXPECT_EQ(p.weight, 7);
    }
  }
  EXPECT_FALSE(has_ports);
  EXPECT_TRUE(custom);
  EXPECT_FALSE(ParseSchedulerConfig("percentageOfNodesToScore: 120").ok());
  auto none = ParseSchedulerConfig("plugins: {disabled: [{name: '*'}]}");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->plugins.empty());
}

TEST(SchedulerConfigTest, AdaptiveNumberOfNodesToFind) {
  EXPECT_EQ(NumFeasibleNodesToFind(0, 50), 50u);
  EXPECT_EQ(NumFeasibleNodesToFind(0, 1000), 420u);   // 50 - 8 = 42%
  EXPECT_EQ(NumFeasibleNodesToFind(0, 5000), 500u);   // 50 - 40 = 10%
  EXPECT_EQ(NumFeasibleNodesToFind(0, 10000), 500u);  // floor 5%
  EXPECT_EQ(NumFeasibleNodesToFind(0, 150), 100u);    // at least 100
  EXPECT_EQ(NumFeasibleNodesToFind(20, 5000), 1000u);
  EXPECT_EQ(NumFeasibleNodesToFind(100, 5000), 5000u);
}

}  // namespace
}  // namespace skiff::scheduler
