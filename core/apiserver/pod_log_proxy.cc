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
#include "core/apiserver/pod_agent.h"

namespace skiff::apiserver {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = boost::asio::ip::tcp;

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
  auto agent = FindPodAgent(registry_, ns, name);
  if (!agent.ok()) return ex->Respond(StatusResponse(agent.error()));
  const json::object& pod = agent->pod;
  std::string container(req.Query("container"));
  if (container.empty()) {
    const json::array* cs = api::FindArray(pod, "spec.containers");
    if (cs && cs->size() == 1) {
      container = std::string(api::GetString((*cs)[0].as_object(), "name"));
    } else {
      std::string names;
      for (const auto& c : cs ? *cs : json::array{}) {
        names += (names.empty() ? "" : " ") + std::string(api::GetString(c.as_object(), "name"));
      }
      return ex->Respond(
          StatusResponse(api::ApiError::BadRequest("a container name must be specified for pod " +
                                                   name + ", choose one of: [" + names + "]")));
    }
  }
  bool follow = req.Query("follow") == "true";
  std::string target = "/containerLogs/" + EncodeUrlComponent(ns) + "/" + EncodeUrlComponent(name) +
                       "/" + EncodeUrlComponent(container) +
                       "?follow=" + (follow ? "true" : "false");
  if (std::string_view tail = req.Query("tailLines"); !tail.empty()) {
    target += "&tailLines=" + EncodeUrlComponent(tail);
  }
  if (req.Query("previous") == "true") target += "&previous=true";
  {
    std::lock_guard lock(state_->mu);
    if (state_->stopping)
      return ex->Respond(StatusResponse(api::ApiError::Internal("shutting down")));
    ++state_->active;
  }
  std::thread([this, ex, host = agent->host, port = agent->port, target, follow] {
    Relay(ex, host, port, target, follow);
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
    return ex->Respond(StatusResponse(api::ApiError::Internal(
        "cannot reach the node agent at " + host + ":" + port + ": " + ec.message())));
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
    return ex->Respond(StatusResponse(api::ApiError::Internal("node agent: " + ec.message())));
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
    return ex->Respond(StatusResponse(e));
  }
  HttpResponse r;
  r.content_type = "text/plain";
  r.body = std::move(whole);
  ex->Respond(std::move(r));
}

}  // namespace skiff::apiserver
