// The node lifecycle controller: EvictionTime on its own, then the controller in process with
// a short grace period, one node whose Lease is renewed and one whose Lease is not.

#include <atomic>

#include "core/api/api_time.h"
#include "core/controllers/nodelifecycle/node_lifecycle_controller.h"
#include "core/controllers/nodelifecycle/taint_eviction.h"
#include "tests/controllers/cluster/cluster_fixture.h"

namespace skiff::controllers {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

json::object PodWithTolerations(json::array tolerations) {
  return json::object{{"spec", {{"tolerations", std::move(tolerations)}}}};
}

json::object Toleration(const char* key, std::optional<int64_t> seconds) {
  json::object t{{"key", key}, {"operator", "Exists"}, {"effect", "NoExecute"}};
  if (seconds) t["tolerationSeconds"] = *seconds;
  return t;
}

TEST(EvictionTimeTest, FollowsTolerations) {
  auto t0 = Clock::now();
  std::vector<ObservedTaint> unreachable{{{kUnreachableTaint, "", "NoExecute"}, t0}};
  // No toleration: at once.
  EXPECT_EQ(EvictionTime(PodWithTolerations({}), unreachable), t0);
  EXPECT_EQ(EvictionTime(PodWithTolerations({Toleration(kNotReadyTaint, 5)}), unreachable), t0);
  // Tolerated for a while: the shortest limit that applies.
  EXPECT_EQ(EvictionTime(PodWithTolerations({Toleration(kUnreachableTaint, 30),
                                             Toleration(kUnreachableTaint, 10)}),
                         unreachable),
            t0 + 10s);
  // Tolerated without limit, also by a toleration of every key.
  EXPECT_EQ(
      EvictionTime(PodWithTolerations({Toleration(kUnreachableTaint, std::nullopt)}), unreachable),
      std::nullopt);
  EXPECT_EQ(EvictionTime(PodWithTolerations({json::object{{"operator", "Exists"}}}), unreachable),
            std::nullopt);
  // Two taints: the earliest deadline.
  std::vector<ObservedTaint> both{{{kUnreachableTaint, "", "NoExecute"}, t0},
                                  {{kNotReadyTaint, "", "NoExecute"}, t0 + 2s}};
  EXPECT_EQ(EvictionTime(PodWithTolerations(
                             {Toleration(kUnreachableTaint, 60), Toleration(kNotReadyTaint, 1)}),
                         both),
            t0 + 3s);
}

class NodeLifecycleTest : public ClusterFixture {
 protected:
  void TearDown() override {
    stop_ = true;
    if (renewer_.joinable()) renewer_.join();
  }

  void CreateNode(const std::string& name, const char* ready = "True") {
    Create(Kind("nodes"), "",
           json::object{{"metadata", {{"name", name}}}, {"status", json::object{}}});
    PostReady(name, ready);
  }

  // What the agent posts: a Ready condition with a fresh heartbeat time.
  void PostReady(const std::string& name, const char* ready) {
    MergeStatus(Kind("nodes"), "", name,
                json::object{{"conditions", json::array{json::object{
                                                {"type", "Ready"},
                                                {"status", ready},
                                                {"reason", "KubeletReady"},
                                                {"lastHeartbeatTime", api::NowApiTime()},
                                                {"lastTransitionTime", "2026-01-01T00:00:00Z"}}}}});
  }

  void RenewLease(const std::string& node) {
    const api::Kind& leases = Kind("leases", "coordination.k8s.io");
    std::string renew = "2026-01-01T00:00:00." + std::to_string(++renewals_) + "Z";
    json::object lease{{"metadata", {{"name", node}, {"namespace", "kube-node-lease"}}},
                       {"spec", {{"holderIdentity", node}, {"renewTime", renew}}}};
    if (!client_->Create(leases, "kube-node-lease", lease).ok()) {
      client_->Patch(leases, "kube-node-lease", node, client::PatchType::kMerge,
                     json::object{{"spec", {{"renewTime", renew}}}});
    }
  }

