#include "core/apiserver/pod_exec_proxy.h"

#include <gtest/gtest.h>

#include <string>

namespace skiff::apiserver {
namespace {

TEST(PodExecProxyTest, AcceptKeyFollowsRfc6455) {
  // The example handshake of RFC 6455 section 1.3.
  EXPECT_EQ(WebSocketAccept("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(PodExecProxyTest, FramesAreFinalUnmaskedWithTheRightLengthForm) {
  std::string small = WebSocketFrame(0x2, "\x01hi");
  EXPECT_EQ(small, std::string("\x82\x03\x01hi", 5));

  std::string medium = WebSocketFrame(0x2, std::string(300, 'x'));
  ASSERT_EQ(medium.size(), 4u + 300u);
  EXPECT_EQ(static_cast<unsigned char>(medium[1]), 126);  // 16-bit length follows
  EXPECT_EQ((static_cast<unsigned char>(medium[2]) << 8) | static_cast<unsigned char>(medium[3]),
            300);

  std::string large = WebSocketFrame(0x2, std::string(70000, 'y'));
  ASSERT_EQ(large.size(), 10u + 70000u);
  EXPECT_EQ(static_cast<unsigned char>(large[1]), 127);  // 64-bit length follows
  uint64_t n = 0;
  for (int i = 2; i < 10; ++i) n = (n << 8) | static_cast<unsigned char>(large[i]);
  EXPECT_EQ(n, 70000u);

  std::string close = WebSocketFrame(0x8, std::string("\x03\xe8", 2));
  EXPECT_EQ(close, std::string("\x88\x02\x03\xe8", 4));
}

}  // namespace
}  // namespace skiff::apiserver
