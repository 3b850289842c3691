#pragma once

// ContainerLogServer: the agent's HTTP endpoint for container logs,
//   GET /containerLogs/{namespace}/{pod}/{container}?follow=true&tailLines=N&previous=true
// answering the container's plain output read from its CRI log file (found through the
// runtime's container status). follow=true streams until the container stops or the client
// goes away. The API server's pods/{name}/log proxies here. Thread-safe.
//   GET /exec/{namespace}/{pod}/{container}?command=A&command=B&stdin=..&tty=.. (a WebSocket
// upgrade, which pods/{name}/exec forwards here) runs `kubectl exec` sessions, interactive or
// not, each on its own thread (exec_session.h); Stop ends them.

#include <skiff/sdk/runtime.h>

#include <memory>
#include <string>

#include "core/agent/executor.h"
#include "core/base/status.h"

namespace skiff::agent {

class ContainerLogServer {
 public:
  // port 0 picks a free one (see port()).
  static Result<std::unique_ptr<ContainerLogServer>> Start(
      const std::string& address, int port, std::shared_ptr<sdk::RuntimeService> runtime,
      Executor& executor);
  ~ContainerLogServer();
  int port() const;
  void Stop();

 private:
  struct Impl;
  explicit ContainerLogServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace skiff::agent
