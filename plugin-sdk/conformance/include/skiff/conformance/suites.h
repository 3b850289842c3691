#pragma once

// Conformance suites as GoogleTest cases any implementation runs, parameterized by a factory
// (like containerd's snapshotter testsuite). Register before RUN_ALL_TESTS; each case calls
// the factory for a fresh instance and cleans up what it created, so a factory may also hand
// out clients of one long-lived plugin (a sidecar). Cases are named
// RuntimeConformance.<Case>, NetworkConformance.<Case>, StorageConformance.<Case>
// (suite "<Suite>/<label>" when a label is given, to run several plugins in one binary).

#include <skiff/sdk/network.h>
#include <skiff/sdk/runtime.h>
#include <skiff/sdk/status.h>
#include <skiff/sdk/storage.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace skiff::conformance {

using RuntimeFactory = std::function<sdk::Result<std::shared_ptr<sdk::RuntimeService>>()>;
using NetworkFactory = std::function<sdk::Result<std::shared_ptr<sdk::NetworkPlugin>>()>;
using StorageFactory = std::function<sdk::Result<std::shared_ptr<sdk::StoragePlugin>>()>;

struct RuntimeSuiteOptions {
  std::string image = "docker.io/library/busybox:1.36";  // must be pullable
  std::vector<std::string> command = {"sleep", "3600"};  // keeps a container running
};

struct NetworkSuiteOptions {
  // Makes a network namespace for a container and returns its path. Default: a named netns
  // (as `ip netns add`) under /var/run/netns.
  std::function<sdk::Result<std::string>(const std::string& container_id)> create_netns;
  std::function<void(const std::string& netns_path)> destroy_netns;
  std::string ifname = "eth0";
};

struct StorageSuiteOptions {
  // Where target and staging paths are made; "" = a fresh directory under /tmp.
  std::string scratch_dir;
  int64_t volume_bytes = 16 << 20;
};

void RegisterRuntimeSuite(RuntimeFactory factory, RuntimeSuiteOptions options = {},
                          const std::string& label = "");
void RegisterNetworkSuite(NetworkFactory factory, NetworkSuiteOptions options = {},
                          const std::string& label = "");
void RegisterStorageSuite(StorageFactory factory, StorageSuiteOptions options = {},
                          const std::string& label = "");

}  // namespace skiff::conformance
