#pragma once

// `skiff plugin test ...`: the conformance suites against a plugin, as a library or a sidecar.

#include <CLI/App.hpp>

namespace skiff::cmd {

void AddPluginCommand(CLI::App& app);

}  // namespace skiff::cmd
