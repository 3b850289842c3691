#pragma once

// What every conformance case is built from: failure macros whose message is the whole story
// (the runner prints it on one line), a GoogleTest fixture that opens a fresh plugin context
// per case and always cleans it up, and dynamic registration (testing::RegisterTest), so the
// cases live in a static library without static-initialisation tricks.

#include <gtest/gtest.h>
#include <skiff/sdk/status.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace skiff::conformance::internal {

inline const sdk::Status& StatusOf(const sdk::Status& status) { return status; }
template <typename T>
sdk::Status StatusOf(const sdk::Result<T>& result) {
  return result.status();
}

// A name no other run or case uses: "<prefix>-<12 hex digits>".
std::string UniqueName(const std::string& prefix);
// A fresh directory under /tmp ("" when none could be made).
std::string MakeTempDir();
void RemoveTree(const std::string& path);

template <typename Context>
struct Case {
  const char* name;
  void (*body)(Context&);
};

// Context: constructible from (Factory, Options); `sdk::Status Open()` makes the plugin,
// `void Cleanup()` undoes what the case left behind.
template <typename Context>
class CaseTest : public testing::Test {
 public:
  CaseTest(std::unique_ptr<Context> context, void (*body)(Context&))
      : context_(std::move(context)), body_(body) {}

  void SetUp() override {
    sdk::Status opened = context_->Open();
    if (!opened.ok()) GTEST_FAIL() << "the plugin factory failed: " << opened.ToString();
  }
  void TestBody() override { body_(*context_); }
  void TearDown() override { context_->Cleanup(); }

 private:
  std::unique_ptr<Context> context_;
  void (*body_)(Context&);
};

template <typename Context, typename Factory, typename Options>
void RegisterCases(const std::string& suite, const std::vector<Case<Context>>& cases,
                   Factory factory, Options options) {
  for (const auto& c : cases) {
    testing::RegisterTest(suite.c_str(), c.name, nullptr, nullptr, __FILE__, __LINE__,
                          [factory, options, body = c.body]() -> CaseTest<Context>* {
                            return new CaseTest<Context>(
                                std::make_unique<Context>(factory, options), body);
                          });
  }
}

inline std::string SuiteName(const std::string& base, const std::string& label) {
  return label.empty() ? base : base + "/" + label;
}

}  // namespace skiff::conformance::internal

// Fatal (return from the case) and non-fatal checks. `what` is streamed, so it can be built:
//   SKIFF_REQUIRE_OK(runtime.StartContainer(id), "StartContainer " << id);
#define SKIFF_REQUIRE_OK(expr, what)                                         \
  do {                                                                       \
    if (auto skiff_status_ = ::skiff::conformance::internal::StatusOf(expr); \
        !skiff_status_.ok()) {                                               \
      GTEST_FAIL() << what << ": " << skiff_status_.ToString();              \
    }                                                                        \
  } while (0)

#define SKIFF_EXPECT_OK(expr, what)                                          \
  do {                                                                       \
    if (auto skiff_status_ = ::skiff::conformance::internal::StatusOf(expr); \
        !skiff_status_.ok()) {                                               \
      ADD_FAILURE() << what << ": " << skiff_status_.ToString();             \
    }                                                                        \
  } while (0)

#define SKIFF_EXPECT_CODE(expr, expected_code, what)                                    \
  do {                                                                                  \
    auto skiff_status_ = ::skiff::conformance::internal::StatusOf(expr);                \
    if (skiff_status_.code() != (expected_code)) {                                      \
      ADD_FAILURE() << what << ": want " << ::skiff::sdk::StatusCodeName(expected_code) \
                    << ", got " << skiff_status_.ToString();                            \
    }                                                                                   \
  } while (0)

#define SKIFF_REQUIRE(cond, what)      \
  do {                                 \
    if (!(cond)) GTEST_FAIL() << what; \
  } while (0)

#define SKIFF_EXPECT(cond, what)        \
  do {                                  \
    if (!(cond)) ADD_FAILURE() << what; \
  } while (0)
