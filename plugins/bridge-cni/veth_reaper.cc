#include "plugins/bridge-cni/veth_reaper.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>

#include "plugins/bridge-cni/netlink_link.h"
#include "plugins/bridge-cni/netlink_socket.h"

namespace skiff::bridge_cni {

std::string VethReaper::RetiredName() {
  static std::atomic<uint64_t> counter{0};
  uint64_t h = 0xcbf29ce484222325ull;
  uint64_t parts[] = {
      static_cast<uint64_t>(getpid()), ++counter,
      static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count())};
  for (uint64_t p : parts) {
    for (int i = 0; i < 8; ++i) h = (h ^ ((p >> (8 * i)) & 0xff)) * 0x100000001b3ull;
  }
  char buf[16];
  std::snprintf(buf, sizeof(buf), "skz%012llx",
                static_cast<unsigned long long>(h & 0xffffffffffffull));
  return buf;
}

void VethReaper::ReapNow() {
  NetlinkSocket nl;
  if (!NetlinkSocket::Open(&nl).ok()) return;
  SysError e = DeleteLinkGroup(nl, kRetiredGroup);
  if (!e.ok() && e.err() != ENODEV) spdlog::warn("bridge-cni: reaping veths: {}", e.ToString());
}

void VethReaper::Retired() {
  std::lock_guard<std::mutex> lock(mu_);
  ++requested_;
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
  cv_.notify_all();
}

bool VethReaper::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  uint64_t target = requested_;
  return cv_.wait_for(lock, timeout, [&] { return done_ >= target; });
}

void VethReaper::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || requested_ > done_; });
    if (requested_ == done_ && stopping_) return;
    uint64_t covering = requested_;
    lock.unlock();
    ReapNow();
    lock.lock();
    done_ = covering;
    cv_.notify_all();
  }
}

VethReaper::~VethReaper() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

}  // namespace skiff::bridge_cni
