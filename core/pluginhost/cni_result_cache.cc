#include "core/pluginhost/cni_result_cache.h"

#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace skiff::pluginhost {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

std::optional<CniCachedAttachment> ReadEntry(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream buf;
  buf << in.rdbuf();
  boost::system::error_code ec;
  json::value doc = json::parse(buf.str(), ec);
  if (ec || !doc.is_object()) return std::nullopt;
  const json::object& o = doc.get_object();
  auto str = [&](std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  CniCachedAttachment e{str("networkName"), str("containerId"), str("ifName"), str("netns"), {}};
  if (const json::value* r = o.if_contains("result")) e.result_json = json::serialize(*r);
  if (e.container_id.empty() || e.ifname.empty()) return std::nullopt;
  return e;
}

}  // namespace

std::string CniResultCache::PathFor(const std::string& network, const std::string& container_id,
                                    const std::string& ifname) const {
  return dir_ + "/" + network + "-" + container_id + "-" + ifname;
}

sdk::Status CniResultCache::Put(const CniCachedAttachment& entry) const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return sdk::Status::Internal("CNI cache " + dir_ + ": " + ec.message());
  json::object o;
  o["kind"] = "cniCacheV1";
  o["networkName"] = entry.network;
  o["containerId"] = entry.container_id;
  o["ifName"] = entry.ifname;
  o["netns"] = entry.netns;
  boost::system::error_code jec;
  json::value result = json::parse(entry.result_json, jec);
  if (!jec) o["result"] = std::move(result);
  std::string path = PathFor(entry.network, entry.container_id, entry.ifname);
  static std::atomic<unsigned> counter{0};
  std::string tmp = path + ".tmp" + std::to_string(getpid()) + "." + std::to_string(++counter);
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << json::serialize(o);
    if (!out.flush()) {
      fs::remove(tmp, ec);
      return sdk::Status::Internal("CNI cache: cannot write " + tmp);
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return sdk::Status::Internal("CNI cache: cannot rename to " + path);
  }
  return {};
}

std::optional<CniCachedAttachment> CniResultCache::Get(const std::string& network,
                                                       const std::string& container_id,
                                                       const std::string& ifname) const {
  return ReadEntry(PathFor(network, container_id, ifname));
}

sdk::Status CniResultCache::Remove(const std::string& network, const std::string& container_id,
                                   const std::string& ifname) const {
  std::error_code ec;
  fs::remove(PathFor(network, container_id, ifname), ec);
  if (ec) return sdk::Status::Internal("CNI cache: " + ec.message());
  return {};
}

std::vector<CniCachedAttachment> CniResultCache::List(const std::string& network) const {
  std::vector<CniCachedAttachment> out;
  std::error_code ec;
  for (const auto& ent : fs::directory_iterator(dir_, ec)) {
    std::string name = ent.path().filename().string();
    if (name.rfind(network + "-", 0) != 0 || name.find(".tmp") != std::string::npos) continue;
    auto e = ReadEntry(ent.path());
    if (e && e->network == network) out.push_back(std::move(*e));
  }
  return out;
}

}  // namespace skiff::pluginhost
