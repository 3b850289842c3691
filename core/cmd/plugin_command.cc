#include "core/cmd/plugin_command.h"

#include <skiff/conformance/runner.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/agent/builtin/builtin_plugins.h"
#include "core/pluginhost/grpc_conformance_sources.h"
#include "core/pluginhost/plugin_set.h"

namespace skiff::cmd {
namespace {

// `skiff plugin list`: opens each configured plugin the way the agent would and asks it for
// its status. Exits 1 when any plugin is unhealthy, 2 when the config cannot be read.
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
  int unhealthy = 0;
  for (const auto& h : pluginhost::ProbePluginSet(*spec, agent::BuiltinAwareOpeners())) {
    unhealthy += !h.healthy;
    std::printf("%-8s %-12s %-9s %-8s %s\n", h.slot.c_str(), h.name.c_str(), h.mode.c_str(),
                h.healthy ? "healthy" : "FAILING", h.detail.c_str());
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
