#include "plugin-sdk/serve/sidecar_server.h"

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/support/server_interceptor.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <system_error>
#include <thread>

#include "plugin-sdk/serve/wire/unix_socket.h"

namespace skiff::serve {
namespace {

// Lists of containers or images can be large; gRPC's 4 MiB default is too tight for a node.
constexpr int kMaxMessageBytes = 16 * 1024 * 1024;

// Counts the calls in flight. gRPC's own graceful Shutdown(deadline) also waits out idle
// client connections (the host keeps one open), so every stop would take the whole grace
// period; instead we wait for the calls themselves and then shut down at once. gRPC makes one
// interceptor per call and destroys it when the call is over, which is all we need.
class CallCounter final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo*) override {
    return new Call(in_flight_);
  }
  int in_flight() const { return in_flight_.load(); }

 private:
  class Call final : public grpc::experimental::Interceptor {
   public:
    explicit Call(std::atomic<int>& n) : n_(n) { ++n_; }
    ~Call() override { --n_; }
    void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
      methods->Proceed();
    }

   private:
    std::atomic<int>& n_;
  };
  std::atomic<int> in_flight_{0};
};

class GrpcSidecarServer final : public sdk::SidecarServer {
 public:
  GrpcSidecarServer(Services services, const CallCounter* calls,
                    std::unique_ptr<grpc::Server> server, std::string path)
      : services_(std::move(services)),
        calls_(calls),
        server_(std::move(server)),
        path_(std::move(path)) {}

  ~GrpcSidecarServer() override { Shutdown(std::chrono::seconds(5)); }

  void Shutdown(std::chrono::milliseconds grace) override {
    {
      std::unique_lock lock(mu_);
      if (stopping_) {
        // Someone else is stopping it; return only once they are done.
        stopped_cv_.wait(lock, [&] { return stopped_; });
        return;
      }
      stopping_ = true;
    }
    auto deadline = std::chrono::steady_clock::now() + grace;
    while (calls_->in_flight() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (calls_->in_flight() > 0) {
      spdlog::warn("sidecar on {}: cancelling {} call(s) still running after the grace period",
                   path_, calls_->in_flight());
    }
    server_->Shutdown(std::chrono::system_clock::now());
    server_->Wait();
    // Only unlink our own socket: a successor may already listen on the path.
    if (wire::ProbeUnixSocket(path_) == wire::SocketProbe::kStale) ::unlink(path_.c_str());
    spdlog::info("sidecar server on {} stopped", path_);
    {
      std::lock_guard lock(mu_);
      stopped_ = true;
    }
    stopped_cv_.notify_all();
  }

  void Wait() override {
    std::unique_lock lock(mu_);
    stopped_cv_.wait(lock, [&] { return stopped_; });
  }

  const std::string& socket_path() const override { return path_; }

 private:
  Services services_;         // must outlive server_
  const CallCounter* calls_;  // owned by server_
  std::unique_ptr<grpc::Server> server_;
  std::string path_;
  std::mutex mu_;
  std::condition_variable stopped_cv_;
  bool stopping_ = false;
  bool stopped_ = false;
};

// Makes the path ready to listen on: its directory exists and no stale socket is in the way.
sdk::Status PrepareSocketPath(const std::string& path) {
  if (path.empty()) return sdk::Status::InvalidArgument("sidecar socket path is empty");
  if (path.size() > wire::kMaxUnixSocketPath) {
    return sdk::Status::InvalidArgument("sidecar socket path is longer than " +
                                        std::to_string(wire::kMaxUnixSocketPath) +
                                        " bytes: " + path);
  }
  std::error_code ec;
  auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  if (ec) {
    return sdk::Status::Unavailable("cannot create socket directory " + dir.string() + ": " +
                                    ec.message());
  }
  switch (wire::ProbeUnixSocket(path)) {
    case wire::SocketProbe::kAbsent:
      return sdk::Status::Ok();
    case wire::SocketProbe::kStale:
      spdlog::info("removing stale socket {}", path);
      ::unlink(path.c_str());
      return sdk::Status::Ok();
    case wire::SocketProbe::kListening:
      return sdk::Status::FailedPrecondition("another process is already serving on " + path);
    case wire::SocketProbe::kNotASocket:
      return sdk::Status::FailedPrecondition(path + " exists and is not a socket");
  }
  return sdk::Status::Ok();
}

}  // namespace

sdk::Result<std::unique_ptr<sdk::SidecarServer>> StartSidecarServer(
    Services services, const std::string& unix_socket_path) {
  if (auto s = PrepareSocketPath(unix_socket_path); !s.ok()) return s;

  grpc::ServerBuilder builder;
  builder.AddListeningPort(wire::UnixEndpoint(unix_socket_path), grpc::InsecureServerCredentials());
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  for (auto& service : services) builder.RegisterService(service.get());
  auto counter = std::make_unique<CallCounter>();
  const CallCounter* calls = counter.get();
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
  factories.push_back(std::move(counter));
  builder.experimental().SetInterceptorCreators(std::move(factories));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) {
    return sdk::Status::Unavailable("cannot listen on unix socket " + unix_socket_path);
  }
  spdlog::info("sidecar serving on {}", unix_socket_path);
  return std::unique_ptr<sdk::SidecarServer>(
      new GrpcSidecarServer(std::move(services), calls, std::move(server), unix_socket_path));
}

}  // namespace skiff::serve
