#include "core/apiserver/revision_memo.h"

#include <gtest/gtest.h>

#include <string>

namespace skiff::apiserver {
namespace {

TEST(RevisionMemoTest, ComputesOncePerRevisionAndTag) {
  RevisionMemo<std::string> memo;
  int made = 0;
  auto make = [&](std::string text) {
    return [&made, text] {
      ++made;
      return text;
    };
  };
  auto first = memo.Get(7, 0, make("seven"));
  auto again = memo.Get(7, 0, make("not used"));
  EXPECT_EQ(*first, "seven");
  EXPECT_EQ(first.get(), again.get());  // the same bytes, shared
  EXPECT_EQ(made, 1);
  EXPECT_EQ(*memo.Get(7, 1, make("seven, tag 1")), "seven, tag 1");
  EXPECT_EQ(*memo.Get(8, 0, make("eight")), "eight");
  EXPECT_EQ(made, 3);
}

TEST(RevisionMemoTest, AnEvictedRevisionIsRecomputedNotConfused) {
  RevisionMemo<std::string> memo;
  for (int r = 1; r <= 5000; ++r) memo.Get(r, 0, [r] { return std::to_string(r); });
  // Older revisions share slots with newer ones: each still gets its own value.
  for (int r = 1; r <= 5000; r += 97) {
    EXPECT_EQ(*memo.Get(r, 0, [r] { return std::to_string(r); }), std::to_string(r));
  }
}

}  // namespace
}  // namespace skiff::apiserver
