#pragma once

// The binary contract between the host and a shared-library plugin: the ABI version, the
// versioned plugin kinds, the descriptor every plugin exports and its factory's signature.
// Plugins write SKIFF_EXPORT_*_PLUGIN (export.h); the host reads these through Boost.DLL.

#include <skiff/sdk/network.h>
#include <skiff/sdk/runtime.h>
#include <skiff/sdk/status.h>
#include <skiff/sdk/storage.h>

#include <memory>
#include <string>
#include <string_view>

namespace skiff::sdk {

// Bumped whenever an interface or a struct that crosses it changes layout.
inline constexpr int kAbiVersion = 2;  // 2: RuntimeService::Exec

inline constexpr char kRuntimeKind[] = "skiff.runtime.v1";
inline constexpr char kNetworkKind[] = "skiff.network.v1";
inline constexpr char kStorageKind[] = "skiff.storage.v1";

// Exported aliases: one plugin per library.
inline constexpr char kDescriptorSymbol[] = "skiff_plugin_descriptor";
inline constexpr char kFactorySymbol[] = "skiff_plugin_factory";

// Frozen across ABI versions: a host reads abi_version before trusting anything else.
struct PluginDescriptor {
  int abi_version;
  const char* kind;  // one of the k*Kind strings
  const char* name;  // e.g. "mock"
};

template <typename Interface>
struct PluginKind;
template <>
struct PluginKind<RuntimeService> {
  static constexpr std::string_view kName = kRuntimeKind;
};
template <>
struct PluginKind<NetworkPlugin> {
  static constexpr std::string_view kName = kNetworkKind;
};
template <>
struct PluginKind<StoragePlugin> {
  static constexpr std::string_view kName = kStorageKind;
};

// What a library's skiff_plugin_factory is. config_json is the plugin's `config` block from
// the host's YAML, as JSON ("{}" when absent). A bad config is InvalidArgument.
template <typename Interface>
using PluginFactorySignature = Result<std::unique_ptr<Interface>>(const std::string& config_json);

}  // namespace skiff::sdk
