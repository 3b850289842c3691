#include "core/agent/container_log_server.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <vector>

#include "core/agent/cri_log.h"
#include "core/agent/exec_session.h"
#include "core/agent/runtime_config_builder.h"
#include "core/apiserver/http_server.h"
#include "core/apiserver/session_threads.h"

namespace skiff::agent {
namespace {

using apiserver::HttpExchange;
using apiserver::HttpResponse;

constexpr int kMaxExecSessions = 32;

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) parts.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

HttpResponse Text(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/plain";
  r.body = std::move(body);
  return r;
}

struct Follow : std::enable_shared_from_this<Follow> {
  std::shared_ptr<sdk::RuntimeService> runtime;
  Executor* executor = nullptr;
  std::shared_ptr<apiserver::ResponseStream> stream;
  CriLogReader reader{""};
  std::string container_id;
  std::atomic<bool> closed{false};

  void Poll() {
    if (closed) return;
    std::string more = reader.ReadNew();
    if (!more.empty()) stream->Write(std::move(more));
    auto st = runtime->GetContainerStatus(container_id);
    if (!st.ok() || st->state == sdk::ContainerState::kExited) {
      std::string rest = reader.ReadNew();
      if (!rest.empty()) stream->Write(std::move(rest));
      stream->Close();
      return;
    }
    executor->PostAfter(std::chrono::milliseconds(200),
                        [self = shared_from_this()] { self->Poll(); });
  }
};

}  // namespace

struct ContainerLogServer::Impl {
  std::shared_ptr<sdk::RuntimeService> runtime;
  Executor* executor = nullptr;
  std::unique_ptr<apiserver::HttpServer> server;
  apiserver::SessionThreads sessions{kMaxExecSessions};

  // GET /exec/{namespace}/{pod}/{container}?command=...&stdin=..&tty=.. with a WebSocket
  // upgrade: the session runs on a thread of its own (exec_session.h).
  void Exec(const std::shared_ptr<HttpExchange>& ex, const std::vector<std::string>& parts) {
    ExecTarget target{parts[1], parts[2], parts[3]};
    apiserver::UpgradedConnection conn = ex->TakeConnection();
    if (conn.fd < 0) return ex->Respond(Text(500, "no connection upgrade support\n"));
    bool started = sessions.Start(
        [conn, req = ex->request(), target, rt = runtime](boost::asio::io_context& ioc) mutable {
          StartExecSession(ioc, std::move(conn), std::move(req), std::move(target), std::move(rt));
        });
    if (!started) {
      static constexpr std::string_view kBusy =
          "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      (void)!::write(conn.fd, kBusy.data(), kBusy.size());
      ::close(conn.fd);
    }
  }

  void Handle(const std::shared_ptr<HttpExchange>& ex) {
    const auto& req = ex->request();
    auto parts = Split(req.path);
    if (req.method == "GET" && parts.size() == 4 && parts[0] == "exec" &&
        !req.Header("upgrade").empty()) {
      return Exec(ex, parts);
    }
    if (req.method != "GET" || parts.size() != 4 || parts[0] != "containerLogs") {
      return ex->Respond(
          Text(404, "not found: use /containerLogs/{namespace}/{pod}/{container}\n"));
    }
    const std::string &ns = parts[1], &pod = parts[2], &name = parts[3];
    sdk::ContainerFilter filter;
    filter.label_selector = {
        {kPodNamespaceLabel, ns}, {kPodNameLabel, pod}, {kContainerNameLabel, name}};
    auto list = runtime->ListContainers(filter);
    if (!list.ok()) return ex->Respond(Text(503, "runtime: " + list.status().ToString() + "\n"));
    std::vector<sdk::Container> found = *list;
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
      return a.metadata.attempt != b.metadata.attempt ? a.metadata.attempt > b.metadata.attempt
                                                      : a.created_at > b.created_at;
    });
    bool previous = req.Query("previous") == "true";
    std::size_t index = previous ? 1 : 0;
    if (found.size() <= index) {
      return ex->Respond(Text(
          404, previous ? "previous terminated container \"" + name + "\" in pod \"" + pod +
                              "\" not found\n"
                        : "container \"" + name + "\" in pod \"" + pod + "\" is not available\n"));
    }
    auto st = runtime->GetContainerStatus(found[index].id);
    if (!st.ok()) return ex->Respond(Text(404, st.status().ToString() + "\n"));
    int64_t tail = -1;
    if (std::string_view t = req.Query("tailLines"); !t.empty()) {
      try {
        tail = std::stoll(std::string(t));
      } catch (...) {
        return ex->Respond(Text(400, "tailLines must be an integer\n"));
      }
    }
    CriLogReader reader(st->log_path);
    std::string text = reader.ReadAll(tail);
    if (req.Query("follow") != "true" || previous) return ex->Respond(Text(200, std::move(text)));
    auto follow = std::make_shared<Follow>();
    follow->runtime = runtime;
    follow->executor = executor;
    follow->reader = std::move(reader);
    follow->container_id = st->id;
    follow->stream = ex->StartStream(200, "text/plain");
    std::weak_ptr<Follow> weak = follow;
    follow->stream->OnClose([weak] {
      if (auto f = weak.lock()) f->closed = true;
    });
    if (!text.empty()) follow->stream->Write(std::move(text));
    follow->Poll();
  }
};

ContainerLogServer::ContainerLogServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ContainerLogServer::~ContainerLogServer() { Stop(); }

Result<std::unique_ptr<ContainerLogServer>> ContainerLogServer::Start(
    const std::string& address, int port, std::shared_ptr<sdk::RuntimeService> runtime,
    Executor& executor) {
  auto impl = std::make_unique<Impl>();
  impl->runtime = std::move(runtime);
  impl->executor = &executor;
  apiserver::HttpServerOptions opts;
  opts.address = address;
  opts.port = static_cast<std::uint16_t>(port);
  opts.io_threads = 1;
  auto server = apiserver::HttpServer::Start(
      opts, [i = impl.get()](std::shared_ptr<HttpExchange> ex) { i->Handle(ex); });
  if (!server.ok()) return server.status();
  impl->server = std::move(server.value());
  return std::unique_ptr<ContainerLogServer>(new ContainerLogServer(std::move(impl)));
}

int ContainerLogServer::port() const { return impl_->server ? impl_->server->port() : 0; }

void ContainerLogServer::Stop() {
  if (impl_ && impl_->server) impl_->server->Stop();
  if (impl_) impl_->sessions.Stop();
}

}  // namespace skiff::agent
