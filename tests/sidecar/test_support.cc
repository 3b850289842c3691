#include "tests/sidecar/test_support.h"

#include <stdlib.h>

#include <system_error>

namespace skiff::sidecar_test {

ScratchDir::ScratchDir() {
  char tmpl[] = "/tmp/skiff-sc-XXXXXX";
  char* made = ::mkdtemp(tmpl);
  path_ = made ? made : "/tmp";
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  if (path_ != "/tmp") std::filesystem::remove_all(path_, ec);
}

std::string ScratchDir::Socket(const std::string& name) const {
  return (path_ / (name + ".sock")).string();
}

std::string ScratchDir::Endpoint(const std::string& name) const { return "unix://" + Socket(name); }

}  // namespace skiff::sidecar_test
