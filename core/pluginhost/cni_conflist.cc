#include "core/pluginhost/cni_conflist.h"

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

namespace skiff::pluginhost {
namespace {

namespace json = boost::json;

sdk::Status Invalid(std::string_view why) {
  return sdk::Status::InvalidArgument("CNI network config: " + std::string(why));
}

std::vector<int> VersionParts(std::string_view v) {
  std::vector<int> parts;
  int n = 0;
  bool any = false;
  for (char c : v) {
    if (c >= '0' && c <= '9') {
      n = n * 10 + (c - '0');
      any = true;
    } else if (c == '.') {
      parts.push_back(n);
      n = 0;
      any = false;
    } else {
      break;
    }
  }
  if (any) parts.push_back(n);
  parts.resize(3, 0);
  return parts;
}

}  // namespace

bool CniVersionAtLeast(std::string_view version, std::string_view minimum) {
  return VersionParts(version) >= VersionParts(minimum);
}

sdk::Result<CniNetworkList> ParseCniNetworkList(std::string_view text) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec) return Invalid("not JSON: " + ec.message());
  if (!doc.is_object()) return Invalid("not a JSON object");
  const json::object& o = doc.get_object();
  CniNetworkList list;
  auto str = [&](const json::object& from, std::string_view key) -> std::string {
    const json::value* v = from.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  auto flag = [&](std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v && v->is_bool() && v->get_bool();
  };
  list.name = str(o, "name");
  list.cni_version = str(o, "cniVersion");
  list.disable_check = flag("disableCheck");
  list.disable_gc = flag("disableGC");
  if (list.name.empty()) return Invalid("\"name\" is required");
  if (list.cni_version.empty()) return Invalid("\"cniVersion\" is required");
  if (const json::value* plugins = o.if_contains("plugins")) {
    if (!plugins->is_array() || plugins->get_array().empty()) {
      return Invalid("\"plugins\" must be a non-empty array");
    }
    for (const json::value& p : plugins->get_array()) {
      if (!p.is_object()) return Invalid("each entry of \"plugins\" must be an object");
      list.plugins.push_back({str(p.get_object(), "type"), json::serialize(p)});
    }
  } else {
    list.plugins.push_back({str(o, "type"), json::serialize(o)});  // a single .conf
  }
  for (const CniPluginConf& p : list.plugins) {
    if (p.type.empty()) return Invalid("a plugin has no \"type\"");
    if (p.type.find('/') != std::string::npos || p.type == "." || p.type == "..") {
      return Invalid("plugin type \"" + p.type + "\" is not a binary name");
    }
  }
  return list;
}

sdk::Result<CniNetworkList> LoadCniNetworkList(const std::string& path) {
  std::ifstream in(path);
  if (!in) return sdk::Status::NotFound("CNI network config " + path + " cannot be read");
  std::stringstream buf;
  buf << in.rdbuf();
  auto list = ParseCniNetworkList(buf.str());
  if (!list.ok()) {
    return sdk::Status(list.status().code(), path + ": " + std::string(list.status().message()));
  }
  return list;
}

std::string CniPluginInput(const CniNetworkList& list, const CniPluginConf& plugin,
                           std::string_view prev_result_json, std::string_view extra_json) {
  json::object conf = json::parse(plugin.json).as_object();
  conf["name"] = list.name;
  conf["cniVersion"] = list.cni_version;
  if (!prev_result_json.empty()) {
    boost::system::error_code ec;
    json::value prev = json::parse(prev_result_json, ec);
    if (!ec) conf["prevResult"] = std::move(prev);
  }
  if (!extra_json.empty()) {
    boost::system::error_code ec;
    json::value extra = json::parse(extra_json, ec);
    if (!ec && extra.is_object()) {
      for (auto& kv : extra.get_object()) conf[kv.key()] = kv.value();
    }
  }
  return json::serialize(conf);
}

}  // namespace skiff::pluginhost
