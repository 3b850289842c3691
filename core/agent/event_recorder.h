#pragma once

// EventRecorder: writes core/v1 Events about pods (Pulled, Created, Started, Killing, BackOff,
// FailedMount...) so `kubectl describe pod` tells the story. Writes are handed to `post`
// (the agent's pool) so a slow API never delays a pod worker; a failed write is only logged.
// Thread-safe.

#include <atomic>
#include <functional>
#include <string>

#include "core/client/client.h"

namespace skiff::agent {

class EventRecorder {
 public:
  using Post = std::function<void(std::function<void()>)>;
  EventRecorder(client::Client& client, std::string node_name, Post post);

  // type: "Normal" or "Warning".
  void Record(const client::Object& pod, const std::string& type, const std::string& reason,
              const std::string& message);

 private:
  client::Client& client_;
  const std::string node_name_;
  const Post post_;
  std::atomic<uint64_t> seq_{0};
};

}  // namespace skiff::agent
