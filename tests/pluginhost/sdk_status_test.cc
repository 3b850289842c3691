#include <gtest/gtest.h>
#include <skiff/sdk/status.h>

#include <memory>

namespace skiff::sdk {
namespace {

struct Base {
  virtual ~Base() = default;
};
struct Derived : Base {};

TEST(SdkStatus, OkIsEmpty) {
  Status ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.code(), StatusCode::kOk);
  EXPECT_EQ(ok.message(), "");
  EXPECT_EQ(ok.ToString(), "OK");
  EXPECT_TRUE(Status(StatusCode::kOk, "ignored").ok());
}

TEST(SdkStatus, NamedConstructorsCarryCodeAndMessage) {
  Status st = Status::FailedPrecondition("not ready");
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(st.ToString(), "FailedPrecondition: not ready");
  EXPECT_EQ(static_cast<int>(Status::Unavailable("").code()), 14) << "gRPC numbering";
}

TEST(SdkStatus, CopiesAreIndependent) {
  Status a = Status::NotFound("x");
  Status b = a;
  a = Status::Ok();
  EXPECT_EQ(b.code(), StatusCode::kNotFound);
  EXPECT_EQ(b.message(), "x");
}

TEST(SdkResult, HoldsValueOrStatus) {
  Result<int> value = 7;
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, 7);
  EXPECT_TRUE(value.status().ok());
  Result<int> error = Status::OutOfRange("too big");
  EXPECT_FALSE(error.ok());
  EXPECT_EQ(error.status().code(), StatusCode::kOutOfRange);
}

TEST(SdkResult, ConvertsDerivedPointers) {
  Result<std::unique_ptr<Base>> made = std::make_unique<Derived>();
  ASSERT_TRUE(made.ok());
  std::unique_ptr<Base> owned = std::move(made).value();
  EXPECT_NE(owned, nullptr);
}

}  // namespace
}  // namespace skiff::sdk
