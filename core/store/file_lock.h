#pragma once

#include <string>

#include "core/base/status.h"

namespace skiff::store {

// An exclusive flock on a file, held from Acquire until destruction; keeps a second process
// from opening the same store. Movable, not thread-safe.
class FileLock {
 public:
  // Unavailable when another open file description holds the lock.
  static Result<FileLock> Acquire(const std::string& path);

  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace skiff::store
