#pragma once

// PluginSet: the agent config's `plugins:` block turned into live plugin instances.
//
//   plugins:
//     runtime: { name: mock, library: path/libskiff-mock-runtime.so, config: {...} }
//            | { name: mock, command: [skiff-mock-runtime, --socket, S], socket: S }
//            | { name: containerd, endpoint: unix:///run/containerd/containerd.sock }
//     network: { name: bridge, library: ..., config: {...} }
//            | { name: bridge, cni: { binDir: /opt/cni/bin, confList: /etc/cni/net.d/x.conflist } }
//     storage: { name: hostpath, library: ... | command: ... | endpoint: ... }
//     callTimeoutSeconds: 10
//
// Parsing is pure (ParsePluginSetSpec); opening goes through PluginOpeners so each mode is
// one function and tests swap any of them. Every error names the plugin ("plugins.runtime
// (mock): ..."). A PluginSet is immutable once opened; its plugins are thread-safe (SDK rule).

#include <skiff/sdk/network.h>
#include <skiff/sdk/runtime.h>
#include <skiff/sdk/status.h>
#include <skiff/sdk/storage.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace skiff::pluginhost {

enum class PluginMode {
  kLibrary,   // a shared library loaded in-process
  kSidecar,   // a gRPC sidecar the host spawns and supervises
  kEndpoint,  // a gRPC server already running (containerd, a sidecar started elsewhere)
  kCni,       // standard CNI binaries (network only)
};
const char* PluginModeName(PluginMode mode);

struct PluginSpec {
  std::string slot;  // "runtime", "network" or "storage"
  std::string name;
  PluginMode mode = PluginMode::kLibrary;
  std::string library;               // kLibrary
  std::string config_json = "{}";    // kLibrary, kSidecar: the `config` block as JSON
  std::vector<std::string> command;  // kSidecar
  std::string socket;                // kSidecar: where the sidecar listens; kEndpoint: unix://...
  std::string cni_bin_dir;           // kCni
  std::string cni_conf_list;         // kCni
  // Runtime over gRPC: fill PodSandboxStatus::netns_path (see GrpcClientOptions). Set by
  // OpenPluginSet: only when a network plugin is configured.
  bool sandbox_netns = true;

  // "plugins.runtime (mock)", the prefix of every error about this plugin.
  std::string Label() const;
};

struct PluginSetSpec {
  std::optional<PluginSpec> runtime;
  std::optional<PluginSpec> network;
  std::optional<PluginSpec> storage;
  std::chrono::seconds call_timeout{10};
};

// Parses the `plugins:` block of a whole config document (YAML text). A document without
// one gives an empty spec; a malformed block is InvalidArgument naming the plugin.
sdk::Result<PluginSetSpec> ParsePluginSetSpec(const std::string& config_yaml);

// How each slot is opened from its spec. Every mode a build does not include answers
// Unimplemented with the reason.
struct PluginOpeners {
  std::function<sdk::Result<std::shared_ptr<sdk::RuntimeService>>(const PluginSpec&,
                                                                  std::chrono::seconds)>
      runtime;
  std::function<sdk::Result<std::shared_ptr<sdk::NetworkPlugin>>(const PluginSpec&,
                                                                 std::chrono::seconds)>
      network;
  std::function<sdk::Result<std::shared_ptr<sdk::StoragePlugin>>(const PluginSpec&,
                                                                 std::chrono::seconds)>
      storage;
};
// The openers of this build: the library loader, the sidecar supervisor, the CNI exec host.
PluginOpeners DefaultPluginOpeners();

struct PluginSet {
  PluginSetSpec spec;
  std::shared_ptr<sdk::RuntimeService> runtime;  // never null once opened
  std::shared_ptr<sdk::NetworkPlugin> network;   // null: the runtime (or nobody) does networking
  std::shared_ptr<sdk::StoragePlugin> storage;   // null: no CSI volumes on this node
};

// Opens every configured plugin; a runtime is required. Fails with the first plugin that
// cannot be opened.
sdk::Result<PluginSet> OpenPluginSet(const PluginSetSpec& spec, const PluginOpeners& openers);

struct PluginHealth {
  std::string slot;
  std::string name;
  std::string mode;
  bool healthy = false;
  std::string detail;  // version or the failure
};
// Asks each opened plugin for its status (runtime GetStatus, network GetStatus, storage Probe).
std::vector<PluginHealth> CheckPluginHealth(const PluginSet& set);

// Opens each configured plugin on its own and checks it, so one plugin that cannot be opened
// shows as unhealthy (with the reason) instead of hiding the others. `skiff plugin list`.
std::vector<PluginHealth> ProbePluginSet(const PluginSetSpec& spec, const PluginOpeners& openers);

}  // namespace skiff::pluginhost
