#include "plugins/bridge-cni/ipv4.h"

#include <arpa/inet.h>

#include <charconv>

namespace skiff::bridge_cni {

std::optional<Ipv4Address> Ipv4Address::Parse(std::string_view text) {
  std::string s(text);
  in_addr a{};
  if (inet_pton(AF_INET, s.c_str(), &a) != 1) return std::nullopt;
  return FromNetworkOrder(a.s_addr);
}

std::string Ipv4Address::ToString() const {
  char buf[INET_ADDRSTRLEN];
  in_addr a{};
  a.s_addr = NetworkOrder();
  inet_ntop(AF_INET, &a, buf, sizeof(buf));
  return buf;
}

uint32_t Ipv4Address::NetworkOrder() const { return htonl(value); }

Ipv4Address Ipv4Address::FromNetworkOrder(uint32_t be) { return Ipv4Address{ntohl(be)}; }

std::optional<Ipv4Prefix> Ipv4Prefix::Parse(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto addr = Ipv4Address::Parse(text.substr(0, slash));
  if (!addr) return std::nullopt;
  std::string_view len_text = text.substr(slash + 1);
  int len = -1;
  auto [end, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), len);
  if (ec != std::errc() || end != len_text.data() + len_text.size() || len < 0 || len > 32) {
    return std::nullopt;
  }
  return Ipv4Prefix{*addr, len};
}

std::string Ipv4Prefix::ToString() const {
  return address.ToString() + "/" + std::to_string(length);
}

uint32_t Ipv4Prefix::Mask() const { return length == 0 ? 0u : ~uint32_t{0} << (32 - length); }

Ipv4Address Ipv4Prefix::Network() const { return Ipv4Address{address.value & Mask()}; }

Ipv4Address Ipv4Prefix::Broadcast() const { return Ipv4Address{address.value | ~Mask()}; }

bool Ipv4Prefix::Contains(Ipv4Address a) const { return (a.value & Mask()) == Network().value; }

}  // namespace skiff::bridge_cni
