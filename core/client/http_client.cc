#include "core/client/http_client.h"

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <mutex>
#include <thread>

namespace skiff::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using api::ApiError;
using api::ApiResult;

std::string Escape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string Path(const api::Kind& kind, std::string_view ns, std::string_view name = {},
                 std::string_view sub = {}) {
  std::string p =
      kind.group.empty() ? "/api/" + kind.version : "/apis/" + kind.group + "/" + kind.version;
  if (kind.namespaced && !ns.empty()) p += "/namespaces/" + std::string(ns);
  p += "/" + kind.resource;
  if (!name.empty()) p += "/" + std::string(name);
  if (!sub.empty()) p += "/" + std::string(sub);
  return p;
}

void AddParam(std::string& q, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  q += q.empty() ? '?' : '&';
  q += key;
  q += '=';
  q += Escape(value);
}

std::string_view MetaField(const Object& obj, std::string_view key) {
  const json::value* m = obj.if_contains("metadata");
  if (!m || !m->is_object()) return {};
  const json::value* v = m->as_object().if_contains(key);
  return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
}

ApiError ErrorFrom(int status, const std::string& body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  ApiError e;
  e.code = status;
  if (!ec && v.is_object() && v.as_object().contains("reason")) {
    const json::object& o = v.as_object();
    if (auto* r = o.if_contains("reason"); r && r->is_string()) e.reason = r->as_string();
    if (auto* m = o.if_contains("message"); m && m->is_string()) e.message = m->as_string();
    if (auto* d = o.if_contains("details"); d && d->is_object()) {
      if (auto* n = d->as_object().if_contains("name"); n && n->is_string())
        e.name = n->as_string();
      if (auto* k = d->as_object().if_contains("kind"); k && k->is_string())
        e.kind = k->as_string();
    }
    return e;
  }
  e.reason = "InternalError";
  e.message = "unexpected response " + std::to_string(status) + ": " + body.substr(0, 200);
  return e;
}

class HttpWatch;

class HttpClient final : public Client {
 public:
  HttpClient(std::string host, std::string port) : host_(std::move(host)), port_(std::move(port)) {}

  ApiResult<Object> Get(const api::Kind& kind, std::string_view ns,
                        std::string_view name) override {
    return ObjectCall(http::verb::get, Path(kind, ns, name), "", "");
  }

  ApiResult<ObjectList> List(const api::Kind& kind, std::string_view ns,
                             const ListOptions& options) override {
    std::string q;
    AddParam(q, "labelSelector", options.label_selector);
    AddParam(q, "fieldSelector", options.field_selector);
    if (options.limit) AddParam(q, "limit", std::to_string(options.limit));
    AddParam(q, "continue", options.continue_token);
    auto r = ObjectCall(http::verb::get, Path(kind, ns) + q, "", "");
    if (!r.ok()) return r.error();
    ObjectList out;
    if (auto* items = r->if_contains("items"); items && items->is_array()) {
      for (auto& item : items->as_array()) {
        if (item.is_object()) out.items.push_back(std::move(item.as_object()));
      }
    }
    if (auto* m = r->if_contains("metadata"); m && m->is_object()) {
      if (auto* rv = m->as_object().if_contains("resourceVersion"); rv && rv->is_string()) {
        out.resource_version = rv->as_string();
      }
      if (auto* c = m->as_object().if_contains("continue"); c && c->is_string()) {
        out.continue_token = c->as_string();
      }
    }
    return out;
  }

  ApiResult<Object> Create(const api::Kind& kind, std::string_view ns, const Object& obj) override {
    return ObjectCall(http::verb::post, Path(kind, ns), json::serialize(obj), "application/json");
  }

  ApiResult<Object> Update(const api::Kind& kind, const Object& obj, bool status) override {
    return ObjectCall(
        http::verb::put,
        Path(kind, MetaField(obj, "namespace"), MetaField(obj, "name"), status ? "status" : ""),
        json::serialize(obj), "application/json");
  }

  ApiResult<Object> Patch(const api::Kind& kind, std::string_view ns, std::string_view name,
                          PatchType type, const json::value& patch, bool status) override {
    const char* ct = type == PatchType::kMerge  ? "application/merge-patch+json"
                     : type == PatchType::kJson ? "application/json-patch+json"
                                                : "application/strategic-merge-patch+json";
    return ObjectCall(http::verb::patch, Path(kind, ns, name, status ? "status" : ""),
                      json::serialize(patch), ct);
  }

