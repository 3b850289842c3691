#include "core/agent/exec_session.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <deque>
#include <optional>

#include "core/agent/runtime_config_builder.h"

namespace skiff::agent {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Ws = websocket::stream<beast::tcp_stream>;

constexpr char kV5[] = "v5.channel.k8s.io";
constexpr char kV4[] = "v4.channel.k8s.io";
constexpr char kStdout = 1, kStderr = 2, kStatus = 3;
constexpr unsigned char kClose = 255;

bool IsTrue(std::string_view v) { return v == "true" || v == "1"; }

std::string Message(char channel, std::string_view data) {
  std::string m(1, channel);
  m.append(data);
  return m;
}

// The status channel's last word: Success, or the exit code kubectl exits with.
std::string ExitStatus(int exit_code, const std::vector<std::string>& command) {
  json::object st{{"metadata", json::object{}}};
  if (exit_code == 0) {
    st["status"] = "Success";
  } else {
    std::string cmd;
    for (const auto& c : command) cmd += (cmd.empty() ? "" : " ") + c;
    st["status"] = "Failure";
    st["message"] = "command terminated with non-zero exit code: error executing command [" + cmd +
                    "], exit code " + std::to_string(exit_code);
    st["reason"] = "NonZeroExitCode";
    st["details"] =
        json::object{{"causes", json::array{json::object{{"reason", "ExitCode"},
                                                         {"message", std::to_string(exit_code)}}}}};
  }
  return json::serialize(st);
}

std::string FailureStatus(const std::string& message) {
  return json::serialize(json::object{{"metadata", json::object{}},
                                      {"status", "Failure"},
                                      {"message", message},
                                      {"reason", "InternalError"},
                                      {"code", 500}});
}

struct StreamUrl {
  std::string host, port, target;
};

// The runtime's streaming URL: http://host:port/path (containerd's stream server is plain
// HTTP on loopback unless configured otherwise).
std::optional<StreamUrl> ParseStreamUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return std::nullopt;
  url.remove_prefix(kScheme.size());
  auto slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  StreamUrl out;
  out.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  auto colon = authority.rfind(':');
  if (colon == std::string_view::npos || authority.ends_with(']')) {
    out.host = std::string(authority);
    out.port = "80";
  } else {
    out.host = std::string(authority.substr(0, colon));
    out.port = std::string(authority.substr(colon + 1));
  }
  if (out.host.size() > 1 && out.host.front() == '[')
    out.host = out.host.substr(1, out.host.size() - 2);
  if (out.host.empty()) return std::nullopt;
  return out;
}

class ExecSession : public std::enable_shared_from_this<ExecSession> {
 public:
  ExecSession(tcp::socket socket, apiserver::HttpRequest request, ExecTarget target,
              std::shared_ptr<sdk::RuntimeService> runtime)
      : down_(std::move(socket)),
        request_(std::move(request)),
        target_(std::move(target)),
        runtime_(std::move(runtime)),
        resolver_(down_.get_executor()) {}

