#pragma once

// NodeRegistration: the agent's Node object — created on start (or taken over when it exists),
// with labels, taints, capacity/allocatable, addresses, the kubelet endpoint and nodeInfo
// naming the runtime; then its Ready condition, written when it changes and at least every
// `refresh` (the Lease is the frequent liveness signal). Not thread-safe: one caller (the
// agent's heartbeat timer).

#include <chrono>
#include <string>

#include "core/agent/agent_config.h"
#include "core/client/client.h"

namespace skiff::agent {

struct NodeIdentity {
  std::string runtime_name;  // from the runtime's Version()
  std::string runtime_version;
  int kubelet_port = 0;  // where this agent serves logs
};

class NodeRegistration {
 public:
  NodeRegistration(client::Client& client, const AgentConfig& config, NodeIdentity identity,
                   std::chrono::seconds refresh = std::chrono::seconds(60));

  // Creates or updates the Node; returns its uid.
  api::ApiResult<std::string> Register();
  // Writes the Ready condition (and heartbeat time) when it changed or `refresh` passed.
  api::ApiResult<bool> ReportReady(bool ready, const std::string& reason,
                                   const std::string& message);

  // The next ReportReady writes even when nothing changed: after the agent was stopped for a
  // while, the node lifecycle controller may have marked the node Unknown meanwhile.
  void ReportAgain() { last_report_ = {}; }

  // The Node object this agent would create (for tests).
  client::Object DesiredNode() const;

 private:
  client::Object DesiredStatus(bool ready, const std::string& reason,
                               const std::string& message) const;

  client::Client& client_;
  const AgentConfig& config_;
  const NodeIdentity identity_;
  const std::chrono::seconds refresh_;
  std::string ready_transition_;
  int last_ready_ = -1;  // -1 unknown, 0 false, 1 true
  std::chrono::steady_clock::time_point last_report_;
};

}  // namespace skiff::agent
