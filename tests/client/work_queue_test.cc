#include "core/client/work_queue.h"

#include <gtest/gtest.h>

#include <thread>

namespace skiff::client {
namespace {

using namespace std::chrono_literals;

TEST(WorkQueueTest, DeduplicatesQueuedKeys) {
  WorkQueue q;
  q.Add("a");
  q.Add("b");
  q.Add("a");
  EXPECT_EQ(q.Len(), 2u);
  EXPECT_EQ(q.Get(), "a");
  EXPECT_EQ(q.Get(), "b");
}

TEST(WorkQueueTest, KeyAddedWhileProcessingComesBackAfterDone) {
  WorkQueue q;
  q.Add("a");
  auto k = q.Get();
  ASSERT_EQ(k, "a");
  q.Add("a");
  EXPECT_EQ(q.Len(), 0u);  // not handed to a second worker while in flight
  q.Done("a");
  EXPECT_EQ(q.Len(), 1u);
  EXPECT_EQ(q.Get(), "a");
}

TEST(WorkQueueTest, AddAfterDelays) {
  WorkQueue q;
  auto start = std::chrono::steady_clock::now();
  q.AddAfter("late", 50ms);
  EXPECT_EQ(q.Len(), 0u);
  EXPECT_EQ(q.Get(), "late");
  EXPECT_GE(std::chrono::steady_clock::now() - start, 50ms);
}

TEST(WorkQueueTest, RateLimitedBackoffGrowsUntilForget) {
  WorkQueue q(1ms, 1s);
  q.AddRateLimited("k");
  q.AddRateLimited("k");
  q.AddRateLimited("k");
  EXPECT_EQ(q.NumRequeues("k"), 3);
  q.Forget("k");
  EXPECT_EQ(q.NumRequeues("k"), 0);
}

TEST(WorkQueueTest, ShutDownReleasesWaiters) {
  WorkQueue q;
  std::optional<std::string> got = "x";
  std::thread t([&] { got = q.Get(); });
  std::this_thread::sleep_for(20ms);
  q.ShutDown();
  t.join();
  EXPECT_FALSE(got.has_value());
}

}  // namespace
}  // namespace skiff::client
