// The scheduler end to end, in process: memory store + ObjectRegistry + in-process client.

#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "core/api/json_fields.h"
#include "core/apiserver/registry.h"
#include "core/client/in_process_client.h"
#include "core/client/informer_factory.h"
#include "core/scheduler/scheduler.h"
#include "core/store/memory_store.h"
#include "tests/scheduler/test_objects.h"

namespace skiff::scheduler {
namespace {

using namespace testing;  // NOLINT
using namespace std::chrono_literals;

class SchedulerE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = store::NewMemoryStore();
    registry_ = std::make_unique<apiserver::ObjectRegistry>(*store_, api::KindRegistry::Builtin());
    client_ = client::NewInProcessClient(*registry_);
    informers_ = std::make_unique<client::InformerFactory>(*client_);
    const auto& kinds = api::KindRegistry::Builtin();
    ns_ = kinds.ByResource("", "v1", "namespaces");
    nodes_ = kinds.ByResource("", "v1", "nodes");
    pods_ = kinds.ByResource("", "v1", "pods");
    events_ = kinds.ByResource("", "v1", "events");
    ASSERT_TRUE(client_->Create(*ns_, "", json::object{{"metadata", {{"name", "default"}}}}).ok());
  }

  void TearDown() override {
    if (scheduler_) scheduler_->Stop();
    scheduler_.reset();
    informers_.reset();
    client_.reset();
  }

  void StartScheduler() {
    SchedulerConfig config;
    config.initial_backoff_seconds = 0.05;
    config.max_backoff_seconds = 0.2;
    scheduler_ = std::make_unique<Scheduler>(*informers_, config);
    ASSERT_TRUE(scheduler_->Start().ok());
    ASSERT_TRUE(scheduler_->WaitForSync(10s));
  }

