#pragma once

// The bridge plugin's network configuration, parsed from JSON. The same document works for
// skiff (the YAML `config` block) and as a CNI network config on stdin, so CNI's own keys
// (cniVersion, name, type, prevResult, ...) are accepted and unknown keys are ignored.
//
//   {"bridge":"skiff0","subnet":"10.88.0.0/16","dataDir":"/var/lib/skiff/ipam","mtu":1500,
//    "isGateway":true,"ipMasq":false,"gateway":"10.88.0.1","deferredDelete":true,
//    "dns":{"nameservers":[...]}}

#include <skiff/sdk/network_types.h>
#include <skiff/sdk/status.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "plugins/bridge-cni/ipv4.h"

namespace skiff::bridge_cni {

struct BridgeConfig {
  std::string cni_version;  // "" when not given (in-process use)
  std::string name;         // CNI network name, informational
  std::string bridge = "skiff0";
  Ipv4Prefix subnet = *Ipv4Prefix::Parse("10.88.0.0/16");
  Ipv4Address gateway;  // defaults to the first host address of the subnet
  std::string data_dir = "/var/lib/skiff/ipam";
  uint32_t mtu = 1500;
  // Give the bridge the gateway address and the pod a default route through it. No
  // ip_forward or NAT is configured either way: that would change host-wide state.
  bool is_gateway = true;
  // DEL retires the host veth (down, renamed) and deletes it in the background instead of
  // waiting out the kernel's RCU grace period per pod (see veth_reaper.h).
  bool deferred_delete = true;
  sdk::DNS dns;
  // A chained plugin's prevResult, when present (CHECK compares against it).
  std::optional<sdk::NetworkResult> prev_result;

  // The settings that decide which bridge, subnet and address store a call uses.
  bool SameNetwork(const BridgeConfig& other) const;
  // The IPAM directory: per bridge, since a bridge is one L2 domain whose addresses must not
  // repeat, whichever name or process configured it.
  std::string IpamDir() const { return data_dir + "/" + bridge; }
};

// InvalidArgument naming the offending key on any malformed or unsupported setting
// (ipMasq=true is unsupported: skiff configures no iptables).
sdk::Result<BridgeConfig> ParseBridgeConfig(std::string_view json);

}  // namespace skiff::bridge_cni
