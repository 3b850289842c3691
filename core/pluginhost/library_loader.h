#pragma once

// Loads shared-library plugins (SKIFF_EXPORT_*_PLUGIN) through Boost.DLL. The instance handed
// out owns a reference to its library, so the code stays mapped for as long as the object
// lives, even after every other handle is gone (the dynamic loader may keep it longer).
// Thread-safe: each call loads on its own. Every error names the library path and the cause.

#include <skiff/sdk/abi.h>
#include <skiff/sdk/status.h>

#include <filesystem>
#include <memory>
#include <string>

namespace skiff::pluginhost {

// A copy of a library's descriptor, valid after the library is unloaded.
struct PluginDescription {
  std::filesystem::path path;
  std::string kind;
  std::string name;
  int abi_version = 0;
};

// Reads the descriptor without creating a plugin (for `skiff plugin list`).
sdk::Result<PluginDescription> DescribePluginLibrary(const std::filesystem::path& path);

// Loads `path`, checks it is a `Interface` plugin of this host's ABI version and creates the
// instance from `config_json` (the plugin's config block as JSON; "" means "{}").
// Interface is sdk::RuntimeService, sdk::NetworkPlugin or sdk::StoragePlugin.
template <typename Interface>
sdk::Result<std::shared_ptr<Interface>> LoadPluginLibrary(const std::filesystem::path& path,
                                                          const std::string& config_json);

extern template sdk::Result<std::shared_ptr<sdk::RuntimeService>> LoadPluginLibrary(
    const std::filesystem::path&, const std::string&);
extern template sdk::Result<std::shared_ptr<sdk::NetworkPlugin>> LoadPluginLibrary(
    const std::filesystem::path&, const std::string&);
extern template sdk::Result<std::shared_ptr<sdk::StoragePlugin>> LoadPluginLibrary(
    const std::filesystem::path&, const std::string&);

}  // namespace skiff::pluginhost
