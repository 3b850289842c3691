#pragma once

// SimulatedNodes: N hollow nodes in one process for scale tests (`skiff agent --simulate N`).
// Each has its own Node, Lease, mock runtime (no namespaces, no files) and pod workers; all
// share one Executor, one Event recorder and one pod watch that hands each pod to the node it is
// bound to, so a node costs a few objects rather than threads and connections. Built-in plugins
// are called directly, without deadlines (BuiltinCalls::kDirect). Thread-safe; Stop before the
// Executor stops.

#include <memory>
#include <string>
#include <vector>

#include "core/agent/agent.h"
#include "core/client/event_recorder.h"
#include "core/client/informer.h"

namespace skiff::agent {

class SimulatedNodes {
 public:
  // Node names are "<prefix>-0000" ... ; `base` supplies labels, capacity and timings.
  SimulatedNodes(client::Client& client, Executor& executor, AgentConfig base, int count,
                 pluginhost::PluginSetSpec plugins);
  ~SimulatedNodes();

  Status Start();
  void Stop();
  std::size_t size() const { return agents_.size(); }

 private:
  client::Client& client_;
  Executor& executor_;
  const AgentConfig base_;
  const int count_;
  const pluginhost::PluginSetSpec plugins_;
  client::EventRecorder events_;  // shared by every hollow node; outlives them
  std::vector<std::shared_ptr<Agent>> agents_;
  std::map<std::string, Agent*> by_name_;
  std::unique_ptr<client::Informer> informer_;
};

}  // namespace skiff::agent
