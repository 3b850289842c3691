// The scheduler cache (assumed pods, copy-on-write snapshots) and the scheduling queue.

#include <gtest/gtest.h>

#include <thread>

#include "core/scheduler/scheduler_cache.h"
#include "core/scheduler/scheduling_queue.h"
#include "tests/scheduler/test_objects.h"

namespace skiff::scheduler {
namespace {

using namespace testing;  // NOLINT
using namespace std::chrono_literals;

TEST(SchedulerCacheTest, AssumeConfirmForget) {
  SchedulerCache cache;
  cache.AddNode(Node("n", "2", "4Gi"));
  Snapshot snap;
  cache.UpdateSnapshot(snap);
  const NodeInfo* before = snap.Get("n");
  ASSERT_NE(before, nullptr);

  auto pod = NewPodInfo(Pod("p", "1", "1Gi"));
  ASSERT_TRUE(cache.AssumePod(WithNodeName(*pod, "n")).ok());
  EXPECT_TRUE(cache.IsAssumed("default/p"));
  EXPECT_FALSE(cache.AssumePod(WithNodeName(*pod, "n")).ok());
  // The old snapshot is untouched (copy on write); a refreshed one counts the pod.
  EXPECT_EQ(before->requested.milli_cpu, 0);
  cache.UpdateSnapshot(snap);
  EXPECT_EQ(snap.Get("n")->requested.milli_cpu, 1000);

  cache.ForgetPod("default/p");
  cache.UpdateSnapshot(snap);
  EXPECT_EQ(snap.Get("n")->requested.milli_cpu, 0);

  // Confirmation: the informer shows it bound; it stays counted once and is not assumed.
  ASSERT_TRUE(cache.AssumePod(WithNodeName(*pod, "n")).ok());
  json::object bound = Pod("p", "1", "1Gi");
  Set(bound, "spec.nodeName", "n");
  cache.AddPod(NewPodInfo(bound));
  EXPECT_FALSE(cache.IsAssumed("default/p"));
  cache.ForgetPod("default/p");  // no effect once confirmed
  cache.UpdateSnapshot(snap);
  EXPECT_EQ(snap.Get("n")->requested.milli_cpu, 1000);
  EXPECT_EQ(snap.Get("n")->pods.size(), 1u);
  cache.RemovePod("default/p");
  cache.UpdateSnapshot(snap);
  EXPECT_EQ(snap.Get("n")->pods.size(), 0u);
}

TEST(SchedulerCacheTest, PodsBeforeTheirNodeAndNodeRemoval) {
  SchedulerCache cache;
  json::object bound = Pod("p", "1");
  Set(bound, "spec.nodeName", "late");
  cache.AddPod(NewPodInfo(bound));
  Snapshot snap;
  cache.UpdateSnapshot(snap);
  EXPECT_EQ(snap.size(), 0u);  // no Node yet
  cache.AddNode(Node("late"));
  cache.UpdateSnapshot(snap);
  ASSERT_EQ(snap.size(), 1u);
  EXPECT_EQ(snap.Get("late")->requested.milli_cpu, 1000);
  cache.RemoveNode("late");
  cache.UpdateSnapshot(snap);
  EXPECT_EQ(snap.size(), 0u);
  cache.RemovePod("default/p");
  EXPECT_EQ(cache.NodeCountForTest(), 0u);
}

TEST(SchedulingQueueTest, PriorityThenAge) {
  SchedulingQueue q(10ms, 100ms, 10s);
  json::object low = Pod("low");
  json::object high = Pod("high");
  Set(high, "spec.priority", 100);
  q.AddOrUpdate(NewPodInfo(low));
  q.AddOrUpdate(NewPodInfo(high));
  q.AddOrUpdate(NewPodInfo(Pod("later")));
  EXPECT_EQ(q.Pop()->pod->name, "high");
  EXPECT_EQ(q.Pop()->pod->name, "low");
  EXPECT_EQ(q.Pop()->pod->name, "later");
}

TEST(SchedulingQueueTest, UnschedulableWaitsForAnEventThenBacksOff) {
  SchedulingQueue q(20ms, 100ms, 10s);
  q.AddOrUpdate(NewPodInfo(Pod("p")));
  auto first = q.Pop();
  ASSERT_TRUE(first);
  q.Requeue(*first, /*unschedulable=*/true);
  std::this_thread::sleep_for(60ms);
  EXPECT_EQ(q.PendingForTest(), 1u);
  // Still unschedulable: nothing moved it. An event moves it, after its back-off.
  std::atomic<bool> popped{false};
  std::thread t([&] {
    auto again = q.Pop();
    popped = again.has_value();
    if (again) {
      EXPECT_EQ(again->attempts, 2);
    }
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(popped);
  q.MoveAllToActiveOrBackoff();
  t.join();
  EXPECT_TRUE(popped);
}

TEST(SchedulingQueueTest, EventDuringAttemptIsNotMissed) {
  SchedulingQueue q(10ms, 100ms, 10s);
  q.AddOrUpdate(NewPodInfo(Pod("p")));
  auto p = q.Pop();
  q.MoveAllToActiveOrBackoff();  // a node was added while the pod was being scheduled
  q.Requeue(*p, true);
  auto again = q.Pop();  // comes back after the back-off, no further event needed
  ASSERT_TRUE(again);
  EXPECT_EQ(again->pod->name, "p");
}

TEST(SchedulingQueueTest, DeleteAndClose) {
  SchedulingQueue q(10ms, 100ms, 10s);
  q.AddOrUpdate(NewPodInfo(Pod("a")));
  q.Delete("default/a");
  EXPECT_EQ(q.PendingForTest(), 0u);
  std::thread t([&] { EXPECT_FALSE(q.Pop().has_value()); });
  std::this_thread::sleep_for(20ms);
  q.Close();
  t.join();
}

}  // namespace
}  // namespace skiff::scheduler
