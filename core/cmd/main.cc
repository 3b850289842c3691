// The `skiff` binary: one executable, one subcommand per role.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "core/cmd/agent_command.h"
#include "core/cmd/plugin_command.h"
#include "core/cmd/server_command.h"

int main(int argc, char** argv) {
  CLI::App app{"skiff: a small Kubernetes-compatible control plane whose node side is plugins"};
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  app.parse_complete_callback([&] { spdlog::set_level(spdlog::level::from_str(log_level)); });
  // Logs go to stderr, so what a command prints (`plugin list`, `version`) stays on stdout.
  spdlog::set_default_logger(spdlog::stderr_color_mt("skiff"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%t] %v");

  auto* version = app.add_subcommand("version", "Print the version");
  version->callback([] { std::printf("skiff %s (Kubernetes API v1.32)\n", SKIFF_VERSION); });
  skiff::cmd::AddServerCommand(app);
  skiff::cmd::AddPluginCommand(app);
  skiff::cmd::AddAgentCommand(app);

  CLI11_PARSE(app, argc, argv);
  return 0;
}
