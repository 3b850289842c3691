#pragma once

// Pleg (pod lifecycle event generator): relists the runtime's sandboxes and containers and
// reports each pod (by UID label) whose containers changed since the previous relist — how a
// container exit is noticed within one relist period. Also reports pod UIDs the runtime holds
// that are unknown to the caller's `known` check (orphans to clean up). Not thread-safe: one
// caller (the agent's relist timer).

#include <skiff/sdk/runtime.h>

#include <functional>
#include <map>
#include <string>

namespace skiff::agent {

class Pleg {
 public:
  using OnChange = std::function<void(const std::string& pod_uid)>;
  Pleg(sdk::RuntimeService& runtime, OnChange on_change);

  // One relist. Fails (and reports nothing) when the runtime cannot list.
  sdk::Status Relist();

 private:
  sdk::RuntimeService& runtime_;
  const OnChange on_change_;
  std::map<std::string, std::string> fingerprints_;  // pod uid -> state of its sandboxes/containers
};

}  // namespace skiff::agent
