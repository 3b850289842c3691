#pragma once

// EventRecorder: writes core/v1 Events about pods ("Scheduled", "FailedScheduling") from
// its own thread, so recording never slows scheduling. Like client-go's broadcaster it
// keeps a bounded backlog and drops (with a log line) what does not fit: events are
// advisory. Thread-safe; the Client must outlive it.

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/client/client.h"
#include "core/scheduler/pod_info.h"

namespace skiff::scheduler {

class EventRecorder {
 public:
  // `writers` threads write concurrently, so events share the store's group commits.
  EventRecorder(client::Client& client, std::string component, std::size_t max_backlog = 1000,
                int writers = 4);
  ~EventRecorder();
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // type: "Normal" or "Warning".
  void Record(const PodInfo& pod, std::string type, std::string reason, std::string message);
  // Blocks until the backlog is written (tests, shutdown).
  void Flush();

 private:
  void Run();

  client::Client& client_;
  const std::string component_;
  const std::size_t max_backlog_;
  const api::Kind& events_kind_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<client::Object> backlog_;
  int writing_ = 0;
  bool stop_ = false;
  std::size_t dropped_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace skiff::scheduler
