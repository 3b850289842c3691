#pragma once

// SchedulerConfig: which plugins run (in order) with which score weights, how many nodes to
// score, and the knobs of the queue and binder. Parsed from the `scheduler:` block of the
// server's YAML config:
//
//   scheduler:
//     percentageOfNodesToScore: 0      # 0 = Kubernetes' adaptive default
//     plugins:
//       enabled:  [{name: MyPlugin, weight: 2}, {name: TaintToleration, weight: 5}]
//       disabled: [{name: NodePorts}]  # {name: "*"} disables every default plugin
//
// Enabled plugins not among the defaults are appended; naming a default again only changes
// its weight (Kubernetes' multiPoint semantics). Plain value type.

#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace skiff::scheduler {

struct PluginSetting {
  std::string name;
  int64_t weight = 1;  // score weight; ignored by plugins that do not score
};

struct SchedulerConfig {
  std::string scheduler_name = "default-scheduler";
  std::vector<PluginSetting> plugins = DefaultPlugins();
  int percentage_of_nodes_to_score = 0;  // 0: adaptive
  double initial_backoff_seconds = 1;
  double max_backoff_seconds = 10;
  // Pods waiting in the unschedulable set longer than this are retried anyway.
  double max_unschedulable_seconds = 300;
  int bind_workers = 16;
  bool record_events = true;

  // The default plugins and weights of kube-scheduler v1.32 that skiff implements.
  static std::vector<PluginSetting> DefaultPlugins();
};

// `block` is the YAML text of the `scheduler:` mapping (without the key).
Result<SchedulerConfig> ParseSchedulerConfig(std::string_view yaml_block);

// Kubernetes' numFeasibleNodesToFind: how many feasible nodes to look for before scoring.
std::size_t NumFeasibleNodesToFind(int percentage_of_nodes_to_score, std::size_t num_all_nodes);

}  // namespace skiff::scheduler
