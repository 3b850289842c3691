#include "plugins/bridge-cni/ipv4.h"

#include <gtest/gtest.h>

namespace skiff::bridge_cni {
namespace {

TEST(Ipv4Test, ParsesAndFormatsPrefixes) {
  auto p = Ipv4Prefix::Parse("10.88.3.7/16");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->ToString(), "10.88.3.7/16");
  EXPECT_EQ(p->Network().ToString(), "10.88.0.0");
  EXPECT_EQ(p->Broadcast().ToString(), "10.88.255.255");
  EXPECT_TRUE(p->Contains(*Ipv4Address::Parse("10.88.200.1")));
  EXPECT_FALSE(p->Contains(*Ipv4Address::Parse("10.89.0.1")));
}

TEST(Ipv4Test, RejectsMalformedInput) {
  EXPECT_FALSE(Ipv4Prefix::Parse("10.88.0.0"));
  EXPECT_FALSE(Ipv4Prefix::Parse("10.88.0.0/33"));
  EXPECT_FALSE(Ipv4Prefix::Parse("10.88.0/16"));
  EXPECT_FALSE(Ipv4Prefix::Parse("10.88.0.0/1x"));
  EXPECT_FALSE(Ipv4Address::Parse("300.1.1.1"));
}

TEST(Ipv4Test, ZeroLengthPrefixCoversEverything) {
  auto p = Ipv4Prefix::Parse("0.0.0.0/0");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->Mask(), 0u);
  EXPECT_TRUE(p->Contains(*Ipv4Address::Parse("192.0.2.1")));
}

}  // namespace
}  // namespace skiff::bridge_cni
