#pragma once

// PodWorker: drives one pod on this node to what its spec asks for and reports what really
// happened. Each sync is a level-triggered pass — volumes → sandbox → network ADD → images →
// init containers in order → containers, restarting exited ones by the restart policy with
// back-off — followed by a status write when the status changed. A pod being deleted (or gone)
// is torn down instead: StopContainer with the grace period → network DEL → sandbox removal
// → volumes, then the Pod is deleted with grace 0.
//
// Thread-safety: Update and Trigger may be called from any thread; syncs of one worker never
// overlap (a trigger during a sync runs one more sync after it), and workers of different pods
// run in parallel on the shared Executor. A failing plugin call fails only this pod: its
// message goes into the container's waiting reason and an Event, and the sync is retried
// with back-off.

#include <skiff/sdk/network.h>
#include <skiff/sdk/runtime.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/agent/agent_config.h"
#include "core/agent/event_recorder.h"
#include "core/agent/executor.h"
#include "core/agent/pod_start_trace.h"
#include "core/agent/pod_status_builder.h"
#include "core/agent/pod_volumes.h"
#include "core/agent/present_images.h"
#include "core/agent/prober.h"
#include "core/agent/restart_backoff.h"
#include "core/client/client.h"

namespace skiff::agent {

// What every pod worker of one node shares. Owned by the Agent; outlives its workers' syncs.
struct NodeServices {
  client::Client& client;
  const AgentConfig& config;
  std::shared_ptr<sdk::RuntimeService> runtime;
  std::shared_ptr<sdk::NetworkPlugin> network;  // null: the runtime or nobody does networking
  PodVolumes* volumes = nullptr;                // null for hollow nodes
  EventRecorder& events;
  Executor& executor;
  std::string runtime_name;
  std::string log_root;             // "" = no container logs (hollow nodes)
  PresentImages* images = nullptr;  // null: ask the runtime on every start
};

class PodWorker : public std::enable_shared_from_this<PodWorker> {
 public:
  // `new_pod`: the pod was created after this agent started (first seen in a watch event after
  // its initial list), so the runtime cannot hold a sandbox of it from an earlier agent.
  PodWorker(NodeServices& node, std::string uid, bool new_pod = false);

  // The newest Pod object; nullopt once it is gone from the API.
  void Update(std::optional<client::Object> pod);
  // Asks for a sync soon (coalesced).
  void Trigger();
  // Torn down and the Pod is gone: the owner drops the worker.
  bool Finished() const;
  const std::string& uid() const { return uid_; }

 private:
  struct Observed;

  void RunSync();
  void Sync();
  void SyncRunning(const client::Object& pod);
  // Returns true when everything is gone (the Pod may then be deleted).
  bool TearDown(const std::optional<client::Object>& pod);

  bool EnsureVolumes(const client::Object& pod);
  bool EnsureSandbox(const client::Object& pod);
  bool EnsureNetwork(const client::Object& pod);
  // Pulls, creates and starts a new attempt of `spec`; false (with waiting_ set) on failure.
  bool StartContainer(const client::Object& pod, const boost::json::object& spec, uint32_t attempt);
  // Decides for one exited container under the restart policy; may start the next attempt.
  void HandleExited(const client::Object& pod, const boost::json::object& spec,
                    const sdk::ContainerStatus& exited, bool restart, ObservedContainer& out);
  // Runs the due probes of the running containers: sets their probe_ready, and stops a
  // container whose liveness (or startup) probe failed, for the restart policy to restart.
  void RunProbes(const client::Object& pod, const boost::json::array& specs, PodObservation& obs);
  void RetryLater(const std::string& key);
  void WriteStatus(const client::Object& pod, const PodObservation& obs);
  void Warn(const client::Object& pod, const std::string& reason, const std::string& message);

  NodeServices& node_;
  const std::string uid_;

  mutable std::mutex mu_;
  std::optional<client::Object> pod_;
  bool queued_ = false;
  bool running_ = false;
  bool rerun_ = false;
  bool finished_ = false;

  // Below: touched only inside Sync (never concurrently).
  bool volumes_ready_ = false;
  std::map<std::string, std::string> volume_paths_;
  std::string sandbox_id_;
  bool may_have_sandbox_;         // one this worker did not make: look for it before making one
  bool sandbox_created_ = false;  // by the current sync
  sdk::PodSandboxConfig sandbox_config_;
  uint32_t sandbox_attempt_ = 0;
  std::string pod_ip_;
  bool network_attached_ = false;
  std::string start_time_;
  bool terminal_ = false;
  // Per container name: the worker's reason when it has nothing running to show.
  std::map<std::string, std::pair<std::string, std::string>> waiting_;
  std::set<std::string> exits_seen_;  // container ids whose exit was counted for back-off
  std::set<std::string> pulled_;
  std::map<std::string, std::string> started_;  // container name -> id, started by this sync
  RestartBackoff backoff_;
  RestartBackoff retry_;  // for failed plugin calls, keyed by step
  boost::json::object last_status_;
  std::string last_warning_;
  bool retry_scheduled_ = false;
  struct ContainerProbes {
    std::string container_id;  // the container instance these trackers belong to
    std::optional<ProbeTracker> startup, liveness, readiness;
  };
  std::map<std::string, ContainerProbes> probes_;  // by container name
  std::optional<std::chrono::steady_clock::time_point> probe_wakeup_;
  PodStartTrace trace_;  // until the first status write
};

}  // namespace skiff::agent