  void Start() {
    std::string_view offered = request_.Header("sec-websocket-protocol");
    protocol_ = apiserver::HeaderListHas(offered, kV5, true)   ? kV5
                : apiserver::HeaderListHas(offered, kV4, true) ? kV4
                                                               : "";
    if (protocol_.empty()) {
      return Reject(
          "unsupported exec subprotocol; this agent speaks v5.channel.k8s.io and "
          "v4.channel.k8s.io");
    }
    http::request<http::empty_body> req{http::verb::get, request_.target, 11};
    for (const auto& [name, value] : request_.headers) req.insert(name, value);
    down_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    down_.set_option(
        websocket::stream_base::decorator([p = protocol_](websocket::response_type& res) {
          res.set(http::field::sec_websocket_protocol, p);
        }));
    down_.async_accept(req, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return spdlog::warn("exec: WebSocket accept failed: {}", ec.message());
      self->down_.binary(true);
      self->Run();
    });
  }

 private:
  void Reject(const std::string& why) {
    std::string body = json::serialize(json::object{{"kind", "Status"},
                                                    {"apiVersion", "v1"},
                                                    {"status", "Failure"},
                                                    {"message", why},
                                                    {"reason", "BadRequest"},
                                                    {"code", 400}});
    auto answer = std::make_shared<std::string>(
        "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body);
    asio::async_write(down_.next_layer(), asio::buffer(*answer),
                      [self = shared_from_this(), answer](beast::error_code, std::size_t) {
                        beast::error_code ignored;
                        self->down_.next_layer().socket().shutdown(tcp::socket::shutdown_both,
                                                                   ignored);
                      });
  }

  // Blocking runtime calls are fine here: this thread serves this session only.
  void Run() {
    std::vector<std::string> command;
    for (const auto& [k, v] : request_.query) {
      if (k == "command") command.push_back(v);
    }
    if (command.empty()) return Finish({Message(kStatus, FailureStatus("no command given"))});
    sdk::ContainerFilter filter;
    filter.label_selector = {{kPodNamespaceLabel, target_.ns},
                             {kPodNameLabel, target_.pod},
                             {kContainerNameLabel, target_.container}};
    auto list = runtime_->ListContainers(filter);
    if (!list.ok()) {
      return Finish({Message(kStatus, FailureStatus("runtime: " + list.status().ToString()))});
    }
    std::string id;
    for (const auto& c : *list) {
      if (c.state == sdk::ContainerState::kRunning) id = c.id;
    }
    if (id.empty()) {
      return Finish({Message(kStatus, FailureStatus("container " + target_.container + " in pod " +
                                                    target_.pod + " is not running"))});
    }
    sdk::ExecRequest exec;
    exec.container_id = id;
    exec.cmd = command;
    exec.stdin = IsTrue(request_.Query("stdin"));
    exec.tty = IsTrue(request_.Query("tty"));
    exec.stdout = !request_.HasQuery("stdout") || IsTrue(request_.Query("stdout"));
    exec.stderr = !exec.tty && (!request_.HasQuery("stderr") || IsTrue(request_.Query("stderr")));
    // Through the runtime's streaming server whenever it has one (output streams as it comes);
    // a runtime without one still runs non-interactive commands through ExecSync.
    auto url = runtime_->Exec(exec);
    if (!url.ok() && url.status().code() == sdk::StatusCode::kUnimplemented && !exec.stdin &&
        !exec.tty) {
      return RunToCompletion(exec);
    }
    if (!url.ok()) {
      return Finish({Message(kStatus, FailureStatus("exec: " + url.status().ToString()))});
    }
    auto parsed = ParseStreamUrl(*url);
    if (!parsed) {
      return Finish({Message(kStatus, FailureStatus("exec: the runtime's streaming URL " + *url +
                                                    " is not http://"))});
    }
    Dial(std::move(*parsed));
  }

  // ExecSync, then its output and exit status.
  void RunToCompletion(const sdk::ExecRequest& exec) {
    auto r = runtime_->ExecSync(exec.container_id, exec.cmd, std::chrono::seconds(0));
    if (!r.ok()) return Finish({Message(kStatus, FailureStatus("exec: " + r.status().ToString()))});
    std::deque<std::string> out;
    if (exec.stdout && !r->stdout.empty()) out.push_back(Message(kStdout, r->stdout));
    if (exec.stderr && !r->stderr.empty()) out.push_back(Message(kStderr, r->stderr));
    out.push_back(Message(kStatus, ExitStatus(r->exit_code, exec.cmd)));
    Finish(std::move(out));
  }

  // Sends `messages` to kubectl, then closes normally.
  void Finish(std::deque<std::string> messages) {
    if (messages.empty()) return CloseDown();
    auto m = std::make_shared<std::string>(std::move(messages.front()));
    messages.pop_front();
    down_.async_write(asio::buffer(*m), [self = shared_from_this(), m, rest = std::move(messages)](
                                            beast::error_code ec, std::size_t) mutable {
      if (ec) return self->Abort();
      self->Finish(std::move(rest));
    });
  }

  void Dial(StreamUrl url) {
    up_.emplace(down_.get_executor());
    url_ = std::move(url);
    resolver_.async_resolve(
        url_.host, url_.port, [self = shared_from_this()](beast::error_code ec, auto endpoints) {
          if (ec) return self->UpFailed("resolve", ec);
          beast::get_lowest_layer(*self->up_).expires_after(std::chrono::seconds(10));
          beast::get_lowest_layer(*self->up_)
              .async_connect(endpoints, [self](beast::error_code ec, const tcp::endpoint&) {
                if (ec) return self->UpFailed("connect", ec);
                beast::get_lowest_layer(*self->up_).expires_never();
                self->Handshake();
              });
        });
  }

  void Handshake() {
    up_->set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    std::string offer = protocol_ == kV5 ? std::string(kV5) + ", " + kV4 : std::string(kV4);
    up_->set_option(websocket::stream_base::decorator([offer](websocket::request_type& req) {
      req.set(http::field::sec_websocket_protocol, offer);
    }));
    up_->async_handshake(up_response_, url_.host + ":" + url_.port, url_.target,
                         [self = shared_from_this()](beast::error_code ec) {
                           if (ec) return self->UpFailed("WebSocket handshake", ec);
                           self->up_protocol_ =
                               std::string(self->up_response_[http::field::sec_websocket_protocol]);
                           self->up_->binary(true);
                           self->ReadDown();
                           self->ReadUp();
                         });
  }

  void UpFailed(const char* what, beast::error_code ec) {
    Finish({Message(kStatus, FailureStatus("exec: " + std::string(what) +
                                           " to the runtime's streaming server at " + url_.host +
                                           ":" + url_.port + " failed: " + ec.message()))});
  }

  // kubectl to the runtime: stdin and resize; a v5 close message only to a v5 peer.
  void ReadDown() {
    down_.async_read(down_buf_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->CloseUp();  // kubectl closed (or went away)
      auto data = self->down_buf_.data();
      bool close_message =
          asio::buffer_size(data) > 0 && *static_cast<const unsigned char*>(data.data()) == kClose;
      if (close_message && self->up_protocol_ != kV5) {
        self->down_buf_.consume(self->down_buf_.size());
        return self->ReadDown();
      }
      self->up_->binary(self->down_.got_binary());
      self->up_->async_write(data, [self](beast::error_code ec, std::size_t) {
        if (ec) return self->Abort();
        self->down_buf_.consume(self->down_buf_.size());
        self->ReadDown();
      });
    });
  }

  // The runtime to kubectl: stdout, stderr, status.
  void ReadUp() {
    up_->async_read(up_buf_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      // The runtime closed (containerd may drop the connection without a close frame once
      // it sent the status): kubectl gets what came and a normal close.
      if (ec) return self->CloseDown();
      self->down_.binary(self->up_->got_binary());
      self->down_.async_write(self->up_buf_.data(), [self](beast::error_code ec, std::size_t) {
        if (ec) return self->Abort();
        self->up_buf_.consume(self->up_buf_.size());
        self->ReadUp();
      });
    });
  }

  void CloseDown() {
    if (down_closing_) return;
    down_closing_ = true;
    if (!down_.is_open()) return Abort();
    down_.async_close(websocket::close_code::normal,
                      [self = shared_from_this()](beast::error_code) { self->Abort(); });
  }

  void CloseUp() {
    down_closing_ = true;  // kubectl closed: nothing more goes to it
    if (!up_ || up_closing_) return Abort();
    up_closing_ = true;
    if (!up_->is_open()) return Abort();
    up_->async_close(websocket::close_code::normal,
                     [self = shared_from_this()](beast::error_code) { self->Abort(); });
  }

  // Ends everything still open (pending operations complete with errors and end).
  void Abort() {
    beast::error_code ignored;
    resolver_.cancel();
    beast::get_lowest_layer(down_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(down_).close();
    if (up_) beast::get_lowest_layer(*up_).close();
  }

  Ws down_;
  apiserver::HttpRequest request_;
  ExecTarget target_;
  std::shared_ptr<sdk::RuntimeService> runtime_;
  tcp::resolver resolver_;
  std::string protocol_;
  std::optional<Ws> up_;
  StreamUrl url_;
  websocket::response_type up_response_;
  std::string up_protocol_;
  beast::flat_buffer down_buf_, up_buf_;
  bool down_closing_ = false, up_closing_ = false;
};

}  // namespace

void StartExecSession(asio::io_context& ioc, apiserver::UpgradedConnection connection,
                      apiserver::HttpRequest request, ExecTarget target,
                      std::shared_ptr<sdk::RuntimeService> runtime) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  bool v6 = ::getsockname(connection.fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0 &&
            addr.ss_family == AF_INET6;
  tcp::socket socket(ioc);
  beast::error_code ec;
  socket.assign(v6 ? tcp::v6() : tcp::v4(), connection.fd, ec);
  if (ec) {
    ::close(connection.fd);
    return;
  }
  if (!connection.buffered.empty()) {
    // A WebSocket client waits for the 101 before it sends: nothing should be here.
    spdlog::warn("exec: {} bytes arrived before the upgrade and are dropped",
                 connection.buffered.size());
  }
  std::make_shared<ExecSession>(std::move(socket), std::move(request), std::move(target),
                                std::move(runtime))
      ->Start();
}

}  // namespace skiff::agent
