#include "core/cmd/server_command.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/api/human_time.h"
#include "core/api/kinds.h"
#include "core/apiserver/api_handler.h"
#include "core/apiserver/compactor.h"
#include "core/apiserver/http_server.h"
#include "core/apiserver/registry.h"
#include "core/client/in_process_client.h"
#include "core/client/informer_factory.h"
#include "core/cmd/agent_command.h"
#include "core/controllers/cronjob/cronjob_controller.h"
#include "core/controllers/daemonset/daemonset_controller.h"
#include "core/controllers/deployment/deployment_controller.h"
#include "core/controllers/endpoints/endpoints_controller.h"
#include "core/controllers/garbagecollector/garbage_collector.h"
#include "core/controllers/job/job_controller.h"
#include "core/controllers/namespace/namespace_controller.h"
#include "core/controllers/nodelifecycle/node_lifecycle_controller.h"
#include "core/controllers/replicaset/replicaset_controller.h"
#include "core/controllers/statefulset/statefulset_controller.h"
#include "core/controllers/volume/default_storage_class.h"
#include "core/controllers/volume/volume_controller.h"
#include "core/scheduler/scheduler.h"
#include "core/store/sqlite_store.h"
#include "plugins/hostpath-csi/hostpath_plugin.h"

namespace skiff::cmd {
namespace {

struct ServerOptions {
  std::string data_dir;
  std::string listen = "127.0.0.1:6443";
  double compaction_interval_seconds = 300;
  bool no_scheduler = false;  // e.g. another scheduler is used
  bool no_agent = false;      // only `skiff agent` processes run pods
  std::string agent_config;   // "" = mock runtime (+ bridge and hostpath as root)
  std::string node_monitor_grace_period = "40s";  // Lease silence before Ready=Unknown
  int64_t default_toleration_seconds = 300;       // DefaultTolerationSeconds admission
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
  registry.SetAdmissionConfig({.default_toleration_seconds = opts.default_toleration_seconds});
  auto grace = api::ParseGoDuration(opts.node_monitor_grace_period);
  if (!grace) {
    spdlog::error("--node-monitor-grace-period: not a duration: {}",
                  opts.node_monitor_grace_period);
    return 2;
  }
  Bootstrap(registry);
  auto client = client::NewInProcessClient(registry);
  // One informer per kind, shared by the controllers and the scheduler.
  client::InformerFactory informers(*client);
  controllers::NamespaceController namespaces(informers);
  namespaces.Start();
  // The workload controllers and the garbage collector.
  controllers::GarbageCollector garbage_collector(informers);
  garbage_collector.Start();
  controllers::ReplicaSetController replicasets(
      informers, *api::KindRegistry::Builtin().ByResource("apps", "v1", "replicasets"));
  replicasets.Start();
  controllers::ReplicaSetController replication_controllers(
      informers, *api::KindRegistry::Builtin().ByResource("", "v1", "replicationcontrollers"));
  replication_controllers.Start();
  controllers::DeploymentController deployments(informers);
  deployments.Start();
  // The cluster-level controllers.
  controllers::EndpointsController endpoints(informers);
  endpoints.Start();
  controllers::NodeLifecycleConfig lifecycle_config;
  lifecycle_config.grace_period = *grace;
  lifecycle_config.monitor_period =
      std::clamp(*grace / 8, std::chrono::milliseconds(100), std::chrono::milliseconds(5000));
  controllers::NodeLifecycleController node_lifecycle(informers, lifecycle_config);
  node_lifecycle.Start();
  // The built-in hostpath driver provisions the default StorageClass's volumes (agents on this
  // machine mount them when their hostpath root is the same directory).
  controllers::VolumeControllerConfig volume_config;
  if (auto hostpath = hostpath::NewHostpathPlugin(
          boost::json::serialize(boost::json::object{{"root", (dir / "volumes").string()}}));
      hostpath.ok()) {
    std::shared_ptr<sdk::StoragePlugin> driver = std::move(hostpath).value();
    auto info = driver->GetPluginInfo();
    std::string provisioner = info.ok() ? info->name : std::string(hostpath::kDriverName);
    volume_config.provisioners[provisioner] = driver;
    if (auto r = controllers::InstallDefaultStorageClass(*client, "standard", provisioner);
        !r.ok()) {
      spdlog::warn("default StorageClass: {}", r.error().message);
    }
  } else {
    spdlog::warn("no volume provisioning: hostpath driver: {}", hostpath.status().ToString());
  }
  controllers::VolumeController volumes(informers, std::move(volume_config));
  volumes.Start();
  // The scheduler: in-process client, default config.
  std::unique_ptr<scheduler::Scheduler> pod_scheduler;
  if (!opts.no_scheduler) {
    pod_scheduler = std::make_unique<scheduler::Scheduler>(informers, scheduler::SchedulerConfig{});
    if (Status s = pod_scheduler->Start(); !s.ok()) {
      spdlog::error("scheduler: {}", s.message());
      return 1;
    }
  }
  // The DaemonSet, StatefulSet, Job and CronJob controllers.
  controllers::DaemonSetController daemonsets(informers);
  daemonsets.Start();
  controllers::StatefulSetController statefulsets(informers);
  statefulsets.Start();
  controllers::JobController jobs(informers);
  jobs.Start();
  controllers::CronJobController cronjobs(informers);
  cronjobs.Start();
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

  // The embedded node agent: one command gives a one-node cluster.
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
  cmd->add_flag("--no-agent", opts->no_agent, "Do not run the embedded node agent");
  cmd->add_option("--agent-config", opts->agent_config,
                  "Config of the embedded node agent (see `skiff agent --config`)");
  // Node lifecycle and the DefaultTolerationSeconds admission plugin.
  cmd->add_option("--node-monitor-grace-period", opts->node_monitor_grace_period,
                  "How long a node may send no heartbeat before it is marked Unknown")
      ->capture_default_str();
  cmd->add_option("--default-toleration-seconds", opts->default_toleration_seconds,
                  "tolerationSeconds of the not-ready/unreachable tolerations pods get by default")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->callback([opts] { std::exit(RunServer(*opts)); });
}

}  // namespace skiff::cmd
