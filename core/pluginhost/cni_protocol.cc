#include "core/pluginhost/cni_protocol.h"

#include <boost/json.hpp>

namespace skiff::pluginhost {
namespace {

namespace json = boost::json;

bool VersionBefore1(std::string_view v) { return v.size() >= 2 && v.substr(0, 2) == "0."; }

json::array Strings(const std::vector<std::string>& v) {
  json::array a;
  for (const std::string& s : v) a.emplace_back(s);
  return a;
}

std::string StringAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::optional<int32_t> IntAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (auto i = v->if_int64()) return static_cast<int32_t>(*i);
  if (auto u = v->if_uint64()) return static_cast<int32_t>(*u);
  return std::nullopt;
}

std::vector<std::string> StringsAt(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(key);
  if (v && v->is_array()) {
    for (const json::value& e : v->get_array()) {
      if (e.is_string()) out.emplace_back(e.get_string());
    }
  }
  return out;
}

}  // namespace

std::string NetworkResultToJson(const sdk::NetworkResult& r, std::string_view cni_version) {
  json::object o;
  o["cniVersion"] = cni_version.empty() ? json::string(r.cni_version) : json::string(cni_version);
  json::array interfaces;
  for (const sdk::NetworkInterface& i : r.interfaces) {
    json::object j;
    j["name"] = i.name;
    if (!i.mac.empty()) j["mac"] = i.mac;
    if (i.mtu) j["mtu"] = *i.mtu;
    if (!i.sandbox.empty()) j["sandbox"] = i.sandbox;
    interfaces.push_back(std::move(j));
  }
  if (!interfaces.empty()) o["interfaces"] = std::move(interfaces);
  json::array ips;
  const bool legacy = VersionBefore1(cni_version);
  for (const sdk::IPConfig& ip : r.ips) {
    json::object j;
    if (legacy) j["version"] = ip.address.find(':') == std::string::npos ? "4" : "6";
    j["address"] = ip.address;
    if (!ip.gateway.empty()) j["gateway"] = ip.gateway;
    if (ip.interface) j["interface"] = *ip.interface;
    ips.push_back(std::move(j));
  }
  if (!ips.empty()) o["ips"] = std::move(ips);
  json::array routes;
  for (const sdk::Route& rt : r.routes) {
    json::object j;
    j["dst"] = rt.dst;
    if (!rt.gw.empty()) j["gw"] = rt.gw;
    if (rt.mtu) j["mtu"] = *rt.mtu;
    if (rt.priority) j["priority"] = *rt.priority;
    routes.push_back(std::move(j));
  }
  if (!routes.empty()) o["routes"] = std::move(routes);
  json::object dns;
  if (!r.dns.nameservers.empty()) dns["nameservers"] = Strings(r.dns.nameservers);
  if (!r.dns.domain.empty()) dns["domain"] = r.dns.domain;
  if (!r.dns.search.empty()) dns["search"] = Strings(r.dns.search);
  if (!r.dns.options.empty()) dns["options"] = Strings(r.dns.options);
  o["dns"] = std::move(dns);
  return json::serialize(o);
}

sdk::Result<sdk::NetworkResult> NetworkResultFromJson(std::string_view text) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec) return sdk::Status::InvalidArgument("CNI result is not JSON: " + ec.message());
  if (!doc.is_object()) return sdk::Status::InvalidArgument("CNI result is not a JSON object");
  const json::object& o = doc.get_object();
  sdk::NetworkResult r;
  r.cni_version = StringAt(o, "cniVersion");
  if (const json::value* v = o.if_contains("interfaces"); v && v->is_array()) {
    for (const json::value& e : v->get_array()) {
      if (!e.is_object()) return sdk::Status::InvalidArgument("CNI result: bad interfaces entry");
      const json::object& j = e.get_object();
      r.interfaces.push_back(
          {StringAt(j, "name"), StringAt(j, "mac"), IntAt(j, "mtu"), StringAt(j, "sandbox")});
    }
  }
  if (const json::value* v = o.if_contains("ips"); v && v->is_array()) {
    for (const json::value& e : v->get_array()) {
      if (!e.is_object()) return sdk::Status::InvalidArgument("CNI result: bad ips entry");
      const json::object& j = e.get_object();
      sdk::IPConfig ip{StringAt(j, "address"), StringAt(j, "gateway"), IntAt(j, "interface")};
      if (ip.address.empty()) return sdk::Status::InvalidArgument("CNI result: ip without address");
      r.ips.push_back(std::move(ip));
    }
  }
  if (const json::value* v = o.if_contains("routes"); v && v->is_array()) {
    for (const json::value& e : v->get_array()) {
      if (!e.is_object()) return sdk::Status::InvalidArgument("CNI result: bad routes entry");
      const json::object& j = e.get_object();
      r.routes.push_back(
          {StringAt(j, "dst"), StringAt(j, "gw"), IntAt(j, "mtu"), IntAt(j, "priority")});
    }
  }
  if (const json::value* v = o.if_contains("dns"); v && v->is_object()) {
    const json::object& d = v->get_object();
    r.dns.nameservers = StringsAt(d, "nameservers");
    r.dns.domain = StringAt(d, "domain");
    r.dns.search = StringsAt(d, "search");
    r.dns.options = StringsAt(d, "options");
  }
  return r;
}

