#pragma once

// KeyLocks: serializes this server's read-modify-write cycles on one store key. Writers of one
// object (a controller patching status while a user patches spec) then take turns instead of
// racing their compare-and-swap: without it, a writer whose cycle is slower than a competitor's
// can lose every retry. The compare-and-swap stays, for writers in other processes. Striped: two
// keys may share a mutex, which only costs them a wait. Thread-safe.

#include <array>
#include <functional>
#include <mutex>
#include <string_view>

namespace skiff::apiserver {

class KeyLocks {
 public:
  [[nodiscard]] std::unique_lock<std::mutex> Lock(std::string_view key) {
    return std::unique_lock(stripes_[std::hash<std::string_view>{}(key) % stripes_.size()]);
  }

 private:
  std::array<std::mutex, 256> stripes_;
};

}  // namespace skiff::apiserver