  // Renews the node's Lease every 50 ms on a thread until the test ends.
  void KeepRenewing(const std::string& node) {
    renewer_ = std::thread([this, node] {
      while (!stop_) {
        RenewLease(node);
        std::this_thread::sleep_for(50ms);
      }
    });
  }

  void CreatePod(const std::string& name, const std::string& node, json::array tolerations) {
    json::object spec{{"nodeName", node},
                      {"containers", json::array{json::object{{"name", "c"}, {"image", "x:1"}}}}};
    if (!tolerations.empty()) spec["tolerations"] = std::move(tolerations);
    Create(Kind("pods"), "default", json::object{{"metadata", {{"name", name}}}, {"spec", spec}});
    MergeStatus(Kind("pods"), "default", name,
                json::object{{"phase", "Running"},
                             {"conditions",
                              json::array{json::object{{"type", "Ready"}, {"status", "True"}}}}});
  }

  std::string Ready(const std::string& node, const char* field = "status") {
    auto n = Get(Kind("nodes"), "", node);
    if (const json::array* conds = n ? api::FindArray(*n, "status.conditions") : nullptr) {
      for (const auto& c : *conds) {
        if (api::GetString(c.as_object(), "type") == "Ready") {
          return std::string(api::GetString(c.as_object(), field));
        }
      }
    }
    return "";
  }

  std::vector<std::string> Taints(const std::string& node) {
    std::vector<std::string> out;
    auto n = Get(Kind("nodes"), "", node);
    if (const json::array* taints = n ? api::FindArray(*n, "spec.taints") : nullptr) {
      for (const auto& t : *taints) {
        out.push_back(std::string(api::GetString(t.as_object(), "key")) + ":" +
                      std::string(api::GetString(t.as_object(), "effect")));
      }
    }
    return out;
  }

  bool Evicted(const std::string& pod) {
    auto p = Get(Kind("pods"), "default", pod);
    return !p || !api::GetString(*p, "metadata.deletionTimestamp").empty();
  }

  std::string PodReady(const std::string& pod) {
    auto p = Get(Kind("pods"), "default", pod);
    if (const json::array* conds = p ? api::FindArray(*p, "status.conditions") : nullptr) {
      for (const auto& c : *conds) {
        if (api::GetString(c.as_object(), "type") == "Ready") {
          return std::string(api::GetString(c.as_object(), "status"));
        }
      }
    }
    return "";
  }

  std::unique_ptr<NodeLifecycleController> StartController() {
    auto c = std::make_unique<NodeLifecycleController>(
        *informers_, NodeLifecycleConfig{.grace_period = 400ms, .monitor_period = 50ms});
    c->Start();
    return c;
  }

