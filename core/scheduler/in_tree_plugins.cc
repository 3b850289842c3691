// The in-tree plugins, by the names kube-scheduler uses for them. One explicit list, so
// what a build contains is plain to read (no static-initialisation registration).

#include <spdlog/spdlog.h>

#include "core/scheduler/plugin_registry.h"
#include "core/scheduler/plugins/plugins.h"

namespace skiff::scheduler {

PluginRegistry InTreeRegistry() {
  PluginRegistry r;
  const std::pair<const char*, PluginFactory> plugins[] = {
      {"NodeUnschedulable", plugins::NewNodeUnschedulable},
      {"NodeName", plugins::NewNodeName},
      {"NodeResourcesFit", plugins::NewNodeResourcesFit},
      {"NodeResourcesBalancedAllocation", plugins::NewBalancedAllocation},
      {"NodeAffinity", plugins::NewNodeAffinity},
      {"TaintToleration", plugins::NewTaintToleration},
      {"NodePorts", plugins::NewNodePorts},
      {"PodTopologySpread", plugins::NewPodTopologySpread},
      {"InterPodAffinity", plugins::NewInterPodAffinity},
      {"VolumeBinding", plugins::NewVolumeBinding},
      {"DefaultBinder", plugins::NewDefaultBinder},
  };
  for (const auto& [name, factory] : plugins) {
    if (Status s = r.Register(name, factory); !s.ok()) spdlog::error("{}", s.message());
  }
  return r;
}

}  // namespace skiff::scheduler
