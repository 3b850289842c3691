#pragma once

// Agent: one node. Registers the Node, renews its Lease, watches the pods bound to it (or
// is fed them by a shared watch, for simulated nodes), runs one PodWorker per pod, relists the
// runtime (PLEG) to notice container exits, serves container logs, and on start cleans up what
// the runtime still holds for pods that no longer exist. Create with Agent::Create; Start once;
// Stop before the Executor stops. Thread-safe.

#include <memory>
#include <mutex>
#include <string>

#include "core/agent/agent_config.h"
#include "core/agent/executor.h"
#include "core/base/status.h"
#include "core/client/client.h"
#include "core/client/event_recorder.h"
#include "core/pluginhost/plugin_set.h"

namespace skiff::agent {

class Agent : public std::enable_shared_from_this<Agent> {
 public:
  // events: where its Events go (simulated nodes share one); null: a recorder of its own.
  static std::shared_ptr<Agent> Create(client::Client& client, AgentConfig config,
                                       pluginhost::PluginSet plugins, Executor& executor,
                                       client::EventRecorder* events = nullptr);
  ~Agent();

  // watch_pods=false: the caller feeds pods through OnPodEvent (one shared watch for many
  // simulated nodes).
  Status Start(bool watch_pods = true);
  void Stop();
  // type: ADDED, MODIFIED, DELETED.
  void OnPodEvent(const std::string& type, const client::Object& pod);

  const std::string& node_name() const;
  int kubelet_port() const;
  std::size_t WorkerCountForTest() const;

 private:
  struct Impl;
  explicit Agent(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace skiff::agent
