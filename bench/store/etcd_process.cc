#include "bench/store/etcd_process.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

namespace skiff::bench {

namespace {

// A port nothing listens on right now (the kernel's pick); etcd binds it moments later.
Result<int> FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::Unavailable(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return Status::Unavailable(std::string("bind: ") + std::strerror(errno));
  }
  close(fd);
  return static_cast<int>(ntohs(addr.sin_port));
}

}  // namespace

Result<std::unique_ptr<EtcdProcess>> EtcdProcess::Start(const std::string& binary,
                                                        const std::string& base_dir) {
  if (access(binary.c_str(), X_OK) != 0) {
    return Status::NotFound(binary + " is not an executable");
  }
  std::unique_ptr<EtcdProcess> etcd(new EtcdProcess());
  std::string pattern = base_dir + "/skiff-etcd-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    return Status::Unavailable("mkdtemp " + pattern + ": " + std::strerror(errno));
  }
  etcd->dir_ = pattern;
  etcd->data_dir_ = pattern + "/data";
  Result<int> client_port = FreeLoopbackPort();
  Result<int> peer_port = FreeLoopbackPort();
  if (!client_port.ok()) return client_port.status();
  if (!peer_port.ok()) return peer_port.status();
  std::string client_url = "http://127.0.0.1:" + std::to_string(*client_port);
  std::string peer_url = "http://127.0.0.1:" + std::to_string(*peer_port);
  etcd->client_endpoint_ = "127.0.0.1:" + std::to_string(*client_port);

  // Defaults otherwise: etcd fsyncs its WAL before acknowledging, as our store does.
  std::vector<std::string> args = {binary,
                                   "--name=bench",
                                   "--data-dir=" + etcd->data_dir_,
                                   "--listen-client-urls=" + client_url,
                                   "--advertise-client-urls=" + client_url,
                                   "--listen-peer-urls=" + peer_url,
                                   "--initial-advertise-peer-urls=" + peer_url,
                                   "--initial-cluster=bench=" + peer_url,
                                   "--initial-cluster-state=new",
                                   "--logger=zap",
                                   "--log-level=warn"};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::string log_path = etcd->dir_ + "/etcd.log";

  pid_t pid = fork();
  if (pid < 0) return Status::Unavailable(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log >= 0) {
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
    }
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  etcd->pid_ = pid;
  spdlog::info("etcd started (pid {}) on {}, data in {}, log {}", pid, etcd->client_endpoint_,
               etcd->data_dir_, log_path);
  return etcd;
}

EtcdProcess::~EtcdProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

}  // namespace skiff::bench
