#include "core/apiserver/session_threads.h"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

namespace skiff::apiserver {

struct SessionThreads::State {
  std::mutex mu;
  std::condition_variable cv;
  int limit = 0;
  bool stopping = false;
  std::set<boost::asio::io_context*> running;  // for Stop
  int alive = 0;                               // threads not finished yet
};

SessionThreads::SessionThreads(int limit) : state_(std::make_shared<State>()) {
  state_->limit = limit;
}

SessionThreads::~SessionThreads() { Stop(); }

bool SessionThreads::Start(std::function<void(boost::asio::io_context&)> session) {
  auto ioc = std::make_shared<boost::asio::io_context>(1);
  {
    std::lock_guard lock(state_->mu);
    if (state_->stopping || state_->alive >= state_->limit) {
      return false;
    }
    state_->running.insert(ioc.get());
    ++state_->alive;
  }
  std::thread([state = state_, ioc = std::move(ioc), session = std::move(session)]() mutable {
    try {
      auto run = std::move(session);  // its captures go before Stop returns, too
      run(*ioc);
      ioc->run();
    } catch (const std::exception& e) {
      spdlog::error("session ended by an exception: {}", e.what());
    }
    {
      std::lock_guard lock(state->mu);
      state->running.erase(ioc.get());
    }
    ioc.reset();  // what the session's handlers still hold goes before Stop returns
    std::lock_guard lock(state->mu);
    --state->alive;
    state->cv.notify_all();
  }).detach();
  return true;
}

void SessionThreads::Stop() {
  std::unique_lock lock(state_->mu);
  state_->stopping = true;
  for (auto* ioc : state_->running) ioc->stop();
  state_->cv.wait(lock, [&] { return state_->alive == 0; });
}

}  // namespace skiff::apiserver
