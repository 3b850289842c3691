#include "core/apiserver/pod_exec_proxy.h"

#include <spdlog/spdlog.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/core/detail/sha1.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/api/json_fields.h"
#include "core/apiserver/pod_agent.h"

namespace skiff::apiserver {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = boost::asio::ip::tcp;

constexpr unsigned char kBinary = 0x2;
constexpr unsigned char kClose = 0x8;
constexpr char kStdout = 1, kStderr = 2, kError = 3;

bool HasToken(std::string_view list, std::string_view token) {
  std::size_t start = 0;
  while (start < list.size()) {
    auto comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view t = list.substr(start, comma - start);
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    if (t.size() == token.size() &&
        std::equal(t.begin(), t.end(), token.begin(),
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return true;
    }
    start = comma + 1;
  }
  return false;
}

std::string Message(char channel, std::string_view data) {
  std::string payload(1, channel);
  payload.append(data);
  return WebSocketFrame(kBinary, payload);
}

// The v4/v5 error channel's final status: Success, or the exit code kubectl exits with.
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

struct ExecOutcome {
  bool ok = false;
  std::string error;  // !ok
  std::string stdout_text, stderr_text;
  int exit_code = 0;
};

ExecOutcome Failed(std::string error) {
  ExecOutcome out;
  out.error = std::move(error);
  return out;
}

ExecOutcome CallAgent(const std::string& host, const std::string& port, const std::string& target) {
  boost::asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  tcp::resolver resolver(ioc);
  auto endpoints = resolver.resolve(host, port, ec);
  if (!ec) stream.connect(endpoints, ec);
  if (ec)
    return Failed("cannot reach the node agent at " + host + ":" + port + ": " + ec.message());
  http::request<http::empty_body> req{http::verb::post, target, 11};
  req.set(http::field::host, host);
  req.prepare_payload();
  http::write(stream, req, ec);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  if (!ec) http::read(stream, buffer, res, ec);
  if (ec) return Failed("node agent: " + ec.message());
  if (res.result_int() != 200) {
    std::string body = res.body();
    while (!body.empty() && body.back() == '\n') body.pop_back();
    return Failed(body);
  }
  boost::system::error_code jec;
  json::value v = json::parse(res.body(), jec);
  if (jec || !v.is_object()) return Failed("node agent: malformed exec answer");
  ExecOutcome out;
  out.ok = true;
  out.stdout_text = std::string(api::GetString(v.as_object(), "stdout"));
  out.stderr_text = std::string(api::GetString(v.as_object(), "stderr"));
  out.exit_code = static_cast<int>(api::GetInt(v.as_object(), "exitCode").value_or(0));
  return out;
}

}  // namespace

std::string WebSocketFrame(unsigned char opcode, std::string_view payload) {
  std::string f;
  f.push_back(static_cast<char>(0x80 | opcode));  // FIN, unmasked (server to client)
  std::size_t n = payload.size();
  if (n < 126) {
    f.push_back(static_cast<char>(n));
  } else if (n < 65536) {
    f.push_back(126);
    f.push_back(static_cast<char>(n >> 8));
    f.push_back(static_cast<char>(n & 0xff));
  } else {
    f.push_back(127);
    for (int shift = 56; shift >= 0; shift -= 8)
      f.push_back(static_cast<char>((n >> shift) & 0xff));
  }
  f.append(payload);
  return f;
}

std::string WebSocketAccept(std::string_view key) {
  static constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  beast::detail::sha1_context ctx;
  beast::detail::init(ctx);
  beast::detail::update(ctx, key.data(), key.size());
  beast::detail::update(ctx, kGuid.data(), kGuid.size());
  char digest[beast::detail::sha1_context::digest_size];
  beast::detail::finish(ctx, &digest[0]);
  std::string out(beast::detail::base64::encoded_size(sizeof digest), '\0');
  out.resize(beast::detail::base64::encode(out.data(), digest, sizeof digest));
  return out;
}

struct PodExecProxy::State {
  std::mutex mu;
  std::condition_variable cv;
  int active = 0;
  bool stopping = false;
};

PodExecProxy::PodExecProxy(ObjectRegistry& registry)
    : registry_(registry), state_(std::make_shared<State>()) {}

PodExecProxy::~PodExecProxy() {
  std::unique_lock lock(state_->mu);
  state_->stopping = true;
  state_->cv.wait(lock, [&] { return state_->active == 0; });
}

void PodExecProxy::Serve(const std::shared_ptr<HttpExchange>& ex, const std::string& ns,
                         const std::string& name) {
  const HttpRequest& req = ex->request();
  std::string_view key = req.Header("sec-websocket-key");
  std::string_view protocols = req.Header("sec-websocket-protocol");
  if (!HasToken(req.Header("upgrade"), "websocket") || key.empty()) {
    return ex->Respond(StatusResponse(api::ApiError::BadRequest(
        "exec needs a WebSocket upgrade (v5.channel.k8s.io or v4.channel.k8s.io)")));
  }
  std::string protocol = HasToken(protocols, "v5.channel.k8s.io")   ? "v5.channel.k8s.io"
                         : HasToken(protocols, "v4.channel.k8s.io") ? "v4.channel.k8s.io"
                                                                    : "";
  if (protocol.empty()) {
    return ex->Respond(StatusResponse(api::ApiError::BadRequest(
        "unsupported exec subprotocol; this server speaks v5.channel.k8s.io and "
        "v4.channel.k8s.io")));
  }
  std::vector<std::string> command;
  for (const auto& [k, v] : req.query) {
    if (k == "command") command.push_back(v);
  }
  if (command.empty()) {
    return ex->Respond(
        StatusResponse(api::ApiError::BadRequest("you must specify at least 1 command")));
  }
  if (req.Query("stdin") == "true" || req.Query("tty") == "true") {
    return ex->Respond(StatusResponse(api::ApiError::BadRequest(
        "interactive exec (stdin or tty) is not supported yet; run without -i/-t")));
  }
  auto agent = FindPodAgent(registry_, ns, name);
  if (!agent.ok()) return ex->Respond(StatusResponse(agent.error()));
  std::string container(req.Query("container"));
  if (container.empty()) {
    if (const json::array* cs = api::FindArray(agent->pod, "spec.containers"); cs && !cs->empty()) {
      container = std::string(api::GetString((*cs)[0].as_object(), "name"));
    }
  }
  std::string target = "/exec/" + EncodeUrlComponent(ns) + "/" + EncodeUrlComponent(name) + "/" +
                       EncodeUrlComponent(container) + "?";
  for (std::size_t i = 0; i < command.size(); ++i) {
    target += (i ? "&command=" : "command=") + EncodeUrlComponent(command[i]);
  }
  auto stream = ex->StartRawStream();
  if (!stream) return ex->Respond(StatusResponse(api::ApiError::Internal("no raw stream support")));
  stream->Write(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: " +
      WebSocketAccept(key) + "\r\nSec-WebSocket-Protocol: " + protocol + "\r\n\r\n");
  {
    std::lock_guard lock(state_->mu);
    if (state_->stopping) {
      stream->Write(Message(kError, FailureStatus("shutting down")));
      stream->Write(WebSocketFrame(kClose, std::string("\x03\xe8", 2)));
      return stream->Close();
    }
    ++state_->active;
  }
  bool want_stdout = req.Query("stdout") != "false";
  bool want_stderr = req.Query("stderr") != "false";
  std::thread([state = state_, stream, host = agent->host, p = agent->port, target, command,
               want_stdout, want_stderr] {
    ExecOutcome r = CallAgent(host, p, target);
    if (!r.ok) {
      stream->Write(Message(kError, FailureStatus(r.error)));
    } else {
      if (want_stdout && !r.stdout_text.empty()) stream->Write(Message(kStdout, r.stdout_text));
      if (want_stderr && !r.stderr_text.empty()) stream->Write(Message(kStderr, r.stderr_text));
      stream->Write(Message(kError, ExitStatus(r.exit_code, command)));
    }
    stream->Write(WebSocketFrame(kClose, std::string("\x03\xe8", 2)));  // 1000: normal
    stream->Close();
    std::lock_guard lock(state->mu);
    --state->active;
    state->cv.notify_all();
  }).detach();
}

}  // namespace skiff::apiserver
