#include "core/api/quantity.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace skiff::api {
namespace {

int64_t Milli(std::string_view s) {
  auto q = Quantity::Parse(s);
  EXPECT_TRUE(q.ok()) << s;
  return q.ok() ? q->MilliValue() : -1;
}

int64_t Units(std::string_view s) {
  auto q = Quantity::Parse(s);
  EXPECT_TRUE(q.ok()) << s;
  return q.ok() ? q->Value() : -1;
}

TEST(QuantityTest, CpuForms) {
  EXPECT_EQ(Milli("100m"), 100);
  EXPECT_EQ(Milli("2"), 2000);
  EXPECT_EQ(Milli("0.5"), 500);
  EXPECT_EQ(Milli("1.5"), 1500);
  EXPECT_EQ(Milli("1e3"), 1000000);
  EXPECT_EQ(Milli("1E3"), 1000000);
  EXPECT_EQ(Milli("1e-3"), 1);
  EXPECT_EQ(Milli("0"), 0);
  EXPECT_EQ(Milli("+3"), 3000);
  EXPECT_EQ(Milli("250u"), 1);  // rounds up, like MilliValue
  EXPECT_EQ(Milli("1k"), 1000000);
}

TEST(QuantityTest, MemoryForms) {
  EXPECT_EQ(Units("1Gi"), 1073741824);
  EXPECT_EQ(Units("500Mi"), 500LL * 1024 * 1024);
  EXPECT_EQ(Units("128974848"), 128974848);
  EXPECT_EQ(Units("129e6"), 129000000);
  EXPECT_EQ(Units("129M"), 129000000);
  EXPECT_EQ(Units("123Ki"), 123 * 1024);
  EXPECT_EQ(Units("1.5Gi"), 1610612736);
  EXPECT_EQ(Units("1Ti"), 1099511627776);
  EXPECT_EQ(Units("100m"), 1);  // Value() rounds up
  EXPECT_EQ(Units("2E"), 2000000000000000000);
  EXPECT_EQ(Units("-1"), -1);
}

TEST(QuantityTest, Saturates) { EXPECT_EQ(Units("100Ei"), INT64_MAX); }

TEST(QuantityTest, Rejects) {
  for (const char* bad : {"", "abc", "1.2.3", "1Ki2", "1K", "1e", "m", "--1", "1 Gi", "1iB"}) {
    EXPECT_FALSE(Quantity::Parse(bad).ok()) << bad;
  }
}

TEST(QuantityTest, FromJsonNumbers) {
  auto q = Quantity::FromJson(boost::json::value(2));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->MilliValue(), 2000);
  auto d = Quantity::FromJson(boost::json::value(0.25));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->MilliValue(), 250);
}

}  // namespace
}  // namespace skiff::api
