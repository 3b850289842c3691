#pragma once

// PodExecProxy: serves .../namespaces/{ns}/pods/{name}/exec (`kubectl exec`, interactive or
// not) as an upgrade-aware proxy: kubectl's WebSocket upgrade request goes on to the pod's node
// agent (GET http://<node InternalIP>:<kubelet port>/exec/{ns}/{pod}/{container}?<the same
// query>), which owns the WebSocket session (core/agent/exec_session.h); from then on bytes
// are spliced both ways until either side closes. Thread-safe; each session runs on its own
// thread (SessionThreads), at most kMaxSessions at once.

#include <memory>
#include <string>

#include "core/apiserver/http_server.h"
#include "core/apiserver/registry.h"
#include "core/apiserver/session_threads.h"

namespace skiff::apiserver {

class PodExecProxy {
 public:
  static constexpr int kMaxSessions = 64;

  explicit PodExecProxy(ObjectRegistry& registry);
  ~PodExecProxy();  // ends the sessions still running
  PodExecProxy(const PodExecProxy&) = delete;
  PodExecProxy& operator=(const PodExecProxy&) = delete;

  void Serve(const std::shared_ptr<HttpExchange>& exchange, const std::string& ns,
             const std::string& pod);

 private:
  ObjectRegistry& registry_;
  std::unique_ptr<SessionThreads> sessions_;
};

// Relays an upgraded connection: connects to host:port, sends `request` (the upgrade request
// as the agent must see it) and client.buffered, then splices bytes both ways until both sides
// have closed (or one fails). When the agent cannot be reached, the client gets a 503 Status.
// Runs on `ioc`; takes ownership of client.fd.
void SpliceUpgrade(boost::asio::io_context& ioc, UpgradedConnection client, std::string host,
                   std::string port, std::string request);

}  // namespace skiff::apiserver
