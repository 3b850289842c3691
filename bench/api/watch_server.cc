// watch_server: the API server alone (SQLite store, ObjectRegistry, ApiHandler, HttpServer —
// the request path of `skiff server`, without its controllers, scheduler and agent), for
// measuring the API path with a small build. Serves until SIGINT/SIGTERM.
// Usage: watch_server --data-dir DIR [--port 0]   (prints "listening on http://127.0.0.1:PORT")

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>

#include "core/api/kinds.h"
#include "core/apiserver/api_handler.h"
#include "core/apiserver/http_server.h"
#include "core/apiserver/registry.h"
#include "core/store/sqlite_store.h"

namespace {
volatile std::sig_atomic_t g_stop = 0;
}

int main(int argc, char** argv) {
  CLI::App app{"the API server alone, for benchmarks"};
  std::string data_dir;
  int port = 0;
  app.add_option("--data-dir", data_dir)->required();
  app.add_option("--port", port);
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);

  auto store = skiff::store::OpenSqliteStore(data_dir + "/store.db");
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  skiff::apiserver::ObjectRegistry registry(**store, skiff::api::KindRegistry::Builtin());
  auto handler = std::make_unique<skiff::apiserver::ApiHandler>(registry);
  skiff::apiserver::HttpServerOptions http;
  http.address = "127.0.0.1";
  http.port = static_cast<std::uint16_t>(port);
  http.body_too_large = &skiff::apiserver::ApiHandler::BodyTooLarge;
  auto server = skiff::apiserver::HttpServer::Start(
      http, [h = handler.get()](std::shared_ptr<skiff::apiserver::HttpExchange> ex) {
        h->Handle(std::move(ex));
      });
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.status().ToString().c_str());
    return 1;
  }
  std::printf("listening on http://127.0.0.1:%u\n", static_cast<unsigned>((*server)->port()));
  std::fflush(stdout);
  std::signal(SIGINT, [](int) { g_stop = 1; });
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  while (!g_stop) pause();
  (*server)->Stop();
  handler.reset();
  return 0;
}
