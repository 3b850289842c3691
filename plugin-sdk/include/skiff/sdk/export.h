#pragma once

// Registration of a shared-library plugin. In exactly one .cc of the plugin, at global scope:
//
//   SKIFF_EXPORT_RUNTIME_PLUGIN("mock", &mock::NewMockRuntime)
//
// where the factory takes `const std::string& config_json` and returns either
// std::unique_ptr<T> or skiff::sdk::Result<std::unique_ptr<T>> for a T implementing the
// interface. The macro exports the descriptor and a factory that never throws through
// BOOST_DLL_ALIAS, which stays visible when the plugin builds with -fvisibility=hidden.

#include <skiff/sdk/abi.h>

#include <boost/dll/alias.hpp>
#include <exception>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

namespace skiff::sdk::internal {

template <typename T>
struct IsResult : std::false_type {};
template <typename T>
struct IsResult<Result<T>> : std::true_type {};

// Calls the plugin author's factory and turns every way it can fail into a Status.
template <typename Interface, typename Factory>
Result<std::unique_ptr<Interface>> GuardedCreate(Factory&& factory,
                                                 const std::string& config_json) noexcept {
  try {
    auto made = std::forward<Factory>(factory)(config_json);
    std::unique_ptr<Interface> instance;
    if constexpr (IsResult<decltype(made)>::value) {
      if (!made.ok()) return made.status();
      instance = std::move(made).value();
    } else {
      instance = std::move(made);
    }
    if (!instance) return Status::Internal("plugin factory returned no instance");
    return instance;
  } catch (const std::exception& e) {
    return Status::Internal(std::string("plugin factory threw: ") + e.what());
  } catch (...) {
    return Status::Internal("plugin factory threw a non-standard exception");
  }
}

}  // namespace skiff::sdk::internal

#define SKIFF_EXPORT_PLUGIN(Interface, plugin_name, factory)                                      \
  namespace skiff_plugin_export {                                                                 \
  const ::skiff::sdk::PluginDescriptor descriptor{                                                \
      ::skiff::sdk::kAbiVersion, ::skiff::sdk::PluginKind<Interface>::kName.data(), plugin_name}; \
  ::skiff::sdk::Result<std::unique_ptr<Interface>> Create(const std::string& config_json) {       \
    return ::skiff::sdk::internal::GuardedCreate<Interface>(factory, config_json);                \
  }                                                                                               \
  }                                                                                               \
  BOOST_DLL_ALIAS(skiff_plugin_export::descriptor, skiff_plugin_descriptor)                       \
  BOOST_DLL_ALIAS(skiff_plugin_export::Create, skiff_plugin_factory)

#define SKIFF_EXPORT_RUNTIME_PLUGIN(plugin_name, factory) \
  SKIFF_EXPORT_PLUGIN(::skiff::sdk::RuntimeService, plugin_name, factory)
#define SKIFF_EXPORT_NETWORK_PLUGIN(plugin_name, factory) \
  SKIFF_EXPORT_PLUGIN(::skiff::sdk::NetworkPlugin, plugin_name, factory)
#define SKIFF_EXPORT_STORAGE_PLUGIN(plugin_name, factory) \
  SKIFF_EXPORT_PLUGIN(::skiff::sdk::StoragePlugin, plugin_name, factory)
