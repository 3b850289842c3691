#include "plugin-sdk/serve/signal_wait.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace skiff::serve {
namespace {

std::atomic<int> g_write_fd{-1};
struct sigaction g_old_term {};
struct sigaction g_old_int {};

void OnSignal(int signo) {
  int fd = g_write_fd.load();
  if (fd < 0) return;
  unsigned char b = static_cast<unsigned char>(signo);
  int saved = errno;
  [[maybe_unused]] auto n = ::write(fd, &b, 1);
  errno = saved;
}

}  // namespace

SignalWait::SignalWait() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) == 0) {
    read_fd_ = fds[0];
    write_fd_ = fds[1];
  }
  g_write_fd.store(write_fd_);
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGTERM, &sa, &g_old_term);
  ::sigaction(SIGINT, &sa, &g_old_int);
}

SignalWait::~SignalWait() {
  ::sigaction(SIGTERM, &g_old_term, nullptr);
  ::sigaction(SIGINT, &g_old_int, nullptr);
  g_write_fd.store(-1);
  if (read_fd_ >= 0) ::close(read_fd_);
  if (write_fd_ >= 0) ::close(write_fd_);
}

int SignalWait::Wait() {
  unsigned char b = 0;
  while (true) {
    ssize_t n = ::read(read_fd_, &b, 1);
    if (n == 1) return b;
    if (n < 0 && errno == EINTR) continue;
    return SIGTERM;  // the pipe broke: treat it as a request to stop rather than spin
  }
}

}  // namespace skiff::serve
