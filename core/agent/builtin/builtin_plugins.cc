#include "core/agent/builtin/builtin_plugins.h"

#include "core/pluginhost/bounded_plugins.h"
#include "plugins/bridge-cni/bridge_plugin.h"
#include "plugins/hostpath-csi/hostpath_plugin.h"
#include "plugins/mock-runtime/mock_runtime.h"

namespace skiff::agent {
namespace {

constexpr std::string_view kPrefix = "builtin:";

// A built-in plugin runs in our threads like a library one; called bounded, it gets the same
// deadlines.
template <typename T, typename Factory>
sdk::Result<std::shared_ptr<T>> Make(const pluginhost::PluginSpec& spec, Factory factory,
                                     std::chrono::seconds timeout, BuiltinCalls calls) {
  auto made = factory(spec.config_json);
  if (!made.ok()) {
    return sdk::Status(made.status().code(),
                       spec.Label() + ": " + std::string(made.status().message()));
  }
  std::shared_ptr<T> plugin(std::move(made).value());
  if (calls == BuiltinCalls::kDirect) return plugin;
  return pluginhost::BoundPlugin(std::move(plugin), {spec.name, {.call_timeout = timeout}});
}

}  // namespace

pluginhost::PluginOpeners BuiltinAwareOpeners(BuiltinCalls calls) {
  pluginhost::PluginOpeners defaults = pluginhost::DefaultPluginOpeners();
  pluginhost::PluginOpeners o = defaults;
  auto builtin = [](const pluginhost::PluginSpec& s) {
    return s.mode == pluginhost::PluginMode::kLibrary && s.library.starts_with(kPrefix);
  };
  auto unknown = [](const pluginhost::PluginSpec& s) {
    return sdk::Status::NotFound(s.Label() + ": no built-in plugin \"" + s.library +
                                 "\" (built in: builtin:mock, builtin:bridge, builtin:hostpath)");
  };
  o.runtime = [=](const pluginhost::PluginSpec& s,
                  std::chrono::seconds t) -> sdk::Result<std::shared_ptr<sdk::RuntimeService>> {
    if (!builtin(s)) return defaults.runtime(s, t);
    if (s.library == "builtin:mock")
      return Make<sdk::RuntimeService>(s, &mock::NewMockRuntime, t, calls);
    return unknown(s);
  };
  o.network = [=](const pluginhost::PluginSpec& s,
                  std::chrono::seconds t) -> sdk::Result<std::shared_ptr<sdk::NetworkPlugin>> {
    if (!builtin(s)) return defaults.network(s, t);
    if (s.library == "builtin:bridge") {
      return Make<sdk::NetworkPlugin>(s, &bridge_cni::NewBridgePlugin, t, calls);
    }
    return unknown(s);
  };
  o.storage = [=](const pluginhost::PluginSpec& s,
                  std::chrono::seconds t) -> sdk::Result<std::shared_ptr<sdk::StoragePlugin>> {
    if (!builtin(s)) return defaults.storage(s, t);
    if (s.library == "builtin:hostpath") {
      return Make<sdk::StoragePlugin>(s, &hostpath::NewHostpathPlugin, t, calls);
    }
    return unknown(s);
  };
  return o;
}

std::string DefaultEmbeddedPluginsYaml(bool root, const std::string& data_dir) {
  if (!root) return "plugins:\n  runtime: {name: mock, library: 'builtin:mock'}\n";
  return "plugins:\n"
         "  runtime: {name: mock, library: 'builtin:mock', config: {netns: true}}\n"
         "  network: {name: bridge, library: 'builtin:bridge', config: {bridge: skiff0, "
         "subnet: 10.88.0.0/16}}\n"
         "  storage: {name: hostpath, library: 'builtin:hostpath', config: {root: '" +
         data_dir + "/volumes'}}\n";
}

}  // namespace skiff::agent
