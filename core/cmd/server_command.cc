#include "core/cmd/server_command.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/asio/ip/address.hpp>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/api/kinds.h"
#include "core/apiserver/api_handler.h"
#include "core/apiserver/compactor.h"
#include "core/apiserver/http_server.h"
#include "core/apiserver/registry.h"
#include "core/client/in_process_client.h"
#include "core/controllers/daemonset/daemonset_controller.h"  // sets branch
#include "core/controllers/deployment/deployment_controller.h"
#include "core/controllers/garbagecollector/garbage_collector.h"
#include "core/controllers/namespace/namespace_controller.h"
#include "core/controllers/replicaset/replicaset_controller.h"
#include "core/controllers/statefulset/statefulset_controller.h"  // sets branch
#include "core/scheduler/scheduler.h"  // scheduler: started in-process unless --no-scheduler
#include "core/store/sqlite_store.h"
#include "core/cmd/agent_command.h"  // the embedded node agent (agent branch)

namespace skiff::cmd {
namespace {

struct ServerOptions {
  std::string data_dir;
  std::string listen = "127.0.0.1:6443";
  double compaction_interval_seconds = 300;
  bool no_scheduler = false;  // scheduler: run without it (e.g. another scheduler is used)
  bool no_agent = false;     // agent branch: no embedded node agent
  std::string agent_config;  // agent branch: its config ("" = mock runtime, bridge as root)
};

std::string DefaultDataDir() {
  if (geteuid() == 0) return "/var/lib/skiff";
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.skiff";
}

Status WriteKubeconfig(const std::filesystem::path& path, const std::string& server) {
  std::ofstream out(path.string() + ".tmp", std::ios::trunc);
  out << "apiVersion: v1\n"
         "kind: Config\n"
         "clusters:\n"
         "- name: skiff\n"
         "  cluster:\n"
         "    server: http://"
      << server
      << "\n"
         "contexts:\n"
         "- name: skiff\n"
         "  context:\n"
         "    cluster: skiff\n"
         "    user: skiff\n"
         "    namespace: default\n"
         "current-context: skiff\n"
         "users:\n"
         "- name: skiff\n"
         "  user: {}\n";
  out.close();
  if (!out) return Status::Internal("cannot write " + path.string());
  std::filesystem::rename(path.string() + ".tmp", path);
  return Status::Ok();
}

// The namespaces every cluster starts with.
void Bootstrap(apiserver::ObjectRegistry& registry) {
  const api::Kind& ns = *registry.kinds().ByResource("", "v1", "namespaces");
  for (const char* name : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    auto r = registry.Create(ns, "", boost::json::object{{"metadata", {{"name", name}}}});
    if (!r.ok() && r.error().code != 409) {
      spdlog::error("bootstrap: cannot create namespace {}: {}", name, r.error().message);
    }
  }
}

volatile std::sig_atomic_t g_stop = 0;

int RunServer(const ServerOptions& opts) {
  auto colon = opts.listen.rfind(':');
  if (colon == std::string::npos) {
    spdlog::error("--listen must be HOST:PORT, got {}", opts.listen);
    return 2;
  }
  std::string host = opts.listen.substr(0, colon);
  int port = std::atoi(opts.listen.c_str() + colon + 1);
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  if (ec || !address.is_loopback()) {
    spdlog::error(
        "--listen {}: skiff has no authentication yet, so it only listens on a loopback address "
        "(127.0.0.1 or ::1)",
        opts.listen);
    return 2;
  }
  std::filesystem::path dir = opts.data_dir.empty() ? DefaultDataDir() : opts.data_dir;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    spdlog::error("cannot create data dir {}: {}", dir.string(), ec.message());
    return 1;
  }
  auto store = store::OpenSqliteStore((dir / "store.db").string());
  if (!store.ok()) {
    spdlog::error("cannot open store in {}: {}", dir.string(), store.status().ToString());
    return 1;
  }
  apiserver::ObjectRegistry registry(**store, api::KindRegistry::Builtin());
  Bootstrap(registry);
  auto client = client::NewInProcessClient(registry);
  controllers::NamespaceController namespaces(*client);
  namespaces.Start();
  // Workload controllers (apps branch).
  controllers::GarbageCollector garbage_collector(*client);
  garbage_collector.Start();
  controllers::ReplicaSetController replicasets(
      *client, *api::KindRegistry::Builtin().ByResource("apps", "v1", "replicasets"));
  replicasets.Start();
  controllers::ReplicaSetController replication_controllers(
      *client, *api::KindRegistry::Builtin().ByResource("", "v1", "replicationcontrollers"));
  replication_controllers.Start();
  controllers::DeploymentController deployments(*client);
  deployments.Start();
  // Scheduler (owned by the scheduler branch): in-process client, default config.
  std::unique_ptr<scheduler::Scheduler> pod_scheduler;
  if (!opts.no_scheduler) {
    pod_scheduler = std::make_unique<scheduler::Scheduler>(*client, scheduler::SchedulerConfig{});
    if (Status s = pod_scheduler->Start(); !s.ok()) {
      spdlog::error("scheduler: {}", s.message());
      return 1;
    }
  }
  // sets branch: the DaemonSet and StatefulSet controllers.
  controllers::DaemonSetController daemonsets(*client);
  daemonsets.Start();
  controllers::StatefulSetController statefulsets(*client);
  statefulsets.Start();
  apiserver::Compactor compactor(
      **store,
      std::chrono::milliseconds(static_cast<long>(opts.compaction_interval_seconds * 1000)));

