#include "core/api/human_time.h"

#include <gtest/gtest.h>

namespace skiff::api {
namespace {

using namespace std::chrono_literals;

TEST(HumanTimeTest, DurationsAsKubectlPrintsThem) {
  EXPECT_EQ(HumanDuration(-5s), "<invalid>");
  EXPECT_EQ(HumanDuration(-1s), "0s");
  EXPECT_EQ(HumanDuration(0s), "0s");
  EXPECT_EQ(HumanDuration(5s), "5s");
  EXPECT_EQ(HumanDuration(119s), "119s");
  EXPECT_EQ(HumanDuration(2min), "2m");
  EXPECT_EQ(HumanDuration(3min + 2s), "3m2s");
  EXPECT_EQ(HumanDuration(10min + 30s), "10m");
  EXPECT_EQ(HumanDuration(179min), "179m");
  EXPECT_EQ(HumanDuration(3h), "3h");
  EXPECT_EQ(HumanDuration(5h + 7min), "5h7m");
  EXPECT_EQ(HumanDuration(8h + 7min), "8h");
  EXPECT_EQ(HumanDuration(47h), "47h");
  EXPECT_EQ(HumanDuration(48h), "2d");
  EXPECT_EQ(HumanDuration(61h), "2d13h");
  EXPECT_EQ(HumanDuration(24h * 10), "10d");
  EXPECT_EQ(HumanDuration(24h * 365 * 3 + 24h * 5), "3y5d");
  EXPECT_EQ(HumanDuration(24h * 365 * 9), "9y");
}

TEST(HumanTimeTest, ParsesRfc3339) {
  auto base = ParseRfc3339("2024-05-01T10:00:00Z");
  ASSERT_TRUE(base);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*base), 1714557600);
  auto offset = ParseRfc3339("2024-05-01T12:00:00+02:00");
  ASSERT_TRUE(offset);
  EXPECT_EQ(*offset, *base);
  auto micro = ParseRfc3339("2024-05-01T10:00:00.500000Z");
  ASSERT_TRUE(micro);
  EXPECT_EQ(*micro - *base, std::chrono::milliseconds(500));
  EXPECT_FALSE(ParseRfc3339("2024-05-01"));
  EXPECT_FALSE(ParseRfc3339("2024-05-01T10:00:00"));
  EXPECT_FALSE(ParseRfc3339("yesterday"));
}

TEST(HumanTimeTest, SinceTimestamp) {
  auto now = *ParseRfc3339("2024-05-01T10:05:00Z");
  EXPECT_EQ(SinceTimestamp("2024-05-01T10:00:00Z", now), "5m");
  EXPECT_EQ(SinceTimestamp("", now), "<unknown>");
}

TEST(HumanTimeTest, ParseGoDuration) {
  using std::chrono::milliseconds;
  EXPECT_EQ(ParseGoDuration("40s"), milliseconds(40'000));
  EXPECT_EQ(ParseGoDuration("500ms"), milliseconds(500));
  EXPECT_EQ(ParseGoDuration("1m30s"), milliseconds(90'000));
  EXPECT_EQ(ParseGoDuration("1.5h"), milliseconds(5'400'000));
  EXPECT_EQ(ParseGoDuration("0"), milliseconds(0));
  EXPECT_FALSE(ParseGoDuration(""));
  EXPECT_FALSE(ParseGoDuration("40"));
  EXPECT_FALSE(ParseGoDuration("-5s"));
  EXPECT_FALSE(ParseGoDuration("5d"));
  EXPECT_FALSE(ParseGoDuration(" 5s"));
  EXPECT_FALSE(ParseGoDuration("s"));
}

}  // namespace
}  // namespace skiff::api
