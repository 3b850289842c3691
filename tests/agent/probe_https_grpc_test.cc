// httpGet probes with scheme HTTPS against a local TLS server whose self-signed certificate is
// made at test time (the probe does not verify it, as the kubelet does not), and grpc probes
// against a grpc.health.v1 server: success and failure both ways.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "core/agent/prober.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/agent/fake_runtime.h"

namespace skiff::agent {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using boost::system::error_code;

json::object Obj(const char* text) { return json::parse(text).as_object(); }

// A loopback server on a thread that accepts connections one at a time until destroyed.
class LoopbackServer {
 public:
  LoopbackServer() : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}
  virtual ~LoopbackServer() = default;
  int port() const { return acceptor_.local_endpoint().port(); }

 protected:
  void Start() {
    thread_ = std::thread([this] {
      for (;;) {
        tcp::socket socket(io_);
        error_code ec;
        acceptor_.accept(socket, ec);
        if (ec) return;
        Serve(std::move(socket));
      }
    });
  }
  // Call first in the subclass's destructor: stops accepting.
  void Stop() {
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    thread_.join();
  }
  virtual void Serve(tcp::socket socket) = 0;

 private:
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
};

// HTTPS: GET /ok answers 200, anything else 503. Keeps the last request's target and
// X-Probe header.
class HttpsServer : public LoopbackServer {
 public:
  explicit HttpsServer(const std::filesystem::path& dir) : tls_(ssl::context::tls_server) {
    tls_.use_certificate_chain_file((dir / "cert.pem").string());
    tls_.use_private_key_file((dir / "key.pem").string(), ssl::context::pem);
    Start();
  }
  ~HttpsServer() override { Stop(); }
  std::string last_request() {
    std::lock_guard lock(mu_);
    return last_request_;
  }

 private:
  void Serve(tcp::socket socket) override {
    ssl::stream<tcp::socket> stream(std::move(socket), tls_);
    error_code ec;
    stream.handshake(ssl::stream_base::server, ec);
    if (ec) return;
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    http::read(stream, buffer, req, ec);
    if (ec) return;
    {
      std::lock_guard lock(mu_);
      last_request_ = std::string(req.target()) + " X-Probe=" + std::string(req["X-Probe"]);
    }
    http::response<http::string_body> res{
        req.target() == "/ok" ? http::status::ok : http::status::service_unavailable, 11};
    res.body() = "hello";
    res.prepare_payload();
    http::write(stream, res, ec);
  }

  ssl::context tls_;
  std::mutex mu_;
  std::string last_request_;
};

// Plain text where TLS is expected: answers "200 OK" to whatever arrives.
class PlainHttpServer : public LoopbackServer {
 public:
  PlainHttpServer() { Start(); }
  ~PlainHttpServer() override { Stop(); }

 private:
  void Serve(tcp::socket socket) override {
    error_code ec;
    char buf[512];
    socket.read_some(asio::buffer(buf), ec);
    asio::write(socket, asio::buffer(std::string("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")),
                ec);
  }
};

class HttpsProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("skiff-https-probe-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    const std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
        "-subj /CN=probe-test -keyout '" +
        (dir_ / "key.pem").string() + "' -out '" + (dir_ / "cert.pem").string() +
        "' >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  testing::FakeRuntime runtime_;
};

TEST(ProbeParseTest, HttpsSchemeAndGrpcAction) {
  auto https = ParseProbe(Obj(R"({"httpGet":{"port":8443,"scheme":"HTTPS"}})"), {});
  ASSERT_TRUE(https.ok()) << https.status().ToString();
  EXPECT_EQ(https->kind, ProbeSpec::Kind::kHttpGet);
  EXPECT_TRUE(https->https);
  auto http = ParseProbe(Obj(R"({"httpGet":{"port":80,"scheme":"HTTP"}})"), {});
  ASSERT_TRUE(http.ok());
  EXPECT_FALSE(http->https);
  EXPECT_FALSE(ParseProbe(Obj(R"({"httpGet":{"port":80,"scheme":"FTP"}})"), {}).ok());

  auto grpc = ParseProbe(Obj(R"({"grpc":{"port":9090,"service":"app"},"timeoutSeconds":2})"), {});
  ASSERT_TRUE(grpc.ok()) << grpc.status().ToString();
  EXPECT_EQ(grpc->kind, ProbeSpec::Kind::kGrpc);
  EXPECT_EQ(grpc->port, 9090);
  EXPECT_EQ(grpc->service, "app");
  EXPECT_EQ(grpc->timeout, std::chrono::seconds(2));
  auto bare = ParseProbe(Obj(R"({"grpc":{"port":9090}})"), {});
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->service, "");
  EXPECT_FALSE(ParseProbe(Obj(R"({"grpc":{}})"), {}).ok());
}

TEST_F(HttpsProbeTest, SucceedsOnTwoHundredOverTlsWithAnUnverifiedCertificate) {
  HttpsServer server(dir_);
  auto spec = ParseProbe(Obj(R"({"httpGet":{"port":1,"path":"/ok","scheme":"HTTPS",
                         "httpHeaders":[{"name":"X-Probe","value":"yes"}]}})"),
                         {});
  ASSERT_TRUE(spec.ok());
  spec->port = server.port();
  ProbeAttempt a = RunProbeOnce(*spec, runtime_, "c1", "127.0.0.1");
  EXPECT_TRUE(a.success) << a.message;
  EXPECT_EQ(server.last_request(), "/ok X-Probe=yes");
}

