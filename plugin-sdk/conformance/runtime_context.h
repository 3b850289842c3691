#pragma once

// One runtime conformance case's world: a fresh RuntimeService, a label that scopes every
// List to what this case made, a log directory, and cleanup of every sandbox the case ran.

#include <skiff/conformance/suites.h>

#include <mutex>
#include <string>
#include <vector>

namespace skiff::conformance::internal {

inline constexpr char kRunLabel[] = "skiff.dev/conformance-run";

class RuntimeContext {
 public:
  RuntimeContext(RuntimeFactory factory, RuntimeSuiteOptions options);

  sdk::Status Open();
  void Cleanup();

  sdk::RuntimeService& runtime() { return *runtime_; }
  const RuntimeSuiteOptions& options() const { return options_; }
  const std::string& run() const { return run_; }
  const std::string& log_directory() const { return log_directory_; }

  // A sandbox config labelled with this run; RunSandbox also remembers the id for cleanup.
  sdk::PodSandboxConfig SandboxConfig(const std::string& name) const;
  sdk::Result<std::string> RunSandbox(const sdk::PodSandboxConfig& config);
  // A container config running options().command, labelled with this run.
  sdk::ContainerConfig ContainerConfig(const std::string& name) const;
  // Pulls the image, runs a sandbox and creates (and, if `start`, starts) one container in it.
  sdk::Status RunContainer(const std::string& name, bool start, std::string& sandbox_id,
                           std::string& container_id);
  // Filters scoped to this run.
  sdk::PodSandboxFilter SandboxFilter() const;
  sdk::ContainerFilter ContainerFilter() const;

 private:
  RuntimeFactory factory_;
  RuntimeSuiteOptions options_;
  std::string run_;
  std::string log_directory_;
  std::shared_ptr<sdk::RuntimeService> runtime_;
  std::mutex mu_;
  std::vector<std::string> sandboxes_;
};

}  // namespace skiff::conformance::internal
