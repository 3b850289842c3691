#include "core/apiserver/pod_agent.h"

#include <boost/json.hpp>
#include <cctype>

#include "core/api/json_fields.h"

namespace skiff::apiserver {

namespace json = boost::json;

api::ApiResult<PodAgent> FindPodAgent(ObjectRegistry& registry, const std::string& ns,
                                      const std::string& name) {
  const api::KindRegistry& kinds = registry.kinds();
  auto pod = registry.Get(*kinds.ByResource("", "v1", "pods"), ns, name);
  if (!pod.ok()) return pod.error();
  std::string node_name(api::GetString(*pod, "spec.nodeName"));
  if (node_name.empty()) {
    return api::ApiError::BadRequest("pod " + name + " does not have a host assigned");
  }
  auto node = registry.Get(*kinds.ByResource("", "v1", "nodes"), "", node_name);
  if (!node.ok()) return node.error();
  PodAgent agent;
  if (const json::array* addrs = api::FindArray(*node, "status.addresses")) {
    for (const auto& a : *addrs) {
      if (api::GetString(a.as_object(), "type") == "InternalIP") {
        agent.host = std::string(api::GetString(a.as_object(), "address"));
      }
    }
  }
  auto port = api::GetInt(*node, "status.daemonEndpoints.kubeletEndpoint.Port");
  if (agent.host.empty() || !port || *port <= 0) {
    return api::ApiError::BadRequest("node " + node_name +
                                     " does not report an InternalIP and kubelet port");
  }
  agent.port = std::to_string(*port);
  agent.pod = std::move(*pod);
  return agent;
}

std::string EncodeUrlComponent(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

HttpResponse StatusResponse(const api::ApiError& error) {
  HttpResponse r;
  r.status = error.code;
  r.body = json::serialize(error.ToStatus());
  return r;
}

}  // namespace skiff::apiserver
