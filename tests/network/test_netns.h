#pragma once

// Helpers for tests that build real network namespaces, bridges and veths. Names start with
// "skt<pid>" so concurrent test processes never collide and leftovers are recognisable;
// everything is removed in destructors.

#include <functional>
#include <string>
#include <vector>

namespace skiff::testing {

bool IsRoot();
// Why a root-only test cannot run here, or empty if it can.
std::string NetworkTestSkipReason();

// Runs a shell command; returns its stdout. `*exit_code` gets its status when given.
std::string RunCommand(const std::string& command, int* exit_code = nullptr);

// "skt<pid><suffix>", at most 15 characters (IFNAMSIZ - 1).
std::string UniqueName(const std::string& suffix);

// A named namespace under /var/run/netns (as `ip netns add` makes), deleted on destruction.
class ScopedNetns {
 public:
  explicit ScopedNetns(const std::string& suffix);
  ~ScopedNetns();
  ScopedNetns(const ScopedNetns&) = delete;
  ScopedNetns& operator=(const ScopedNetns&) = delete;
  const std::string& name() const { return name_; }
  std::string path() const { return "/var/run/netns/" + name_; }
  bool ok() const { return ok_; }

 private:
  std::string name_;
  bool ok_ = false;
};

// Deletes a host link (e.g. a bridge the test made the plugin create) on destruction.
class ScopedLinkCleanup {
 public:
  explicit ScopedLinkCleanup(std::string name) : name_(std::move(name)) {}
  ~ScopedLinkCleanup();

 private:
  std::string name_;
};

// A private /24 (10.250.X.0/24) nobody else on this machine uses while this object lives:
// an flock per X in /tmp guards against concurrent test processes, and a check of the host's
// routes against anything already configured.
class TestSubnet {
 public:
  TestSubnet();
  ~TestSubnet();
  TestSubnet(const TestSubnet&) = delete;
  TestSubnet& operator=(const TestSubnet&) = delete;
  bool ok() const { return lock_fd_ >= 0; }
  std::string cidr() const;       // "10.250.X.0/24"
  std::string host(int n) const;  // "10.250.X.n"

 private:
  int octet_ = -1;
  int lock_fd_ = -1;
};

// A temporary directory, removed recursively on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Polls `done` every 10 ms until it holds (true) or `timeout_ms` passes (false).
bool WaitFor(const std::function<bool()>& done, int timeout_ms = 5000);

// Sends ICMP echo requests from the current namespace to `ip`; true once one is answered.
bool Ping(const std::string& ip, int attempts = 5, int timeout_ms = 500);

}  // namespace skiff::testing
