#pragma once

// IPv4 addresses and routes over rtnetlink.

#include <optional>
#include <vector>

#include "plugins/bridge-cni/ipv4.h"
#include "plugins/bridge-cni/netlink_socket.h"
#include "plugins/bridge-cni/sys_error.h"

namespace skiff::bridge_cni {

// Adds `address` (host address + prefix length) to link `index`; EEXIST if already there.
SysError AddAddress(NetlinkSocket& nl, int index, const Ipv4Prefix& address);
// The IPv4 addresses on link `index` (all links if 0).
SysError ListAddresses(NetlinkSocket& nl, int index, std::vector<Ipv4Prefix>* out);

struct Ipv4Route {
  Ipv4Prefix destination;  // 0.0.0.0/0 for the default route
  std::optional<Ipv4Address> gateway;
  int out_index = 0;
};

// EEXIST if an identical route exists.
SysError AddRoute(NetlinkSocket& nl, const Ipv4Route& route);
// The routes of the main table.
SysError ListRoutes(NetlinkSocket& nl, std::vector<Ipv4Route>* out);

}  // namespace skiff::bridge_cni
