#include "core/agent/agent.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "core/agent/container_log_server.h"
#include "core/agent/event_recorder.h"
#include "core/agent/lease_heartbeat.h"
#include "core/agent/node_registration.h"
#include "core/agent/pleg.h"
#include "core/agent/pod_volumes.h"
#include "core/agent/pod_worker.h"
#include "core/agent/runtime_config_builder.h"
#include "core/api/json_fields.h"
#include "core/client/informer.h"

namespace skiff::agent {

namespace json = boost::json;

struct Agent::Impl {
  Impl(client::Client& c, AgentConfig cfg, pluginhost::PluginSet p, Executor& e,
       client::EventRecorder* shared_events)
      : client(c),
        config(std::move(cfg)),
        plugins(std::move(p)),
        executor(e),
        own_events(shared_events ? nullptr
                                 : std::make_unique<client::EventRecorder>(c, "kubelet", 1000, 2)),
        events(shared_events ? *shared_events : *own_events, config.node_name) {}

  client::Client& client;
  const AgentConfig config;
  const pluginhost::PluginSet plugins;
  Executor& executor;
  std::unique_ptr<client::EventRecorder> own_events;
  EventRecorder events;
  std::unique_ptr<PodVolumes> volumes;
  PresentImages present_images{std::chrono::seconds(30)};
  std::unique_ptr<NodeServices> services;
  std::unique_ptr<NodeRegistration> registration;
  std::unique_ptr<LeaseHeartbeat> lease;
  std::unique_ptr<Pleg> pleg;
  std::unique_ptr<ContainerLogServer> log_server;
  std::unique_ptr<client::Informer> informer;
  std::weak_ptr<Agent> self;
  int kubelet_port = 0;

  mutable std::mutex mu;
  std::map<std::string, std::shared_ptr<PodWorker>> workers;  // by pod uid
  bool synced = false;
  bool watch_synced = false;  // Start's own pod informer has listed
  bool stopping = false;
  bool heartbeat_running = false;
  std::chrono::steady_clock::time_point last_heartbeat{};  // Heartbeat()'s thread only

  // `added`: the pod came in an ADDED event. Once our own pod watch has listed, such a pod was
  // created (or bound here) after this agent started, so no earlier agent ran it.
  std::shared_ptr<PodWorker> WorkerFor(const std::string& uid, bool added) {
    std::lock_guard lock(mu);
    if (stopping) return nullptr;
    auto& w = workers[uid];
    if (!w) w = std::make_shared<PodWorker>(*services, uid, /*new_pod=*/added && watch_synced);
    return w;
  }

  void Heartbeat() {
    // A long gap (the process was stopped or starved): the node may have been marked Unknown.
    auto now = std::chrono::steady_clock::now();
    if (last_heartbeat != std::chrono::steady_clock::time_point{} &&
        now - last_heartbeat > 3 * config.heartbeat) {
      registration->ReportAgain();
    }
    last_heartbeat = now;
    auto beat = lease->Beat();
    if (!beat.ok())
      spdlog::warn("node {}: lease renewal failed: {}", config.node_name, beat.error().message);
    auto status = plugins.runtime->GetStatus();
    bool ready = status.ok();
    std::string why = ready ? "" : status.status().ToString();
    if (ready) {
      for (const auto& c : status->conditions) {
        if (c.type == sdk::kRuntimeReady && !c.status) {
          ready = false;
          why = "container runtime is not ready: " + c.reason + " " + c.message;
        }
      }
    }
    auto r = registration->ReportReady(ready, ready ? "KubeletReady" : "KubeletNotReady",
                                       ready ? "skiff agent is posting ready status" : why);
    if (!r.ok())
      spdlog::warn("node {}: status update failed: {}", config.node_name, r.error().message);
  }

  void Relist() {
    if (sdk::Status s = pleg->Relist(); !s.ok()) {
      spdlog::warn("node {}: PLEG relist failed: {}", config.node_name, s.ToString());
    }
  }

  // Drops finished workers and resyncs the rest (a safety net under missed triggers).
  void Housekeeping() {
    std::vector<std::shared_ptr<PodWorker>> live;
    {
      std::lock_guard lock(mu);
      for (auto it = workers.begin(); it != workers.end();) {
        if (it->second->Finished()) {
          it = workers.erase(it);
        } else {
          live.push_back(it->second);
          ++it;
        }
      }
    }
    for (auto& w : live) w->Trigger();
  }

  void OnPleg(const std::string& uid) {
    std::shared_ptr<PodWorker> w;
    {
      std::lock_guard lock(mu);
      if (stopping || !synced) return;
      auto it = workers.find(uid);
      if (it != workers.end()) {
        w = it->second;
      } else {
        // The runtime runs something for a pod this node does not have: clean it up.
        spdlog::info("node {}: cleaning up orphaned pod {}", config.node_name, uid);
        w = workers[uid] = std::make_shared<PodWorker>(*services, uid);
        w->Update(std::nullopt);
      }
    }
    w->Trigger();
  }

