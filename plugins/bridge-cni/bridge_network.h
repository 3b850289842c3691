#pragma once

// One bridge network: a Linux bridge, its subnet and the address store. Does the work of
// ADD, DEL, CHECK, STATUS and GC for attachments to it. Thread-safe: calls for different
// attachments run concurrently; the IPAM store serialises only the address bookkeeping.

#include <skiff/sdk/network_types.h>
#include <skiff/sdk/status.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "plugins/bridge-cni/bridge_config.h"
#include "plugins/bridge-cni/ipam_store.h"
#include "plugins/bridge-cni/netlink_link.h"
#include "plugins/bridge-cni/netlink_socket.h"
#include "plugins/bridge-cni/veth_reaper.h"

namespace skiff::bridge_cni {

class BridgeNetwork {
 public:
  // Opens (creating if needed) the IPAM directory; touches no links yet.
  static sdk::Result<std::unique_ptr<BridgeNetwork>> Create(const BridgeConfig& config);

  sdk::Result<sdk::NetworkResult> Add(const sdk::NetworkAttachment& attachment);
  sdk::Status Del(const sdk::NetworkAttachment& attachment);
  // `prev_result`, when given, must list the attachment's address.
  sdk::Status Check(const sdk::NetworkAttachment& attachment,
                    const std::optional<sdk::NetworkResult>& prev_result);
  // Creates the bridge if missing; OK when an ADD could proceed.
  sdk::Status Ready();
  sdk::Status GC(const std::vector<sdk::AttachmentKey>& valid_attachments);

  const BridgeConfig& config() const { return config_; }

  // The host end of an attachment's veth pair: "skv" + 12 hex digits of a hash of the
  // bridge and the attachment, so DEL and GC find it without the pod's namespace, and two
  // networks (or two skiff instances) never contend for one name.
  static std::string HostVethName(const std::string& bridge, const std::string& container_id,
                                  const std::string& ifname);

 private:
  BridgeNetwork(BridgeConfig config, std::unique_ptr<IpamStore> ipam);

  struct BridgeState {
    int index = 0;
    MacAddress mac{};
  };
  // The bridge's index and MAC, creating and configuring it on first use or when `recheck`.
  sdk::Result<BridgeState> EnsureBridge(NetlinkSocket& host, bool recheck);
  // `*created` tells whether this call made the veth pair (so a failed ADD removes only
  // what it made).
  sdk::Result<sdk::NetworkResult> Wire(const sdk::NetworkAttachment& attachment,
                                       Ipv4Address address, NetlinkSocket& host, bool* created);
  std::string HostVeth(const std::string& container_id, const std::string& ifname) const {
    return HostVethName(config_.bridge, container_id, ifname);
  }
  // Removes the host end of an attachment (and with it the pod end): retired for the reaper
  // when deferred, else deleted now. OK if it does not exist.
  SysError RemoveHostVeth(NetlinkSocket& host, const std::string& name);
  sdk::NetworkResult MakeResult(const sdk::NetworkAttachment& attachment, Ipv4Address address,
                                const BridgeState& bridge, const MacAddress& host_mac,
                                const MacAddress& pod_mac) const;

  const BridgeConfig config_;
  const std::unique_ptr<IpamStore> ipam_;
  std::mutex bridge_mu_;  // guards bridge_ and its creation
  BridgeState bridge_;
  VethReaper reaper_;
};

}  // namespace skiff::bridge_cni
