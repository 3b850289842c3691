#pragma once

// `skiff server`: the API server on the embedded store, in one process.

#include <CLI/App.hpp>

namespace skiff::cmd {

void AddServerCommand(CLI::App& app);

}  // namespace skiff::cmd