  ApiResult<Object> Delete(const api::Kind& kind, std::string_view ns, std::string_view name,
                           const DeleteOptions& options) override {
    json::object body{{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
    if (options.grace_period_seconds) body["gracePeriodSeconds"] = *options.grace_period_seconds;
    if (!options.propagation_policy.empty()) body["propagationPolicy"] = options.propagation_policy;
    if (!options.precondition_uid.empty()) {
      body["preconditions"] = json::object{{"uid", options.precondition_uid}};
    }
    return ObjectCall(http::verb::delete_, Path(kind, ns, name), json::serialize(body),
                      "application/json");
  }

  ApiResult<Object> Bind(std::string_view ns, std::string_view pod,
                         std::string_view node) override {
    const api::Kind& pods = *api::KindRegistry::Builtin().ByResource("", "v1", "pods");
    Object binding{{"apiVersion", "v1"},
                   {"kind", "Binding"},
                   {"metadata", {{"name", pod}, {"namespace", ns}}},
                   {"target", {{"apiVersion", "v1"}, {"kind", "Node"}, {"name", node}}}};
    return ObjectCall(http::verb::post, Path(pods, ns, pod, "binding"), json::serialize(binding),
                      "application/json");
  }

  ApiResult<std::unique_ptr<WatchHandle>> Watch(const api::Kind& kind, std::string_view ns,
                                                const WatchOptions& options, WatchCallback on_event,
                                                WatchClosed on_closed) override;

  // One request on a pooled connection; retried once on a fresh connection if the pooled
  // one had gone stale.
  Result<std::pair<int, std::string>> RoundTrip(http::verb verb, const std::string& target,
                                                const std::string& body,
                                                const std::string& content_type) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      std::unique_ptr<beast::tcp_stream> conn = Acquire();
      if (!conn) return Status::Unavailable("cannot connect to " + host_ + ":" + port_);
      http::request<http::string_body> req{verb, target, 11};
      req.set(http::field::host, host_ + ":" + port_);
      req.set(http::field::accept, "application/json");
      req.set(http::field::user_agent, "skiff");
      if (!body.empty()) {
        req.set(http::field::content_type, content_type);
        req.body() = body;
      }
      req.prepare_payload();
      beast::error_code ec;
      conn->expires_after(std::chrono::seconds(60));
      http::write(*conn, req, ec);
      beast::flat_buffer buffer;
      http::response<http::string_body> res;
      if (!ec) http::read(*conn, buffer, res, ec);
      if (ec) continue;  // stale keep-alive connection: try a fresh one
      int status = static_cast<int>(res.result_int());
      if (res.keep_alive()) Release(std::move(conn));
      return std::make_pair(status, std::move(res.body()));
    }
    return Status::Unavailable("request to " + host_ + ":" + port_ + target + " failed");
  }

  std::unique_ptr<beast::tcp_stream> Connect() {
    auto conn = std::make_unique<beast::tcp_stream>(io_);
    beast::error_code ec;
    tcp::resolver resolver(io_);
    auto results = resolver.resolve(host_, port_, ec);
    if (ec) return nullptr;
    conn->expires_after(std::chrono::seconds(10));
    conn->connect(results, ec);
    if (ec) return nullptr;
    conn->socket().set_option(tcp::no_delay(true));
    return conn;
  }

  const std::string& host() const { return host_; }
  const std::string& port() const { return port_; }

 private:
  ApiResult<Object> ObjectCall(http::verb verb, const std::string& target, const std::string& body,
                               const std::string& content_type) {
    auto r = RoundTrip(verb, target, body, content_type);
    if (!r.ok()) {
      ApiError e;
      e.code = 503;
      e.reason = "ServiceUnavailable";
      e.message = r.status().message();
      return e;
    }
    auto& [status, text] = r.value();
    if (status < 200 || status >= 300) return ErrorFrom(status, text);
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec || !v.is_object()) return ApiError::Internal("malformed response body");
    return std::move(v.as_object());
  }

  std::unique_ptr<beast::tcp_stream> Acquire() {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        auto c = std::move(idle_.back());
        idle_.pop_back();
        return c;
      }
    }
    return Connect();
  }

  void Release(std::unique_ptr<beast::tcp_stream> conn) {
    std::lock_guard lock(mu_);
    if (idle_.size() < 16) idle_.push_back(std::move(conn));
  }

  std::string host_, port_;
  asio::io_context io_;  // only for socket construction; all I/O is synchronous
  std::mutex mu_;
  std::vector<std::unique_ptr<beast::tcp_stream>> idle_;
};

// A watch stream read on its own thread, one JSON event per line.
class HttpWatch final : public WatchHandle {
 public:
  HttpWatch(std::unique_ptr<beast::tcp_stream> conn, WatchCallback on_event, WatchClosed on_closed)
      : conn_(std::move(conn)), on_event_(std::move(on_event)), on_closed_(std::move(on_closed)) {}

  ~HttpWatch() override {
    cancelled_ = true;
    {
      std::lock_guard lock(mu_);
      beast::error_code ec;
      conn_->socket().shutdown(tcp::socket::shutdown_both, ec);
    }
    if (thread_.joinable()) thread_.join();
  }

