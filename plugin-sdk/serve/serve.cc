// The public serve entry points: pick the services for the plugin kind, start, and (for
// Serve*) block until a stop signal.

#include <skiff/sdk/serve.h>
#include <spdlog/spdlog.h>

#include "plugin-sdk/serve/grpc_services.h"
#include "plugin-sdk/serve/sidecar_server.h"
#include "plugin-sdk/serve/signal_wait.h"

namespace skiff::sdk {
namespace {

template <typename Plugin>
Status ServeUntilSignal(Result<std::unique_ptr<SidecarServer>> (*start)(std::shared_ptr<Plugin>,
                                                                        const std::string&),
                        std::shared_ptr<Plugin> plugin, const std::string& path) {
  if (!plugin) return Status::InvalidArgument("no plugin instance to serve");
  // Handlers go in before the server starts so an early SIGTERM still stops it cleanly.
  serve::SignalWait signals;
  auto server = start(std::move(plugin), path);
  if (!server.ok()) return server.status();
  int signo = signals.Wait();
  spdlog::info("signal {} received, stopping sidecar on {}", signo, path);
  (*server)->Shutdown(std::chrono::seconds(5));
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<SidecarServer>> StartRuntimeServer(std::shared_ptr<RuntimeService> runtime,
                                                          const std::string& unix_socket_path) {
  if (!runtime) return Status::InvalidArgument("no runtime instance to serve");
  return serve::StartSidecarServer(serve::MakeRuntimeServices(std::move(runtime)),
                                   unix_socket_path);
}

Result<std::unique_ptr<SidecarServer>> StartStorageServer(std::shared_ptr<StoragePlugin> storage,
                                                          const std::string& unix_socket_path) {
  if (!storage) return Status::InvalidArgument("no storage instance to serve");
  return serve::StartSidecarServer(serve::MakeStorageServices(std::move(storage)),
                                   unix_socket_path);
}

Result<std::unique_ptr<SidecarServer>> StartNetworkServer(std::shared_ptr<NetworkPlugin> network,
                                                          const std::string& unix_socket_path) {
  if (!network) return Status::InvalidArgument("no network instance to serve");
  return serve::StartSidecarServer(serve::MakeNetworkServices(std::move(network)),
                                   unix_socket_path);
}

Status ServeRuntime(std::shared_ptr<RuntimeService> runtime, const std::string& unix_socket_path) {
  return ServeUntilSignal(&StartRuntimeServer, std::move(runtime), unix_socket_path);
}

Status ServeStorage(std::shared_ptr<StoragePlugin> storage, const std::string& unix_socket_path) {
  return ServeUntilSignal(&StartStorageServer, std::move(storage), unix_socket_path);
}

Status ServeNetwork(std::shared_ptr<NetworkPlugin> network, const std::string& unix_socket_path) {
  return ServeUntilSignal(&StartNetworkServer, std::move(network), unix_socket_path);
}

}  // namespace skiff::sdk
