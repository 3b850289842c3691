#include "core/apiserver/pod_exec_proxy.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <boost/asio.hpp>
#include <boost/json.hpp>

#include "core/api/json_fields.h"
#include "core/apiserver/pod_agent.h"

namespace skiff::apiserver {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using tcp = asio::ip::tcp;

api::ApiError Error(int code, std::string reason, std::string message) {
  api::ApiError e;
  e.code = code;
  e.reason = std::move(reason);
  e.message = std::move(message);
  return e;
}

// A whole HTTP/1.1 answer written on a connection taken from the server.
std::string RawStatusResponse(const api::ApiError& error) {
  std::string body = json::serialize(error.ToStatus());
  return "HTTP/1.1 " + std::to_string(error.code) +
         " Error\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Both directions of one upgraded connection. All on one io_context (one thread).
class Splice : public std::enable_shared_from_this<Splice> {
 public:
  Splice(asio::io_context& ioc, tcp::socket client, std::string host, std::string port)
      : client_(std::move(client)),
        agent_(ioc),
        resolver_(ioc),
        timer_(ioc),
        host_(std::move(host)),
        port_(std::move(port)) {}

  void Start(std::string request, std::string buffered) {
    first_ = std::move(request) + std::move(buffered);
    timer_.expires_after(std::chrono::seconds(10));
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec && !self->connected_) self->Fail("timed out connecting to the node agent");
    });
    resolver_.async_resolve(
        host_, port_, [self = shared_from_this()](boost::system::error_code ec, auto endpoints) {
          if (ec) return self->Fail("cannot resolve the node agent: " + ec.message());
          asio::async_connect(
              self->agent_, endpoints,
              [self](boost::system::error_code ec, const tcp::endpoint&) { self->OnConnect(ec); });
        });
  }

 private:
  struct Direction {
    tcp::socket* from;
    tcp::socket* to;
    std::array<char, 16 * 1024> buf;
    bool done = false;
  };

  void OnConnect(boost::system::error_code ec) {
    if (failed_) return;
    if (ec) {
      return Fail("cannot reach the node agent at " + host_ + ":" + port_ + ": " + ec.message());
    }
    connected_ = true;
    timer_.cancel();
    asio::async_write(agent_, asio::buffer(first_),
                      [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                        if (ec) return self->CloseBoth();
                        self->Pump(self->up_);
                        self->Pump(self->down_);
                      });
  }

  void Pump(Direction& d) {
    d.from->async_read_some(asio::buffer(d.buf), [self = shared_from_this(), &d](
                                                     boost::system::error_code ec, std::size_t n) {
      if (ec == asio::error::eof) return self->Finish(d);
      if (ec) return self->CloseBoth();
      asio::async_write(*d.to, asio::buffer(d.buf.data(), n),
                        [self, &d](boost::system::error_code ec, std::size_t) {
                          if (ec) return self->CloseBoth();
                          self->Pump(d);
                        });
    });
  }

  // One side sent FIN: pass it on; once the other direction ends too (or after a grace
  // period, for a peer that never closes), both sockets go.
  void Finish(Direction& d) {
    d.done = true;
    boost::system::error_code ignored;
    d.to->shutdown(tcp::socket::shutdown_send, ignored);
    if (up_.done && down_.done) return CloseBoth();
    timer_.expires_after(std::chrono::seconds(10));
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->CloseBoth();
    });
  }

  void Fail(const std::string& message) {
    if (failed_) return;  // the timer and the connect's cancellation both end here
    failed_ = true;
    spdlog::warn("exec: {}", message);
    connected_ = true;  // no second failure from the timer
    boost::system::error_code ignored;
    resolver_.cancel();
    agent_.close(ignored);
    auto answer =
        std::make_shared<std::string>(RawStatusResponse(Error(503, "ServiceUnavailable", message)));
    asio::async_write(client_, asio::buffer(*answer),
                      [self = shared_from_this(), answer](boost::system::error_code, std::size_t) {
                        self->CloseBoth();
                      });
  }

  void CloseBoth() {
    boost::system::error_code ignored;
    timer_.cancel();
    client_.shutdown(tcp::socket::shutdown_both, ignored);
    client_.close(ignored);
    agent_.shutdown(tcp::socket::shutdown_both, ignored);
    agent_.close(ignored);
  }

  tcp::socket client_;
  tcp::socket agent_;
  tcp::resolver resolver_;
  asio::steady_timer timer_;
  std::string host_, port_;
  std::string first_;
  bool connected_ = false;
  bool failed_ = false;
  Direction up_{&client_, &agent_, {}};
  Direction down_{&agent_, &client_, {}};
};

}  // namespace

