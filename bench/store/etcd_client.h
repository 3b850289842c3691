#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "core/base/status.h"

namespace skiff::bench {

// Writes to a real etcd through its gRPC KV API (etcdserverpb.KV/Put), spreading callers over
// `connections` HTTP/2 connections. Thread-safe.
class EtcdKvClient {
 public:
  EtcdKvClient(const std::string& endpoint, int connections);
  ~EtcdKvClient();

  // Puts through the connection `lane` % connections.
  Status Put(int lane, std::string_view key, std::string_view value);
  // Retries a Put until etcd answers or `timeout` passes.
  Status WaitReady(std::chrono::seconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace skiff::bench
