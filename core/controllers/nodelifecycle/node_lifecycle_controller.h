#pragma once

// NodeLifecycleController: notices nodes whose agent went silent and moves their pods away. A
// node's heartbeat is a renewal of its Lease in kube-node-lease or a new Ready heartbeat in its
// status; after `grace_period` without one, every node condition becomes Unknown
// (NodeStatusUnknown) and the node's pods lose Ready. Nodes carry the NoExecute taint that matches
// their Ready condition (unreachable for Unknown, not-ready for False, none for True), and pods on
// a NoExecute-tainted node are deleted once their tolerations run out (see taint_eviction.h). Owns
// a Lease informer, handlers on the shared node and pod informers and one thread that checks every
// `monitor_period`; the InformerFactory must outlive it.

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/client/client.h"
#include "core/client/informer_factory.h"
#include "core/controllers/nodelifecycle/taint_eviction.h"

namespace skiff::controllers {

struct NodeLifecycleConfig {
  std::chrono::milliseconds grace_period = std::chrono::seconds(40);
  std::chrono::milliseconds monitor_period = std::chrono::seconds(1);
};

inline constexpr char kUnreachableTaint[] = "node.kubernetes.io/unreachable";
inline constexpr char kNotReadyTaint[] = "node.kubernetes.io/not-ready";

class NodeLifecycleController {
 public:
  NodeLifecycleController(client::InformerFactory& informers, NodeLifecycleConfig config);
  ~NodeLifecycleController();
  NodeLifecycleController(const NodeLifecycleController&) = delete;
  NodeLifecycleController& operator=(const NodeLifecycleController&) = delete;

  void Start();

 private:
  using Clock = std::chrono::steady_clock;

  void Run();
  void Tick();
  void NodeUpdated(const client::Object& old_node, const client::Object& node);
  void PodChanged(const client::Object& pod, bool deleted);
  // Marks every condition Unknown; returns the updated node (or the input when that failed).
  client::Object MarkUnknown(const client::Object& node);
  void MarkPodsNotReady(const std::string& node);
  // Puts the NoExecute taint matching the Ready condition on the node; returns the node.
  client::Object ReconcileTaints(const client::Object& node);
  void EvictPods(const std::string& node, const std::vector<ObservedTaint>& taints);
  std::vector<std::string> PodsOn(const std::string& node);

  client::Client& client_;
  const NodeLifecycleConfig config_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::map<std::string, Clock::time_point> heartbeat_;         // node -> last heartbeat seen
  std::map<std::string, std::set<std::string>> pods_by_node_;  // node -> pod keys
  // Touched only by the worker thread: when each node's NoExecute taints were first seen.
  std::map<std::string, std::map<std::string, Clock::time_point>> taint_seen_;

  client::Informer& nodes_;
  client::Informer& pods_;
  std::vector<std::unique_ptr<client::InformerRegistration>> handlers_;  // on the above
  client::Informer leases_;
  std::thread worker_;
};

}  // namespace skiff::controllers
