// skiff-hostpath-csi: the hostpath driver (the same class as libskiff-hostpath-csi.so) served as
// a CSI csi.v1 sidecar (Identity, Controller and Node on one socket, as CSI drivers do).
//
//   skiff-hostpath-csi --socket /run/skiff/hostpath.sock [--config '{"root": "/var/lib/v"}']

#include <skiff/sdk/serve.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "plugins/hostpath-csi/hostpath_plugin.h"

int main(int argc, char** argv) {
  CLI::App app{"The skiff hostpath driver as a CSI (csi.v1) gRPC sidecar"};
  std::string socket;
  std::string config = "{}";
  app.add_option("--socket", socket, "Unix socket path to serve on")->required();
  app.add_option("--config", config, "The driver's JSON config (see hostpath_config.h)");
  CLI11_PARSE(app, argc, argv);

  auto storage = skiff::hostpath::NewHostpathPlugin(config);
  if (!storage.ok()) {
    spdlog::error("skiff-hostpath-csi: {}", storage.status().ToString());
    return 2;
  }
  auto served = skiff::sdk::Serve(
      std::shared_ptr<skiff::sdk::StoragePlugin>(std::move(storage).value()), socket);
  if (!served.ok()) {
    spdlog::error("skiff-hostpath-csi: {}", served.ToString());
    return 1;
  }
  return 0;
}
