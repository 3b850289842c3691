#include "core/scheduler/plugin_registry.h"

namespace skiff::scheduler {

Status PluginRegistry::Register(const std::string& name, PluginFactory factory) {
  if (!factories_.emplace(name, std::move(factory)).second) {
    return Status::AlreadyExists("scheduler plugin " + name + " is already registered");
  }
  return Status::Ok();
}

const PluginFactory* PluginRegistry::Find(const std::string& name) const {
  auto it = factories_.find(name);
  return it == factories_.end() ? nullptr : &it->second;
}

std::function<void()> PluginRegistry::ReplaceForTest(const std::string& name,
                                                     PluginFactory factory) {
  auto it = factories_.find(name);
  std::optional<PluginFactory> old;
  if (it != factories_.end()) old = std::move(it->second);
  factories_[name] = std::move(factory);
  return [this, name, old = std::move(old)] {
    if (old) {
      factories_[name] = *old;
    } else {
      factories_.erase(name);
    }
  };
}

}  // namespace skiff::scheduler
