#include "core/apiserver/compactor.h"

#include <spdlog/spdlog.h>

namespace skiff::apiserver {

Compactor::Compactor(store::Store& store, std::chrono::milliseconds interval)
    : store_(store), interval_(interval), thread_([this] { Run(); }) {}

Compactor::~Compactor() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Compactor::Run() {
  store::Revision seen = store_.CurrentRevision();
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, interval_, [this] { return stop_; })) {
    if (seen > store_.CompactedRevision()) {
      if (Status s = store_.Compact(seen); !s.ok()) {
        spdlog::warn("compactor: compact to {} failed: {}", seen, s.ToString());
      } else {
        spdlog::debug("compactor: compacted to revision {}", seen);
      }
    }
    seen = store_.CurrentRevision();
  }
}

}  // namespace skiff::apiserver