std::string CniErrorToJson(const CniError& error, std::string_view cni_version) {
  json::object o;
  o["cniVersion"] = cni_version.empty() ? "1.0.0" : cni_version;
  o["code"] = error.code;
  o["msg"] = error.msg;
  if (!error.details.empty()) o["details"] = error.details;
  return json::serialize(o);
}

bool ParseCniError(std::string_view text, CniError* out) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object()) return false;
  const json::object& o = doc.get_object();
  auto code = IntAt(o, "code");
  if (!code) return false;
  out->code = *code;
  out->msg = StringAt(o, "msg");
  out->details = StringAt(o, "details");
  return true;
}

std::string VersionInfoToJson(const sdk::NetworkVersionInfo& info) {
  json::object o;
  o["cniVersion"] = info.cni_version;
  o["supportedVersions"] = Strings(info.supported_versions);
  return json::serialize(o);
}

sdk::Result<sdk::NetworkVersionInfo> VersionInfoFromJson(std::string_view text) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object()) return sdk::Status::InvalidArgument("CNI version info is not JSON");
  sdk::NetworkVersionInfo info;
  info.cni_version = StringAt(doc.get_object(), "cniVersion");
  info.supported_versions = StringsAt(doc.get_object(), "supportedVersions");
  if (info.supported_versions.empty()) {
    return sdk::Status::InvalidArgument("CNI version info lacks supportedVersions");
  }
  return info;
}

std::vector<std::pair<std::string, std::string>> ParseCniArgs(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!text.empty()) {
    size_t semi = text.find(';');
    std::string_view item = text.substr(0, semi);
    size_t eq = item.find('=');
    if (eq != std::string_view::npos && eq > 0) {
      out.emplace_back(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
    }
    if (semi == std::string_view::npos) break;
    text.remove_prefix(semi + 1);
  }
  return out;
}

std::string FormatCniArgs(const std::vector<std::pair<std::string, std::string>>& args) {
  std::string out;
  for (const auto& [k, v] : args) {
    if (!out.empty()) out += ';';
    out += k + "=" + v;
  }
  return out;
}

int CniCodeForStatus(const sdk::Status& status) {
  switch (status.code()) {
    case sdk::StatusCode::kOk:
      return 0;
    case sdk::StatusCode::kInvalidArgument:
      return kCniInvalidNetworkConfig;
    case sdk::StatusCode::kNotFound:
      return kCniContainerUnknown;
    case sdk::StatusCode::kUnavailable:
    case sdk::StatusCode::kDeadlineExceeded:
    case sdk::StatusCode::kAborted:
      return kCniTryAgainLater;
    case sdk::StatusCode::kUnimplemented:
      return kCniUnsupportedField;
    default:
      return kCniPluginSpecific;
  }
}

sdk::StatusCode StatusCodeForCni(int code) {
  switch (code) {
    case kCniIncompatibleVersion:
      return sdk::StatusCode::kFailedPrecondition;
    case kCniUnsupportedField:
    case kCniInvalidEnvironment:
    case kCniDecodeFailure:
    case kCniInvalidNetworkConfig:
      return sdk::StatusCode::kInvalidArgument;
    case kCniContainerUnknown:
      return sdk::StatusCode::kNotFound;
    case kCniTryAgainLater:
    case kCniPluginNotAvailable:
    case kCniLimitedConnectivity:
      return sdk::StatusCode::kUnavailable;
    default:
      return sdk::StatusCode::kInternal;
  }
}

}  // namespace skiff::pluginhost
