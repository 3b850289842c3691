#include "core/api/cron_schedule.h"

#include <gtest/gtest.h>

#include <string>

#include "core/api/api_time.h"
#include "core/api/human_time.h"

namespace skiff::api {
namespace {

using Time = CronSchedule::Time;

Time At(const char* rfc3339) {
  return std::chrono::time_point_cast<std::chrono::seconds>(*ParseRfc3339(rfc3339));
}

// The next run of `schedule` after `after`, as RFC 3339 ("none" when there is none).
std::string Next(const char* schedule, const char* after) {
  std::string error;
  auto s = CronSchedule::Parse(schedule, &error);
  if (!s) return "invalid: " + error;
  auto next = s->Next(At(after));
  return next ? ApiTime(*next) : "none";
}

TEST(CronScheduleTest, NextRuns) {
  EXPECT_EQ(Next("* * * * *", "2024-05-01T10:00:00Z"), "2024-05-01T10:01:00Z");
  EXPECT_EQ(Next("* * * * *", "2024-05-01T10:00:30Z"), "2024-05-01T10:01:00Z");
  EXPECT_EQ(Next("*/15 * * * *", "2024-05-01T10:16:00Z"), "2024-05-01T10:30:00Z");
  EXPECT_EQ(Next("5/20 * * * *", "2024-05-01T10:26:00Z"), "2024-05-01T10:45:00Z");
  EXPECT_EQ(Next("0 9-17/4 * * *", "2024-05-01T13:00:00Z"), "2024-05-01T17:00:00Z");
  EXPECT_EQ(Next("30 2 * * *", "2024-05-01T03:00:00Z"), "2024-05-02T02:30:00Z");
  EXPECT_EQ(Next("0 0 1 * *", "2024-12-15T00:00:00Z"), "2025-01-01T00:00:00Z");
  EXPECT_EQ(Next("0 0 29 2 *", "2024-03-01T00:00:00Z"), "2028-02-29T00:00:00Z");
  EXPECT_EQ(Next("0 0 30 2 *", "2024-03-01T00:00:00Z"), "none");
  // Names, lists, Sunday as 0 or 7.
  EXPECT_EQ(Next("0 12 * JAN,jul MON", "2024-05-01T00:00:00Z"), "2024-07-01T12:00:00Z");
  EXPECT_EQ(Next("0 0 * * 7", "2024-05-01T00:00:00Z"), "2024-05-05T00:00:00Z");  // a Sunday
  EXPECT_EQ(Next("0 0 * * SUN", "2024-05-01T00:00:00Z"), "2024-05-05T00:00:00Z");
  // Both day fields restricted: either matches (the 13th, or a Friday).
  EXPECT_EQ(Next("0 0 13 * FRI", "2024-05-01T00:00:00Z"), "2024-05-03T00:00:00Z");
  // One restricted: only it counts.
  EXPECT_EQ(Next("0 0 13 * *", "2024-05-01T00:00:00Z"), "2024-05-13T00:00:00Z");
  EXPECT_EQ(Next("0 0 ? * FRI", "2024-05-01T00:00:00Z"), "2024-05-03T00:00:00Z");
  // Macros.
  EXPECT_EQ(Next("@hourly", "2024-05-01T10:00:00Z"), "2024-05-01T11:00:00Z");
  EXPECT_EQ(Next("@daily", "2024-05-01T10:00:00Z"), "2024-05-02T00:00:00Z");
  EXPECT_EQ(Next("@weekly", "2024-05-01T10:00:00Z"), "2024-05-05T00:00:00Z");
  EXPECT_EQ(Next("@yearly", "2024-05-01T10:00:00Z"), "2025-01-01T00:00:00Z");
}

TEST(CronScheduleTest, BadSchedulesSayWhatIsWrong) {
  EXPECT_EQ(Next("* * * *", "2024-05-01T10:00:00Z"),
            "invalid: expected exactly 5 fields, found 4: \"* * * *\"");
  EXPECT_EQ(Next("60 * * * *", "2024-05-01T10:00:00Z"),
            "invalid: value out of range in minute field \"60\"");
  EXPECT_EQ(Next("* * 0 * *", "2024-05-01T10:00:00Z"),
            "invalid: value out of range in day-of-month field \"0\"");
  EXPECT_EQ(Next("* * * FOO *", "2024-05-01T10:00:00Z"),
            "invalid: bad value in month field \"FOO\"");
  EXPECT_EQ(Next("*/0 * * * *", "2024-05-01T10:00:00Z"),
            "invalid: bad step in minute field \"*/0\"");
  EXPECT_EQ(Next("5-1 * * * *", "2024-05-01T10:00:00Z"),
            "invalid: value out of range in minute field \"5-1\"");
  EXPECT_EQ(Next("@every 5m", "2024-05-01T10:00:00Z"),
            "invalid: expected exactly 5 fields, found 2: \"@every 5m\"");
}

}  // namespace
}  // namespace skiff::api
