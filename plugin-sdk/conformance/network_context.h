#pragma once

// One network conformance case's world: a fresh NetworkPlugin and the network namespaces the
// case made for its "containers"; Cleanup deletes every attachment and namespace.

#include <skiff/conformance/suites.h>

#include <mutex>
#include <string>
#include <vector>

namespace skiff::conformance::internal {

class NetworkContext {
 public:
  NetworkContext(NetworkFactory factory, NetworkSuiteOptions options);

  sdk::Status Open();
  void Cleanup();

  sdk::NetworkPlugin& network() { return *network_; }
  const NetworkSuiteOptions& options() const { return options_; }

  // A new container id with a fresh netns; the attachment is remembered for cleanup.
  sdk::Result<sdk::NetworkAttachment> NewAttachment();

 private:
  NetworkFactory factory_;
  NetworkSuiteOptions options_;
  std::shared_ptr<sdk::NetworkPlugin> network_;
  std::mutex mu_;
  std::vector<sdk::NetworkAttachment> attachments_;
};

// The IPv4/IPv6 addresses (CIDR) configured on `ifname` inside `netns_path`.
sdk::Result<std::vector<std::string>> AddressesInNetns(const std::string& netns_path,
                                                       const std::string& ifname);

}  // namespace skiff::conformance::internal
