#pragma once

// Helpers shared by the store tests: temporary directories, backends to run the same suite
// against, and a recorder for watch callbacks.

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/store/store.h"

namespace skiff::store::testing {

// A fresh directory, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Backends for typed tests: Open() gives a store; Reopen-able ones keep their files.
struct MemoryBackend {
  static constexpr const char* kName = "memory";
  std::unique_ptr<Store> Open();
};

struct SqliteBackend {
  static constexpr const char* kName = "sqlite";
  std::unique_ptr<Store> Open();
  TempDir dir;
};

using Backends = ::testing::Types<MemoryBackend, SqliteBackend>;

struct BackendNames {
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};

// Collects every event a watch delivers; waits for them with a deadline.
// Thread-safe; must outlive the watch handle whose callback it gave.
class EventRecorder {
 public:
  WatchCallback Callback();
  // True once at least `count` events arrived (false on timeout).
  bool WaitForCount(std::size_t count,
                    std::chrono::milliseconds timeout = std::chrono::seconds(20));
  std::vector<Event> Events() const;
  std::size_t Count() const;
  std::size_t Calls() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Event> events_;
  std::size_t calls_ = 0;
};

std::vector<Revision> RevisionsOf(const std::vector<Event>& events);

}  // namespace skiff::store::testing
