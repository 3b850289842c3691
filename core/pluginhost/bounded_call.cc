#include "core/pluginhost/bounded_call.h"

#include <algorithm>
#include <memory>
#include <system_error>
#include <thread>
#include <vector>

namespace skiff::pluginhost {
namespace {

// The threads plugin calls run on, shared by every plugin of the process. A call is handed to
// an idle thread directly (its own mutex and condition variable, so a hand-off wakes exactly
// that thread and contends with no one); when none is idle a new thread starts (so stuck calls
// never starve the others). Idle threads are a stack: the most recently used runs next, and one
// idle for kIdleExit ends, so a quiet agent keeps none and a busy one reuses them.
class CallThreads {
 public:
  // Never destroyed: detached threads may still use it while the process exits.
  static CallThreads& Get() {
    static auto* threads = new CallThreads;
    return *threads;
  }

  bool Run(std::function<void()> task) {
    Worker* idle = nullptr;
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        idle = idle_.back();
        idle_.pop_back();
      }
    }
    if (idle) {
      {
        std::lock_guard lock(idle->mu);
        idle->task = std::move(task);
      }
      idle->cv.notify_one();
      return true;
    }
    auto worker = std::make_unique<Worker>();
    worker->task = std::move(task);
    try {
      std::thread([this, w = worker.get()] { Work(w); }).detach();
    } catch (const std::system_error&) {
      return false;
    }
    worker.release();  // owned by its thread from now on
    return true;
  }

 private:
  static constexpr std::chrono::seconds kIdleExit{10};

  struct Worker {
    std::mutex mu;
    std::condition_variable cv;
    std::function<void()> task;  // set by Run while the worker is off the idle stack
  };

  void Work(Worker* w) {
    std::unique_ptr<Worker> owned(w);
    std::unique_lock lock(w->mu);
    for (;;) {
      std::function<void()> task = std::move(w->task);
      w->task = nullptr;
      lock.unlock();
      task();
      task = nullptr;  // drop what it owns before waiting for the next one
      {
        std::lock_guard idle_lock(mu_);
        idle_.push_back(w);
      }
      lock.lock();
      if (w->cv.wait_for(lock, kIdleExit, [&] { return w->task != nullptr; })) continue;
      lock.unlock();
      {
        std::lock_guard idle_lock(mu_);
        if (auto it = std::find(idle_.begin(), idle_.end(), w); it != idle_.end()) {
          idle_.erase(it);
          return;  // nobody took this thread: it ends
        }
      }
      // Run took this thread off the stack just as it timed out; its task is on the way.
      lock.lock();
      w->cv.wait(lock, [&] { return w->task != nullptr; });
    }
  }

  std::mutex mu_;
  std::vector<Worker*> idle_;
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
