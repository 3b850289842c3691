#include "core/agent/cri_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace skiff::agent {
namespace {

TEST(CriLogTest, ParsesRecords) {
  auto r = ParseCriLogLine("2024-01-01T00:00:00.123456789Z stderr P half");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->stream, "stderr");
  EXPECT_TRUE(r->partial);
  EXPECT_EQ(r->text, "half");
  EXPECT_FALSE(ParseCriLogLine("garbage"));
  auto empty = ParseCriLogLine("2024-01-01T00:00:00Z stdout F");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->text, "");
}

TEST(CriLogTest, ReadsTailsAndFollows) {
  auto path = std::filesystem::temp_directory_path() / ("cri-log-" + std::to_string(getpid()));
  {
    std::ofstream out(path);
    out << "t stdout F one\nt stdout P tw\nt stdout F o\nt stderr F three\n";
  }
  CriLogReader all(path.string());
  EXPECT_EQ(all.ReadAll(), "one\ntwo\nthree\n");
  CriLogReader tail(path.string());
  EXPECT_EQ(tail.ReadAll(2), "two\nthree\n");
  EXPECT_EQ(tail.ReadNew(), "");
  {
    std::ofstream out(path, std::ios::app);
    out << "t stdout F four\nt stdout F fi";  // an unfinished record waits
  }
  EXPECT_EQ(tail.ReadNew(), "four\n");
  {
    std::ofstream out(path, std::ios::app);
    out << "ve\n";
  }
  EXPECT_EQ(tail.ReadNew(), "five\n");
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace skiff::agent
