// Watch event latency: N open watches on one kind, then a stream of writes; for each write,
// the time from the write's acknowledgement being sent to each watcher receiving the event.
// Usage: watch_latency --server http://127.0.0.1:PORT [--watches 1000] [--events 200]

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "core/client/http_client.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace json = boost::json;

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"watch event latency"};
  std::string server;
  int watches = 1000, events = 200;
  app.add_option("--server", server)->required();
  app.add_option("--watches", watches);
  app.add_option("--events", events);
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
  latencies_ms.reserve(static_cast<std::size_t>(watches) * events);
  std::atomic<long> received{0};
  auto start = (*client)->List(cm, "bench-watch");
  std::vector<std::unique_ptr<skiff::client::WatchHandle>> handles;
  for (int w = 0; w < watches; ++w) {
    skiff::client::WatchOptions wo;
    wo.resource_version = start->resource_version;
    wo.bookmarks = false;
    auto h = (*client)->Watch(
        cm, "bench-watch", wo,
        [&](const skiff::client::WatchEvent& ev) {
          auto now = Clock::now();
          if (ev.type != "ADDED") return;
          int i = std::stoi(std::string(ev.object.at("data").at("i").as_string()));
          std::lock_guard lock(mu);
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
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const long want = static_cast<long>(watches) * events;
  auto deadline = Clock::now() + std::chrono::seconds(30);
  while (received < want && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  handles.clear();
  std::lock_guard lock(mu);
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto pct = [&](double p) {
    return latencies_ms.empty()
               ? 0.0
               : latencies_ms[static_cast<std::size_t>(p * (latencies_ms.size() - 1))];
  };
  std::printf("watches=%d events=%d delivered=%zu/%ld p50=%.2fms p99=%.2fms max=%.2fms\n", watches,
              events, latencies_ms.size(), want, pct(0.5), pct(0.99), pct(1.0));
  return latencies_ms.size() == static_cast<std::size_t>(want) ? 0 : 1;
}
