#pragma once

// The node agent's side of `kubectl exec` (what the kubelet's /exec/{ns}/{pod}/{container}
// does): the WebSocket session the API server's exec proxy forwards to it.
//   - Accepts the upgrade with subprotocol v5.channel.k8s.io or v4.channel.k8s.io (channels:
//     0 stdin, 1 stdout, 2 stderr, 3 status as a metav1.Status, 4 resize, v5: 255 close).
//   - Asks the runtime for a streaming URL (CRI Exec), dials it as a WebSocket client and
//     relays messages both ways until either side closes. When the runtime speaks only v4,
//     kubectl's v5 close message (stdin half-close) has no v4 form and is dropped.
//   - A runtime without a streaming server (Exec answers Unimplemented) still runs commands
//     without stdin and tty: through ExecSync, sending their stdout, stderr and exit status
//     once they end.
// A runtime error reaches kubectl as a channel-3 Failure Status with its message.

#include <skiff/sdk/runtime.h>

#include <memory>
#include <string>

#include "core/apiserver/http_server.h"

namespace boost::asio {
class io_context;
}

namespace skiff::agent {

struct ExecTarget {
  std::string ns, pod, container;
};

// Runs the session on `ioc` (one thread: apiserver::SessionThreads); takes ownership of
// connection.fd. `request` is the upgrade request as the agent's HTTP server parsed it.
void StartExecSession(boost::asio::io_context& ioc, apiserver::UpgradedConnection connection,
                      apiserver::HttpRequest request, ExecTarget target,
                      std::shared_ptr<sdk::RuntimeService> runtime);

}  // namespace skiff::agent