  // Sends the request and checks the status before returning, so errors (410, 400) come back
  // from Watch() itself.
  ApiResult<bool> Begin(const std::string& target, const std::string& host) {
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, host);
    req.set(http::field::accept, "application/json");
    beast::error_code ec;
    conn_->expires_never();
    http::write(*conn_, req, ec);
    if (ec) return ApiError::Internal("watch request failed: " + ec.message());
    parser_.body_limit(boost::none);
    http::read_header(*conn_, buffer_, parser_, ec);
    if (ec) return ApiError::Internal("watch response failed: " + ec.message());
    int status = static_cast<int>(parser_.get().result_int());
    if (status != 200) {
      http::response_parser<http::string_body> body_parser(std::move(parser_));
      http::read(*conn_, buffer_, body_parser, ec);
      return ErrorFrom(status, body_parser.get().body());
    }
    thread_ = std::thread([this] { Run(); });
    return true;
  }

 private:
  void Run() {
    std::string line_buf;
    auto on_chunk = [&](std::uint64_t, std::string_view body, beast::error_code& ec) {
      line_buf.append(body);
      std::size_t start = 0, nl;
      while ((nl = line_buf.find('\n', start)) != std::string::npos) {
        std::string_view line(line_buf.data() + start, nl - start);
        start = nl + 1;
        if (line.empty()) continue;
        boost::system::error_code perr;
        json::value v = json::parse(line, perr);
        if (perr || !v.is_object()) continue;
        json::object& o = v.as_object();
        WatchEvent ev;
        if (auto* t = o.if_contains("type"); t && t->is_string()) ev.type = t->as_string();
        if (auto* obj = o.if_contains("object"); obj && obj->is_object()) {
          ev.object = std::make_shared<const Object>(std::move(obj->as_object()));
        } else {
          ev.object = std::make_shared<const Object>();
        }
        if (!cancelled_) on_event_(ev);
      }
      line_buf.erase(0, start);
      ec = {};
      return body.size();
    };
    parser_.on_chunk_body(on_chunk);
    beast::error_code ec;
    while (!ec && !parser_.is_done() && !cancelled_) {
      http::read_some(*conn_, buffer_, parser_, ec);
    }
    if (!cancelled_ && on_closed_) {
      ApiError e;
      e.code = 500;
      e.reason = "WatchClosed";
      e.message = ec ? ec.message() : "the watch stream ended";
      on_closed_(e);
    }
  }

  std::unique_ptr<beast::tcp_stream> conn_;
  WatchCallback on_event_;
  WatchClosed on_closed_;
  beast::flat_buffer buffer_;
  http::response_parser<http::empty_body> parser_;
  std::atomic<bool> cancelled_{false};
  std::mutex mu_;
  std::thread thread_;
};

ApiResult<std::unique_ptr<WatchHandle>> HttpClient::Watch(const api::Kind& kind,
                                                          std::string_view ns,
                                                          const WatchOptions& options,
                                                          WatchCallback on_event,
                                                          WatchClosed on_closed) {
  std::string q = "?watch=1";
  AddParam(q, "labelSelector", options.label_selector);
  AddParam(q, "fieldSelector", options.field_selector);
  AddParam(q, "resourceVersion", options.resource_version);
  if (options.bookmarks) q += "&allowWatchBookmarks=true";
  auto conn = Connect();
  if (!conn) {
    ApiError e;
    e.code = 503;
    e.reason = "ServiceUnavailable";
    e.message = "cannot connect to " + host_ + ":" + port_;
    return e;
  }
  auto watch =
      std::make_unique<HttpWatch>(std::move(conn), std::move(on_event), std::move(on_closed));
  auto begun = watch->Begin(Path(kind, ns) + q, host_ + ":" + port_);
  if (!begun.ok()) return begun.error();
  return std::unique_ptr<WatchHandle>(std::move(watch));
}

}  // namespace

Result<std::unique_ptr<Client>> NewHttpClient(const std::string& server) {
  std::string_view s = server;
  if (s.starts_with("https://")) {
    return Status::InvalidArgument("https servers are not supported yet: " + server);
  }
  if (s.starts_with("http://")) s.remove_prefix(7);
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  auto colon = s.rfind(':');
  if (colon == std::string_view::npos)
    return Status::InvalidArgument("server needs a port: " + server);
  return std::unique_ptr<Client>(std::make_unique<HttpClient>(std::string(s.substr(0, colon)),
                                                              std::string(s.substr(colon + 1))));
}

Result<std::string> ServerFromKubeconfig(const std::string& path) {
  try {
    YAML::Node cfg = YAML::LoadFile(path);
    std::string context = cfg["current-context"].as<std::string>("");
    std::string cluster;
    for (const auto& c : cfg["contexts"]) {
      if (c["name"].as<std::string>("") == context)
        cluster = c["context"]["cluster"].as<std::string>("");
    }
    for (const auto& c : cfg["clusters"]) {
      if (cluster.empty() || c["name"].as<std::string>("") == cluster) {
        return c["cluster"]["server"].as<std::string>();
      }
    }
    return Status::InvalidArgument(path + ": no cluster for context '" + context + "'");
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(path + ": " + e.what());
  }
}

}  // namespace skiff::client
