#include "core/apiserver/http_server.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

namespace skiff::apiserver {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string PercentDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%' && i + 2 < in.size()) {
      auto hex = [](char h) -> int {
        if (h >= '0' && h <= '9') return h - '0';
        if (h >= 'a' && h <= 'f') return h - 'a' + 10;
        if (h >= 'A' && h <= 'F') return h - 'A' + 10;
        return -1;
      };
      int hi = hex(in[i + 1]), lo = hex(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

void ParseTarget(HttpRequest& req) {
  std::string_view target = req.target;
  auto q = target.find('?');
  req.path = PercentDecode(target.substr(0, q), false);
  if (q == std::string_view::npos) return;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view part = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    std::string key = PercentDecode(part.substr(0, eq), true);
    std::string value =
        eq == std::string_view::npos ? std::string() : PercentDecode(part.substr(eq + 1), true);
    req.query.emplace_back(std::move(key), std::move(value));
  }
}

class Session;

class Stream final : public ResponseStream {
 public:
  explicit Stream(std::shared_ptr<Session> session) : session_(std::move(session)) {}
  void Write(std::string chunk) override;
  void Write(std::shared_ptr<const std::string> chunk) override;
  void Close() override;
  void OnClose(std::function<void()> callback) override;

 private:
  friend class Session;
  std::shared_ptr<Session> session_;
};

// One connection. All socket work runs on the connection's strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const HttpServerOptions& options, const HttpHandler& handler)
      : stream_(std::move(socket)), options_(options), handler_(handler) {}

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Read(); });
  }

  void Shutdown() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->StopDirectWrites();
      beast::error_code ec;
      self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
      self->stream_.close();
    });
  }

  // --- whole responses
  void Respond(HttpResponse response) {
    asio::post(stream_.get_executor(),
               [self = shared_from_this(), r = std::move(response)]() mutable {
                 self->WriteResponse(std::move(r));
               });
  }

  // --- streams
  void BeginStream(int status, std::string content_type) {
    asio::post(stream_.get_executor(),
               [self = shared_from_this(), status, ct = std::move(content_type)]() mutable {
                 auto res = std::make_shared<http::response<http::empty_body>>(
                     static_cast<http::status>(status), self->version_);
                 res->set(http::field::content_type, ct);
                 res->set(http::field::cache_control, "no-cache, private");
                 res->chunked(true);
                 auto sr = std::make_shared<http::response_serializer<http::empty_body>>(*res);
                 self->streaming_ = true;
                 self->writing_ = true;
                 http::async_write_header(self->stream_, *sr,
                                          [self, res, sr](beast::error_code ec, std::size_t) {
                                            self->writing_ = false;
                                            if (ec) return self->EndStream();
                                            self->WatchPeer();
                                            self->FlushStream();
                                          });
               });
  }

  // On the strand, from within the handler: hands the socket over (no read is pending then).
  UpgradedConnection Release() {
    UpgradedConnection c;
    auto data = buffer_.data();
    c.buffered.assign(asio::buffers_begin(data), asio::buffers_end(data));
    buffer_.consume(buffer_.size());
    beast::error_code ec;
    c.fd = stream_.socket().release(ec);
    if (ec) c.fd = -1;
    return c;
  }

  // Any thread. When the stream is idle (nothing queued, no send in flight) the caller sends
  // the chunk itself with one non-blocking send: a watch event fanned out to many streams
  // then costs one syscall each, with no hop through the I/O threads. Otherwise, or for
  // what the socket does not take at once, it queues; only the first write into an empty
  // outbox posts to the strand, which sends everything queued by then in one write.
  void StreamWrite(std::shared_ptr<const std::string> chunk) {
    if (chunk->empty()) return;  // an empty chunk would end the body
    {
      std::lock_guard lock(outbox_mu_);
      if (writes_closed_) return;
      if (direct_ && outbox_.empty()) {
        std::optional<std::string> rest = SendChunkNow(*chunk);
        if (!rest) return;
        direct_ = false;
        outbox_.push_back({std::make_shared<const std::string>(std::move(*rest)), true});
      } else {
        outbox_.push_back({std::move(chunk), false});
      }
      if (flush_posted_) return;
      flush_posted_ = true;
    }
    asio::post(stream_.get_executor(), [self = shared_from_this()] { self->FlushStream(); });
  }

  void StreamClose() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      {
        std::lock_guard lock(self->outbox_mu_);
        self->direct_ = false;  // the last chunk must come after everything written
      }
      self->close_requested_ = true;
      self->FlushStream();
    });
  }

  void SetOnClose(std::function<void()> cb) {
    asio::post(stream_.get_executor(), [self = shared_from_this(), cb = std::move(cb)]() mutable {
      if (self->stream_ended_) {
        cb();
      } else {
        self->on_close_ = std::move(cb);
      }
    });
  }

 private:
  class Exchange final : public HttpExchange {
   public:
    Exchange(std::shared_ptr<Session> s, HttpRequest r)
        : session_(std::move(s)), req_(std::move(r)) {}
    const HttpRequest& request() const override { return req_; }
    void Respond(HttpResponse response) override { session_->Respond(std::move(response)); }
    std::shared_ptr<ResponseStream> StartStream(int status, std::string content_type) override {
      session_->BeginStream(status, std::move(content_type));
      return std::make_shared<Stream>(session_);
    }
    UpgradedConnection TakeConnection() override { return session_->Release(); }

   private:
    std::shared_ptr<Session> session_;
    HttpRequest req_;
  };

  void Read() {
    parser_.emplace();
    parser_->body_limit(options_.body_limit);
    parser_->header_limit(64 * 1024);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::body_limit && options_.body_too_large) {
      keep_alive_ = false;
      draining_ = true;
      version_ = parser_->get().version();
      WriteResponse(options_.body_too_large());
      return;
    }
    if (ec) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      return;
    }
    auto& msg = parser_->get();
    version_ = msg.version();
    keep_alive_ = msg.keep_alive();
    HttpRequest req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    for (const auto& field : msg) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(), ::tolower);
      req.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    req.body = std::move(msg.body());
    ParseTarget(req);
    handler_(std::make_shared<Exchange>(shared_from_this(), std::move(req)));
  }

  void WriteResponse(HttpResponse r) {
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(r.status), version_);
    res->set(http::field::content_type, r.content_type);
    res->set(http::field::cache_control, "no-cache, private");
    for (auto& [k, v] : r.headers) res->set(k, v);
    res->body() = std::move(r.body);
    res->keep_alive(keep_alive_);
    res->prepare_payload();
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
                        if (ec || !self->keep_alive_) {
                          beast::error_code ignored;
                          self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
                          // A client still sending an oversized body reads our answer only
                          // once its send completes: take (and drop) the rest.
                          if (!ec && self->draining_) self->Drain(0);
                          return;
                        }
                        self->Read();
                      });
  }

  void Drain(std::size_t total) {
    constexpr std::size_t kMaxDrain = 64 * 1024 * 1024;
    drain_buf_.resize(64 * 1024);
    stream_.expires_after(std::chrono::seconds(30));
    stream_.async_read_some(asio::buffer(drain_buf_), [self = shared_from_this(), total](
                                                          beast::error_code ec, std::size_t n) {
      if (!ec && total + n < kMaxDrain) self->Drain(total + n);
    });
  }

  // While streaming, a read that completes means the peer closed (or misbehaved).
  void WatchPeer() {
    stream_.async_read_some(asio::buffer(peer_byte_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec)
                                self->EndStream();
                              else
                                self->WatchPeer();
                            });
  }

  // Under outbox_mu_, while direct_ (the socket stays open meanwhile). Sends "size CRLF
  // chunk CRLF" without blocking; returns the framed bytes the socket did not take, if any.
  // A failed send drops the chunk: the peer is gone, which the strand's read then sees.
  std::optional<std::string> SendChunkNow(const std::string& chunk) {
    char head[24];
    int head_size = std::snprintf(head, sizeof(head), "%zx\r\n", chunk.size());
    static constexpr char kCrlf[] = "\r\n";
    iovec parts[3] = {{head, static_cast<std::size_t>(head_size)},
                      {const_cast<char*>(chunk.data()), chunk.size()},
                      {const_cast<char*>(kCrlf), 2}};
    msghdr message{};
    message.msg_iov = parts;
    message.msg_iovlen = 3;
    ssize_t sent;
    do {
      sent = ::sendmsg(direct_fd_, &message, MSG_DONTWAIT | MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return std::nullopt;
    std::size_t done = sent < 0 ? 0 : static_cast<std::size_t>(sent);
    std::size_t total = static_cast<std::size_t>(head_size) + chunk.size() + 2;
    if (done == total) return std::nullopt;
    std::string framed;
    framed.reserve(total);
    framed.append(head, static_cast<std::size_t>(head_size)).append(chunk).append(kCrlf, 2);
    return framed.substr(done);
  }

  // Strand only: moves what writers queued to pending_.
  void TakeOutbox() {
    std::lock_guard lock(outbox_mu_);
    flush_posted_ = false;
    for (auto& item : outbox_) pending_.push_back(std::move(item));
    outbox_.clear();
  }

  // Strand only, with nothing pending or in flight: lets writers send directly, unless
  // something was queued meanwhile (then false: flush again).
  bool AllowDirectWrites() {
    std::lock_guard lock(outbox_mu_);
    if (!outbox_.empty() || writes_closed_) return outbox_.empty();
    direct_fd_ = stream_.socket().native_handle();
    direct_ = true;
    return true;
  }

  // Strand only, before the socket closes: no writer may touch it any more.
  void StopDirectWrites() {
    std::lock_guard lock(outbox_mu_);
    direct_ = false;
    writes_closed_ = true;
    outbox_.clear();
  }

  void FlushStream() {
    TakeOutbox();
    if (stream_ended_) pending_.clear();
    if (!streaming_ || writing_ || stream_ended_) return;
    if (pending_.empty()) {
      if (!close_requested_) {
        if (!AllowDirectWrites()) FlushStream();
        return;
      }
      writing_ = true;
      asio::async_write(stream_, http::make_chunk_last(),
                        [self = shared_from_this()](beast::error_code, std::size_t) {
                          self->writing_ = false;
                          self->EndStream();
                        });
      return;
    }
    writing_ = true;
    auto done = [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->writing_ = false;
      if (ec) return self->EndStream();
      self->FlushStream();
    };
    if (pending_.front().framed) {  // the rest of a chunk a direct send began
      std::shared_ptr<const std::string> rest = std::move(pending_.front().bytes);
      pending_.pop_front();
      asio::async_write(stream_, asio::buffer(*rest),
                        [rest, done](beast::error_code ec, std::size_t n) { done(ec, n); });
      return;
    }
    // Every chunk queued up to the next framed rest, as one chunk.
    std::size_t count = 0, size = 0;
    while (count < pending_.size() && !pending_[count].framed)
      size += pending_[count++].bytes->size();
    std::shared_ptr<const std::string> data;
    if (count == 1) {
      data = std::move(pending_.front().bytes);
    } else {
      auto joined = std::make_shared<std::string>();
      joined->reserve(size);
      for (std::size_t i = 0; i < count; ++i) joined->append(*pending_[i].bytes);
      data = std::move(joined);
    }
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(count));
    auto written = [data, done](beast::error_code ec, std::size_t n) { done(ec, n); };
    asio::async_write(stream_, http::make_chunk(asio::buffer(*data)), std::move(written));
  }

  void EndStream() {
    if (stream_ended_) return;
    stream_ended_ = true;
    pending_.clear();
    StopDirectWrites();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    if (on_close_) {
      auto cb = std::move(on_close_);
      on_close_ = nullptr;
      cb();
    }
  }

  beast::tcp_stream stream_;
  const HttpServerOptions& options_;
  const HttpHandler& handler_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool draining_ = false;
  std::vector<char> drain_buf_;
  // stream state (strand only)
  bool streaming_ = false;
  bool writing_ = false;
  bool close_requested_ = false;
  bool stream_ended_ = false;
  struct Outgoing {
    std::shared_ptr<const std::string> bytes;
    bool framed = false;  // the unsent rest of a chunk a direct send began: send as is
  };
  std::deque<Outgoing> pending_;
  std::function<void()> on_close_;
  // Writers on any thread. flush_posted_: a FlushStream is on its way to the strand.
  // direct_: the strand is idle, writers may send on direct_fd_ themselves (under the lock,
  // which every close of the socket takes first). writes_closed_: the stream is over.
  std::mutex outbox_mu_;
  std::vector<Outgoing> outbox_;
  bool flush_posted_ = false;
  bool direct_ = false;
  bool writes_closed_ = false;
  int direct_fd_ = -1;
  char peer_byte_[1];
};

