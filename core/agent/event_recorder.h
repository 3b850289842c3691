#pragma once

// EventRecorder: a node's view of the shared client::EventRecorder — Events about pods
// (Pulled, Created, Started, Killing, BackOff, FailedMount...) with the node as their source,
// so `kubectl describe pod` tells the story. The shared recorder writes them from its own
// threads (bounded, rate-limited per pod), so neither a slow API nor a burst of events ever
// delays a pod worker or the agent's executor. Thread-safe; `shared` must outlive it.

#include <string>

#include "core/client/client.h"
#include "core/client/event_recorder.h"

namespace skiff::agent {

class EventRecorder {
 public:
  EventRecorder(client::EventRecorder& shared, std::string node_name);

  // type: "Normal" or "Warning".
  void Record(const client::Object& pod, const std::string& type, const std::string& reason,
              const std::string& message);

 private:
  client::EventRecorder& shared_;
  const std::string node_name_;
};

}  // namespace skiff::agent
