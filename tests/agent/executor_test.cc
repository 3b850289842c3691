// The Executor's pool: tasks that wait inside a BlockingRegion do not hold back the tasks
// queued behind them (the pool starts threads in their place, up to its maximum), while
// tasks that do not block stay on the base threads.

#include "core/agent/executor.h"

#include <gtest/gtest.h>

#include <atomic>

#include "core/base/blocking_region.h"
#include "tests/agent/agent_fixture.h"

namespace skiff::agent {
namespace {

using namespace std::chrono_literals;

using testing::Eventually;
using testing::Gate;

// A task that waits at the gate inside a BlockingRegion, as a plugin call does.
void WaitBlocking(Gate& gate) {
  BlockingRegion region;
  gate.Wait();
}

TEST(ExecutorTest, BlockedTasksDoNotHoldBackQueuedOnes) {
  constexpr int kThreads = 2;
  constexpr int kBlocked = 12;  // far more than kThreads
  Executor executor(kThreads);
  Gate gate;
  for (int i = 0; i < kBlocked; ++i) executor.Post([&] { WaitBlocking(gate); });
  // All of them are inside their blocking wait at once.
  EXPECT_TRUE(Eventually([&] { return gate.waiting() == kBlocked; })) << gate.waiting();
  // And one more task still runs while they wait, posted directly or after a delay.
  std::atomic<int> ran{0};
  executor.Post([&] { ++ran; });
  executor.PostAfter(20ms, [&] { ++ran; });
  EXPECT_TRUE(Eventually([&] { return ran == 2; }));
  EXPECT_EQ(gate.waiting(), kBlocked);
  gate.Open();
  EXPECT_TRUE(Eventually([&] { return gate.waiting() == 0; }));
  executor.Stop();
}

TEST(ExecutorTest, BlockedThreadsStopAtTheMaximum) {
  constexpr int kThreads = 2;
  constexpr int kMax = 5;
  Executor executor(kThreads, kMax);
  Gate gate;
  for (int i = 0; i < 3 * kMax; ++i) executor.Post([&] { WaitBlocking(gate); });
  EXPECT_TRUE(Eventually([&] { return gate.waiting() == kMax; })) << gate.waiting();
  // Every thread is blocked and no more may start: the rest stay queued.
  EXPECT_EQ(executor.ThreadCountForTest(), kMax);
  EXPECT_EQ(gate.waiting(), kMax);
  gate.Open();
  EXPECT_TRUE(Eventually([&] { return gate.waiting() == 0; }));
  executor.Stop();
}

TEST(ExecutorTest, TasksThatDoNotBlockStayOnTheBaseThreads) {
  constexpr int kThreads = 3;
  Executor executor(kThreads);
  Gate gate;
  for (int i = 0; i < 3 * kThreads; ++i) executor.Post([&] { gate.Wait(); });
  EXPECT_TRUE(Eventually([&] { return gate.waiting() == kThreads; })) << gate.waiting();
  EXPECT_EQ(executor.ThreadCountForTest(), kThreads);
  gate.Open();
  EXPECT_TRUE(Eventually([&] { return gate.waiting() == 0; }));
  executor.Stop();
}

TEST(ExecutorTest, StopEndsTheThreadsAndDropsLaterTasks) {
  Executor executor(2);
  std::atomic<int> ran{0};
  executor.Post([&] { ++ran; });
  EXPECT_TRUE(Eventually([&] { return ran == 1; }));
  executor.Stop();
  EXPECT_EQ(executor.ThreadCountForTest(), 0);
  executor.Post([&] { ++ran; });
  executor.PostAfter(1ms, [&] { ++ran; });
  EXPECT_EQ(executor.ThreadCountForTest(), 0);
  EXPECT_EQ(ran, 1);
}

}  // namespace
}  // namespace skiff::agent
