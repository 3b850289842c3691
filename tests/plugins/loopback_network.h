#pragma once

// A test network plugin that exercises the network conformance suite without a bridge: it
// hands out 10.99.x.y/16 addresses and configures each on the container netns' "lo" interface
// (ioctl, inside the namespace), so the suite's "address really configured" check is real.
// Thread-safe.

#include <skiff/sdk/network.h>

#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace skiff::testing_plugins {

class LoopbackNetwork final : public sdk::NetworkPlugin {
 public:
  sdk::Result<sdk::NetworkResult> Add(const sdk::NetworkAttachment& attachment) noexcept override;
  sdk::Status Del(const sdk::NetworkAttachment& attachment) noexcept override;
  sdk::Status Check(const sdk::NetworkAttachment& attachment) noexcept override;
  sdk::Status GetStatus() noexcept override { return sdk::Status::Ok(); }
  sdk::Status GC(const std::vector<sdk::AttachmentKey>& valid_attachments) noexcept override;
  sdk::Result<sdk::NetworkVersionInfo> Version() noexcept override {
    return sdk::NetworkVersionInfo{"1.1.0", {"1.0.0", "1.1.0"}};
  }

 private:
  using Key = std::pair<std::string, std::string>;  // container id, ifname

  std::mutex mu_;
  uint32_t next_host_ = 1;
  std::map<Key, std::string> addresses_;  // without prefix length
};

}  // namespace skiff::testing_plugins
