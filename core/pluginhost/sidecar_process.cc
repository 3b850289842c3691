#include "core/pluginhost/sidecar_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

namespace skiff::pluginhost {
namespace {

ProcessExit FromWaitStatus(int status) {
  if (WIFSIGNALED(status)) return {true, WTERMSIG(status)};
  return {false, WEXITSTATUS(status)};
}

// Only async-signal-safe calls between fork and exec: the host is multi-threaded.
[[noreturn]] void ExecChild(char* const* argv, int log_fd, int err_fd, pid_t parent) {
  // Die with the thread that spawned us rather than linger after a host crash.
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
  ::setpgid(0, 0);  // own process group: the sidecar's own children stop with it

  // Start from default signal handling: the host may ignore or block what the sidecar needs.
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig : {SIGTERM, SIGINT, SIGPIPE, SIGHUP, SIGCHLD}) ::sigaction(sig, &dfl, nullptr);

  int devnull = ::open("/dev/null", O_RDONLY);
  if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
  ::dup2(log_fd, STDOUT_FILENO);
  ::dup2(log_fd, STDERR_FILENO);
  // Everything else the host had open (sockets, the store) closes at exec, including err_fd
  // (which is how the parent learns exec succeeded).
  ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);

  ::execvp(argv[0], argv);
  int err = errno;
  [[maybe_unused]] auto n = ::write(err_fd, &err, sizeof(err));
  ::_exit(127);
}

}  // namespace

std::string ProcessExit::Describe() const {
  if (!signaled) return "exited with code " + std::to_string(code);
  return "killed by signal " + std::to_string(code) + " (" + ::strsignal(code) + ")";
}

sdk::Result<std::unique_ptr<SidecarProcess>> SidecarProcess::Spawn(
    const std::vector<std::string>& argv, const std::string& log_path) {
  if (argv.empty()) return sdk::Status::InvalidArgument("sidecar command is empty");

  std::error_code ec;
  auto dir = std::filesystem::path(log_path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    return sdk::Status::FailedPrecondition("cannot open sidecar log " + log_path + ": " +
                                           std::strerror(errno));
  }
  struct stat st {};
  off_t log_start = ::fstat(log_fd, &st) == 0 ? st.st_size : 0;

  int err_pipe[2];
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(log_fd);
    return sdk::Status::Internal(std::string("pipe: ") + std::strerror(errno));
  }

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0) ExecChild(args.data(), log_fd, err_pipe[1], parent);
  int fork_errno = errno;
  ::close(err_pipe[1]);
  ::close(log_fd);
  if (pid < 0) {
    ::close(err_pipe[0]);
    return sdk::Status::Internal(std::string("fork: ") + std::strerror(fork_errno));
  }

  // EOF means exec succeeded (the pipe closed on exec); an int means it failed with that errno.
  int exec_errno = 0;
  ssize_t n;
  do {
    n = ::read(err_pipe[0], &exec_errno, sizeof(exec_errno));
  } while (n < 0 && errno == EINTR);
  ::close(err_pipe[0]);
  if (n == sizeof(exec_errno)) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return sdk::Status::FailedPrecondition("cannot execute sidecar command '" + argv[0] +
                                           "': " + std::strerror(exec_errno));
  }
  return std::unique_ptr<SidecarProcess>(new SidecarProcess(pid, log_path, log_start));
}

SidecarProcess::~SidecarProcess() {
  if (!exit_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

std::optional<ProcessExit> SidecarProcess::Poll() {
  if (exit_) return exit_;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) exit_ = FromWaitStatus(status);
  // ECHILD: someone else reaped it (e.g. SIGCHLD set to SIG_IGN); it is gone all the same.
  if (r < 0 && errno == ECHILD) exit_ = ProcessExit{false, -1};
  return exit_;
}

ProcessExit SidecarProcess::Stop(std::chrono::milliseconds grace) {
  if (auto done = Poll()) return *done;
  ::kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto done = Poll()) return *done;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  exit_ = FromWaitStatus(status);
  return *exit_;
}

std::string SidecarProcess::LogTail(std::size_t max_bytes) const {
  std::ifstream in(log_path_, std::ios::binary);
  if (!in) return "";
  in.seekg(0, std::ios::end);
  off_t size = static_cast<off_t>(in.tellg());
  off_t from = std::max<off_t>(log_start_, size - static_cast<off_t>(max_bytes));
  if (from >= size) return "";
  in.seekg(from);
  std::string text(static_cast<std::size_t>(size - from), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  // Start at a line boundary when we cut into the middle of one.
  if (from > log_start_) {
    auto nl = text.find('\n');
    if (nl != std::string::npos) text.erase(0, nl + 1);
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

}  // namespace skiff::pluginhost
