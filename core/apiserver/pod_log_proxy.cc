#include "core/apiserver/pod_log_proxy.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/api/json_fields.h"

namespace skiff::apiserver {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = boost::asio::ip::tcp;

HttpResponse Error(const api::ApiError& e) {
  HttpResponse r;
  r.status = e.code;
  r.body = json::serialize(e.ToStatus());
  return r;
}

std::string Encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

// Tracks the relay threads so the destructor can end and join them.
struct PodLogProxy::State {
  std::mutex mu;
  std::condition_variable cv;
  int active = 0;
  bool stopping = false;
  std::vector<int> sockets;  // open agent connections, shut down on destruction
};

PodLogProxy::PodLogProxy(ObjectRegistry& registry)
    : registry_(registry), state_(std::make_shared<State>()) {}

PodLogProxy::~PodLogProxy() {
  std::unique_lock lock(state_->mu);
  state_->stopping = true;
  for (int fd : state_->sockets) ::shutdown(fd, SHUT_RDWR);
  state_->cv.wait(lock, [&] { return state_->active == 0; });
}

void PodLogProxy::Serve(const std::shared_ptr<HttpExchange>& ex, const std::string& ns,
                        const std::string& name) {
  const HttpRequest& req = ex->request();
  const api::KindRegistry& kinds = registry_.kinds();
  auto pod = registry_.Get(*kinds.ByResource("", "v1", "pods"), ns, name);
  if (!pod.ok()) return ex->Respond(Error(pod.error()));
  std::string node_name(api::GetString(*pod, "spec.nodeName"));
  if (node_name.empty()) {
    return ex->Respond(
        Error(api::ApiError::BadRequest("pod " + name + " does not have a host assigned")));
  }
  std::string container(req.Query("container"));
  if (container.empty()) {
    const json::array* cs = api::FindArray(*pod, "spec.containers");
    if (cs && cs->size() == 1) {
      container = std::string(api::GetString((*cs)[0].as_object(), "name"));
    } else {
      std::string names;
      for (const auto& c : cs ? *cs : json::array{}) {
        names += (names.empty() ? "" : " ") + std::string(api::GetString(c.as_object(), "name"));
      }
      return ex->Respond(
          Error(api::ApiError::BadRequest("a container name must be specified for pod " + name +
                                          ", choose one of: [" + names + "]")));
    }
  }
  auto node = registry_.Get(*kinds.ByResource("", "v1", "nodes"), "", node_name);
  if (!node.ok()) return ex->Respond(Error(node.error()));
  std::string host;
  if (const json::array* addrs = api::FindArray(*node, "status.addresses")) {
    for (const auto& a : *addrs) {
      if (api::GetString(a.as_object(), "type") == "InternalIP") {
        host = std::string(api::GetString(a.as_object(), "address"));
      }
    }
  }
  auto port = api::GetInt(*node, "status.daemonEndpoints.kubeletEndpoint.Port");
  if (host.empty() || !port || *port <= 0) {
    return ex->Respond(Error(api::ApiError::BadRequest(
        "node " + node_name + " does not report an InternalIP and kubelet port")));
  }
  bool follow = req.Query("follow") == "true";
  std::string target = "/containerLogs/" + Encode(ns) + "/" + Encode(name) + "/" +
                       Encode(container) + "?follow=" + (follow ? "true" : "false");
  if (std::string_view tail = req.Query("tailLines"); !tail.empty()) {
    target += "&tailLines=" + Encode(tail);
  }
  if (req.Query("previous") == "true") target += "&previous=true";
  {
    std::lock_guard lock(state_->mu);
    if (state_->stopping) return ex->Respond(Error(api::ApiError::Internal("shutting down")));
    ++state_->active;
  }
  std::thread([this, ex, host, p = std::to_string(*port), target, follow] {
    Relay(ex, host, p, target, follow);
    std::lock_guard lock(state_->mu);
    --state_->active;
    state_->cv.notify_all();
  }).detach();
}

void PodLogProxy::Relay(std::shared_ptr<HttpExchange> ex, std::string host, std::string port,
                        std::string target, bool follow) {
  boost::asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  tcp::resolver resolver(ioc);
  auto endpoints = resolver.resolve(host, port, ec);
  if (!ec) stream.connect(endpoints, ec);
  if (ec) {
    return ex->Respond(Error(api::ApiError::Internal("cannot reach the node agent at " + host +
                                                     ":" + port + ": " + ec.message())));
  }
  int fd = stream.socket().native_handle();
  {
    std::lock_guard lock(state_->mu);
    state_->sockets.push_back(fd);
  }
  auto forget = [&] {
    std::lock_guard lock(state_->mu);
    std::erase(state_->sockets, fd);
  };
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, host);
  http::write(stream, req, ec);
  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  if (!ec) http::read_header(stream, buffer, parser, ec);
  if (ec) {
    forget();
    return ex->Respond(Error(api::ApiError::Internal("node agent: " + ec.message())));
  }
  int status = static_cast<int>(parser.get().result_int());
  std::shared_ptr<ResponseStream> out;
  std::string whole;
  if (status == 200 && follow) {
    out = ex->StartStream(200, "text/plain");
    out->OnClose([fd] { ::shutdown(fd, SHUT_RDWR); });
  }
  char chunk[8192];
  while (!parser.is_done()) {
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof(chunk);
    http::read_some(stream, buffer, parser, ec);  // returns with what arrived: follow streams
    if (ec == http::error::need_buffer) ec = {};
    if (ec) break;
    std::size_t n = sizeof(chunk) - parser.get().body().size;
    if (n == 0) continue;
    if (out) {
      out->Write(std::string(chunk, n));
    } else {
      whole.append(chunk, n);
    }
  }
  forget();
  if (out) return out->Close();
  if (status != 200) {
    api::ApiError e;
    e.code = status;
    e.reason = status == 404 ? "NotFound" : status == 400 ? "BadRequest" : "InternalError";
    while (!whole.empty() && whole.back() == '\n') whole.pop_back();
    e.message = whole;
    return ex->Respond(Error(e));
  }
  HttpResponse r;
  r.content_type = "text/plain";
  r.body = std::move(whole);
  ex->Respond(std::move(r));
}

}  // namespace skiff::apiserver
