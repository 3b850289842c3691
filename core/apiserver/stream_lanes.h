#pragma once

// StreamLanes: spreads the socket writes of one watch event over the machine's cores. An event
// fanned out to a thousand watches is a thousand sends, each mostly kernel time (the TCP stack,
// and on loopback the receiver's side too); from one thread they take milliseconds. Each
// stream is given a lane for its whole life: lane 0 writes on the caller's thread (the store's
// dispatcher, as before), every other lane is a thread of its own that sends what the
// caller queued, in order. One stream's writes therefore never reorder, and a burst wakes a
// lane's thread once. Thread-safe.

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/apiserver/http_server.h"

namespace skiff::apiserver {

class StreamLanes {
 public:
  // `lanes` >= 1: lane 0 and lanes - 1 threads.
  explicit StreamLanes(std::size_t lanes);
  // Joins the threads after sending everything queued.
  ~StreamLanes();

  StreamLanes(const StreamLanes&) = delete;
  StreamLanes& operator=(const StreamLanes&) = delete;

  // The lane for a new stream (round robin).
  std::size_t Assign();

  // Writes `chunks` to `stream` on `lane`, then runs `done` (if any) on the same thread.
  void Write(std::size_t lane, std::shared_ptr<ResponseStream> stream,
             std::vector<std::shared_ptr<const std::string>> chunks,
             std::function<void()> done = nullptr);

  // A lane count for this machine: one per core, at most 4.
  static std::size_t ForThisMachine();

 private:
  struct Job {
    std::shared_ptr<ResponseStream> stream;
    std::vector<std::shared_ptr<const std::string>> chunks;
    std::function<void()> done;
    void Run();
  };
  struct Lane {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<Job> queue;
    bool idle = false;  // its thread waits for work
    bool stopping = false;
    std::thread thread;
  };
  void Loop(Lane& lane);

  const std::size_t count_;
  std::mutex assign_mu_;
  std::size_t next_ = 0;
  std::vector<std::unique_ptr<Lane>> threads_;  // lanes 1..count_-1
};

}  // namespace skiff::apiserver
