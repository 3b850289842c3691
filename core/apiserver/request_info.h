#pragma once

// RequestInfo: what a Kubernetes REST path asks for, parsed the way the API server's request
// info factory does (namespaces/<ns>/status and /finalize are namespace subresources; the
// legacy /watch/ prefix is understood). Pure function.

#include <string>
#include <string_view>

namespace skiff::apiserver {

struct RequestInfo {
  bool is_resource_request = false;
  std::string verb;        // get list watch create update patch delete deletecollection
  std::string api_prefix;  // "api" or "apis"
  std::string group;
  std::string version;
  std::string ns;
  std::string resource;
  std::string name;
  std::string subresource;
};

// method: the HTTP method; watch_param: the request has watch=1/true.
RequestInfo ParseRequestInfo(std::string_view method, std::string_view path, bool watch_param);

}  // namespace skiff::apiserver
