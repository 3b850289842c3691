#pragma once

// PodLogProxy: serves GET .../namespaces/{ns}/pods/{name}/log by asking the pod's node agent
// (GET http://<node InternalIP>:<kubeletEndpoint port>/containerLogs/{ns}/{pod}/{container})
// and relaying its answer as text/plain; with follow=true the relay streams until the agent
// or the client closes. Supported query: container, follow, tailLines, previous. Thread-safe;
// each request runs on its own short-lived thread (a log stream may last long).

#include <memory>
#include <string>

#include "core/apiserver/http_server.h"
#include "core/apiserver/registry.h"

namespace skiff::apiserver {

class PodLogProxy {
 public:
  explicit PodLogProxy(ObjectRegistry& registry);
  ~PodLogProxy();
  PodLogProxy(const PodLogProxy&) = delete;
  PodLogProxy& operator=(const PodLogProxy&) = delete;

  void Serve(const std::shared_ptr<HttpExchange>& exchange, const std::string& ns,
             const std::string& pod);

 private:
  struct State;
  void Relay(std::shared_ptr<HttpExchange> exchange, std::string host, std::string port,
             std::string target, bool follow);

  ObjectRegistry& registry_;
  std::shared_ptr<State> state_;
};

}  // namespace skiff::apiserver
