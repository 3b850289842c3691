#include "core/agent/executor.h"

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

namespace skiff::agent {

struct Executor::Impl {
  explicit Impl(int threads) : pool(static_cast<std::size_t>(threads)) {}
  boost::asio::thread_pool pool;
  std::atomic<bool> stopped{false};
};

Executor::Executor(int threads) : impl_(std::make_unique<Impl>(threads)) {}

Executor::~Executor() { Stop(); }

void Executor::Post(std::function<void()> task) {
  if (impl_->stopped) return;
  boost::asio::post(impl_->pool, [impl = impl_.get(), task = std::move(task)] {
    if (!impl->stopped) task();
  });
}

void Executor::PostAfter(std::chrono::milliseconds delay, std::function<void()> task) {
  if (impl_->stopped) return;
  auto timer = std::make_shared<boost::asio::steady_timer>(impl_->pool, delay);
  timer->async_wait(
      [impl = impl_.get(), timer, task = std::move(task)](const boost::system::error_code& ec) {
        if (!ec && !impl->stopped) task();
      });
}

void Executor::Stop() {
  if (impl_->stopped.exchange(true)) return;
  // Pending timers would keep the pool alive until they fire: stop() cancels the wait.
  impl_->pool.stop();
  impl_->pool.join();
}

}  // namespace skiff::agent
