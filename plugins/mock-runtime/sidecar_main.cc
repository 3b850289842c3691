// skiff-mock-runtime: the mock runtime (the same class as libskiff-mock-runtime.so) served as a
// CRI runtime.v1 sidecar, so the host, crictl or the conformance runner reach it over a socket.
//
//   skiff-mock-runtime --socket /run/skiff/mock.sock [--config '{"netns": true}']

#include <skiff/sdk/serve.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "plugins/mock-runtime/mock_runtime.h"

int main(int argc, char** argv) {
  CLI::App app{"The skiff mock runtime as a CRI (runtime.v1) gRPC sidecar"};
  std::string socket;
  std::string config = "{}";
  app.add_option("--socket", socket, "Unix socket path to serve on")->required();
  app.add_option("--config", config, "The runtime's JSON config (see mock_runtime_config.h)");
  CLI11_PARSE(app, argc, argv);

  auto runtime = skiff::mock::NewMockRuntime(config);
  if (!runtime.ok()) {
    spdlog::error("skiff-mock-runtime: {}", runtime.status().ToString());
    return 2;
  }
  auto served = skiff::sdk::Serve(
      std::shared_ptr<skiff::sdk::RuntimeService>(std::move(runtime).value()), socket);
  if (!served.ok()) {
    spdlog::error("skiff-mock-runtime: {}", served.ToString());
    return 1;
  }
  return 0;
}
