#include "core/agent/executor.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include "core/base/blocking_region.h"

namespace skiff::agent {

namespace asio = boost::asio;

struct Executor::Impl final : BlockingObserver, std::enable_shared_from_this<Impl> {
  // A thread above the minimum that found nothing to do for this long ends.
  static constexpr std::chrono::seconds kIdleExit{10};

  Impl(int min, int max) : min_threads(std::max(min, 1)), max_threads(std::max(max, min_threads)) {}

  const int min_threads;
  const int max_threads;

  std::mutex mu;
  std::condition_variable work_cv;  // a task was queued, or stop
  std::condition_variable done_cv;  // the last thread ended
  std::deque<std::function<void()>> queue;
  int threads = 0;  // alive
  int idle = 0;     // alive and waiting for a task (or about to)
  int blocked = 0;  // running a task that is inside a BlockingRegion
  bool stopped = false;

  asio::io_context timers;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> timers_guard{
      timers.get_executor()};
  std::thread timer_thread{[this] { timers.run(); }};

  // Starts threads while queued tasks find no idle thread and fewer than min_threads are free
  // to run (not blocked). Holds mu.
  void Grow() {
    while (!stopped && idle < static_cast<int>(queue.size()) && threads - blocked < min_threads &&
           threads < max_threads) {
      ++threads;
      ++idle;  // counted idle from the start, so the next Post does not start another
      try {
        std::thread([self = shared_from_this()] { self->Work(); }).detach();
      } catch (const std::system_error& e) {
        --threads;
        --idle;
        spdlog::warn("executor: cannot start a thread ({}); queued tasks wait", e.what());
        return;
      }
    }
  }

  void Post(std::function<void()> task) {
    std::lock_guard lock(mu);
    if (stopped) return;
    queue.push_back(std::move(task));
    if (idle > 0) work_cv.notify_one();
    Grow();
  }

  void BlockingBegin() noexcept override {
    std::lock_guard lock(mu);
    ++blocked;
    Grow();
  }
  void BlockingEnd() noexcept override {
    std::lock_guard lock(mu);
    --blocked;
  }

  void Work() {
    BlockingRegion::SetObserver(this);
    std::unique_lock lock(mu);
    for (;;) {
      bool got = work_cv.wait_for(lock, kIdleExit, [&] { return stopped || !queue.empty(); });
      if (stopped) break;
      if (!got) {
        if (threads > min_threads) break;
        continue;
      }
      --idle;
      std::function<void()> task = std::move(queue.front());
      queue.pop_front();
      lock.unlock();
      task();
      task = nullptr;  // drop what it owns before waiting for the next one
      lock.lock();
      ++idle;
    }
    --idle;
    if (--threads == 0) done_cv.notify_all();
    BlockingRegion::SetObserver(nullptr);
  }

  void Stop() {
    std::deque<std::function<void()>> dropped;
    {
      std::lock_guard lock(mu);
      if (stopped) return;
      stopped = true;
      dropped.swap(queue);
      work_cv.notify_all();
    }
    dropped.clear();
    timers_guard.reset();
    timers.stop();  // pending timers are dropped with the io_context
    timer_thread.join();
    std::unique_lock lock(mu);
    done_cv.wait(lock, [&] { return threads == 0; });
  }
};

Executor::Executor(int threads, int max_threads)
    : impl_(std::make_shared<Impl>(threads, max_threads)) {}

Executor::~Executor() { Stop(); }

void Executor::Post(std::function<void()> task) { impl_->Post(std::move(task)); }

void Executor::PostAfter(std::chrono::milliseconds delay, std::function<void()> task) {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopped) return;
  }
  auto timer = std::make_shared<asio::steady_timer>(impl_->timers, delay);
  // The timer thread ends (in Stop) before the Impl does, so a raw pointer is enough.
  timer->async_wait([impl = impl_.get(), timer,
                     task = std::move(task)](const boost::system::error_code& ec) mutable {
    if (!ec) impl->Post(std::move(task));
  });
}

void Executor::Stop() { impl_->Stop(); }

int Executor::ThreadCountForTest() const {
  std::lock_guard lock(impl_->mu);
  return impl_->threads;
}

}  // namespace skiff::agent
