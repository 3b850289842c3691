#include "core/agent/restart_backoff.h"

#include <gtest/gtest.h>

namespace skiff::agent {
namespace {

using namespace std::chrono_literals;

TEST(RestartBackoffTest, DoublesUpToTheCap) {
  RestartBackoff b(10s, 40s);
  auto t = RestartBackoff::Clock::now();
  EXPECT_EQ(b.RecordExit("c", 1s, t), 10s);
  EXPECT_EQ(b.RecordExit("c", 1s, t), 20s);
  EXPECT_EQ(b.RecordExit("c", 1s, t), 40s);
  EXPECT_EQ(b.RecordExit("c", 1s, t), 40s);
  EXPECT_EQ(b.CurrentDelay("other"), 0s);
}

TEST(RestartBackoffTest, WaitsThenAllows) {
  RestartBackoff b(10s, 300s);
  auto t = RestartBackoff::Clock::now();
  b.RecordExit("c", 0s, t);
  std::chrono::milliseconds left{};
  EXPECT_TRUE(b.InBackoff("c", t + 3s, &left));
  EXPECT_EQ(left, 7s);
  EXPECT_FALSE(b.InBackoff("c", t + 10s));
  EXPECT_FALSE(b.InBackoff("unknown", t));
}

TEST(RestartBackoffTest, LongRunResetsTheDelay) {
  RestartBackoff b(10s, 300s, 10min);
  auto t = RestartBackoff::Clock::now();
  b.RecordExit("c", 0s, t);
  b.RecordExit("c", 0s, t);
  EXPECT_EQ(b.RecordExit("c", 11min, t), 10s);
  b.Forget("c");
  EXPECT_EQ(b.CurrentDelay("c"), 0s);
}

}  // namespace
}  // namespace skiff::agent
