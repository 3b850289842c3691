// The Executor's pool: tasks that wait inside a BlockingRegion do not hold back the tasks
// queued behind them (the pool starts threads in their place, up to its maximum), while
// tasks that do not block stay on the base threads.

#include "core/agent/executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "core/base/blocking_region.h"

namespace skiff::agent {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

bool Eventually(const std::function<bool()>& probe, std::chrono::milliseconds timeout = 10s) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (probe()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return probe();
}

// Tasks wait on it, inside or outside a BlockingRegion, until Open().
class Gate {
 public:
  void Wait(bool blocking) {
    std::unique_lock lock(mu_);
    ++waiting_;
    std::optional<BlockingRegion> region;
    if (blocking) {
      lock.unlock();
      region.emplace();
      lock.lock();
    }
    cv_.wait(lock, [&] { return open_; });
    --waiting_;
  }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  int waiting() {
    std::lock_guard lock(mu_);
    return waiting_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  int waiting_ = 0;
};

TEST(ExecutorTest, BlockedTasksDoNotHoldBackQueuedOnes) {
  constexpr int kThreads = 2;
  constexpr int kBlocked = 12;  // far more than kThreads
  Executor executor(kThreads);
  Gate gate;
  for (int i = 0; i < kBlocked; ++i) executor.Post([&] { gate.Wait(true); });
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
  for (int i = 0; i < 3 * kMax; ++i) executor.Post([&] { gate.Wait(true); });
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
  for (int i = 0; i < 3 * kThreads; ++i) executor.Post([&] { gate.Wait(false); });
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
