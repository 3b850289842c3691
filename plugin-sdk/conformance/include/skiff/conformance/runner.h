#pragma once

// The conformance runner behind `skiff-conformance` and `skiff plugin test`:
//   skiff-conformance --runtime libx.so [--config JSON|@file] [--gtest_filter=...]
// prints one line per case ("PASS  RuntimeConformance.SandboxLifecycle",
// "FAIL  <case>: <message>", "SKIP  <case>: <reason>") and "N passed, M failed".
// Exit status: 0 all passed, 1 a case failed, 2 bad usage or the plugin did not load.
// Plugin sources are options; callers add their own (e.g. --runtime-endpoint for sidecars)
// by passing more FactorySources.

#include <skiff/conformance/suites.h>

#include <functional>
#include <string>
#include <vector>

namespace skiff::conformance {

// The factories one source option yields; unset ones register no suite.
struct SuiteFactories {
  RuntimeFactory runtime;
  NetworkFactory network;
  StorageFactory storage;
};

struct FactorySource {
  std::string option;      // e.g. "--runtime-endpoint"
  std::string value_name;  // e.g. "unix:///run/mock.sock", for --help
  std::string help;
  // Builds factories from the option's value and the --config JSON ("{}" by default).
  std::function<sdk::Result<SuiteFactories>(const std::string& value,
                                            const std::string& config_json)>
      make;
};

// --runtime, --network and --storage: shared-library plugins through the host's loader.
std::vector<FactorySource> LibraryFactorySources();

// Parses argv (options above, then GoogleTest's own), registers the suites, runs them and
// prints the report. `sources` replaces LibraryFactorySources() when given.
int RunConformance(int argc, char** argv, std::vector<FactorySource> sources = {});

}  // namespace skiff::conformance
