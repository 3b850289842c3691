#pragma once

// Run any SDK plugin as a gRPC sidecar on a unix socket: the same class that ships as a .so,
// packaged as its own process. The runtime speaks CRI runtime.v1 (RuntimeService and
// ImageService), storage speaks CSI csi.v1 (Identity, Controller, Node) and network speaks
// skiff.network.v1, so standard tools (crictl, csc) can talk to a skiff sidecar too.
//
// SDK Status codes become the gRPC status codes of the same name. The server calls the plugin
// concurrently from gRPC's thread pool, as the host does in-process; plugins are already
// required to be thread-safe. No gRPC or protobuf type appears in this header.

#include <skiff/sdk/network.h>
#include <skiff/sdk/runtime.h>
#include <skiff/sdk/status.h>
#include <skiff/sdk/storage.h>

#include <chrono>
#include <memory>
#include <string>

namespace skiff::sdk {

// A sidecar server listening on a unix socket. Destroying it shuts it down.
// Thread-safe: Shutdown and Wait may be called from any thread, any number of times.
class SidecarServer {
 public:
  virtual ~SidecarServer() = default;

  // Stops accepting calls, gives calls in flight up to `grace` to finish, cancels the rest and
  // removes the socket file. Returns once the server has stopped.
  virtual void Shutdown(std::chrono::milliseconds grace = std::chrono::seconds(5)) = 0;
  // Blocks until the server has stopped (after Shutdown from another thread).
  virtual void Wait() = 0;
  virtual const std::string& socket_path() const = 0;
};

// Start serving and return at once. The socket's directory is created if missing; a stale
// socket file (nobody accepting on it) is removed first. Fails with FailedPrecondition when
// another process is serving on the path or the path is not a socket, InvalidArgument when the
// path is empty or too long for a unix socket, Unavailable when listening fails.
Result<std::unique_ptr<SidecarServer>> StartRuntimeServer(std::shared_ptr<RuntimeService> runtime,
                                                          const std::string& unix_socket_path);
Result<std::unique_ptr<SidecarServer>> StartStorageServer(std::shared_ptr<StoragePlugin> storage,
                                                          const std::string& unix_socket_path);
Result<std::unique_ptr<SidecarServer>> StartNetworkServer(std::shared_ptr<NetworkPlugin> network,
                                                          const std::string& unix_socket_path);

// Serve until SIGTERM or SIGINT, then shut down gracefully and return OK; a sidecar's main is
// `return Serve(plugin, socket).ok() ? 0 : 1;`. Returns the start error if serving never began.
// The previous handlers of both signals are restored before returning.
Status ServeRuntime(std::shared_ptr<RuntimeService> runtime, const std::string& unix_socket_path);
Status ServeStorage(std::shared_ptr<StoragePlugin> storage, const std::string& unix_socket_path);
Status ServeNetwork(std::shared_ptr<NetworkPlugin> network, const std::string& unix_socket_path);

// One name for all three kinds.
inline Status Serve(std::shared_ptr<RuntimeService> plugin, const std::string& unix_socket_path) {
  return ServeRuntime(std::move(plugin), unix_socket_path);
}
inline Status Serve(std::shared_ptr<StoragePlugin> plugin, const std::string& unix_socket_path) {
  return ServeStorage(std::move(plugin), unix_socket_path);
}
inline Status Serve(std::shared_ptr<NetworkPlugin> plugin, const std::string& unix_socket_path) {
  return ServeNetwork(std::move(plugin), unix_socket_path);
}

}  // namespace skiff::sdk
