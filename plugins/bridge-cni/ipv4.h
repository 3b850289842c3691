#pragma once

// IPv4 addresses and prefixes as host-order integers: the plugin does arithmetic on them
// (n-th host of a subnet, gateway, broadcast) and only converts to bytes at the netlink edge.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skiff::bridge_cni {

struct Ipv4Address {
  uint32_t value = 0;  // host byte order

  static std::optional<Ipv4Address> Parse(std::string_view text);
  std::string ToString() const;
  uint32_t NetworkOrder() const;
  static Ipv4Address FromNetworkOrder(uint32_t be);
  friend bool operator==(Ipv4Address, Ipv4Address) = default;
  friend auto operator<=>(Ipv4Address, Ipv4Address) = default;
};

struct Ipv4Prefix {
  Ipv4Address address;  // may have host bits set ("10.1.0.5/16" names a host in a subnet)
  int length = 0;

  static std::optional<Ipv4Prefix> Parse(std::string_view text);  // "a.b.c.d/len"
  std::string ToString() const;
  uint32_t Mask() const;
  Ipv4Address Network() const;
  Ipv4Address Broadcast() const;
  bool Contains(Ipv4Address a) const;
  friend bool operator==(Ipv4Prefix, Ipv4Prefix) = default;
};

}  // namespace skiff::bridge_cni