  auto handler = std::make_unique<apiserver::ApiHandler>(registry);
  apiserver::HttpServerOptions http;
  http.address = host;
  http.port = static_cast<std::uint16_t>(port);
  http.body_too_large = &apiserver::ApiHandler::BodyTooLarge;
  auto server = apiserver::HttpServer::Start(
      http, [h = handler.get()](std::shared_ptr<apiserver::HttpExchange> ex) {
        h->Handle(std::move(ex));
      });
  if (!server.ok()) {
    spdlog::error("{}", server.status().message());
    return 1;
  }
  std::string address_str = host + ":" + std::to_string((*server)->port());
  if (Status s = WriteKubeconfig(dir / "kubeconfig", address_str); !s.ok()) {
    spdlog::error("{}", s.message());
    return 1;
  }
  spdlog::info("skiff server listening on http://{} (loopback only: no authentication yet)",
               address_str);
  spdlog::info("store: sqlite at {} (revision {})", (dir / "store.db").string(),
               (*store)->CurrentRevision());
  spdlog::info("kubeconfig: {}  (kubectl --kubeconfig {} get ns)", (dir / "kubeconfig").string(),
               (dir / "kubeconfig").string());

  // The embedded node agent (agent branch): one command gives a one-node cluster.
  std::unique_ptr<EmbeddedAgent> agent;
  if (!opts.no_agent) {
    agent = StartEmbeddedAgent(*client, opts.agent_config, dir.string());
    if (!agent && !opts.agent_config.empty()) return 1;
  }

  std::signal(SIGINT, [](int) { g_stop = 1; });
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  while (!g_stop) pause();
  spdlog::info("shutting down");
  if (pod_scheduler) pod_scheduler->Stop();  // scheduler: before the registry goes
  agent.reset();
  (*server)->Stop();
  handler.reset();
  return 0;
}

}  // namespace

void AddServerCommand(CLI::App& app) {
  auto opts = std::make_shared<ServerOptions>();
  auto* cmd = app.add_subcommand("server", "Run the API server on the embedded store");
  cmd->add_option("--data-dir", opts->data_dir,
                  "Where the store and kubeconfig live (default /var/lib/skiff as root, else "
                  "~/.skiff)");
  cmd->add_option("--listen", opts->listen, "HOST:PORT to serve on (loopback only)")
      ->capture_default_str();
  cmd->add_option("--compaction-interval", opts->compaction_interval_seconds,
                  "Seconds of store history kept for watches to resume from")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--no-scheduler", opts->no_scheduler, "Do not run the built-in scheduler");
  // agent branch: the embedded node agent.
  cmd->add_flag("--no-agent", opts->no_agent, "Do not run the embedded node agent");
  cmd->add_option("--agent-config", opts->agent_config,
                  "Config of the embedded node agent (see `skiff agent --config`)");
  cmd->callback([opts] { std::exit(RunServer(*opts)); });
}

}  // namespace skiff::cmd
