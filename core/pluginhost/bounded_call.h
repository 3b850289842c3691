#pragma once

// BoundedCaller: gives an in-process plugin call the deadline a gRPC call has. The call runs
// on a thread of a process-wide pool while the caller waits at most its deadline; a call that
// misses it keeps its thread (nothing can cancel code running in our address space), its late
// result is dropped, and the caller gets DeadlineExceeded worded as on the gRPC path. A plugin
// with too many such stuck calls is not called any more until some return: the caller gets
// Unavailable at once, so a hung plugin costs a bounded number of threads.
//
// The function handed to Call runs after Call may have returned, so it must own everything it
// uses (capture by value). Thread-safe; copies share the stuck-call count.

#include <skiff/sdk/status.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/blocking_region.h"
#include "core/pluginhost/call_timeouts.h"

namespace skiff::pluginhost {

struct BoundedCallerOptions {
  std::string kind;         // "runtime", "network" or "storage", for messages
  std::string plugin_name;  // named in every error
  CallTimeouts timeouts;
  // Calls past their deadline that may still be running before the plugin is refused.
  int max_stuck_calls = 64;
};

class BoundedCaller {
 public:
  explicit BoundedCaller(BoundedCallerOptions options);

  const CallTimeouts& timeouts() const { return state_->options.timeouts; }

  // Runs fn() (returning R: sdk::Status or sdk::Result<T>) with a deadline of `timeout`.
  template <typename R, typename Fn>
  R Call(std::string_view op, std::chrono::milliseconds timeout, Fn fn) const {
    if (sdk::Status refused = Refuse(op); !refused.ok()) return refused;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto slot = std::make_shared<Slot<R>>();
    bool started = Start([slot, state = state_, fn = std::move(fn)]() mutable {
      R result = fn();
      std::lock_guard lock(slot->mu);
      if (slot->abandoned) {
        state->Returned();
        return;  // the caller has gone; the result dies here
      }
      slot->value.emplace(std::move(result));
      slot->cv.notify_one();
    });
    if (!started) return NoThread(op);
    BlockingRegion blocking;  // lets the agent's pool run other pods meanwhile
    std::unique_lock lock(slot->mu);
    if (!slot->cv.wait_until(lock, deadline, [&] { return slot->value.has_value(); })) {
      slot->abandoned = true;
      state_->Abandoned();
      return Expired(op, timeout);
    }
    return std::move(*slot->value);
  }

  template <typename R, typename Fn>
  R Call(std::string_view op, Fn fn) const {
    return Call<R>(op, timeouts().call_timeout, std::move(fn));
  }

  // Calls past their deadline that have not returned yet.
  int StuckCalls() const;

 private:
  template <typename R>
  struct Slot {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<R> value;
    bool abandoned = false;
  };
  // Shared with the calls still running, which may outlive this caller.
  struct State {
    explicit State(BoundedCallerOptions o) : options(std::move(o)) {}
    const BoundedCallerOptions options;
    std::atomic<int> stuck{0};
    void Abandoned() { stuck.fetch_add(1, std::memory_order_relaxed); }
    void Returned() { stuck.fetch_sub(1, std::memory_order_relaxed); }
  };

  // Hands `task` to a pool thread; false when no thread could be started.
  static bool Start(std::function<void()> task);
  sdk::Status Refuse(std::string_view op) const;
  sdk::Status Expired(std::string_view op, std::chrono::milliseconds timeout) const;
  sdk::Status NoThread(std::string_view op) const;

  std::shared_ptr<State> state_;
};

}  // namespace skiff::pluginhost
