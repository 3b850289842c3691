#pragma once

// Factories of the in-tree plugins, one file each; in_tree_plugins.cc lists them by name.

#include <memory>

#include "core/scheduler/plugin.h"

namespace skiff::scheduler::plugins {

std::unique_ptr<Plugin> NewNodeUnschedulable(const PluginContext& context);
std::unique_ptr<Plugin> NewNodeName(const PluginContext& context);
std::unique_ptr<Plugin> NewNodeResourcesFit(const PluginContext& context);
std::unique_ptr<Plugin> NewBalancedAllocation(const PluginContext& context);
std::unique_ptr<Plugin> NewNodeAffinity(const PluginContext& context);
std::unique_ptr<Plugin> NewTaintToleration(const PluginContext& context);
std::unique_ptr<Plugin> NewNodePorts(const PluginContext& context);
std::unique_ptr<Plugin> NewPodTopologySpread(const PluginContext& context);
std::unique_ptr<Plugin> NewInterPodAffinity(const PluginContext& context);
std::unique_ptr<Plugin> NewVolumeBinding(const PluginContext& context);
std::unique_ptr<Plugin> NewDefaultBinder(const PluginContext& context);

// Kubernetes' DefaultNormalizeScore: scales so the best node gets kMaxNodeScore; `reverse`
// makes the lowest raw score the best.
void DefaultNormalizeScore(std::vector<NodeScore>& scores, bool reverse);

}  // namespace skiff::scheduler::plugins
