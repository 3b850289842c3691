#pragma once

// What the pods/{name}/log and pods/{name}/exec relays share: finding the node agent that runs
// a pod (its Node's InternalIP and kubelet endpoint port) and the small HTTP pieces of talking
// to it.

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "core/api/api_result.h"
#include "core/apiserver/http_server.h"
#include "core/apiserver/registry.h"

namespace skiff::apiserver {

struct PodAgent {
  boost::json::object pod;
  std::string host;  // the node's InternalIP
  std::string port;  // its kubelet endpoint port
};

// The pod `ns/name` and where its agent listens. BadRequest when the pod is not bound to a
// node or the node reports no address and port; NotFound when the pod or node is gone.
api::ApiResult<PodAgent> FindPodAgent(ObjectRegistry& registry, const std::string& ns,
                                      const std::string& name);

// Percent-encodes one path segment or query value of an agent URL.
std::string EncodeUrlComponent(std::string_view s);

// A Kubernetes Status response for `error`.
HttpResponse StatusResponse(const api::ApiError& error);

}  // namespace skiff::apiserver
