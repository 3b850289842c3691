#include "tests/network/test_netns.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <skiff/sdk/netns.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace skiff::testing {

bool IsRoot() { return geteuid() == 0; }

std::string NetworkTestSkipReason() {
  if (!IsRoot()) return "needs root (network namespaces, bridges, veths)";
  int rc = 0;
  RunCommand("command -v ip >/dev/null 2>&1", &rc);
  if (rc != 0) return "needs iproute2 (ip)";
  return {};
}

std::string RunCommand(const std::string& command, int* exit_code) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (!p) {
    if (exit_code) *exit_code = -1;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  int status = pclose(p);
  if (exit_code) *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

std::string UniqueName(const std::string& suffix) {
  std::string name = "skt" + std::to_string(getpid()) + suffix;
  if (name.size() > 15) name.resize(15);
  return name;
}

ScopedNetns::ScopedNetns(const std::string& suffix) : name_(UniqueName(suffix)) {
  ok_ = sdk::CreateNamedNetns(name_).ok();
}

ScopedNetns::~ScopedNetns() {
  if (ok_) (void)sdk::DeleteNamedNetns(name_);
}

ScopedLinkCleanup::~ScopedLinkCleanup() { RunCommand("ip link del " + name_ + " >/dev/null 2>&1"); }

TestSubnet::TestSubnet() {
  mkdir("/tmp/skiff-test-subnets", 0755);
  std::string routes = RunCommand("ip -4 route show table all 2>/dev/null");
  for (int i = 0; i < 250; ++i) {
    int octet = (getpid() + i) % 250 + 1;
    std::string prefix = "10.250." + std::to_string(octet) + ".";
    if (routes.find(prefix) != std::string::npos) continue;
    std::string path = "/tmp/skiff-test-subnets/" + std::to_string(octet);
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) continue;
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
      octet_ = octet;
      lock_fd_ = fd;
      return;
    }
    close(fd);
  }
}

TestSubnet::~TestSubnet() {
  if (lock_fd_ >= 0) close(lock_fd_);
}

std::string TestSubnet::cidr() const { return "10.250." + std::to_string(octet_) + ".0/24"; }

std::string TestSubnet::host(int n) const {
  return "10.250." + std::to_string(octet_) + "." + std::to_string(n);
}

TempDir::TempDir() {
  char tmpl[] = "/tmp/skiff-test-XXXXXX";
  char* p = mkdtemp(tmpl);
  path_ = p ? p : "";
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

namespace {
uint16_t Checksum(const void* data, size_t len) {
  auto* p = static_cast<const uint16_t*>(data);
  uint32_t sum = 0;
  for (; len > 1; len -= 2) sum += *p++;
  if (len) sum += *reinterpret_cast<const uint8_t*>(p);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}
}  // namespace

bool WaitFor(const std::function<bool()>& done, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    usleep(10000);
  }
}

bool Ping(const std::string& ip, int attempts, int timeout_ms) {
  int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
  if (fd < 0) return false;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  if (inet_pton(AF_INET, ip.c_str(), &to.sin_addr) != 1) {
    close(fd);
    return false;
  }
  const uint16_t id = static_cast<uint16_t>(getpid());
  for (int seq = 1; seq <= attempts; ++seq) {
    icmphdr req{};
    req.type = ICMP_ECHO;
    req.un.echo.id = htons(id);
    req.un.echo.sequence = htons(static_cast<uint16_t>(seq));
    req.checksum = Checksum(&req, sizeof(req));
    sendto(fd, &req, sizeof(req), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      char buf[1500];
      sockaddr_in from{};
      socklen_t from_len = sizeof(from);
      ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from), &from_len);
      if (n < static_cast<ssize_t>(sizeof(iphdr) + sizeof(icmphdr))) continue;
      auto* iph = reinterpret_cast<iphdr*>(buf);
      auto* reply = reinterpret_cast<icmphdr*>(buf + iph->ihl * 4);
      if (from.sin_addr.s_addr == to.sin_addr.s_addr && reply->type == ICMP_ECHOREPLY &&
          ntohs(reply->un.echo.id) == id) {
        close(fd);
        return true;
      }
    }
  }
  close(fd);
  return false;
}

}  // namespace skiff::testing
