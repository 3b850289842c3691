#pragma once

// PluginRegistry: plugin name -> factory. Registering a name twice is an error; tests swap
// a factory with ReplaceForTest, which returns its own undo. Not thread-safe: fill it before
// building a Framework from it.

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/base/status.h"
#include "core/scheduler/plugin.h"

namespace skiff::scheduler {

using PluginFactory = std::function<std::unique_ptr<Plugin>(const PluginContext& context)>;

class PluginRegistry {
 public:
  Status Register(const std::string& name, PluginFactory factory);
  const PluginFactory* Find(const std::string& name) const;
  std::function<void()> ReplaceForTest(const std::string& name, PluginFactory factory);

 private:
  std::map<std::string, PluginFactory, std::less<>> factories_;
};

// Every in-tree plugin, listed explicitly in one place (in_tree_plugins.cc).
PluginRegistry InTreeRegistry();

}  // namespace skiff::scheduler
