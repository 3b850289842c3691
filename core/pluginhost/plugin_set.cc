#include "core/pluginhost/plugin_set.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "core/apiserver/yaml_json.h"
#include "core/pluginhost/bounded_plugins.h"
#include "core/pluginhost/cni_exec.h"
#include "core/pluginhost/grpc_clients.h"
#include "core/pluginhost/library_loader.h"
#include "core/pluginhost/sidecar_health.h"
#include "core/pluginhost/sidecar_supervisor.h"

namespace skiff::pluginhost {
namespace {

namespace json = boost::json;

sdk::Status Bad(const std::string& label, const std::string& why) {
  return sdk::Status::InvalidArgument(label + ": " + why);
}

sdk::Result<std::string> StringField(const json::object& o, const char* key,
                                     const std::string& label) {
  const json::value* v = o.if_contains(key);
  if (!v) return std::string();
  if (!v->is_string()) return Bad(label, std::string(key) + " must be a string");
  return std::string(v->as_string());
}

sdk::Result<PluginSpec> ParseSlot(const std::string& slot, const json::value& v) {
  PluginSpec spec;
  spec.slot = slot;
  std::string label = "plugins." + slot;
  if (!v.is_object())
    return Bad(label,
               "must be a mapping with a name and one of "
               "library, command, endpoint" +
                   std::string(slot == "network" ? ", cni" : ""));
  const json::object& o = v.as_object();
  for (const auto& kv : o) {
    static const char* kKnown[] = {"name",   "library",  "config", "command",
                                   "socket", "endpoint", "cni"};
    bool known = false;
    for (const char* k : kKnown) known = known || kv.key() == k;
    if (!known) return Bad(label, "unknown field \"" + std::string(kv.key()) + "\"");
  }
  auto name = StringField(o, "name", label);
  if (!name.ok()) return name.status();
  if (name->empty()) return Bad(label, "name is required");
  spec.name = *name;
  label = spec.Label();

  int modes = 0;
  if (o.contains("library")) {
    ++modes;
    spec.mode = PluginMode::kLibrary;
    auto lib = StringField(o, "library", label);
    if (!lib.ok()) return lib.status();
    if (lib->empty()) return Bad(label, "library must name a .so file");
    spec.library = *lib;
  }
  if (o.contains("command")) {
    ++modes;
    spec.mode = PluginMode::kSidecar;
    const json::value& c = o.at("command");
    if (!c.is_array() || c.as_array().empty()) {
      return Bad(label, "command must be a non-empty list of strings");
    }
    for (const auto& arg : c.as_array()) {
      if (!arg.is_string()) return Bad(label, "command must be a list of strings");
      spec.command.emplace_back(arg.as_string());
    }
    auto sock = StringField(o, "socket", label);
    if (!sock.ok()) return sock.status();
    if (sock->empty()) return Bad(label, "a sidecar command needs socket: the path it listens on");
    spec.socket = *sock;
  } else if (o.contains("socket")) {
    return Bad(label, "socket only goes with command");
  }
  if (o.contains("endpoint")) {
    ++modes;
    spec.mode = PluginMode::kEndpoint;
    auto ep = StringField(o, "endpoint", label);
    if (!ep.ok()) return ep.status();
    if (!ep->starts_with("unix://")) return Bad(label, "endpoint must be unix:///path/to.sock");
    spec.socket = *ep;
  }
  if (o.contains("cni")) {
    ++modes;
    spec.mode = PluginMode::kCni;
    if (slot != "network") return Bad(label, "cni is only for the network plugin");
    const json::value& c = o.at("cni");
    if (!c.is_object()) return Bad(label, "cni must be a mapping with binDir and confList");
    auto bin = StringField(c.as_object(), "binDir", label);
    auto conf = StringField(c.as_object(), "confList", label);
    if (!bin.ok()) return bin.status();
    if (!conf.ok()) return conf.status();
    if (bin->empty() || conf->empty()) return Bad(label, "cni needs both binDir and confList");
    spec.cni_bin_dir = *bin;
    spec.cni_conf_list = *conf;
  }
  if (modes != 1) {
    return Bad(label, modes == 0 ? "needs one of library, command, endpoint" +
                                       std::string(slot == "network" ? ", cni" : "")
                                 : "give only one of library, command, endpoint, cni");
  }
  if (const json::value* cfg = o.if_contains("config")) {
    if (!cfg->is_object() && !cfg->is_null()) return Bad(label, "config must be a mapping");
    if (spec.mode == PluginMode::kEndpoint || spec.mode == PluginMode::kCni) {
      return Bad(label, "config is for library and command plugins");
    }
    spec.config_json = cfg->is_null() ? "{}" : json::serialize(*cfg);
  }
  return spec;
}

sdk::Status Named(const PluginSpec& spec, const sdk::Status& s) {
  return sdk::Status(s.code(), spec.Label() + ": " + std::string(s.message()));
}

template <typename T>
std::unique_ptr<T> NewGrpcClient(const GrpcClientOptions& options);
template <>
std::unique_ptr<sdk::RuntimeService> NewGrpcClient(const GrpcClientOptions& o) {
  return NewGrpcRuntimeClient(o);
}
template <>
std::unique_ptr<sdk::NetworkPlugin> NewGrpcClient(const GrpcClientOptions& o) {
  return NewGrpcNetworkClient(o);
}
template <>
std::unique_ptr<sdk::StoragePlugin> NewGrpcClient(const GrpcClientOptions& o) {
  return NewGrpcStorageClient(o);
}
template <typename T>
SidecarKind KindOf();
template <>
SidecarKind KindOf<sdk::RuntimeService>() {
  return SidecarKind::kRuntime;
}
template <>
SidecarKind KindOf<sdk::NetworkPlugin>() {
  return SidecarKind::kNetwork;
}
template <>
SidecarKind KindOf<sdk::StoragePlugin>() {
  return SidecarKind::kStorage;
}

// A gRPC client that keeps its sidecar's supervisor alive (and stops it) with it.
template <typename T>
struct SupervisedClient {
  std::unique_ptr<SidecarSupervisor> supervisor;
  std::shared_ptr<T> client;
};

template <typename T>
sdk::Result<std::shared_ptr<T>> OpenSidecar(const PluginSpec& spec, std::chrono::seconds timeout) {
  GrpcClientOptions options;
  options.plugin_name = spec.name;
  options.endpoint = spec.mode == PluginMode::kEndpoint ? spec.socket : "unix://" + spec.socket;
  options.call_timeout = timeout;
  options.sandbox_netns = spec.sandbox_netns;
  std::shared_ptr<T> client = NewGrpcClient<T>(options);
  if (spec.mode == PluginMode::kEndpoint) return client;
  SidecarConfig sc;
  sc.name = spec.name;
  sc.endpoint = options.endpoint;
  sc.command = spec.command;
  sc.max_restarts_in_a_row = -1;  // a node keeps trying: pods come back when the plugin does
  auto holder = std::make_shared<SupervisedClient<T>>();
  holder->client = client;
  holder->supervisor =
      std::make_unique<SidecarSupervisor>(sc, GrpcHealthCheck(KindOf<T>(), options));
  if (sdk::Status s = holder->supervisor->Start(); !s.ok()) return Named(spec, s);
  // Aliasing: callers hold the client; the supervisor lives (and the sidecar runs) as long.
  return std::shared_ptr<T>(holder, holder->client.get());
}

template <typename T>
sdk::Result<std::shared_ptr<T>> OpenDefault(const PluginSpec& spec, std::chrono::seconds timeout) {
  switch (spec.mode) {
    case PluginMode::kLibrary: {
      auto made = LoadPluginLibrary<T>(spec.library, spec.config_json);
      if (!made.ok()) return Named(spec, made.status());
      // Called in our threads: the deadlines a sidecar's calls get must come from us.
      return BoundPlugin(std::move(made).value(), {spec.name, {.call_timeout = timeout}});
    }
    case PluginMode::kSidecar:
    case PluginMode::kEndpoint:
      return OpenSidecar<T>(spec, timeout);
    case PluginMode::kCni:
      if constexpr (std::is_same_v<T, sdk::NetworkPlugin>) {
        json::object cfg{{"binDir", spec.cni_bin_dir},
                         {"confList", spec.cni_conf_list},
                         {"timeoutMs", std::chrono::milliseconds(timeout).count()}};
        auto made = NewCniExecPlugin(json::serialize(cfg));
        if (!made.ok()) return Named(spec, made.status());
        return std::shared_ptr<T>(std::move(made).value());
      } else {
        return sdk::Status::InvalidArgument(spec.Label() + ": cni is only for the network plugin");
      }
  }
  return sdk::Status::Internal(spec.Label() + ": unknown mode");
}

}  // namespace

const char* PluginModeName(PluginMode mode) {
  switch (mode) {
    case PluginMode::kLibrary:
      return "library";
    case PluginMode::kSidecar:
      return "sidecar";
    case PluginMode::kEndpoint:
      return "endpoint";
    case PluginMode::kCni:
      return "cni";
  }
  return "unknown";
}

std::string PluginSpec::Label() const { return "plugins." + slot + " (" + name + ")"; }

sdk::Result<PluginSetSpec> ParsePluginSetSpec(const std::string& config_yaml) {
  auto doc = apiserver::YamlToJson(config_yaml);
  if (!doc.ok()) return sdk::Status::InvalidArgument("config: " + doc.status().message());
  PluginSetSpec spec;
  if (doc->is_null()) return spec;
  if (!doc->is_object()) return sdk::Status::InvalidArgument("config: must be a mapping");
  const json::value* plugins = doc->as_object().if_contains("plugins");
  if (!plugins || plugins->is_null()) return spec;
  if (!plugins->is_object()) return Bad("plugins", "must be a mapping");
  for (const auto& kv : plugins->as_object()) {
    std::string key(kv.key());
    if (key == "callTimeoutSeconds") {
      auto n = kv.value().is_int64() ? kv.value().as_int64() : -1;
      if (n <= 0) return Bad("plugins.callTimeoutSeconds", "must be a positive integer");
      spec.call_timeout = std::chrono::seconds(n);
      continue;
    }
    if (key != "runtime" && key != "network" && key != "storage") {
      return Bad("plugins", "unknown plugin slot \"" + key +
                                "\" (expected runtime, network, storage, callTimeoutSeconds)");
    }
    if (kv.value().is_null()) continue;
    auto slot = ParseSlot(key, kv.value());
    if (!slot.ok()) return slot.status();
    (key == "runtime"   ? spec.runtime
     : key == "network" ? spec.network
                        : spec.storage) = std::move(slot).value();
  }
  return spec;
}

PluginOpeners DefaultPluginOpeners() {
  return PluginOpeners{&OpenDefault<sdk::RuntimeService>, &OpenDefault<sdk::NetworkPlugin>,
                       &OpenDefault<sdk::StoragePlugin>};
}

sdk::Result<PluginSet> OpenPluginSet(const PluginSetSpec& spec, const PluginOpeners& openers) {
  PluginSet set;
  set.spec = spec;
  if (!spec.runtime) return sdk::Status::InvalidArgument("plugins.runtime: a runtime is required");
  PluginSpec runtime_spec = *spec.runtime;
  runtime_spec.sandbox_netns = spec.network.has_value();
  auto runtime = openers.runtime(runtime_spec, spec.call_timeout);
  if (!runtime.ok()) return runtime.status();
  set.runtime = std::move(runtime).value();
  if (spec.network) {
    auto network = openers.network(*spec.network, spec.call_timeout);
    if (!network.ok()) return network.status();
    set.network = std::move(network).value();
  }
  if (spec.storage) {
    auto storage = openers.storage(*spec.storage, spec.call_timeout);
    if (!storage.ok()) return storage.status();
    set.storage = std::move(storage).value();
  }
  return set;
}

std::vector<PluginHealth> CheckPluginHealth(const PluginSet& set) {
  std::vector<PluginHealth> out;
  auto entry = [](const PluginSpec& spec) {
    return PluginHealth{spec.slot, spec.name, PluginModeName(spec.mode), false, ""};
  };
  if (set.runtime && set.spec.runtime) {
    PluginHealth h = entry(*set.spec.runtime);
    auto version = set.runtime->Version("v1");
    auto status = set.runtime->GetStatus();
    if (!status.ok()) {
      h.detail = status.status().ToString();
    } else {
      h.healthy = true;
      for (const auto& c : status->conditions) {
        if (c.type == sdk::kRuntimeReady && !c.status) {
          h.healthy = false;
          h.detail = "RuntimeReady=false: " + c.reason + " " + c.message;
        }
      }
      if (h.healthy && version.ok()) {
        h.detail = version->runtime_name + " " + version->runtime_version;
      }
    }
    out.push_back(std::move(h));
  }
  if (set.network && set.spec.network) {
    PluginHealth h = entry(*set.spec.network);
    sdk::Status s = set.network->GetStatus();
    h.healthy = s.ok();
    h.detail = s.ok() ? "ready" : s.ToString();
    out.push_back(std::move(h));
  }
  if (set.storage && set.spec.storage) {
    PluginHealth h = entry(*set.spec.storage);
    auto probe = set.storage->Probe();
    h.healthy = probe.ok() && *probe;
    auto info = set.storage->GetPluginInfo();
    h.detail = !probe.ok() ? probe.status().ToString()
               : !*probe   ? "not ready"
               : info.ok() ? info->name + " " + info->vendor_version
                           : "ready";
    out.push_back(std::move(h));
  }
  return out;
}

std::vector<PluginHealth> ProbePluginSet(const PluginSetSpec& spec, const PluginOpeners& openers) {
  std::vector<PluginHealth> out;
  // Opens one slot into a set of its own and checks it.
  auto probe = [&](const std::optional<PluginSpec>& slot_spec, auto& opener, auto member,
                   auto spec_member) {
    if (!slot_spec) return;
    PluginSet set;
    set.spec.call_timeout = spec.call_timeout;
    set.spec.*spec_member = slot_spec;
    auto plugin = opener(*slot_spec, spec.call_timeout);
    if (!plugin.ok()) {
      out.push_back({slot_spec->slot, slot_spec->name, PluginModeName(slot_spec->mode), false,
                     plugin.status().ToString()});
      return;
    }
    set.*member = std::move(plugin).value();
    for (auto& h : CheckPluginHealth(set)) out.push_back(std::move(h));
  };
  probe(spec.runtime, openers.runtime, &PluginSet::runtime, &PluginSetSpec::runtime);
  probe(spec.network, openers.network, &PluginSet::network, &PluginSetSpec::network);
  probe(spec.storage, openers.storage, &PluginSet::storage, &PluginSetSpec::storage);
  return out;
}

}  // namespace skiff::pluginhost
