#pragma once

// SessionThreads: runs long-lived connection sessions (the exec relays of the API server and
// of the node agent), each on a thread of its own with an io_context of its own, so a slow or
// stuck session never holds up another or the HTTP server's I/O threads; at most `limit` run
// at once. Stop() ends them all (stops their io_contexts) and waits for their threads.
// Thread-safe.

#include <functional>
#include <memory>

namespace boost::asio {
class io_context;
}

namespace skiff::apiserver {

class SessionThreads {
 public:
  explicit SessionThreads(int limit);
  ~SessionThreads();  // Stop()
  SessionThreads(const SessionThreads&) = delete;
  SessionThreads& operator=(const SessionThreads&) = delete;

  // Calls `session(ioc)` on a new thread, then runs ioc until the session's work is done.
  // False (nothing runs) when `limit` sessions run already or after Stop.
  bool Start(std::function<void(boost::asio::io_context&)> session);
  void Stop();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace skiff::apiserver