  void CreateNode(json::object node) {
    auto r = client_->Create(*nodes_, "", node);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  void CreatePod(json::object pod) {
    auto r = client_->Create(*pods_, "default", pod);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  json::object GetPod(const std::string& name) {
    auto r = client_->Get(*pods_, "default", name);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r.value() : json::object{};
  }

  // Waits until pred(pod) holds.
  bool WaitPod(const std::string& name, const std::function<bool(const json::object&)>& pred,
               std::chrono::milliseconds timeout = 10s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred(GetPod(name))) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  std::string NodeOf(const std::string& name) {
    std::string node;
    WaitPod(name, [&](const json::object& p) {
      node = api::GetString(p, "spec.nodeName");
      return !node.empty();
    });
    return node;
  }

  std::string UnschedulableMessage(const json::object& pod) {
    if (const auto* conds = api::FindArray(pod, "status.conditions")) {
      for (const auto& c : *conds) {
        const auto& o = c.as_object();
        if (api::GetString(o, "type") == "PodScheduled" && api::GetString(o, "status") == "False" &&
            api::GetString(o, "reason") == "Unschedulable") {
          return std::string(api::GetString(o, "message"));
        }
      }
    }
    return "";
  }

  json::object Tainted(const std::string& name, const std::string& cpu) {
    json::object n = Node(name, cpu, "16Gi");
    Set(n, "spec.taints",
        json::array{json::object{{"key", "key"}, {"value", "value"}, {"effect", "NoSchedule"}}});
    return n;
  }

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<apiserver::ObjectRegistry> registry_;
  std::unique_ptr<client::Client> client_;
  std::unique_ptr<client::InformerFactory> informers_;
  std::unique_ptr<Scheduler> scheduler_;
  const api::Kind* ns_ = nullptr;
  const api::Kind* nodes_ = nullptr;
  const api::Kind* pods_ = nullptr;
  const api::Kind* events_ = nullptr;
};

TEST_F(SchedulerE2ETest, PodsLandWhereTheyFitAndUnschedulableOnesWaitForANode) {
  CreateNode(WithLabels(Node("n1", "2", "4Gi"), {{"disk", "ssd"}}));
  CreateNode(Node("n2", "2", "4Gi"));
  CreateNode(Node("n3", "1", "2Gi"));
  CreateNode(Tainted("n4", "8"));
  CreateNode(Tainted("n5", "8"));
  StartScheduler();

  json::object ssd = Pod("ssd", "100m", "100Mi");
  Set(ssd, "spec.nodeSelector", json::object{{"disk", "ssd"}});
  CreatePod(ssd);
  EXPECT_EQ(NodeOf("ssd"), "n1");

  json::object tolerant = Pod("tolerant", "4");
  Set(tolerant, "spec.tolerations",
      json::array{json::object{{"key", "key"}, {"operator", "Exists"}, {"effect", "NoSchedule"}}});
  CreatePod(tolerant);
  std::string t = NodeOf("tolerant");
  EXPECT_TRUE(t == "n4" || t == "n5") << t;

  json::object other = Pod("other-scheduler", "100m");
  Set(other, "spec.schedulerName", "someone-else");
  CreatePod(other);

  CreatePod(Pod("big", "3"));
  std::string message;
  ASSERT_TRUE(WaitPod("big", [&](const json::object& p) {
    message = UnschedulableMessage(p);
    return !message.empty();
  })) << "no PodScheduled=False condition";
  EXPECT_EQ(message,
            "0/5 nodes are available: 2 node(s) had untolerated taint {key: value}, 3 "
            "Insufficient cpu.");

  // A node that fits appears: the pod schedules there promptly.
  CreateNode(Node("n6", "4", "8Gi"));
  EXPECT_EQ(NodeOf("big"), "n6");
  json::object bound = GetPod("big");
  bool scheduled_true = false;
  for (const auto& c : *api::FindArray(bound, "status.conditions")) {
    if (api::GetString(c.as_object(), "type") == "PodScheduled") {
      scheduled_true = api::GetString(c.as_object(), "status") == "True";
    }
  }
  EXPECT_TRUE(scheduled_true);

  // Not ours: never bound.
  EXPECT_EQ(api::GetString(GetPod("other-scheduler"), "spec.nodeName"), "");

  // The Scheduled event.
  bool found = false;
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!found && std::chrono::steady_clock::now() < deadline) {
    auto evs = client_->List(*events_, "default");
    ASSERT_TRUE(evs.ok());
    for (const auto& e : evs->items) {
      found |= api::GetString(e, "reason") == "Scheduled" &&
               api::GetString(e, "message") == "Successfully assigned default/ssd to n1" &&
               api::GetString(e, "involvedObject.name") == "ssd";
    }
    if (!found) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(found);
}

TEST_F(SchedulerE2ETest, DeletingAPodFreesRoomForAPendingOne) {
  CreateNode(Node("only", "1", "4Gi"));
  StartScheduler();
  CreatePod(Pod("first", "800m"));
  EXPECT_EQ(NodeOf("first"), "only");
  CreatePod(Pod("second", "800m"));
  ASSERT_TRUE(WaitPod("second", [&](const json::object& p) {
    return UnschedulableMessage(p) == "0/1 nodes are available: 1 Insufficient cpu.";
  }));
  client::DeleteOptions now;
  now.grace_period_seconds = 0;
  ASSERT_TRUE(client_->Delete(*pods_, "default", "first", now).ok());
  EXPECT_EQ(NodeOf("second"), "only");
}

TEST_F(SchedulerE2ETest, NoDoubleBookingUnderABurst) {
  constexpr int kNodes = 20;
  constexpr int kSlotsPerNode = 10;  // 1 cpu / 100m
  constexpr int kPods = 200 + 10;
  for (int i = 0; i < kNodes; ++i) CreateNode(Node("small-" + std::to_string(i), "1", "64Gi"));
  StartScheduler();
  std::vector<std::thread> creators;
  for (int t = 0; t < 4; ++t) {
    creators.emplace_back([&, t] {
      for (int i = t; i < kPods; i += 4) CreatePod(Pod("burst-" + std::to_string(i), "100m"));
    });
  }
  for (auto& th : creators) th.join();

  std::map<std::string, int> per_node;
  int bound = 0, pending = 0;
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    per_node.clear();
    bound = pending = 0;
    auto list = client_->List(*pods_, "default");
    ASSERT_TRUE(list.ok());
    for (const auto& p : list->items) {
      std::string_view node = api::GetString(p, "spec.nodeName");
      if (!node.empty()) {
        ++bound;
        ++per_node[std::string(node)];
      } else if (!UnschedulableMessage(p).empty()) {
        ++pending;
      }
    }
    if (bound + pending == kPods) break;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(bound, kNodes * kSlotsPerNode);
  EXPECT_EQ(pending, kPods - kNodes * kSlotsPerNode);
  for (const auto& [node, n] : per_node) EXPECT_LE(n, kSlotsPerNode) << node;
  EXPECT_EQ(per_node.size(), static_cast<std::size_t>(kNodes));
}

}  // namespace
}  // namespace skiff::scheduler
