#include "core/pluginhost/library_loader.h"

#include <spdlog/spdlog.h>

#include <boost/dll/shared_library.hpp>
#include <exception>
#include <system_error>
#include <utility>

namespace skiff::pluginhost {
namespace {

namespace dll = boost::dll;

struct OpenLibrary {
  std::shared_ptr<dll::shared_library> library;
  PluginDescription description;
};

std::string Where(const std::filesystem::path& path) { return "plugin library " + path.string(); }

sdk::Result<OpenLibrary> Open(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return sdk::Status::NotFound(Where(path) + ": no such file");
  }
  auto library = std::make_shared<dll::shared_library>();
  try {
    // rtld_now: an unresolved symbol fails here, with a message, not at the first call.
    library->load(path, dll::load_mode::rtld_now | dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    return sdk::Status::InvalidArgument(Where(path) + ": cannot load: " + e.what());
  }
  if (!library->has(sdk::kDescriptorSymbol)) {
    return sdk::Status::InvalidArgument(Where(path) + " is not a skiff plugin: it exports no " +
                                        sdk::kDescriptorSymbol);
  }
  const auto& descriptor = library->get_alias<const sdk::PluginDescriptor>(sdk::kDescriptorSymbol);
  PluginDescription description{path, "", "", descriptor.abi_version};
  // Only abi_version is trusted before it matches; kind and name keep their place in every ABI.
  if (descriptor.kind) description.kind = descriptor.kind;
  if (descriptor.name) description.name = descriptor.name;
  return OpenLibrary{std::move(library), std::move(description)};
}

}  // namespace

sdk::Result<PluginDescription> DescribePluginLibrary(const std::filesystem::path& path) {
  auto open = Open(path);
  if (!open.ok()) return open.status();
  return std::move(open->description);
}

template <typename Interface>
sdk::Result<std::shared_ptr<Interface>> LoadPluginLibrary(const std::filesystem::path& path,
                                                          const std::string& config_json) {
  auto open = Open(path);
  if (!open.ok()) return open.status();
  const PluginDescription& description = open->description;
  const std::string plugin = Where(path) + " (plugin \"" + description.name + "\")";
  if (description.abi_version != sdk::kAbiVersion) {
    return sdk::Status::FailedPrecondition(
        plugin + " was built for skiff plugin ABI " + std::to_string(description.abi_version) +
        ", this host speaks ABI " + std::to_string(sdk::kAbiVersion) + "; rebuild it");
  }
  constexpr std::string_view want = sdk::PluginKind<Interface>::kName;
  if (description.kind != want) {
    return sdk::Status::InvalidArgument(plugin + " is a " + description.kind + " plugin, not " +
                                        std::string(want));
  }
  if (!open->library->has(sdk::kFactorySymbol)) {
    return sdk::Status::InvalidArgument(plugin + " exports no " + sdk::kFactorySymbol);
  }
  auto& factory =
      open->library->get_alias<sdk::PluginFactorySignature<Interface>>(sdk::kFactorySymbol);
  auto made = factory(config_json.empty() ? "{}" : config_json);
  if (!made.ok()) {
    return sdk::Status(made.status().code(),
                       plugin + " failed to start: " + std::string(made.status().message()));
  }
  spdlog::info("loaded {} plugin \"{}\" from {}", description.kind, description.name,
               path.string());
  // The deleter owns the library: the instance is destroyed first, then the code unmapped.
  return std::shared_ptr<Interface>(
      std::move(made).value().release(),
      [library = std::move(open->library)](Interface* instance) { delete instance; });
}

template sdk::Result<std::shared_ptr<sdk::RuntimeService>> LoadPluginLibrary(
    const std::filesystem::path&, const std::string&);
template sdk::Result<std::shared_ptr<sdk::NetworkPlugin>> LoadPluginLibrary(
    const std::filesystem::path&, const std::string&);
template sdk::Result<std::shared_ptr<sdk::StoragePlugin>> LoadPluginLibrary(
    const std::filesystem::path&, const std::string&);

}  // namespace skiff::pluginhost
