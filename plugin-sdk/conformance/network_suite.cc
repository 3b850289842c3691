// Network cases, modelled on the CNI spec's contract: ADD yields an address that is really
// configured in the namespace, ADD is idempotent, DEL of the unknown succeeds, CHECK verifies,
// GC drops what is not listed, and 50 pods at once never share an address.

#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include "case_support.h"
#include "network_context.h"

namespace skiff::conformance {
namespace {

using internal::NetworkContext;

std::set<std::string> Addresses(const sdk::NetworkResult& result) {
  std::set<std::string> addresses;
  for (const auto& ip : result.ips) addresses.insert(ip.address);
  return addresses;
}

std::string Join(const std::set<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out.empty() ? "none" : out;
}

void VersionAndStatus(NetworkContext& c) {
  auto version = c.network().Version();
  SKIFF_REQUIRE_OK(version, "VERSION");
  SKIFF_EXPECT(!version->cni_version.empty(), "VERSION: cniVersion is empty");
  SKIFF_EXPECT_OK(c.network().GetStatus(), "STATUS of a configured plugin");
}

void AddReturnsAddressInNetns(NetworkContext& c) {
  auto attachment = c.NewAttachment();
  SKIFF_REQUIRE_OK(attachment, "create a netns");
  auto result = c.network().Add(*attachment);
  SKIFF_REQUIRE_OK(result, "ADD");
  SKIFF_REQUIRE(!result->ips.empty(), "ADD returned no ips");
  for (const auto& ip : result->ips) {
    SKIFF_EXPECT(ip.address.find('/') != std::string::npos,
                 "ADD: ip address \"" << ip.address << "\" is not in CIDR form");
  }
  auto configured = internal::AddressesInNetns(attachment->netns, attachment->ifname);
  SKIFF_REQUIRE_OK(configured, "list addresses in " << attachment->netns);
  for (const auto& address : Addresses(*result)) {
    SKIFF_EXPECT(std::count(configured->begin(), configured->end(), address) == 1,
                 "ADD returned " << address << " but " << attachment->ifname << " in "
                                 << attachment->netns << " has "
                                 << Join({configured->begin(), configured->end()}));
  }
  SKIFF_EXPECT_OK(c.network().Del(*attachment), "DEL");
}

void AddTwiceIsIdempotent(NetworkContext& c) {
  auto attachment = c.NewAttachment();
  SKIFF_REQUIRE_OK(attachment, "create a netns");
  auto first = c.network().Add(*attachment);
  SKIFF_REQUIRE_OK(first, "ADD");
  auto second = c.network().Add(*attachment);
  SKIFF_REQUIRE_OK(second, "a second ADD of the same attachment");
  SKIFF_EXPECT(Addresses(*first) == Addresses(*second), "a second ADD changed the addresses from "
                                                            << Join(Addresses(*first)) << " to "
                                                            << Join(Addresses(*second)));
}

void DelUnknownSucceeds(NetworkContext& c) {
  auto attachment = c.NewAttachment();
  SKIFF_REQUIRE_OK(attachment, "create a netns");
  SKIFF_EXPECT_OK(c.network().Del(*attachment), "DEL of an attachment never added");
  sdk::NetworkAttachment gone = *attachment;
  gone.container_id = internal::UniqueName("gone");
  gone.netns = "/var/run/netns/skiff-conformance-does-not-exist";
  SKIFF_EXPECT_OK(c.network().Del(gone), "DEL whose netns no longer exists (CNI: must succeed)");
}

void CheckAfterAdd(NetworkContext& c) {
  auto attachment = c.NewAttachment();
  SKIFF_REQUIRE_OK(attachment, "create a netns");
  SKIFF_REQUIRE_OK(c.network().Add(*attachment), "ADD");
  SKIFF_EXPECT_OK(c.network().Check(*attachment), "CHECK after ADD");
  SKIFF_REQUIRE_OK(c.network().Del(*attachment), "DEL");
  SKIFF_EXPECT(!c.network().Check(*attachment).ok(), "CHECK after DEL must fail");
}

void ConcurrentAttachments(NetworkContext& c) {
  constexpr int kCount = 50;
  std::vector<sdk::NetworkAttachment> attachments;
  for (int i = 0; i < kCount; ++i) {
    auto attachment = c.NewAttachment();
    SKIFF_REQUIRE_OK(attachment, "create netns #" << i);
    attachments.push_back(*attachment);
  }
  std::vector<sdk::Result<sdk::NetworkResult>> results(kCount, sdk::Status::Unavailable("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kCount; ++i) {
    threads.emplace_back([&, i] { results[i] = c.network().Add(attachments[i]); });
  }
  for (auto& t : threads) t.join();
  std::map<std::string, int> owner;
  for (int i = 0; i < kCount; ++i) {
    SKIFF_REQUIRE_OK(results[i], "concurrent ADD #" << i);
    for (const auto& address : Addresses(*results[i])) {
      auto [it, fresh] = owner.emplace(address, i);
      SKIFF_EXPECT(fresh,
                   "address " << address << " given to both #" << it->second << " and #" << i);
    }
  }
  threads.clear();
  std::vector<sdk::Status> deleted(kCount);
  for (int i = 0; i < kCount; ++i) {
    threads.emplace_back([&, i] { deleted[i] = c.network().Del(attachments[i]); });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kCount; ++i) SKIFF_EXPECT_OK(deleted[i], "concurrent DEL #" << i);
}

void GCRemovesStale(NetworkContext& c) {
  auto kept = c.NewAttachment();
  SKIFF_REQUIRE_OK(kept, "create a netns");
  auto stale = c.NewAttachment();
  SKIFF_REQUIRE_OK(stale, "create a netns");
  SKIFF_REQUIRE_OK(c.network().Add(*kept), "ADD kept");
  SKIFF_REQUIRE_OK(c.network().Add(*stale), "ADD stale");
  SKIFF_REQUIRE_OK(c.network().GC({{kept->container_id, kept->ifname}}),
                   "GC with one valid attachment");
  SKIFF_EXPECT_OK(c.network().Check(*kept), "CHECK of an attachment GC was told to keep");
  SKIFF_EXPECT(!c.network().Check(*stale).ok(),
               "CHECK of an attachment GC should have removed still succeeds");
}

const std::vector<internal::Case<NetworkContext>>& NetworkCases() {
  static const std::vector<internal::Case<NetworkContext>> cases = {
      {"VersionAndStatus", &VersionAndStatus},
      {"AddReturnsAddressInNetns", &AddReturnsAddressInNetns},
      {"AddTwiceIsIdempotent", &AddTwiceIsIdempotent},
      {"DelUnknownSucceeds", &DelUnknownSucceeds},
      {"CheckAfterAdd", &CheckAfterAdd},
      {"ConcurrentAttachments", &ConcurrentAttachments},
      {"GCRemovesStale", &GCRemovesStale},
  };
  return cases;
}

}  // namespace

void RegisterNetworkSuite(NetworkFactory factory, NetworkSuiteOptions options,
                          const std::string& label) {
  internal::RegisterCases(internal::SuiteName("NetworkConformance", label), NetworkCases(),
                          std::move(factory), std::move(options));
}

}  // namespace skiff::conformance