  std::atomic<bool> stop_{false};
  std::atomic<int> renewals_{0};
  std::thread renewer_;
};

using Strings = std::vector<std::string>;
const std::string kUnreachableNoExecute = std::string(kUnreachableTaint) + ":NoExecute";
const std::string kNotReadyNoExecute = std::string(kNotReadyTaint) + ":NoExecute";

TEST_F(NodeLifecycleTest, PodsGetDefaultTolerations) {
  CreatePod("p", "", {});
  auto pod = Get(Kind("pods"), "default", "p");
  ASSERT_TRUE(pod);
  const json::array* tolerations = api::FindArray(*pod, "spec.tolerations");
  ASSERT_TRUE(tolerations);
  ASSERT_EQ(tolerations->size(), 2u);
  EXPECT_EQ(api::GetString((*tolerations)[0].as_object(), "key"), kNotReadyTaint);
  EXPECT_EQ(api::GetString((*tolerations)[1].as_object(), "key"), kUnreachableTaint);
  for (const auto& t : *tolerations) {
    EXPECT_EQ(api::GetString(t.as_object(), "effect"), "NoExecute");
    EXPECT_EQ(api::GetString(t.as_object(), "operator"), "Exists");
    EXPECT_EQ(api::GetInt(t.as_object(), "tolerationSeconds"), 300);
  }
  // A pod's own toleration of a key is kept and not doubled.
  CreatePod("own", "", json::array{Toleration(kUnreachableTaint, 7)});
  pod = Get(Kind("pods"), "default", "own");
  ASSERT_TRUE(pod);
  tolerations = api::FindArray(*pod, "spec.tolerations");
  ASSERT_EQ(tolerations->size(), 2u);
  EXPECT_EQ(api::GetString((*tolerations)[0].as_object(), "key"), kUnreachableTaint);
  EXPECT_EQ(api::GetInt((*tolerations)[0].as_object(), "tolerationSeconds"), 7);
  EXPECT_EQ(api::GetString((*tolerations)[1].as_object(), "key"), kNotReadyTaint);
}

TEST_F(NodeLifecycleTest, SilentNodeBecomesUnknownAndTaintedAndLosesItsPods) {
  CreateNode("alive");
  CreateNode("silent");
  RenewLease("silent");  // one renewal, then nothing
  KeepRenewing("alive");
  CreatePod("short", "silent", json::array{Toleration(kUnreachableTaint, 1)});
  CreatePod("forever", "silent", json::array{Toleration(kUnreachableTaint, std::nullopt)});
  CreatePod("defaulted", "silent", {});
  CreatePod("healthy", "alive", json::array{Toleration(kUnreachableTaint, 0)});
  auto started = Clock::now();
  auto controller = StartController();

  ASSERT_TRUE(Eventually([&] { return Ready("silent") == "Unknown"; }));
  EXPECT_EQ(Ready("silent", "reason"), "NodeStatusUnknown");
  EXPECT_EQ(Ready("silent", "message"), "Kubelet stopped posting node status.");
  EXPECT_TRUE(Eventually([&] { return Taints("silent") == Strings{kUnreachableNoExecute}; }));
  EXPECT_TRUE(Eventually([&] { return PodReady("forever") == "False"; }));
  // Not before the grace period (400 ms) and the toleration's second have passed.
  if (Clock::now() - started < 1300ms) {
    EXPECT_FALSE(Evicted("short"));
  }
  EXPECT_TRUE(Eventually([&] { return Evicted("short"); }));
  EXPECT_FALSE(Evicted("forever"));
  EXPECT_FALSE(Evicted("defaulted"));
  // The renewing node stays as it is.
  EXPECT_EQ(Ready("alive"), "True");
  EXPECT_TRUE(Taints("alive").empty());
  EXPECT_FALSE(Evicted("healthy"));
  EXPECT_EQ(PodReady("healthy"), "True");

  // The agent comes back: Lease renewed, Ready posted. The taint goes.
  stop_ = true;
  renewer_.join();
  stop_ = false;
  KeepRenewing("silent");
  PostReady("silent", "True");
  EXPECT_TRUE(Eventually([&] { return Taints("silent").empty(); }));
  EXPECT_EQ(Ready("silent"), "True");
  EXPECT_FALSE(Evicted("forever"));
}

TEST_F(NodeLifecycleTest, NotReadyNodeGetsNotReadyTaintAndEvictsIntolerantPodsAtOnce) {
  CreateNode("sick", "False");
  KeepRenewing("sick");
  CreatePod("intolerant", "sick", json::array{Toleration(kNotReadyTaint, 0)});
  CreatePod("patient", "sick", {});
  auto controller = StartController();
  EXPECT_TRUE(Eventually([&] { return Taints("sick") == Strings{kNotReadyNoExecute}; }));
  EXPECT_TRUE(Eventually([&] { return Evicted("intolerant"); }));
  EXPECT_FALSE(Evicted("patient"));
  EXPECT_EQ(Ready("sick"), "False");  // the agent's word stands while it renews its Lease
  PostReady("sick", "True");
  EXPECT_TRUE(Eventually([&] { return Taints("sick").empty(); }));
}

}  // namespace
}  // namespace skiff::controllers
