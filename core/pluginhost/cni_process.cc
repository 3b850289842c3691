#include "core/pluginhost/cni_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/base/blocking_region.h"

extern char** environ;

namespace skiff::pluginhost {
namespace {

using Clock = std::chrono::steady_clock;

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Reset(); }
  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  int* out() { return &fd_; }

 private:
  int fd_ = -1;
};

// The parent's environment minus any CNI_* (they would confuse the plugin), plus ours.
std::vector<std::string> ChildEnvironment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    if (std::strncmp(*e, "CNI_", 4) != 0) env.emplace_back(*e);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

// Reaps `pid` if it exits before `deadline`; false if it is still running then. The plugin
// has closed its output by now, so this is normally immediate, but a plugin may close
// stdout and keep running.
bool WaitUntil(pid_t pid, Clock::time_point deadline, int* status) {
  pid_t w = waitpid(pid, status, WNOHANG);
  if (w == pid) return true;
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  for (;;) {
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (remaining.count() <= 0) break;
    if (pidfd >= 0) {
      pollfd p{pidfd, POLLIN, 0};
      poll(&p, 1, static_cast<int>(remaining.count()) + 1);
    } else {
      usleep(200);  // kernels without pidfd_open
    }
    w = waitpid(pid, status, WNOHANG);
    if (w == pid || (w < 0 && errno != EINTR)) {
      if (pidfd >= 0) close(pidfd);
      return true;
    }
  }
  if (pidfd >= 0) close(pidfd);
  return false;
}

}  // namespace

CniProcessOutcome RunCniProcess(const CniProcessRequest& request) {
  BlockingRegion blocking;  // lets the agent's pool run other pods meanwhile
  CniProcessOutcome outcome;
  const auto start = Clock::now();
  const auto deadline = start + request.timeout;
  auto finish = [&]() -> CniProcessOutcome& {
    outcome.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
    return outcome;
  };

  // stdin is a socket so writing to a plugin that already exited gives EPIPE through
  // MSG_NOSIGNAL instead of a process-wide SIGPIPE.
  int in_pair[2];
  int out_pipe[2];
  int err_pipe[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_pair) != 0) {
    outcome.spawn_errno = errno;
    return finish();
  }
  Fd in_parent(in_pair[0]), in_child(in_pair[1]);
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    outcome.spawn_errno = errno;
    return finish();
  }
  Fd out_parent(out_pipe[0]), out_child(out_pipe[1]);
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    outcome.spawn_errno = errno;
    return finish();
  }
  Fd err_parent(err_pipe[0]), err_child(err_pipe[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_child.get(), 0);
  posix_spawn_file_actions_adddup2(&actions, out_child.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err_child.get(), 2);
  // Descriptors other threads opened without O_CLOEXEC must not leak into the plugin.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t default_signals;
  sigemptyset(&default_signals);
  sigaddset(&default_signals, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &default_signals);
  sigset_t no_mask;
  sigemptyset(&no_mask);
  posix_spawnattr_setsigmask(&attr, &no_mask);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<std::string> env = ChildEnvironment(request.env);
  std::vector<char*> envp;
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string binary = request.binary;
  char* argv[] = {binary.data(), nullptr};

  pid_t pid = -1;
  int rc = posix_spawn(&pid, binary.c_str(), &actions, &attr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    outcome.spawn_errno = rc;
    return finish();
  }
  in_child.Reset();
  out_child.Reset();
  err_child.Reset();

  size_t written = 0;
  if (request.stdin_data.empty()) {
    shutdown(in_parent.get(), SHUT_WR);
    in_parent.Reset();
  }
  if (in_parent.get() >= 0) fcntl(in_parent.get(), F_SETFL, O_NONBLOCK);
  bool timed_out = false;
  char buf[16384];
  while (out_parent.get() >= 0 || err_parent.get() >= 0) {
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (remaining.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd fds[3];
    int n = 0;
    int out_at = -1, err_at = -1, in_at = -1;
    if (out_parent.get() >= 0) fds[out_at = n++] = {out_parent.get(), POLLIN, 0};
    if (err_parent.get() >= 0) fds[err_at = n++] = {err_parent.get(), POLLIN, 0};
    if (in_parent.get() >= 0) fds[in_at = n++] = {in_parent.get(), POLLOUT, 0};
    int ready = poll(fds, n, static_cast<int>(remaining.count()) + 1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      timed_out = true;  // cannot wait any more: treat like a hung plugin
      break;
    }
    auto drain = [&](int at, Fd& fd, std::string& sink) {
      if (at < 0 || !(fds[at].revents & (POLLIN | POLLHUP | POLLERR))) return;
      ssize_t got = read(fd.get(), buf, sizeof(buf));
      if (got > 0) {
        sink.append(buf, static_cast<size_t>(got));
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        fd.Reset();
      }
    };
    drain(out_at, out_parent, outcome.stdout_data);
    drain(err_at, err_parent, outcome.stderr_data);
    if (in_at >= 0 && (fds[in_at].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t sent = send(in_parent.get(), request.stdin_data.data() + written,
                          request.stdin_data.size() - written, MSG_NOSIGNAL);
      if (sent > 0) written += static_cast<size_t>(sent);
      if ((sent < 0 && errno != EAGAIN && errno != EINTR) || written == request.stdin_data.size()) {
        shutdown(in_parent.get(), SHUT_WR);
        in_parent.Reset();
      }
    }
  }

  int status = 0;
  if (!timed_out) timed_out = !WaitUntil(pid, deadline, &status);
  if (timed_out) {
    kill(-pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    outcome.kind = CniProcessOutcome::Kind::kTimedOut;
    return finish();
  }
  if (WIFEXITED(status)) {
    outcome.kind = CniProcessOutcome::Kind::kExited;
    outcome.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    outcome.kind = CniProcessOutcome::Kind::kSignaled;
    outcome.signal = WTERMSIG(status);
  }
  return finish();
}

}  // namespace skiff::pluginhost
