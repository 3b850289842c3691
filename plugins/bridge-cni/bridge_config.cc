#include "plugins/bridge-cni/bridge_config.h"

#include <boost/json.hpp>

#include "plugins/bridge-cni/ipam_store.h"

namespace skiff::bridge_cni {
namespace {

namespace json = boost::json;

sdk::Status Invalid(std::string_view key, std::string_view why) {
  return sdk::Status::InvalidArgument("bridge config: \"" + std::string(key) + "\" " +
                                      std::string(why));
}

// Reads an optional string key; false (with *status set) if present with another type.
bool GetString(const json::object& o, std::string_view key, std::string* out, sdk::Status* status) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return true;
  if (!v->is_string()) {
    *status = Invalid(key, "must be a string");
    return false;
  }
  *out = std::string(v->get_string());
  return true;
}

bool GetBool(const json::object& o, std::string_view key, bool* out, sdk::Status* status) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return true;
  if (!v->is_bool()) {
    *status = Invalid(key, "must be a boolean");
    return false;
  }
  *out = v->get_bool();
  return true;
}

bool GetStrings(const json::object& o, std::string_view key, std::vector<std::string>* out,
                sdk::Status* status) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return true;
  if (!v->is_array()) {
    *status = Invalid(key, "must be an array of strings");
    return false;
  }
  for (const json::value& e : v->get_array()) {
    if (!e.is_string()) {
      *status = Invalid(key, "must be an array of strings");
      return false;
    }
    out->emplace_back(e.get_string());
  }
  return true;
}

// Only what CHECK needs from a prevResult: the addresses.
std::optional<sdk::NetworkResult> ParsePrevResult(const json::value& v) {
  if (!v.is_object()) return std::nullopt;
  sdk::NetworkResult r;
  if (const json::value* ips = v.get_object().if_contains("ips"); ips && ips->is_array()) {
    for (const json::value& ip : ips->get_array()) {
      if (!ip.is_object()) continue;
      sdk::IPConfig c;
      if (auto* a = ip.get_object().if_contains("address"); a && a->is_string()) {
        c.address = std::string(a->get_string());
      }
      if (auto* g = ip.get_object().if_contains("gateway"); g && g->is_string()) {
        c.gateway = std::string(g->get_string());
      }
      r.ips.push_back(std::move(c));
    }
  }
  return r;
}

}  // namespace

bool BridgeConfig::SameNetwork(const BridgeConfig& other) const {
  return bridge == other.bridge && subnet == other.subnet && gateway == other.gateway &&
         data_dir == other.data_dir && mtu == other.mtu && is_gateway == other.is_gateway;
}

sdk::Result<BridgeConfig> ParseBridgeConfig(std::string_view text) {
  BridgeConfig c;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) text = "{}";
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec) return sdk::Status::InvalidArgument("bridge config: not JSON: " + ec.message());
  if (!doc.is_object()) return sdk::Status::InvalidArgument("bridge config: not a JSON object");
  const json::object& o = doc.get_object();
  sdk::Status status;
  std::string subnet, gateway;
  bool ip_masq = false;
  if (!GetString(o, "cniVersion", &c.cni_version, &status) ||
      !GetString(o, "name", &c.name, &status) || !GetString(o, "bridge", &c.bridge, &status) ||
      !GetString(o, "subnet", &subnet, &status) || !GetString(o, "gateway", &gateway, &status) ||
      !GetString(o, "dataDir", &c.data_dir, &status) ||
      !GetBool(o, "isGateway", &c.is_gateway, &status) ||
      !GetBool(o, "ipMasq", &ip_masq, &status) ||
      !GetBool(o, "deferredDelete", &c.deferred_delete, &status)) {
    return status;
  }
  if (!ValidIfname(c.bridge)) return Invalid("bridge", "is not a valid interface name");
  if (!subnet.empty()) {
    auto p = Ipv4Prefix::Parse(subnet);
    if (!p) return Invalid("subnet", "must be an IPv4 CIDR like 10.88.0.0/16");
    c.subnet = *p;
  }
  if (c.subnet.length > 30) return Invalid("subnet", "must be /30 or larger");
  c.subnet.address = c.subnet.Network();
  c.gateway = Ipv4Address{c.subnet.Network().value + 1};
  if (!gateway.empty()) {
    auto g = Ipv4Address::Parse(gateway);
    if (!g || !c.subnet.Contains(*g) || *g == c.subnet.Network() || *g == c.subnet.Broadcast()) {
      return Invalid("gateway", "must be a host address inside the subnet");
    }
    c.gateway = *g;
  }
  if (c.data_dir.empty() || c.data_dir[0] != '/') return Invalid("dataDir", "must be absolute");
  if (const json::value* mtu = o.if_contains("mtu"); mtu && !mtu->is_null()) {
    auto n = mtu->if_int64();
    if (!n || *n < 68 || *n > 65535) return Invalid("mtu", "must be an integer in 68..65535");
    c.mtu = static_cast<uint32_t>(*n);
  }
  if (ip_masq) return Invalid("ipMasq", "true is not supported (skiff configures no iptables)");
  if (const json::value* dns = o.if_contains("dns"); dns && !dns->is_null()) {
    if (!dns->is_object()) return Invalid("dns", "must be an object");
    const json::object& d = dns->get_object();
    if (!GetStrings(d, "nameservers", &c.dns.nameservers, &status) ||
        !GetString(d, "domain", &c.dns.domain, &status) ||
        !GetStrings(d, "search", &c.dns.search, &status) ||
        !GetStrings(d, "options", &c.dns.options, &status)) {
      return status;
    }
  }
  if (const json::value* prev = o.if_contains("prevResult")) c.prev_result = ParsePrevResult(*prev);
  return c;
}

}  // namespace skiff::bridge_cni
