#pragma once

// Small helpers shared by the sidecar tests: a scratch directory for sockets and logs (short,
// because a unix socket path must fit in 107 bytes), and status assertions that print why.

#include <gtest/gtest.h>
#include <skiff/sdk/status.h>

#include <filesystem>
#include <string>

#define SKIFF_ASSERT_OK(expr)                                                          \
  do {                                                                                 \
    const auto& skiff_result_ = (expr);                                                \
    ASSERT_TRUE(skiff_result_.ok()) << ::skiff::sidecar_test::Describe(skiff_result_); \
  } while (0)

namespace skiff::sidecar_test {

inline std::string Describe(const sdk::Status& s) { return s.ToString(); }
template <typename T>
std::string Describe(const sdk::Result<T>& r) {
  return r.status().ToString();
}

// A fresh directory under /tmp, removed (with everything in it) when the test ends.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // <dir>/<name>.sock
  std::string Socket(const std::string& name) const;
  // unix://<dir>/<name>.sock
  std::string Endpoint(const std::string& name) const;

 private:
  std::filesystem::path path_;
};

}  // namespace skiff::sidecar_test
