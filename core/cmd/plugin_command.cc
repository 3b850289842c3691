#include "core/cmd/plugin_command.h"

#include <skiff/conformance/runner.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/agent/builtin/builtin_plugins.h"  // agent branch: plugin list
#include "core/pluginhost/grpc_conformance_sources.h"
#include "core/pluginhost/plugin_set.h"

namespace skiff::cmd {
namespace {

// `skiff plugin list` (agent branch): opens each configured plugin the way the agent would.
int ListPlugins(const std::string& config) {
  std::ifstream in(config);
  if (!in) {
    spdlog::error("cannot read config {}", config);
    return 2;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto spec = pluginhost::ParsePluginSetSpec(ss.str());
  if (!spec.ok()) {
    spdlog::error("{}", spec.status().ToString());
    return 2;
  }
  std::printf("%-8s %-12s %-9s %-8s %s\n", "SLOT", "NAME", "MODE", "HEALTH", "DETAIL");
  auto openers = agent::BuiltinAwareOpeners();
  int unhealthy = 0;
  // One plugin at a time, so a plugin that fails to open is shown rather than hiding the rest.
  for (auto* slot : {&spec->runtime, &spec->network, &spec->storage}) {
    if (!*slot) continue;
    const pluginhost::PluginSpec& s = **slot;
    pluginhost::PluginSet set;
    set.spec.runtime = set.spec.network = set.spec.storage = std::nullopt;
    std::string error;
    if (s.slot == "runtime") {
      auto p = openers.runtime(s, spec->call_timeout);
      if (p.ok())
        set.runtime = *p;
      else
        error = p.status().ToString();
      set.spec.runtime = s;
    } else if (s.slot == "network") {
      auto p = openers.network(s, spec->call_timeout);
      if (p.ok())
        set.network = *p;
      else
        error = p.status().ToString();
      set.spec.network = s;
    } else {
      auto p = openers.storage(s, spec->call_timeout);
      if (p.ok())
        set.storage = *p;
      else
        error = p.status().ToString();
      set.spec.storage = s;
    }
    auto health = pluginhost::CheckPluginHealth(set);
    bool ok = error.empty() && !health.empty() && health[0].healthy;
    std::string detail = !error.empty() ? error : health.empty() ? "" : health[0].detail;
    unhealthy += !ok;
    std::printf("%-8s %-12s %-9s %-8s %s\n", s.slot.c_str(), s.name.c_str(),
                pluginhost::PluginModeName(s.mode), ok ? "healthy" : "FAILING", detail.c_str());
  }
  return unhealthy ? 1 : 0;
}

}  // namespace

void AddPluginCommand(CLI::App& app) {
  auto* plugin = app.add_subcommand("plugin", "Work with runtime, network and storage plugins");
  plugin->require_subcommand(1);
  auto config = std::make_shared<std::string>();
  auto* list = plugin->add_subcommand("list", "Show each configured plugin, its mode and health");
  list->add_option("--config", *config, "Agent config YAML")->required();
  list->callback([config] { std::exit(ListPlugins(*config)); });
  auto* test = plugin->add_subcommand(
      "test",
      "Run the conformance suites: --runtime|--network|--storage LIB.so, or "
      "--runtime-endpoint|--network-endpoint|--storage-endpoint unix:///PATH, [--config JSON]; "
      "--help-suites lists every option");
  // Everything after `test` belongs to the conformance runner.
  test->prefix_command();
  test->set_help_flag();
  test->callback([test] {
    std::vector<std::string> args = test->remaining();
    for (auto& a : args) {
      if (a == "--help-suites") a = "--help";
    }
    std::vector<char*> argv;
    std::string program = "skiff plugin test";
    argv.push_back(program.data());
    for (auto& a : args) argv.push_back(a.data());
    auto sources = conformance::LibraryFactorySources();
    for (auto& s : pluginhost::GrpcFactorySources()) sources.push_back(std::move(s));
    std::exit(conformance::RunConformance(static_cast<int>(argv.size()), argv.data(),
                                          std::move(sources)));
  });
}

}  // namespace skiff::cmd
