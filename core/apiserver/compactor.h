#pragma once

// Compactor: keeps the store's history bounded the way kube-apiserver does — every interval it
// compacts to the revision it saw one interval earlier, so watches can resume from anything
// younger than one interval. Owns one thread; stops in its destructor.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/store/store.h"

namespace skiff::apiserver {

class Compactor {
 public:
  Compactor(store::Store& store, std::chrono::milliseconds interval);
  ~Compactor();
  Compactor(const Compactor&) = delete;
  Compactor& operator=(const Compactor&) = delete;

 private:
  void Run();

  store::Store& store_;
  const std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace skiff::apiserver
