#pragma once

// PluginStatus: what a plugin tells the framework, and so how the scheduler reacts:
//   Success                       go on;
//   Unschedulable                 this node does not fit now (preemption or a cluster
//                                 change might help);
//   UnschedulableAndUnresolvable  this node can never fit this pod as it is;
//   Error                         something broke: the pod is retried with back-off;
//   Skip                          (PreFilter/PreScore/Bind only) this plugin has nothing to
//                                 do for this pod: its Filter/Score is not called / the next
//                                 binder is tried.
// Cheap on success (no allocation). Plain value type.

#include <string>
#include <vector>

namespace skiff::scheduler {

class PluginStatus {
 public:
  enum class Code { kSuccess, kUnschedulable, kUnschedulableAndUnresolvable, kError, kSkip };

  PluginStatus() = default;
  static PluginStatus Success() { return {}; }
  static PluginStatus Skip() { return PluginStatus(Code::kSkip, {}); }
  static PluginStatus Unschedulable(std::vector<std::string> reasons) {
    return PluginStatus(Code::kUnschedulable, std::move(reasons));
  }
  static PluginStatus Unschedulable(std::string reason) {
    return Unschedulable(std::vector<std::string>{std::move(reason)});
  }
  static PluginStatus UnschedulableAndUnresolvable(std::string reason) {
    return PluginStatus(Code::kUnschedulableAndUnresolvable, {std::move(reason)});
  }
  static PluginStatus Error(std::string message) {
    return PluginStatus(Code::kError, {std::move(message)});
  }

  Code code() const { return code_; }
  bool ok() const { return code_ == Code::kSuccess; }
  bool IsSkip() const { return code_ == Code::kSkip; }
  bool IsRejected() const {
    return code_ == Code::kUnschedulable || code_ == Code::kUnschedulableAndUnresolvable;
  }
  const std::vector<std::string>& reasons() const { return reasons_; }
  // The reasons joined with ", " (the form Kubernetes logs and stores).
  std::string Message() const;
  // The plugin that returned this status (set by the framework).
  const std::string& plugin() const { return plugin_; }
  PluginStatus& WithPlugin(std::string name) {
    plugin_ = std::move(name);
    return *this;
  }

 private:
  PluginStatus(Code code, std::vector<std::string> reasons)
      : code_(code), reasons_(std::move(reasons)) {}

  Code code_ = Code::kSuccess;
  std::vector<std::string> reasons_;
  std::string plugin_;
};

}  // namespace skiff::scheduler
