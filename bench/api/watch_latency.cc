// Watch event latency: N open watches on one kind, then a stream of writes; for each write,
// the time from the write's acknowledgement being sent to each watcher receiving the event.
// Usage: watch_latency --server http://127.0.0.1:PORT [--watches 1000] [--events 200]
//                      [--reader threads|epoll]
// threads: every watch is skiff's HTTP client (one reader thread per watch, as informers do);
// epoll: one thread reads every watch connection (raw HTTP, the same requests), so 1,000
// reader threads do not compete with the server for the machine's cores.

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "core/client/http_client.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace json = boost::json;

// One watch connection read by the epoll thread: HTTP response header, then chunks of
// newline-separated JSON events.
struct RawWatch {
  int fd = -1;
  std::string in;  // received, not yet consumed
  bool header_done = false;
  std::string line;  // the event line being assembled from chunk data
};

// Consumes what `w.in` holds; calls on_line for each complete event line.
template <typename OnLine>
bool Consume(RawWatch& w, OnLine&& on_line) {
  std::size_t pos = 0;
  if (!w.header_done) {
    std::size_t end = w.in.find("\r\n\r\n");
    if (end == std::string::npos) return true;
    if (w.in.compare(0, 12, "HTTP/1.1 200") != 0) return false;
    w.header_done = true;
    pos = end + 4;
  }
  while (true) {
    std::size_t crlf = w.in.find("\r\n", pos);
    if (crlf == std::string::npos) break;
    std::size_t size = std::stoul(w.in.substr(pos, crlf - pos), nullptr, 16);
    if (w.in.size() < crlf + 2 + size + 2) break;
    w.line.append(w.in, crlf + 2, size);
    pos = crlf + 2 + size + 2;
    std::size_t nl;
    while ((nl = w.line.find('\n')) != std::string::npos) {
      on_line(std::string_view(w.line).substr(0, nl));
      w.line.erase(0, nl + 1);
    }
  }
  w.in.erase(0, pos);
  return true;
}

// The event's "i" for an ADDED line, else -1. Found by position, not by a JSON parse, so the
// reader thread spends its time on the sockets: one line = 1,000 reads per event.
int AddedIndex(std::string_view line) {
  if (!line.starts_with(R"({"type":"ADDED")")) return -1;
  constexpr std::string_view kKey = R"("data":{"i":")";
  std::size_t at = line.find(kKey);
  if (at == std::string_view::npos) return -1;
  int i = 0;
  for (std::size_t k = at + kKey.size(); k < line.size() && line[k] != '"'; ++k) {
    i = i * 10 + (line[k] - '0');
  }
  return i;
}

