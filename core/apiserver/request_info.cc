#include "core/apiserver/request_info.h"

#include <vector>

namespace skiff::apiserver {
namespace {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) parts.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return parts;
}

}  // namespace

RequestInfo ParseRequestInfo(std::string_view method, std::string_view path, bool watch_param) {
  RequestInfo info;
  std::vector<std::string> parts = SplitPath(path);
  std::size_t at = 0;
  if (parts.empty() || (parts[0] != "api" && parts[0] != "apis")) return info;
  info.api_prefix = parts[at++];
  if (info.api_prefix == "api") {
    if (parts.size() < 2) return info;
    info.version = parts[at++];
  } else {
    if (parts.size() < 3) return info;
    info.group = parts[at++];
    info.version = parts[at++];
  }
  bool legacy_watch = false;
  if (at < parts.size() && parts[at] == "watch") {
    legacy_watch = true;
    ++at;
  }
  if (at >= parts.size()) return info;  // a group-version discovery path
  info.is_resource_request = true;
  std::vector<std::string> rest(parts.begin() + at, parts.end());
  if (rest[0] == "namespaces") {
    if (rest.size() > 1) {
      info.ns = rest[1];
      if (rest.size() > 2 && rest[2] != "status" && rest[2] != "finalize") {
        rest.erase(rest.begin(), rest.begin() + 2);
      }
    }
  }
  info.resource = rest[0];
  if (rest.size() > 1) info.name = rest[1];
  if (rest.size() > 2) info.subresource = rest[2];
  // For namespaces themselves the "namespace" is the name.
  if (info.resource == "namespaces") info.ns.clear();

  if (method == "GET" || method == "HEAD") {
    info.verb = info.name.empty() ? (watch_param || legacy_watch ? "watch" : "list") : "get";
    if (legacy_watch && !info.name.empty()) info.verb = "watch";
  } else if (method == "POST") {
    info.verb = "create";
  } else if (method == "PUT") {
    info.verb = "update";
  } else if (method == "PATCH") {
    info.verb = "patch";
  } else if (method == "DELETE") {
    info.verb = info.name.empty() ? "deletecollection" : "delete";
  } else {
    info.verb = "unknown";
  }
  return info;
}

}  // namespace skiff::apiserver
