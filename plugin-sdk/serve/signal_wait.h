#pragma once

// Waits for SIGTERM or SIGINT without caring which thread the kernel delivers them to:
// gRPC starts its own threads, so blocking the signals in "all threads" is not something a
// library can promise. The handler only writes one byte to a pipe (async-signal-safe).
// One SignalWait at a time per process; it restores the previous handlers when destroyed.

namespace skiff::serve {

class SignalWait {
 public:
  SignalWait();
  ~SignalWait();
  SignalWait(const SignalWait&) = delete;
  SignalWait& operator=(const SignalWait&) = delete;

  // Blocks until SIGTERM or SIGINT arrives; returns the signal number.
  int Wait();

 private:
  int read_fd_ = -1;
  int write_fd_ = -1;
};

}  // namespace skiff::serve
