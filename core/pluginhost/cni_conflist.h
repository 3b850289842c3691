#pragma once

// A CNI network configuration list (.conflist), or a single network config (.conf) taken as
// a list of one. Each plugin's config is kept as JSON text; name and cniVersion are injected
// into it at exec time from the list, as the spec asks of runtimes. Immutable once parsed.

#include <skiff/sdk/status.h>

#include <string>
#include <string_view>
#include <vector>

namespace skiff::pluginhost {

struct CniPluginConf {
  std::string type;  // the binary's name
  std::string json;  // the plugin's config object
};

struct CniNetworkList {
  std::string name;
  std::string cni_version;
  bool disable_check = false;
  bool disable_gc = false;
  std::vector<CniPluginConf> plugins;
};

// InvalidArgument naming the problem (not JSON, no name, no plugins, a plugin without type).
sdk::Result<CniNetworkList> ParseCniNetworkList(std::string_view json);
sdk::Result<CniNetworkList> LoadCniNetworkList(const std::string& path);

// The stdin of one plugin call: its config with the list's name and cniVersion, plus
// prevResult (a result JSON) when non-empty, plus any `extra` top-level keys given as a JSON
// object text (e.g. GC's "cni.dev/valid-attachments").
std::string CniPluginInput(const CniNetworkList& list, const CniPluginConf& plugin,
                           std::string_view prev_result_json, std::string_view extra_json = {});

// True when `version` is at least `minimum` ("0.4.0" < "1.0.0" < "1.1.0").
bool CniVersionAtLeast(std::string_view version, std::string_view minimum);

}  // namespace skiff::pluginhost
