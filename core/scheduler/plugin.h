#pragma once

// The scheduler framework's extension points, one narrow interface each, as in Kubernetes'
// scheduling framework. A plugin derives from the ones it implements; the framework finds
// them with dynamic_cast once, at construction.
//
// Threading: the scheduling cycle (PreFilter .. Reserve) runs on the one scheduling thread;
// PreBind and Bind run on a binding worker, one pod at a time per CycleState, concurrently
// for different pods. Plugins keep per-pod data in CycleState, not in members. The
// NodeInfos and Snapshot passed in are immutable for the call.

#include <boost/json/object.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/scheduler/cycle_state.h"
#include "core/scheduler/node_info.h"
#include "core/scheduler/plugin_status.h"
#include "core/scheduler/snapshot.h"

namespace skiff::client {
class Client;
}

namespace skiff::scheduler {

inline constexpr int64_t kMaxNodeScore = 100;

class Plugin {
 public:
  virtual ~Plugin() = default;
  virtual std::string_view Name() const = 0;
};

class PreFilterPlugin : public virtual Plugin {
 public:
  // Skip: this plugin's Filter is not called for this pod.
  virtual PluginStatus PreFilter(CycleState& state, const PodInfo& pod,
                                 const Snapshot& snapshot) = 0;
};

class FilterPlugin : public virtual Plugin {
 public:
  virtual PluginStatus Filter(const CycleState& state, const PodInfo& pod,
                              const NodeInfo& node) const = 0;
};

// Why each node was rejected, for PostFilter plugins and the FailedScheduling message.
struct Diagnosis {
  std::size_t num_all_nodes = 0;
  std::vector<std::pair<std::string, PluginStatus>> node_statuses;  // node -> rejection
  std::string pre_filter_message;   // set when a PreFilter rejected the pod outright
  std::string post_filter_message;  // what PostFilter plugins add ("preemption: ...")
};

struct PostFilterResult {
  PluginStatus status;         // Success when it made the pod schedulable (later)
  std::string nominated_node;  // where the pod may go once victims are gone
  std::string message;         // appended to the failure message
};

class PostFilterPlugin : public virtual Plugin {
 public:
  virtual PostFilterResult PostFilter(CycleState& state, const PodInfo& pod,
                                      const Snapshot& snapshot, const Diagnosis& diagnosis) = 0;
};

class PreScorePlugin : public virtual Plugin {
 public:
  // Skip: this plugin's Score is not called for this pod.
  virtual PluginStatus PreScore(CycleState& state, const PodInfo& pod,
                                const std::vector<const NodeInfo*>& feasible,
                                const Snapshot& snapshot) = 0;
};

struct NodeScore {
  const NodeInfo* node = nullptr;
  int64_t score = 0;
};

class ScorePlugin : public virtual Plugin {
 public:
  virtual PluginStatus Score(const CycleState& state, const PodInfo& pod, const NodeInfo& node,
                             int64_t& score) const = 0;
  // Brings this plugin's raw scores into [0, kMaxNodeScore]; the default keeps them.
  virtual PluginStatus NormalizeScore(const CycleState& state, const PodInfo& pod,
                                      std::vector<NodeScore>& scores) const {
    return PluginStatus::Success();
  }
};

class ReservePlugin : public virtual Plugin {
 public:
  virtual PluginStatus Reserve(CycleState& state, const PodInfo& pod, const std::string& node) = 0;
  // Undoes Reserve when a later step fails; must tolerate Reserve not having run.
  virtual void Unreserve(CycleState& state, const PodInfo& pod, const std::string& node) = 0;
};

class PreBindPlugin : public virtual Plugin {
 public:
  virtual PluginStatus PreBind(CycleState& state, const PodInfo& pod, const std::string& node) = 0;
};

class BindPlugin : public virtual Plugin {
 public:
  // Skip: leave the pod to the next binder.
  virtual PluginStatus Bind(CycleState& state, const PodInfo& pod, const std::string& node) = 0;
};

// Read access to the cluster objects some plugins need beyond nodes and pods (PVCs, PVs,
// StorageClasses), served from the scheduler's informers. Thread-safe.
class ObjectLister {
 public:
  virtual ~ObjectLister() = default;
  // resource: "persistentvolumeclaims", "persistentvolumes", "storageclasses".
  virtual std::optional<boost::json::object> Get(std::string_view resource, std::string_view ns,
                                                 std::string_view name) const = 0;
  virtual std::vector<boost::json::object> List(std::string_view resource) const = 0;
};

// What a plugin factory may use. Both outlive every plugin.
struct PluginContext {
  client::Client* client = nullptr;
  const ObjectLister* lister = nullptr;
};

}  // namespace skiff::scheduler
