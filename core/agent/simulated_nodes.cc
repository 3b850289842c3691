#include "core/agent/simulated_nodes.h"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "core/agent/builtin/builtin_plugins.h"
#include "core/api/json_fields.h"

namespace skiff::agent {

SimulatedNodes::SimulatedNodes(client::Client& client, Executor& executor, AgentConfig base,
                               int count, pluginhost::PluginSetSpec plugins)
    : client_(client),
      executor_(executor),
      base_(std::move(base)),
      count_(count),
      plugins_(std::move(plugins)),
      events_(client, "kubelet", 1000, 4) {}

SimulatedNodes::~SimulatedNodes() { Stop(); }

Status SimulatedNodes::Start() {
  auto openers = BuiltinAwareOpeners(BuiltinCalls::kDirect);
  for (int i = 0; i < count_; ++i) {
    AgentConfig cfg = base_;
    char name[64];
    std::snprintf(name, sizeof(name), "%s-%04d", base_.node_name.c_str(), i);
    cfg.node_name = name;
    cfg.hollow = true;
    cfg.labels["skiff.dev/hollow"] = "true";
    auto plugins = pluginhost::OpenPluginSet(plugins_, openers);
    if (!plugins.ok()) return Status::InvalidArgument(plugins.status().ToString());
    auto agent = Agent::Create(client_, cfg, std::move(plugins).value(), executor_, &events_);
    if (Status s = agent->Start(/*watch_pods=*/false); !s.ok()) return s;
    by_name_[cfg.node_name] = agent.get();
    agents_.push_back(std::move(agent));
    if ((i + 1) % 100 == 0) spdlog::info("simulated nodes: {} of {} registered", i + 1, count_);
  }
  static const api::Kind& pods = *api::KindRegistry::Builtin().ByResource("", "v1", "pods");
  auto route = [this](const std::string& type, const client::Object& pod) {
    auto it = by_name_.find(std::string(api::GetString(pod, "spec.nodeName")));
    if (it != by_name_.end()) it->second->OnPodEvent(type, pod);
  };
  client::InformerHandlers h;
  h.on_add = [route](const client::Object& o) { route("ADDED", o); };
  h.on_update = [route](const client::Object&, const client::Object& o) { route("MODIFIED", o); };
  h.on_delete = [route](const client::Object& o) { route("DELETED", o); };
  informer_ = std::make_unique<client::Informer>(client_, pods, "", client::ListOptions{}, h);
  informer_->Start();
  if (!informer_->WaitForSync(std::chrono::seconds(60))) {
    return Status::Unavailable("simulated nodes: pod list did not sync");
  }
  spdlog::info("simulated nodes: {} hollow nodes running", agents_.size());
  return Status::Ok();
}

void SimulatedNodes::Stop() {
  informer_.reset();
  for (auto& a : agents_) a->Stop();
}

}  // namespace skiff::agent
