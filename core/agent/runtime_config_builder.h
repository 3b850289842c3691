#pragma once

// Translation of a Pod into CRI configs: the sandbox config (metadata, hostname, ports, DNS,
// labels carrying the pod's identity) and each container's config (command, args, env with
// valueFrom resolved, mounts, resources, log path). The labels are how a restarted agent finds
// what belongs to which pod.

#include <skiff/sdk/runtime_types.h>

#include <map>
#include <string>

#include "core/base/status.h"
#include "core/client/client.h"

namespace skiff::agent {

inline constexpr char kPodUidLabel[] = "io.kubernetes.pod.uid";
inline constexpr char kPodNameLabel[] = "io.kubernetes.pod.name";
inline constexpr char kPodNamespaceLabel[] = "io.kubernetes.pod.namespace";
inline constexpr char kContainerNameLabel[] = "io.kubernetes.container.name";

sdk::PodSandboxConfig BuildSandboxConfig(const client::Object& pod, const std::string& log_dir,
                                         uint32_t attempt);

struct ContainerInputs {
  const client::Object* pod = nullptr;
  const boost::json::object* container = nullptr;   // an entry of spec.(init)containers
  std::map<std::string, std::string> volume_paths;  // volume name -> host path
  std::string pod_ip;
  std::string host_ip;
  std::string node_name;
  uint32_t attempt = 0;
};

// Env valueFrom reads ConfigMaps and Secrets through `client`; a missing non-optional key is
// NotFound (the container then waits with CreateContainerConfigError).
Result<sdk::ContainerConfig> BuildContainerConfig(const ContainerInputs& in,
                                                  client::Client& client);

}  // namespace skiff::agent
