#pragma once

// Link operations over rtnetlink: look up, create a bridge, create a veth pair whose peer is
// born inside another network namespace, bring up, delete. Each is one request/ack.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/bridge-cni/netlink_socket.h"
#include "plugins/bridge-cni/sys_error.h"

namespace skiff::bridge_cni {

using MacAddress = std::array<uint8_t, 6>;

std::string MacToString(const MacAddress& mac);

struct LinkInfo {
  int index = 0;
  std::string name;
  std::string kind;  // IFLA_INFO_KIND: "bridge", "veth", ... (empty for plain devices)
  MacAddress mac{};
  uint32_t mtu = 0;
  int master = 0;  // index of the bridge this link is enslaved to, 0 if none
  bool up = false;
};

// ENODEV when there is no link of that name.
SysError GetLink(NetlinkSocket& nl, std::string_view name, LinkInfo* out);
SysError ListLinks(NetlinkSocket& nl, std::vector<LinkInfo>* out);

// Creates the bridge up, with `mac` fixed so it does not change as ports come and go.
// EEXIST if a link of that name exists.
SysError CreateBridge(NetlinkSocket& nl, std::string_view name, uint32_t mtu,
                      const MacAddress& mac);

struct VethSpec {
  std::string host_name;
  MacAddress host_mac{};
  int host_master = 0;  // bridge index: the host end is enslaved at creation
  std::string peer_name;
  MacAddress peer_mac{};
  int peer_netns_fd = -1;  // the peer is created directly inside this namespace
  uint32_t mtu = 1500;
};

// One request creates both ends, the host end up and on the bridge, the peer (down) in the
// pod's namespace under its final name (no rename or move afterwards).
SysError CreateVethPair(NetlinkSocket& nl, const VethSpec& spec);

SysError SetLinkUp(NetlinkSocket& nl, int index);
SysError DeleteLink(NetlinkSocket& nl, std::string_view name);  // ENODEV if missing

// Deleting a link costs a full RCU grace period in the kernel (tens of milliseconds on a busy
// machine), so the plugin can retire a link instead: set it down (no traffic), rename it
// out of the way and put it in `group`, for DeleteLinkGroup to remove many at once later.
SysError SetLinkDown(NetlinkSocket& nl, int index);
// Renames a link (which must be down) and moves it to `group`.
SysError RetireLink(NetlinkSocket& nl, int index, std::string_view new_name, uint32_t group);
// Deletes every link in `group` in one kernel batch; ENODEV if there is none.
SysError DeleteLinkGroup(NetlinkSocket& nl, uint32_t group);

}  // namespace skiff::bridge_cni
