#include "network_context.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <skiff/sdk/netns.h>

#include <bit>
#include <filesystem>

#include "case_support.h"

namespace skiff::conformance::internal {
namespace {

sdk::Result<std::string> CreateDefaultNetns(const std::string& container_id) {
  return sdk::CreateNamedNetns("sc-" + container_id.substr(container_id.size() - 12));
}

void DestroyDefaultNetns(const std::string& netns_path) {
  (void)sdk::DeleteNamedNetns(std::filesystem::path(netns_path).filename().string());
}

int PrefixLength(const sockaddr* mask) {
  if (!mask) return 0;
  if (mask->sa_family == AF_INET) {
    return std::popcount(reinterpret_cast<const sockaddr_in*>(mask)->sin_addr.s_addr);
  }
  int bits = 0;
  for (unsigned char byte : reinterpret_cast<const sockaddr_in6*>(mask)->sin6_addr.s6_addr) {
    bits += std::popcount(byte);
  }
  return bits;
}

}  // namespace

NetworkContext::NetworkContext(NetworkFactory factory, NetworkSuiteOptions options)
    : factory_(std::move(factory)), options_(std::move(options)) {
  if (!options_.create_netns) options_.create_netns = &CreateDefaultNetns;
  if (!options_.destroy_netns) options_.destroy_netns = &DestroyDefaultNetns;
}

sdk::Status NetworkContext::Open() {
  auto made = factory_();
  if (!made.ok()) return made.status();
  network_ = std::move(made).value();
  return sdk::Status::Ok();
}

void NetworkContext::Cleanup() {
  for (const auto& attachment : attachments_) {
    if (network_) (void)network_->Del(attachment);
    options_.destroy_netns(attachment.netns);
  }
  network_.reset();
}

sdk::Result<sdk::NetworkAttachment> NetworkContext::NewAttachment() {
  sdk::NetworkAttachment attachment;
  attachment.container_id = UniqueName("conformance");
  attachment.ifname = options_.ifname;
  attachment.pod_name = attachment.container_id;
  attachment.pod_namespace = "conformance";
  attachment.args = {{"K8S_POD_NAME", attachment.pod_name},
                     {"K8S_POD_NAMESPACE", attachment.pod_namespace}};
  auto netns = options_.create_netns(attachment.container_id);
  if (!netns.ok()) return netns.status();
  attachment.netns = *netns;
  std::lock_guard lock(mu_);
  attachments_.push_back(attachment);
  return attachment;
}

sdk::Result<std::vector<std::string>> AddressesInNetns(const std::string& netns_path,
                                                       const std::string& ifname) {
  std::vector<std::string> addresses;
  sdk::Status st = sdk::RunInNetns(netns_path, [&] {
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return sdk::Status::Internal("getifaddrs failed");
    for (ifaddrs* a = list; a; a = a->ifa_next) {
      if (!a->ifa_addr || ifname != a->ifa_name) continue;
      int family = a->ifa_addr->sa_family;
      if (family != AF_INET && family != AF_INET6) continue;
      char text[INET6_ADDRSTRLEN] = {};
      const void* raw =
          family == AF_INET
              ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr)
              : &reinterpret_cast<sockaddr_in6*>(a->ifa_addr)->sin6_addr;
      inet_ntop(family, raw, text, sizeof(text));
      addresses.push_back(std::string(text) + "/" + std::to_string(PrefixLength(a->ifa_netmask)));
    }
    freeifaddrs(list);
    return sdk::Status::Ok();
  });
  if (!st.ok()) return st;
  return addresses;
}

}  // namespace skiff::conformance::internal
