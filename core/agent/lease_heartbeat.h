#pragma once

// LeaseHeartbeat: the node's coordination.k8s.io/v1 Lease in kube-node-lease, renewed on each
// Beat() (the agent calls it every heartbeat period). The node lifecycle controller reads
// renewTime to decide the node is alive. Not thread-safe: one caller.

#include <string>

#include "core/client/client.h"

namespace skiff::agent {

class LeaseHeartbeat {
 public:
  LeaseHeartbeat(client::Client& client, std::string node_name, std::string node_uid,
                 int duration_seconds = 40);
  // Creates the Lease the first time, then moves renewTime forward.
  api::ApiResult<client::Object> Beat();

 private:
  client::Client& client_;
  const std::string node_name_;
  const std::string node_uid_;
  const int duration_seconds_;
  bool exists_ = false;
};

}  // namespace skiff::agent
