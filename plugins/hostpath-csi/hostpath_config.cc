#include "plugins/hostpath-csi/hostpath_config.h"

#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace skiff::hostpath {
namespace {

sdk::Status ReadSize(const boost::json::value& value, const char* key, int64_t& out) {
  if (!value.is_int64() && !value.is_uint64()) {
    return sdk::Status::InvalidArgument(std::string(key) + " must be an integer");
  }
  out = value.is_int64() ? value.as_int64() : static_cast<int64_t>(value.as_uint64());
  if (out < 0) return sdk::Status::InvalidArgument(std::string(key) + " must not be negative");
  return sdk::Status::Ok();
}

}  // namespace

sdk::Result<HostpathConfig> ParseHostpathConfig(const std::string& json) {
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(json.empty() ? "{}" : json, ec);
  if (ec) return sdk::Status::InvalidArgument("hostpath config is not JSON: " + ec.message());
  if (!root.is_object()) return sdk::Status::InvalidArgument("hostpath config must be an object");
  HostpathConfig config;
  for (const auto& [key, value] : root.as_object()) {
    if (key == "root" || key == "nodeId") {
      if (!value.is_string() || value.as_string().empty()) {
        return sdk::Status::InvalidArgument(std::string(key) + " must be a non-empty string");
      }
      (key == "root" ? config.root : config.node_id) = value.as_string().c_str();
    } else if (key == "capacityBytes") {
      if (sdk::Status st = ReadSize(value, "capacityBytes", config.capacity_bytes); !st.ok()) {
        return st;
      }
    } else if (key == "maxVolumesPerNode") {
      if (sdk::Status st = ReadSize(value, "maxVolumesPerNode", config.max_volumes_per_node);
          !st.ok()) {
        return st;
      }
    } else {
      return sdk::Status::InvalidArgument(
          "hostpath config: unknown key \"" + std::string(key) +
          "\" (known: root, capacityBytes, nodeId, maxVolumesPerNode)");
    }
  }
  if (config.node_id.empty()) {
    char host[256] = {};
    gethostname(host, sizeof(host) - 1);
    config.node_id = host;
  }
  return config;
}

}  // namespace skiff::hostpath