  void Every(std::chrono::milliseconds period, void (Impl::*fn)()) {
    executor.PostAfter(period, [weak = self, period, fn] {
      auto agent = weak.lock();
      if (!agent) return;
      Impl* impl = agent->impl_.get();
      {
        std::lock_guard lock(impl->mu);
        if (impl->stopping) return;
      }
      (impl->*fn)();
      impl->Every(period, fn);
    });
  }
};

std::shared_ptr<Agent> Agent::Create(client::Client& client, AgentConfig config,
                                     pluginhost::PluginSet plugins, Executor& executor,
                                     client::EventRecorder* events) {
  auto impl =
      std::make_unique<Impl>(client, std::move(config), std::move(plugins), executor, events);
  auto agent = std::shared_ptr<Agent>(new Agent(std::move(impl)));
  agent->impl_->self = agent;
  return agent;
}

Agent::Agent(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Agent::~Agent() { Stop(); }

const std::string& Agent::node_name() const { return impl_->config.node_name; }
int Agent::kubelet_port() const { return impl_->kubelet_port; }

std::size_t Agent::WorkerCountForTest() const {
  std::lock_guard lock(impl_->mu);
  return impl_->workers.size();
}

Status Agent::Start(bool watch_pods) {
  Impl& d = *impl_;
  // The runtime may still be coming up (a sidecar restarted along with the agent); its name
  // prefixes every container ID, so ask for a while before settling for "unknown".
  auto version = d.plugins.runtime->Version("v1");
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       !version.ok() && std::chrono::steady_clock::now() < until;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    version = d.plugins.runtime->Version("v1");
  }
  if (!version.ok()) {
    spdlog::warn("agent: runtime Version: {}; reporting it as unknown",
                 version.status().ToString());
  }
  NodeIdentity identity;
  identity.runtime_name = version.ok() ? version->runtime_name : "unknown";
  identity.runtime_version = version.ok() ? version->runtime_version : "unknown";
  std::string log_root;
  if (!d.config.hollow) {
    std::error_code ec;
    std::filesystem::create_directories(d.config.root_dir, ec);
    if (ec)
      return Status::Internal("cannot create rootDir " + d.config.root_dir + ": " + ec.message());
    log_root = (std::filesystem::path(d.config.root_dir) / "logs").string();
    d.volumes = std::make_unique<PodVolumes>(d.client, d.plugins.storage, d.config.root_dir);
    auto server = ContainerLogServer::Start(d.config.address, d.config.kubelet_port,
                                            d.plugins.runtime, d.executor);
    if (!server.ok()) {
      return Status::Unavailable("cannot serve container logs on " + d.config.address + ":" +
                                 std::to_string(d.config.kubelet_port) + ": " +
                                 server.status().message());
    }
    d.log_server = std::move(server.value());
    d.kubelet_port = d.log_server->port();
  }
  identity.kubelet_port = d.kubelet_port;
  d.services.reset(new NodeServices{d.client, d.config, d.plugins.runtime, d.plugins.network,
                                    d.volumes.get(), d.events, d.executor, identity.runtime_name,
                                    log_root, &d.present_images});
  d.registration = std::make_unique<NodeRegistration>(d.client, d.config, identity);
  auto uid = d.registration->Register();
  if (!uid.ok())
    return Status::Unavailable("registering node " + d.config.node_name + ": " +
                               uid.error().message);
  d.lease = std::make_unique<LeaseHeartbeat>(d.client, d.config.node_name, *uid);
  d.pleg = std::make_unique<Pleg>(
      *d.plugins.runtime, [impl = &d](const std::string& pod_uid) { impl->OnPleg(pod_uid); });

  if (watch_pods) {
    static const api::Kind& pods = *api::KindRegistry::Builtin().ByResource("", "v1", "pods");
    client::ListOptions sel;
    sel.field_selector = "spec.nodeName=" + d.config.node_name;
    client::InformerHandlers h;
    h.on_add = [this](const client::Object& o) { OnPodEvent("ADDED", o); };
    h.on_update = [this](const client::Object&, const client::Object& o) {
      OnPodEvent("MODIFIED", o);
    };
    h.on_delete = [this](const client::Object& o) { OnPodEvent("DELETED", o); };
    d.informer = std::make_unique<client::Informer>(d.client, pods, "", sel, std::move(h));
    d.informer->Start();
    if (!d.informer->WaitForSync(std::chrono::seconds(30))) {
      return Status::Unavailable("node " + d.config.node_name + ": pod list did not sync");
    }
  }
  {
    std::lock_guard lock(d.mu);
    d.synced = true;
    d.watch_synced = watch_pods;
  }
  if (watch_pods && d.volumes) {
    // Volumes left on disk by pods deleted while the agent was down.
    std::set<std::string> known;
    for (const auto& p : d.informer->List())
      known.insert(std::string(api::GetString(*p, "metadata.uid")));
    for (const auto& uid_on_disk : d.volumes->PodUidsOnDisk()) {
      if (!known.count(uid_on_disk)) d.OnPleg(uid_on_disk);
    }
  }
  d.Relist();  // adopts or cleans up what the runtime still runs
  d.Heartbeat();
  d.Every(d.config.heartbeat, &Impl::Heartbeat);
  d.Every(d.config.pleg_period, &Impl::Relist);
  d.Every(std::chrono::seconds(10), &Impl::Housekeeping);
  spdlog::info("node {} ready (runtime {} {}, network {}, storage {}, logs on {}:{})",
               d.config.node_name, identity.runtime_name, identity.runtime_version,
               d.plugins.spec.network ? d.plugins.spec.network->name : "none",
               d.plugins.spec.storage ? d.plugins.spec.storage->name : "none", d.config.address,
               d.kubelet_port);
  return Status::Ok();
}

void Agent::OnPodEvent(const std::string& type, const client::Object& pod) {
  std::string uid(api::GetString(pod, "metadata.uid"));
  if (uid.empty()) return;
  auto w = impl_->WorkerFor(uid, type == "ADDED");
  if (!w) return;
  if (type == "DELETED") {
    w->Update(std::nullopt);
  } else {
    w->Update(pod);
  }
  w->Trigger();
}

void Agent::Stop() {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopping) return;
    impl_->stopping = true;
  }
  impl_->informer.reset();
  if (impl_->log_server) impl_->log_server->Stop();
}

}  // namespace skiff::agent
