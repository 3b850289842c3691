#include "core/cmd/plugin_command.h"

#include <skiff/conformance/runner.h>

#include <CLI/CLI.hpp>
#include <cstdlib>

#include "core/pluginhost/grpc_conformance_sources.h"

namespace skiff::cmd {

void AddPluginCommand(CLI::App& app) {
  auto* plugin = app.add_subcommand("plugin", "Work with runtime, network and storage plugins");
  plugin->require_subcommand(1);
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
