#pragma once

// PodExecProxy: serves .../namespaces/{ns}/pods/{name}/exec for non-interactive commands
// (`kubectl exec POD -- CMD`). The client's WebSocket upgrade (subprotocol v5.channel.k8s.io or
// v4.channel.k8s.io) is accepted here; the command runs through the pod's node agent
// (POST http://<node InternalIP>:<kubelet port>/exec/{ns}/{pod}/{container}?command=...,
// backed by the runtime's ExecSync), and its stdout, stderr and exit status go back as channel
// messages 1, 2 and 3 before a normal close. stdin and tty are refused. Thread-safe; each
// request runs on its own short-lived thread.

#include <memory>
#include <string>

#include "core/apiserver/http_server.h"
#include "core/apiserver/registry.h"

namespace skiff::apiserver {

class PodExecProxy {
 public:
  explicit PodExecProxy(ObjectRegistry& registry);
  ~PodExecProxy();
  PodExecProxy(const PodExecProxy&) = delete;
  PodExecProxy& operator=(const PodExecProxy&) = delete;

  void Serve(const std::shared_ptr<HttpExchange>& exchange, const std::string& ns,
             const std::string& pod);

 private:
  struct State;
  ObjectRegistry& registry_;
  std::shared_ptr<State> state_;
};

// One unmasked WebSocket frame from a server (exposed for tests).
std::string WebSocketFrame(unsigned char opcode, std::string_view payload);

// The Sec-WebSocket-Accept value for a client's Sec-WebSocket-Key (RFC 6455).
std::string WebSocketAccept(std::string_view key);

}  // namespace skiff::apiserver
