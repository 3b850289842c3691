#include "core/pluginhost/bounded_call.h"

#include <deque>
#include <system_error>
#include <thread>

namespace skiff::pluginhost {
namespace {

// The threads plugin calls run on, shared by every plugin of the process. It grows by one
// thread whenever a call finds no idle one (so stuck calls never starve the others) and a
// thread idle for kIdleExit ends, so a quiet agent keeps none and a busy one reuses them.
class CallThreads {
 public:
  // Never destroyed: detached threads may still use it while the process exits.
  static CallThreads& Get() {
    static auto* threads = new CallThreads;
    return *threads;
  }

  bool Run(std::function<void()> task) {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(task));
    // Each queued task is taken by one idle thread; start one when there are too few.
    if (idle_ >= static_cast<int>(queue_.size())) {
      cv_.notify_one();
      return true;
    }
    try {
      std::thread([this] { Work(); }).detach();
    } catch (const std::system_error&) {
      queue_.pop_back();
      return false;
    }
    return true;
  }

 private:
  static constexpr std::chrono::seconds kIdleExit{10};

  void Work() {
    std::unique_lock lock(mu_);
    for (;;) {
      ++idle_;
      bool got = cv_.wait_for(lock, kIdleExit, [&] { return !queue_.empty(); });
      --idle_;
      if (!got) return;
      std::function<void()> task = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      task();
      task = nullptr;  // drop what it owns before waiting for the next one
      lock.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  int idle_ = 0;
};

}  // namespace

BoundedCaller::BoundedCaller(BoundedCallerOptions options)
    : state_(std::make_shared<State>(std::move(options))) {}

int BoundedCaller::StuckCalls() const { return state_->stuck.load(std::memory_order_relaxed); }

bool BoundedCaller::Start(std::function<void()> task) {
  return CallThreads::Get().Run(std::move(task));
}

sdk::Status BoundedCaller::Refuse(std::string_view op) const {
  int stuck = StuckCalls();
  if (stuck < state_->options.max_stuck_calls) return sdk::Status::Ok();
  return sdk::Status::Unavailable(
      PluginCallPrefix(state_->options.kind, state_->options.plugin_name, op) +
      "not called: the plugin has " + std::to_string(stuck) + " calls that never returned");
}

sdk::Status BoundedCaller::Expired(std::string_view op, std::chrono::milliseconds timeout) const {
  return sdk::Status::DeadlineExceeded(
      NoAnswerMessage(state_->options.kind, state_->options.plugin_name, op, timeout));
}

sdk::Status BoundedCaller::NoThread(std::string_view op) const {
  return sdk::Status::Unavailable(
      PluginCallPrefix(state_->options.kind, state_->options.plugin_name, op) +
      "not called: no thread could be started for it");
}

}  // namespace skiff::pluginhost