int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"watch event latency"};
  std::string server;
  int watches = 1000, events = 200;
  app.add_option("--server", server)->required();
  app.add_option("--watches", watches);
  app.add_option("--events", events);
  std::string reader = "threads";
  app.add_option("--reader", reader)->check(CLI::IsMember({"threads", "epoll"}));
  CLI11_PARSE(app, argc, argv);

  auto client = skiff::client::NewHttpClient(server);
  if (!client.ok()) {
    std::fprintf(stderr, "%s\n", client.status().ToString().c_str());
    return 1;
  }
  const auto& kinds = skiff::api::KindRegistry::Builtin();
  const skiff::api::Kind& cm = *kinds.ByResource("", "v1", "configmaps");
  const skiff::api::Kind& ns = *kinds.ByResource("", "v1", "namespaces");
  (void)(*client)->Create(ns, "", json::object{{"metadata", {{"name", "bench-watch"}}}});

  std::mutex mu;
  std::vector<Clock::time_point> sent(events);
  std::vector<double> latencies_ms;
  std::vector<std::pair<int, double>> by_event;  // (event, latency): for the fan-out spread
  std::vector<double> create_ms;  // the write itself (POST, durable commit, response)
  latencies_ms.reserve(static_cast<std::size_t>(watches) * events);
  std::atomic<long> received{0};
  std::size_t line_bytes = 0;  // of the ADDED lines the epoll reader received
  auto start = (*client)->List(cm, "bench-watch");
  std::vector<std::unique_ptr<skiff::client::WatchHandle>> handles;
  std::vector<RawWatch> raw;
  std::atomic<bool> stop_reader{false};
  std::thread epoll_reader;
  if (reader == "epoll") {
    int port = std::stoi(server.substr(server.rfind(':') + 1));
    int ep = epoll_create1(0);
    raw.resize(static_cast<std::size_t>(watches));
    std::string request = "GET /api/v1/namespaces/bench-watch/configmaps?watch=1&resourceVersion=" +
                          start->resource_version +
                          " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n";
    for (int w = 0; w < watches; ++w) {
      RawWatch& rw = raw[static_cast<std::size_t>(w)];
      rw.fd = Connect(port);
      if (rw.fd < 0 || send(rw.fd, request.data(), request.size(), MSG_NOSIGNAL) < 0) {
        std::fprintf(stderr, "watch %d: cannot connect\n", w);
        return 1;
      }
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.ptr = &rw;
      epoll_ctl(ep, EPOLL_CTL_ADD, rw.fd, &ev);
    }
    epoll_reader = std::thread([&, ep] {
      std::vector<epoll_event> ready(256);
      char buffer[65536];
      while (!stop_reader) {
        int n = epoll_wait(ep, ready.data(), static_cast<int>(ready.size()), 50);
        auto now = Clock::now();
        for (int k = 0; k < n; ++k) {
          RawWatch& rw = *static_cast<RawWatch*>(ready[static_cast<std::size_t>(k)].data.ptr);
          ssize_t got = recv(rw.fd, buffer, sizeof(buffer), MSG_DONTWAIT);
          if (got <= 0) continue;
          rw.in.append(buffer, static_cast<std::size_t>(got));
          bool ok = Consume(rw, [&](std::string_view line) {
            int i = AddedIndex(line);
            if (i < 0) return;
            std::lock_guard lock(mu);
            line_bytes += line.size() + 1;
            by_event.emplace_back(i,
                                  std::chrono::duration<double, std::milli>(now - sent[i]).count());
            latencies_ms.push_back(
                std::chrono::duration<double, std::milli>(now - sent[i]).count());
            ++received;
          });
          if (!ok) {
            std::fprintf(stderr, "watch failed: %s\n", rw.in.substr(0, 200).c_str());
            std::exit(1);
          }
        }
      }
      close(ep);
    });
  }
  for (int w = 0; w < watches && reader == "threads"; ++w) {
    skiff::client::WatchOptions wo;
    wo.resource_version = start->resource_version;
    wo.bookmarks = false;
    auto h = (*client)->Watch(
        cm, "bench-watch", wo,
        [&](const skiff::client::WatchEvent& ev) {
          auto now = Clock::now();
          if (ev.type != "ADDED") return;
          int i = std::stoi(std::string(ev.object->at("data").at("i").as_string()));
          std::lock_guard lock(mu);
          by_event.emplace_back(i,
                                std::chrono::duration<double, std::milli>(now - sent[i]).count());
          latencies_ms.push_back(std::chrono::duration<double, std::milli>(now - sent[i]).count());
          ++received;
        },
        nullptr);
    if (!h.ok()) {
      std::fprintf(stderr, "watch %d failed: %s\n", w, h.error().message.c_str());
      return 1;
    }
    handles.push_back(std::move(h.value()));
  }
  for (int i = 0; i < events; ++i) {
    json::object obj{{"metadata", {{"name", "cm-" + std::to_string(i)}}},
                     {"data", {{"i", std::to_string(i)}}}};
    {
      std::lock_guard lock(mu);
      sent[i] = Clock::now();
    }
    auto r = (*client)->Create(cm, "bench-watch", obj);
    if (!r.ok()) {
      std::fprintf(stderr, "create failed: %s\n", r.error().message.c_str());
      return 1;
    }
    {
      std::lock_guard lock(mu);
      create_ms.push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - sent[i]).count());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const long want = static_cast<long>(watches) * events;
  auto deadline = Clock::now() + std::chrono::seconds(30);
  while (received < want && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  handles.clear();
  stop_reader = true;
  if (epoll_reader.joinable()) epoll_reader.join();
  for (RawWatch& rw : raw) close(rw.fd);
  std::lock_guard lock(mu);
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto pct = [&](double p) {
    return latencies_ms.empty()
               ? 0.0
               : latencies_ms[static_cast<std::size_t>(p * (latencies_ms.size() - 1))];
  };
  std::printf("reader=%s watches=%d events=%d delivered=%zu/%ld p50=%.2fms p99=%.2fms max=%.2fms\n",
              reader.c_str(), watches, events, latencies_ms.size(), want, pct(0.5), pct(0.99),
              pct(1.0));
  if (line_bytes > 0) std::printf("event line: %zu bytes\n", line_bytes / latencies_ms.size());
  // Fan-out spread: each delivery after the first delivery of the same event (the write's
  // own latency taken out).
  std::vector<double> first(static_cast<std::size_t>(events), 1e18);
  for (auto& [i, ms] : by_event) first[i] = std::min(first[i], ms);
  std::vector<double> spread;
  for (auto& [i, ms] : by_event) spread.push_back(ms - first[i]);
  std::sort(spread.begin(), spread.end());
  if (!spread.empty()) {
    std::printf("fan-out after the first delivery of each event: p50=%.2fms p99=%.2fms\n",
                spread[spread.size() / 2],
                spread[static_cast<std::size_t>(0.99 * static_cast<double>(spread.size() - 1))]);
  }
  std::sort(create_ms.begin(), create_ms.end());
  if (!create_ms.empty()) {
    std::printf(
        "create (included above): p50=%.2fms p99=%.2fms\n", create_ms[create_ms.size() / 2],
        create_ms[static_cast<std::size_t>(0.99 * static_cast<double>(create_ms.size() - 1))]);
  }
  return latencies_ms.size() == static_cast<std::size_t>(want) ? 0 : 1;
}
