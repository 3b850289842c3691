#pragma once

// A small HTTP/1.1 server on Boost.Beast, kept behind plain types so only http_server.cc
// includes Beast. HttpServer owns its I/O threads and connections; a handler receives each
// request as an HttpExchange and answers it once, from any thread, either with a whole
// response or with a chunked stream (watch).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/status.h"

namespace skiff::apiserver {

struct HttpRequest {
  std::string method;                                        // "GET", "POST", ...
  std::string target;                                        // path and query, as sent
  std::string path;                                          // percent-decoded path
  std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;

  // The first value of a query parameter or header, or empty.
  std::string_view Query(std::string_view name) const;
  bool HasQuery(std::string_view name) const;
  std::string_view Header(std::string_view lower_name) const;
};

// Whether a comma-separated header value (Upgrade, Connection, Sec-WebSocket-Protocol) lists
// `token`; Upgrade and Connection tokens compare without case, subprotocol names with it.
bool HeaderListHas(std::string_view list, std::string_view token, bool case_sensitive);

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// A chunked response body. Thread-safe: Write and Close may be called from any thread; writes
// are queued and sent in order, those queued while a send is in flight together. After the peer
// goes away, writes are dropped and the close callback runs once.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  virtual void Write(std::string chunk) = 0;
  // The same without a copy: one event's bytes can be queued on every watcher's stream.
  virtual void Write(std::shared_ptr<const std::string> chunk) = 0;
  virtual void Close() = 0;
  // Runs once (on an I/O thread) when the stream ends for any reason.
  virtual void OnClose(std::function<void()> callback) = 0;
};

// A connection taken out of the server for a protocol switch.
struct UpgradedConnection {
  int fd = -1;           // a connected TCP socket, now the caller's to close
  std::string buffered;  // bytes the server had already read past the request
};

class HttpExchange {
 public:
  virtual ~HttpExchange() = default;
  virtual const HttpRequest& request() const = 0;
  // Exactly one of Respond / StartStream, exactly once.
  virtual void Respond(HttpResponse response) = 0;
  virtual std::shared_ptr<ResponseStream> StartStream(int status, std::string content_type) = 0;
  // Instead of the two above, for a protocol switch (WebSocket): the connection leaves the
  // server, which never touches it again; the caller owns the socket and answers everything
  // itself. Only from within the handler's call. fd < 0 where unsupported.
  virtual UpgradedConnection TakeConnection() { return {}; }
};

using HttpHandler = std::function<void(std::shared_ptr<HttpExchange>)>;

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 6443;  // 0 = pick a free port
  int io_threads = 2;
  std::size_t body_limit = 3 * 1024 * 1024;
  // The answer to a body over body_limit (the caller makes it a 413 Status).
  std::function<HttpResponse()> body_too_large;
};

class HttpServer {
 public:
  // Binds and starts serving on its own threads. Fails if the address cannot be bound.
  static Result<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                                   HttpHandler handler);
  virtual ~HttpServer() = default;
  virtual std::uint16_t port() const = 0;
  // Stops accepting, closes connections and joins the threads. Idempotent.
  virtual void Stop() = 0;
};

}  // namespace skiff::apiserver
