#pragma once

// An errno plus a description of what was being attempted. The low-level layers (netlink,
// netns, IPAM files) return this; the plugin turns it into an sdk::Status at its boundary, so
// these files stay independent of the SDK and cheap on success (no allocation).

#include <cstring>
#include <string>
#include <utility>

namespace skiff::bridge_cni {

class SysError {
 public:
  SysError() = default;
  SysError(int err, std::string what) : err_(err), what_(std::move(what)) {}

  bool ok() const { return err_ == 0; }
  int err() const { return err_; }
  const std::string& what() const { return what_; }
  std::string ToString() const {
    if (ok()) return "ok";
    return what_ + ": " + std::strerror(err_);
  }

 private:
  int err_ = 0;
  std::string what_;
};

}  // namespace skiff::bridge_cni
