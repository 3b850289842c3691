#pragma once

// ControllerWorkers: N threads that take keys from a controller's WorkQueue and sync them.
// A sync returns true when the key is done (its back-off is forgotten) and false to retry it
// with per-key exponential back-off. Stop (or the destructor) shuts the queue down and joins.

#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "core/client/work_queue.h"

namespace skiff::controllers {

class ControllerWorkers {
 public:
  using SyncFunc = std::function<bool(const std::string& key)>;
  ControllerWorkers(client::WorkQueue& queue, SyncFunc sync);
  ~ControllerWorkers();
  ControllerWorkers(const ControllerWorkers&) = delete;
  ControllerWorkers& operator=(const ControllerWorkers&) = delete;

  void Start(int workers);
  void Stop();

 private:
  void Run();

  client::WorkQueue& queue_;
  const SyncFunc sync_;
  std::vector<std::thread> threads_;
};

}  // namespace skiff::controllers
