#include "core/controllers/common/controller_workers.h"

#include <spdlog/spdlog.h>

#include <exception>

namespace skiff::controllers {

ControllerWorkers::ControllerWorkers(client::WorkQueue& queue, SyncFunc sync)
    : queue_(queue), sync_(std::move(sync)) {}

ControllerWorkers::~ControllerWorkers() { Stop(); }

void ControllerWorkers::Start(int workers) {
  for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { Run(); });
}

void ControllerWorkers::Stop() {
  queue_.ShutDown();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void ControllerWorkers::Run() {
  while (auto key = queue_.Get()) {
    bool done = false;
    try {
      done = sync_(*key);
    } catch (const std::exception& e) {
      spdlog::error("controller: sync {} threw: {}", *key, e.what());
    }
    queue_.Done(*key);
    if (done) {
      queue_.Forget(*key);
    } else {
      queue_.AddRateLimited(*key);
    }
  }
}

}  // namespace skiff::controllers
