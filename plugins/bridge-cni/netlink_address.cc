#include "plugins/bridge-cni/netlink_address.h"

#include <linux/if_addr.h>
#include <sys/socket.h>

namespace skiff::bridge_cni {

SysError AddAddress(NetlinkSocket& nl, int index, const Ipv4Prefix& address) {
  ifaddrmsg ifa{};
  ifa.ifa_family = AF_INET;
  ifa.ifa_prefixlen = static_cast<unsigned char>(address.length);
  ifa.ifa_scope = RT_SCOPE_UNIVERSE;
  ifa.ifa_index = static_cast<unsigned>(index);
  NetlinkMessage msg(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifa);
  uint32_t local = address.address.NetworkOrder();
  msg.PutAttr(IFA_LOCAL, &local, 4);
  msg.PutAttr(IFA_ADDRESS, &local, 4);
  if (address.length < 31) {
    uint32_t broadcast = address.Broadcast().NetworkOrder();
    msg.PutAttr(IFA_BROADCAST, &broadcast, 4);
  }
  return nl.Transact(msg, "add address");
}

SysError ListAddresses(NetlinkSocket& nl, int index, std::vector<Ipv4Prefix>* out) {
  ifaddrmsg ifa{};
  ifa.ifa_family = AF_INET;
  NetlinkMessage msg(RTM_GETADDR, 0, ifa);
  out->clear();
  return nl.Dump(msg, "list addresses", [&](const nlmsghdr* h) {
    if (h->nlmsg_type != RTM_NEWADDR) return;
    auto* got = static_cast<const ifaddrmsg*>(NLMSG_DATA(h));
    if (got->ifa_family != AF_INET) return;
    if (index != 0 && static_cast<int>(got->ifa_index) != index) return;
    ForEachAttrOf<ifaddrmsg>(h, [&](uint16_t type, const void* data, size_t len) {
      if (type == IFA_LOCAL && len == 4) {
        uint32_t be;
        std::memcpy(&be, data, 4);
        out->push_back(Ipv4Prefix{Ipv4Address::FromNetworkOrder(be), got->ifa_prefixlen});
      }
    });
  });
}

SysError AddRoute(NetlinkSocket& nl, const Ipv4Route& route) {
  rtmsg rt{};
  rt.rtm_family = AF_INET;
  rt.rtm_dst_len = static_cast<unsigned char>(route.destination.length);
  rt.rtm_table = RT_TABLE_MAIN;
  rt.rtm_protocol = RTPROT_BOOT;
  rt.rtm_scope = route.gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
  rt.rtm_type = RTN_UNICAST;
  NetlinkMessage msg(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, rt);
  uint32_t dst = route.destination.Network().NetworkOrder();
  if (route.destination.length > 0) msg.PutAttr(RTA_DST, &dst, 4);
  if (route.gateway) {
    uint32_t gw = route.gateway->NetworkOrder();
    msg.PutAttr(RTA_GATEWAY, &gw, 4);
  }
  if (route.out_index > 0) msg.PutU32(RTA_OIF, static_cast<uint32_t>(route.out_index));
  return nl.Transact(msg, "add route");
}

SysError ListRoutes(NetlinkSocket& nl, std::vector<Ipv4Route>* out) {
  rtmsg rt{};
  rt.rtm_family = AF_INET;
  NetlinkMessage msg(RTM_GETROUTE, 0, rt);
  out->clear();
  return nl.Dump(msg, "list routes", [&](const nlmsghdr* h) {
    if (h->nlmsg_type != RTM_NEWROUTE) return;
    auto* got = static_cast<const rtmsg*>(NLMSG_DATA(h));
    if (got->rtm_family != AF_INET || got->rtm_table != RT_TABLE_MAIN) return;
    Ipv4Route r;
    r.destination.length = got->rtm_dst_len;
    ForEachAttrOf<rtmsg>(h, [&](uint16_t type, const void* data, size_t len) {
      uint32_t v = 0;
      if (len == 4) std::memcpy(&v, data, 4);
      if (type == RTA_DST && len == 4) r.destination.address = Ipv4Address::FromNetworkOrder(v);
      if (type == RTA_GATEWAY && len == 4) r.gateway = Ipv4Address::FromNetworkOrder(v);
      if (type == RTA_OIF && len == 4) r.out_index = static_cast<int>(v);
    });
    out->push_back(r);
  });
}

}  // namespace skiff::bridge_cni