TEST_F(HttpsProbeTest, FailsOnAnErrorStatusNoTlsOrNoServer) {
  auto spec = ParseProbe(Obj(R"({"httpGet":{"port":1,"path":"/down","scheme":"HTTPS"}})"), {});
  ASSERT_TRUE(spec.ok());
  {
    HttpsServer server(dir_);
    spec->port = server.port();
    ProbeAttempt a = RunProbeOnce(*spec, runtime_, "c1", "127.0.0.1");
    EXPECT_FALSE(a.success);
    EXPECT_NE(a.message.find("statuscode: 503"), std::string::npos) << a.message;
    EXPECT_EQ(server.last_request(), "/down X-Probe=");
  }
  {
    // A plain HTTP "200 OK" is not an answer to a TLS handshake.
    PlainHttpServer plain;
    spec->port = plain.port();
    ProbeAttempt a = RunProbeOnce(*spec, runtime_, "c1", "127.0.0.1");
    EXPECT_FALSE(a.success);
    EXPECT_NE(a.message.find("TLS handshake"), std::string::npos) << a.message;
  }
  // The server is gone: nothing accepts on that port any more.
  ProbeAttempt a = RunProbeOnce(*spec, runtime_, "c1", "127.0.0.1");
  EXPECT_FALSE(a.success);
  EXPECT_NE(a.message.find("dial tcp"), std::string::npos) << a.message;
}

// A grpc.health.v1 server as the protocol describes it: "" and each service set to serving
// or not answer with their status; an unknown service is NOT_FOUND.
class HealthService final : public grpc::health::v1::Health::Service {
 public:
  void Set(const std::string& service, bool serving) {
    std::lock_guard lock(mu_);
    status_[service] = serving ? grpc::health::v1::HealthCheckResponse::SERVING
                               : grpc::health::v1::HealthCheckResponse::NOT_SERVING;
  }
  grpc::Status Check(grpc::ServerContext*, const grpc::health::v1::HealthCheckRequest* request,
                     grpc::health::v1::HealthCheckResponse* response) override {
    std::lock_guard lock(mu_);
    auto it = status_.find(request->service());
    if (it == status_.end()) return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service");
    response->set_status(it->second);
    return grpc::Status::OK;
  }

 private:
  std::mutex mu_;
  std::map<std::string, grpc::health::v1::HealthCheckResponse::ServingStatus> status_{
      {"", grpc::health::v1::HealthCheckResponse::SERVING}};
};

class GrpcHealthServer {
 public:
  GrpcHealthServer() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
  }
  ~GrpcHealthServer() { server_->Shutdown(); }
  int port() const { return port_; }
  void Set(const std::string& service, bool serving) { service_.Set(service, serving); }

 private:
  HealthService service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

TEST(GrpcProbeTest, ServingIsSuccessAnythingElseFailure) {
  testing::FakeRuntime runtime;
  GrpcHealthServer server;
  ASSERT_GT(server.port(), 0);
  auto spec = ParseProbe(Obj(R"({"grpc":{"port":1}})"), {});
  ASSERT_TRUE(spec.ok());
  spec->port = server.port();

  // The server as a whole ("") serves.
  ProbeAttempt whole = RunProbeOnce(*spec, runtime, "c1", "127.0.0.1");
  EXPECT_TRUE(whole.success) << whole.message;

  spec->service = "app";
  server.Set("app", true);
  ProbeAttempt serving = RunProbeOnce(*spec, runtime, "c1", "127.0.0.1");
  EXPECT_TRUE(serving.success) << serving.message;

  server.Set("app", false);
  ProbeAttempt not_serving = RunProbeOnce(*spec, runtime, "c1", "127.0.0.1");
  EXPECT_FALSE(not_serving.success);
  EXPECT_NE(not_serving.message.find("NOT_SERVING"), std::string::npos) << not_serving.message;

  spec->service = "unknown";
  ProbeAttempt unknown = RunProbeOnce(*spec, runtime, "c1", "127.0.0.1");
  EXPECT_FALSE(unknown.success);
  EXPECT_NE(unknown.message.find("health rpc probe failed"), std::string::npos) << unknown.message;
}

TEST(GrpcProbeTest, FailsWhenNothingListens) {
  testing::FakeRuntime runtime;
  int port = 0;
  {
    GrpcHealthServer server;
    port = server.port();
  }
  auto spec = ParseProbe(Obj(R"({"grpc":{"port":1},"timeoutSeconds":1})"), {});
  ASSERT_TRUE(spec.ok());
  spec->port = port;
  ProbeAttempt a = RunProbeOnce(*spec, runtime, "c1", "127.0.0.1");
  EXPECT_FALSE(a.success);
  EXPECT_NE(a.message.find("failed to connect"), std::string::npos) << a.message;
}

}  // namespace
}  // namespace skiff::agent
