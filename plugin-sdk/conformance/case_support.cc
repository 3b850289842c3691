#include "case_support.h"

#include <stdlib.h>

#include <filesystem>
#include <random>

namespace skiff::conformance::internal {

std::string UniqueName(const std::string& prefix) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name = prefix + "-";
  uint64_t bits = rng();
  for (int i = 0; i < 12; ++i, bits >>= 4) name += kHex[bits & 0xf];
  return name;
}

std::string MakeTempDir() {
  std::string pattern = "/tmp/skiff-conformance-XXXXXX";
  if (!mkdtemp(pattern.data())) return "";
  return pattern;
}

void RemoveTree(const std::string& path) {
  if (path.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

}  // namespace skiff::conformance::internal
