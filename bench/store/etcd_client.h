#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "bench/store/write_load.h"
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
  // A closed loop of `writers` concurrent Puts kept in flight by one completion-queue thread
  // (gRPC's async API), so the client spends as little CPU as possible; see RunWriteLoad.
  WriteLoadResult RunAsyncPutLoad(int writers, std::chrono::milliseconds warmup,
                                  std::chrono::milliseconds measure, const std::string& value);
  // Retries a Put until etcd answers or `timeout` passes.
  Status WaitReady(std::chrono::seconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace skiff::bench
