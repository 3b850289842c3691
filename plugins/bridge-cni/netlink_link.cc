#include "plugins/bridge-cni/netlink_link.h"

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/veth.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>

namespace skiff::bridge_cni {
namespace {

ifinfomsg LinkHeader(int index = 0, unsigned flags = 0, unsigned change = 0) {
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  ifi.ifi_index = index;
  ifi.ifi_flags = flags;
  ifi.ifi_change = change;
  return ifi;
}

void ParseLink(const nlmsghdr* h, LinkInfo* out) {
  auto* ifi = static_cast<const ifinfomsg*>(NLMSG_DATA(h));
  out->index = ifi->ifi_index;
  out->up = (ifi->ifi_flags & IFF_UP) != 0;
  ForEachAttrOf<ifinfomsg>(h, [&](uint16_t type, const void* data, size_t len) {
    switch (type) {
      case IFLA_IFNAME:
        out->name.assign(static_cast<const char*>(data),
                         strnlen(static_cast<const char*>(data), len));
        break;
      case IFLA_ADDRESS:
        if (len == out->mac.size()) std::memcpy(out->mac.data(), data, len);
        break;
      case IFLA_MTU:
        if (len == 4) std::memcpy(&out->mtu, data, 4);
        break;
      case IFLA_MASTER:
        if (len == 4) std::memcpy(&out->master, data, 4);
        break;
      case IFLA_LINKINFO:
        ForEachAttr(data, len, [&](uint16_t t, const void* d, size_t l) {
          if (t == IFLA_INFO_KIND) {
            out->kind.assign(static_cast<const char*>(d), strnlen(static_cast<const char*>(d), l));
          }
        });
        break;
      default:
        break;
    }
  });
}

}  // namespace

std::string MacToString(const MacAddress& mac) {
  char buf[18];
  std::snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
                mac[4], mac[5]);
  return buf;
}

SysError GetLink(NetlinkSocket& nl, std::string_view name, LinkInfo* out) {
  NetlinkMessage msg(RTM_GETLINK, 0, LinkHeader());
  msg.PutString(IFLA_IFNAME, name);
  msg.PutU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);  // keeps the reply small
  bool found = false;
  SysError err = nl.Transact(msg, "get link", [&](const nlmsghdr* h) {
    if (h->nlmsg_type != RTM_NEWLINK) return;
    *out = LinkInfo{};
    ParseLink(h, out);
    found = true;
  });
  if (!err.ok()) return SysError(err.err(), "get link " + std::string(name));
  if (!found) return SysError(ENODEV, "get link " + std::string(name));
  return {};
}

SysError ListLinks(NetlinkSocket& nl, std::vector<LinkInfo>* out) {
  NetlinkMessage msg(RTM_GETLINK, 0, LinkHeader());
  msg.PutU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
  out->clear();
  return nl.Dump(msg, "list links", [&](const nlmsghdr* h) {
    if (h->nlmsg_type != RTM_NEWLINK) return;
    out->emplace_back();
    ParseLink(h, &out->back());
  });
}

SysError CreateBridge(NetlinkSocket& nl, std::string_view name, uint32_t mtu,
                      const MacAddress& mac) {
  NetlinkMessage msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, LinkHeader(0, IFF_UP, IFF_UP));
  msg.PutString(IFLA_IFNAME, name);
  msg.PutU32(IFLA_MTU, mtu);
  msg.PutAttr(IFLA_ADDRESS, mac.data(), mac.size());
  size_t info = msg.BeginNested(IFLA_LINKINFO);
  msg.PutString(IFLA_INFO_KIND, "bridge");
  msg.EndNested(info);
  return nl.Transact(msg, "create bridge");
}

SysError CreateVethPair(NetlinkSocket& nl, const VethSpec& spec) {
  NetlinkMessage msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, LinkHeader(0, IFF_UP, IFF_UP));
  msg.PutString(IFLA_IFNAME, spec.host_name);
  msg.PutU32(IFLA_MTU, spec.mtu);
  msg.PutAttr(IFLA_ADDRESS, spec.host_mac.data(), spec.host_mac.size());
  if (spec.host_master > 0) msg.PutU32(IFLA_MASTER, static_cast<uint32_t>(spec.host_master));
  size_t info = msg.BeginNested(IFLA_LINKINFO);
  msg.PutString(IFLA_INFO_KIND, "veth");
  size_t data = msg.BeginNested(IFLA_INFO_DATA);
  size_t peer = msg.BeginNested(VETH_INFO_PEER);
  // Not IFF_UP: the kernel configures the peer before pairing it, and opening an unpaired
  // veth fails (ENOTCONN). The caller brings it up from inside the namespace.
  ifinfomsg peer_header = LinkHeader();
  msg.PutRaw(&peer_header, sizeof(peer_header));
  msg.PutString(IFLA_IFNAME, spec.peer_name);
  msg.PutU32(IFLA_MTU, spec.mtu);
  msg.PutAttr(IFLA_ADDRESS, spec.peer_mac.data(), spec.peer_mac.size());
  if (spec.peer_netns_fd >= 0)
    msg.PutU32(IFLA_NET_NS_FD, static_cast<uint32_t>(spec.peer_netns_fd));
  msg.EndNested(peer);
  msg.EndNested(data);
  msg.EndNested(info);
  return nl.Transact(msg, "create veth pair");
}

SysError SetLinkUp(NetlinkSocket& nl, int index) {
  NetlinkMessage msg(RTM_NEWLINK, 0, LinkHeader(index, IFF_UP, IFF_UP));
  return nl.Transact(msg, "set link up");
}

SysError SetLinkDown(NetlinkSocket& nl, int index) {
  NetlinkMessage msg(RTM_NEWLINK, 0, LinkHeader(index, 0, IFF_UP));
  return nl.Transact(msg, "set link down");
}

SysError RetireLink(NetlinkSocket& nl, int index, std::string_view new_name, uint32_t group) {
  NetlinkMessage msg(RTM_NEWLINK, 0, LinkHeader(index));
  msg.PutString(IFLA_IFNAME, new_name);
  msg.PutU32(IFLA_GROUP, group);
  return nl.Transact(msg, "retire link");
}

SysError DeleteLinkGroup(NetlinkSocket& nl, uint32_t group) {
  NetlinkMessage msg(RTM_DELLINK, 0, LinkHeader());
  msg.PutU32(IFLA_GROUP, group);
  return nl.Transact(msg, "delete link group");
}

SysError DeleteLink(NetlinkSocket& nl, std::string_view name) {
  NetlinkMessage msg(RTM_DELLINK, 0, LinkHeader());
  msg.PutString(IFLA_IFNAME, name);
  return nl.Transact(msg, "delete link");
}

}  // namespace skiff::bridge_cni