void SpliceUpgrade(asio::io_context& ioc, UpgradedConnection client, std::string host,
                   std::string port, std::string request) {
  tcp::socket socket(ioc);
  boost::system::error_code ec;
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  bool v6 = ::getsockname(client.fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0 &&
            addr.ss_family == AF_INET6;
  socket.assign(v6 ? tcp::v6() : tcp::v4(), client.fd, ec);
  if (ec) {
    ::close(client.fd);
    return;
  }
  auto splice = std::make_shared<Splice>(ioc, std::move(socket), std::move(host), std::move(port));
  splice->Start(std::move(request), std::move(client.buffered));
}

PodExecProxy::PodExecProxy(ObjectRegistry& registry)
    : registry_(registry), sessions_(std::make_unique<SessionThreads>(kMaxSessions)) {}

PodExecProxy::~PodExecProxy() { sessions_->Stop(); }

void PodExecProxy::Serve(const std::shared_ptr<HttpExchange>& ex, const std::string& ns,
                         const std::string& name) {
  const HttpRequest& req = ex->request();
  if (!HeaderListHas(req.Header("upgrade"), "websocket", false) ||
      req.Header("sec-websocket-key").empty()) {
    return ex->Respond(StatusResponse(api::ApiError::BadRequest(
        "exec needs a WebSocket upgrade (v5.channel.k8s.io or v4.channel.k8s.io)")));
  }
  auto agent = FindPodAgent(registry_, ns, name);
  if (!agent.ok()) return ex->Respond(StatusResponse(agent.error()));
  std::string container(req.Query("container"));
  if (container.empty()) {
    if (const json::array* cs = api::FindArray(agent->pod, "spec.containers"); cs && !cs->empty()) {
      container = std::string(api::GetString((*cs)[0].as_object(), "name"));
    }
  }
  // The agent sees the client's query and WebSocket headers, never its credentials.
  std::string_view target = req.target;
  auto q = target.find('?');
  std::string request = "GET /exec/" + EncodeUrlComponent(ns) + "/" + EncodeUrlComponent(name) +
                        "/" + EncodeUrlComponent(container) +
                        std::string(q == std::string_view::npos ? "" : target.substr(q)) +
                        " HTTP/1.1\r\nHost: " + agent->host + ":" + agent->port +
                        "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n";
  for (const char* h : {"sec-websocket-key", "sec-websocket-version", "sec-websocket-protocol"}) {
    if (auto v = req.Header(h); !v.empty())
      request += std::string(h) + ": " + std::string(v) + "\r\n";
  }
  request += "\r\n";
  UpgradedConnection conn = ex->TakeConnection();
  if (conn.fd < 0) {
    return ex->Respond(StatusResponse(api::ApiError::Internal("no connection upgrade support")));
  }
  bool started = sessions_->Start(
      [conn, host = agent->host, port = agent->port, request](asio::io_context& ioc) mutable {
        SpliceUpgrade(ioc, std::move(conn), std::move(host), std::move(port), std::move(request));
      });
  if (!started) {
    std::string answer = RawStatusResponse(
        Error(429, "TooManyRequests", "too many exec sessions at once; try again later"));
    (void)!::write(conn.fd, answer.data(), answer.size());
    ::close(conn.fd);
  }
}

}  // namespace skiff::apiserver
