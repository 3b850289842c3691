// skiff-bridge-network: the bridge plugin (the same class as libskiff-bridge-cni.so and the
// skiff-bridge CNI binary) served as a skiff.network.v1 sidecar, which keeps its state between
// calls instead of starting once per CNI command.
//
//   skiff-bridge-network --socket /run/skiff/bridge.sock --config '{"bridge": "skiff0", ...}'

#include <skiff/sdk/serve.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "plugins/bridge-cni/bridge_plugin.h"

int main(int argc, char** argv) {
  CLI::App app{"The skiff bridge network plugin as a gRPC sidecar (skiff.network.v1)"};
  std::string socket;
  std::string config = "{}";
  app.add_option("--socket", socket, "Unix socket path to serve on")->required();
  app.add_option("--config", config, "The bridge's JSON config (see bridge_config.h)");
  CLI11_PARSE(app, argc, argv);

  auto network = skiff::bridge_cni::NewBridgePlugin(config);
  if (!network.ok()) {
    spdlog::error("skiff-bridge-network: {}", network.status().ToString());
    return 2;
  }
  auto served = skiff::sdk::Serve(
      std::shared_ptr<skiff::sdk::NetworkPlugin>(std::move(network).value()), socket);
  if (!served.ok()) {
    spdlog::error("skiff-bridge-network: {}", served.ToString());
    return 1;
  }
  return 0;
}
