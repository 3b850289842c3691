#pragma once

// Scheduler: kube-scheduler's job inside skiff. It watches Nodes and Pods (and PVCs, PVs,
// StorageClasses for VolumeBinding) through a Client, picks a node for every pending pod
// whose spec.schedulerName is its own ("default-scheduler" or empty) through the plugin
// Framework, and binds it with pods/binding — asynchronously, the node counted as taken
// ("assumed") while the write is in flight. Pods that fit nowhere get PodScheduled=False
// with the reasons and a FailedScheduling event, and are retried on cluster changes.
//
// Works the same over the in-process and the HTTP client. Thread-safe; Start and Stop once
// each. Its informers come from the factory, which must outlive the Scheduler.

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "core/base/status.h"
#include "core/client/informer_factory.h"
#include "core/scheduler/plugin_registry.h"
#include "core/scheduler/scheduler_config.h"

namespace skiff::scheduler {

struct SchedulerStats {
  uint64_t scheduled = 0;      // bindings written
  uint64_t unschedulable = 0;  // attempts that found no node
  uint64_t errors = 0;         // attempts or bindings that failed otherwise
};

class Scheduler {
 public:
  // Uses the in-tree plugins.
  Scheduler(client::InformerFactory& informers, SchedulerConfig config);
  Scheduler(client::InformerFactory& informers, SchedulerConfig config, PluginRegistry registry);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Fails when the config names an unknown plugin.
  Status Start();
  // Stops scheduling; bindings in flight finish first.
  void Stop();
  // True once the informers have listed everything.
  bool WaitForSync(std::chrono::milliseconds timeout);

  SchedulerStats Stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace skiff::scheduler
