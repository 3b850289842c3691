#pragma once

// AgentConfig: everything `skiff agent` reads from its YAML file apart from `plugins:`
// (see core/pluginhost/plugin_set.h). Plain value.
//
//   nodeName: node-a                  # default: the host name
//   rootDir: /var/lib/skiff/agent     # pod volumes, container logs, agent state
//   address: 127.0.0.1                # InternalIP reported on the Node; the log server binds it
//   kubeletPort: 10250                # 0 = pick a free port
//   labels: { disk: ssd }
//   taints: [ { key: dedicated, value: gpu, effect: NoSchedule } ]
//   capacity: { cpu: "4", memory: 8Gi, pods: "110" }   # default: the machine's
//   heartbeatSeconds: 10
//   crashLoopBackOff: { initialSeconds: 10, maxSeconds: 300 }
//   podWorkerThreads: 4

#include <boost/json/array.hpp>
#include <chrono>
#include <map>
#include <string>

#include "core/base/status.h"

namespace skiff::agent {

struct AgentConfig {
  std::string node_name;
  std::string root_dir;
  std::string address = "127.0.0.1";
  int kubelet_port = 10250;
  std::map<std::string, std::string> labels;
  boost::json::array taints;
  std::map<std::string, std::string> capacity;  // cpu, memory, pods (Kubernetes quantities)
  std::chrono::seconds heartbeat{10};
  std::chrono::milliseconds backoff_initial{10'000};
  std::chrono::milliseconds backoff_max{300'000};
  std::chrono::milliseconds pleg_period{1'000};
  // Executor threads that run tasks; more start while these wait on runtime/plugin calls.
  int worker_threads = 4;
  // Hollow nodes do not serve logs and do not touch the filesystem.
  bool hollow = false;
};

// Parses a whole config document (the `plugins:` block is ignored here). Missing fields
// keep their defaults; node_name defaults to the host name.
Result<AgentConfig> ParseAgentConfig(const std::string& yaml_text);

// The machine's cpu count, memory and a pods limit of 110, as Kubernetes quantities.
std::map<std::string, std::string> MachineCapacity();

}  // namespace skiff::agent
