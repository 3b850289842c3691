#include "core/agent/pleg.h"

#include "core/agent/runtime_config_builder.h"

namespace skiff::agent {

Pleg::Pleg(sdk::RuntimeService& runtime, OnChange on_change)
    : runtime_(runtime), on_change_(std::move(on_change)) {}

sdk::Status Pleg::Relist() {
  auto sandboxes = runtime_.ListPodSandbox({});
  if (!sandboxes.ok()) return sandboxes.status();
  auto containers = runtime_.ListContainers({});
  if (!containers.ok()) return containers.status();
  std::map<std::string, std::string> now;
  for (const auto& sb : *sandboxes) {
    auto it = sb.labels.find(kPodUidLabel);
    if (it == sb.labels.end()) continue;
    now[it->second] += "s" + sb.id + ":" + std::to_string(static_cast<int>(sb.state)) + ";";
  }
  for (const auto& c : *containers) {
    auto it = c.labels.find(kPodUidLabel);
    if (it == c.labels.end()) continue;
    now[it->second] += "c" + c.id + ":" + std::to_string(static_cast<int>(c.state)) + ";";
  }
  for (const auto& [uid, fp] : now) {
    auto old = fingerprints_.find(uid);
    if (old == fingerprints_.end() || old->second != fp) on_change_(uid);
  }
  for (const auto& [uid, fp] : fingerprints_) {
    if (!now.count(uid)) on_change_(uid);
  }
  fingerprints_ = std::move(now);
  return sdk::Status::Ok();
}

}  // namespace skiff::agent
