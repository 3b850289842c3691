#include "loopback_network.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <skiff/sdk/netns.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace skiff::testing_plugins {
namespace {

constexpr char kPrefix[] = "/16";

// Sets (or, with "0.0.0.0", clears) the IPv4 address of `ifname` in the namespace.
sdk::Status SetAddress(const std::string& netns, const std::string& ifname,
                       const std::string& address) {
  return sdk::RunInNetns(netns, [&] {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return sdk::Status::Internal(std::string("socket: ") + std::strerror(errno));
    ifreq request{};
    std::strncpy(request.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
    auto* in = reinterpret_cast<sockaddr_in*>(&request.ifr_addr);
    in->sin_family = AF_INET;
    inet_pton(AF_INET, address.c_str(), &in->sin_addr);
    int rc = ioctl(fd, SIOCSIFADDR, &request);
    if (rc == 0 && address != "0.0.0.0") {
      inet_pton(AF_INET, "255.255.0.0", &in->sin_addr);
      rc = ioctl(fd, SIOCSIFNETMASK, &request);
    }
    int saved = errno;
    close(fd);
    if (rc != 0) return sdk::Status::Internal(std::string("ioctl: ") + std::strerror(saved));
    return sdk::Status::Ok();
  });
}

}  // namespace

sdk::Result<sdk::NetworkResult> LoopbackNetwork::Add(
    const sdk::NetworkAttachment& attachment) noexcept {
  if (attachment.container_id.empty() || attachment.netns.empty()) {
    return sdk::Status::InvalidArgument("container_id and netns are required");
  }
  std::lock_guard lock(mu_);
  Key key{attachment.container_id, attachment.ifname};
  auto it = addresses_.find(key);
  std::string address;
  if (it != addresses_.end()) {
    address = it->second;
  } else {
    uint32_t host = next_host_++;
    address = "10.99." + std::to_string(host / 256) + "." + std::to_string(host % 256);
    if (sdk::Status st = SetAddress(attachment.netns, attachment.ifname, address); !st.ok()) {
      return st;
    }
    addresses_[key] = address;
  }
  sdk::NetworkResult result;
  result.interfaces.push_back({attachment.ifname, "", std::nullopt, attachment.netns});
  result.ips.push_back({address + kPrefix, "", 0});
  return result;
}

sdk::Status LoopbackNetwork::Del(const sdk::NetworkAttachment& attachment) noexcept {
  std::lock_guard lock(mu_);
  if (addresses_.erase({attachment.container_id, attachment.ifname}) > 0) {
    (void)SetAddress(attachment.netns, attachment.ifname, "0.0.0.0");  // netns may be gone
  }
  return sdk::Status::Ok();
}

sdk::Status LoopbackNetwork::Check(const sdk::NetworkAttachment& attachment) noexcept {
  std::lock_guard lock(mu_);
  if (!addresses_.count({attachment.container_id, attachment.ifname})) {
    return sdk::Status::NotFound("no attachment for " + attachment.container_id);
  }
  return sdk::Status::Ok();
}

sdk::Status LoopbackNetwork::GC(const std::vector<sdk::AttachmentKey>& valid) noexcept {
  std::lock_guard lock(mu_);
  std::erase_if(addresses_, [&](const auto& entry) {
    for (const auto& key : valid) {
      if (entry.first == Key{key.container_id, key.ifname}) return false;
    }
    return true;
  });
  return sdk::Status::Ok();
}

}  // namespace skiff::testing_plugins
