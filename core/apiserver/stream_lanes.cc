#include "core/apiserver/stream_lanes.h"

#include <algorithm>
#include <utility>

namespace skiff::apiserver {

void StreamLanes::Job::Run() {
  for (auto& chunk : chunks) stream->Write(std::move(chunk));
  if (done) done();
}

StreamLanes::StreamLanes(std::size_t lanes) : count_(std::max<std::size_t>(lanes, 1)) {
  for (std::size_t i = 1; i < count_; ++i) {
    threads_.push_back(std::make_unique<Lane>());
    Lane& lane = *threads_.back();
    lane.thread = std::thread([this, &lane] { Loop(lane); });
  }
}

StreamLanes::~StreamLanes() {
  for (auto& lane : threads_) {
    {
      std::lock_guard lock(lane->mu);
      lane->stopping = true;
    }
    lane->cv.notify_one();
  }
  for (auto& lane : threads_) lane->thread.join();
}

std::size_t StreamLanes::Assign() {
  std::lock_guard lock(assign_mu_);
  std::size_t lane = next_;
  next_ = (next_ + 1) % count_;
  return lane;
}

void StreamLanes::Write(std::size_t lane, std::shared_ptr<ResponseStream> stream,
                        std::vector<std::shared_ptr<const std::string>> chunks,
                        std::function<void()> done) {
  Job job{std::move(stream), std::move(chunks), std::move(done)};
  if (lane == 0 || lane >= count_) {
    job.Run();
    return;
  }
  Lane& l = *threads_[lane - 1];
  bool wake = false;
  {
    std::lock_guard lock(l.mu);
    l.queue.push_back(std::move(job));
    wake = std::exchange(l.idle, false);
  }
  if (wake) l.cv.notify_one();
}

std::size_t StreamLanes::ForThisMachine() {
  return std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 4);
}

void StreamLanes::Loop(Lane& lane) {
  std::vector<Job> jobs;
  std::unique_lock lock(lane.mu);
  while (true) {
    if (lane.queue.empty()) {
      if (lane.stopping) return;
      lane.idle = true;
      lane.cv.wait(lock, [&] { return !lane.idle || lane.stopping; });
      lane.idle = false;
      continue;
    }
    jobs.swap(lane.queue);
    lock.unlock();
    for (Job& job : jobs) job.Run();
    jobs.clear();
    lock.lock();
  }
}

}  // namespace skiff::apiserver