void Stream::Write(std::string chunk) {
  session_->StreamWrite(std::make_shared<const std::string>(std::move(chunk)));
}
void Stream::Write(std::shared_ptr<const std::string> chunk) {
  session_->StreamWrite(std::move(chunk));
}
void Stream::Close() { session_->StreamClose(); }
void Stream::OnClose(std::function<void()> callback) { session_->SetOnClose(std::move(callback)); }

class BeastServer final : public HttpServer {
 public:
  BeastServer(const HttpServerOptions& options, HttpHandler handler)
      : options_(options), handler_(std::move(handler)), acceptor_(io_) {}

  ~BeastServer() override { Stop(); }

  Status Listen() {
    beast::error_code ec;
    auto address = asio::ip::make_address(options_.address, ec);
    if (ec) return Status::InvalidArgument("bad listen address " + options_.address);
    tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status::Unavailable("cannot listen on " + options_.address + ":" +
                                 std::to_string(options_.port) + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    Accept();
    for (int i = 0; i < std::max(1, options_.io_threads); ++i) {
      threads_.emplace_back([this] { io_.run(); });
    }
    return Status::Ok();
  }

  std::uint16_t port() const override { return port_; }

  void Stop() override {
    std::call_once(stopped_, [this] {
      asio::post(io_, [this] {
        beast::error_code ec;
        acceptor_.close(ec);
        std::lock_guard lock(mu_);
        for (auto& weak : sessions_) {
          if (auto s = weak.lock()) s->Shutdown();
        }
      });
      // Give connections a moment to close, then stop the loop.
      asio::post(io_, [this] { io_.stop(); });
      for (auto& t : threads_) {
        if (t.joinable()) t.join();
      }
    });
  }

 private:
  void Accept() {
    acceptor_.async_accept(asio::make_strand(io_), [this](beast::error_code ec, tcp::socket s) {
      if (ec) {
        if (ec != asio::error::operation_aborted)
          spdlog::warn("http: accept failed: {}", ec.message());
        if (!acceptor_.is_open()) return;
      } else {
        beast::error_code opt_ec;
        s.set_option(tcp::no_delay(true), opt_ec);
        auto session = std::make_shared<Session>(std::move(s), options_, handler_);
        {
          std::lock_guard lock(mu_);
          std::erase_if(sessions_, [](auto& w) { return w.expired(); });
          sessions_.push_back(session);
        }
        session->Start();
      }
      Accept();
    });
  }

  HttpServerOptions options_;
  HttpHandler handler_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::vector<std::thread> threads_;
  std::once_flag stopped_;
  std::mutex mu_;
  std::vector<std::weak_ptr<Session>> sessions_;
};

}  // namespace

std::string_view HttpRequest::Query(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return v;
  }
  return {};
}

bool HttpRequest::HasQuery(std::string_view name) const {
  return std::any_of(query.begin(), query.end(), [&](const auto& kv) { return kv.first == name; });
}

std::string_view HttpRequest::Header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return v;
  }
  return {};
}

bool HeaderListHas(std::string_view list, std::string_view token, bool case_sensitive) {
  auto same = [&](std::string_view t) {
    if (case_sensitive) return t == token;
    return t.size() == token.size() &&
           std::equal(t.begin(), t.end(), token.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) ==
                    std::tolower(static_cast<unsigned char>(b));
           });
  };
  std::size_t start = 0;
  while (start < list.size()) {
    std::size_t comma = std::min(list.find(',', start), list.size());
    std::string_view t = list.substr(start, comma - start);
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
    if (same(t)) return true;
    start = comma + 1;
  }
  return false;
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options,
                                                      HttpHandler handler) {
  auto server = std::make_unique<BeastServer>(options, std::move(handler));
  if (Status s = server->Listen(); !s.ok()) return s;
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace skiff::apiserver
