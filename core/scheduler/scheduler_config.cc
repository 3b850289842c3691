#include "core/scheduler/scheduler_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace skiff::scheduler {

std::vector<PluginSetting> SchedulerConfig::DefaultPlugins() {
  return {
      {"NodeUnschedulable", 1}, {"NodeName", 1},
      {"TaintToleration", 3},   {"NodeAffinity", 2},
      {"NodePorts", 1},         {"NodeResourcesFit", 1},
      {"VolumeBinding", 1},     {"PodTopologySpread", 2},
      {"InterPodAffinity", 2},  {"NodeResourcesBalancedAllocation", 1},
      {"DefaultBinder", 1},
  };
}

Result<SchedulerConfig> ParseSchedulerConfig(std::string_view yaml_block) {
  SchedulerConfig config;
  try {
    YAML::Node root = YAML::Load(std::string(yaml_block));
    if (!root || root.IsNull()) return config;
    if (!root.IsMap()) return Status::InvalidArgument("scheduler: must be a mapping");
    if (auto p = root["percentageOfNodesToScore"]) {
      int v = p.as<int>();
      if (v < 0 || v > 100) {
        return Status::InvalidArgument("scheduler.percentageOfNodesToScore must be in [0, 100]");
      }
      config.percentage_of_nodes_to_score = v;
    }
    if (auto n = root["schedulerName"]) config.scheduler_name = n.as<std::string>();
    if (auto b = root["bindWorkers"]) config.bind_workers = std::max(1, b.as<int>());
    if (auto plugins = root["plugins"]) {
      for (const auto& d : plugins["disabled"]) {
        std::string name = d["name"].as<std::string>();
        auto& ps = config.plugins;
        if (name == "*") {
          ps.clear();
        } else {
          ps.erase(std::remove_if(ps.begin(), ps.end(),
                                  [&](const PluginSetting& s) { return s.name == name; }),
                   ps.end());
        }
      }
      for (const auto& e : plugins["enabled"]) {
        PluginSetting s{e["name"].as<std::string>(), 1};
        if (auto w = e["weight"]) s.weight = w.as<int64_t>();
        if (s.weight < 0) {
          return Status::InvalidArgument("scheduler plugin " + s.name + ": negative weight");
        }
        auto it = std::find_if(config.plugins.begin(), config.plugins.end(),
                               [&](const PluginSetting& p) { return p.name == s.name; });
        if (it != config.plugins.end()) {
          it->weight = s.weight;
        } else {
          config.plugins.push_back(s);
        }
      }
    }
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(std::string("scheduler config: ") + e.what());
  }
  return config;
}

std::size_t NumFeasibleNodesToFind(int percentage, std::size_t num_all_nodes) {
  constexpr std::size_t kMinFeasibleNodesToFind = 100;
  constexpr int kMinFeasibleNodesPercentageToFind = 5;
  if (num_all_nodes < kMinFeasibleNodesToFind || percentage >= 100) return num_all_nodes;
  int adaptive = percentage;
  if (adaptive <= 0) {
    adaptive = 50 - static_cast<int>(num_all_nodes / 125);
    adaptive = std::max(adaptive, kMinFeasibleNodesPercentageToFind);
  }
  std::size_t n = num_all_nodes * static_cast<std::size_t>(adaptive) / 100;
  return std::max(n, kMinFeasibleNodesToFind);
}

}  // namespace skiff::scheduler
