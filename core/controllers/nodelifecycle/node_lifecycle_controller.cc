#include "core/controllers/nodelifecycle/node_lifecycle_controller.h"

#include <spdlog/spdlog.h>

#include "core/api/api_time.h"
#include "core/api/json_fields.h"

namespace skiff::controllers {
namespace json = boost::json;

namespace {

const api::Kind& KindOf(const char* group, const char* resource) {
  return *api::KindRegistry::Builtin().ByResource(group, "v1", resource);
}

std::string ReadyStatus(const json::object& node) {
  const json::object* ready = api::FindCondition(node, "Ready");
  return ready ? std::string(api::GetString(*ready, "status")) : "";
}

std::string ReadyHeartbeat(const json::object& node) {
  const json::object* ready = api::FindCondition(node, "Ready");
  return ready ? std::string(api::GetString(*ready, "lastHeartbeatTime")) : "";
}

}  // namespace

NodeLifecycleController::NodeLifecycleController(client::InformerFactory& informers,
                                                 NodeLifecycleConfig config)
    : client_(informers.client()),
      config_(config),
      nodes_(informers.For(KindOf("", "nodes"))),
      pods_(informers.For(KindOf("", "pods"))),
      // Its own: only kube-node-lease's Leases are node heartbeats.
      leases_(
          client_, KindOf("coordination.k8s.io", "leases"), "kube-node-lease", {},
          client::InformerHandlers{
              [this](const client::Object& l) {
                std::lock_guard lock(mu_);
                heartbeat_[std::string(api::GetString(l, "metadata.name"))] = Clock::now();
              },
              [this](const client::Object& old, const client::Object& l) {
                if (api::GetString(old, "spec.renewTime") == api::GetString(l, "spec.renewTime")) {
                  return;
                }
                std::lock_guard lock(mu_);
                heartbeat_[std::string(api::GetString(l, "metadata.name"))] = Clock::now();
              },
              nullptr}) {}

NodeLifecycleController::~NodeLifecycleController() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void NodeLifecycleController::Start() {
  handlers_.push_back(nodes_.AddHandlers(client::InformerHandlers{
      [this](const client::Object& n) { NodeUpdated({}, n); },
      [this](const client::Object& old, const client::Object& n) { NodeUpdated(old, n); },
      [this](const client::Object& n) {
        std::lock_guard lock(mu_);
        heartbeat_.erase(std::string(api::GetString(n, "metadata.name")));
      }}));
  handlers_.push_back(pods_.AddHandlers(client::InformerHandlers{
      [this](const client::Object& p) { PodChanged(p, false); },
      [this](const client::Object& old, const client::Object& p) {
        if (api::GetString(old, "spec.nodeName") != api::GetString(p, "spec.nodeName")) {
          PodChanged(old, true);
        }
        PodChanged(p, false);
      },
      [this](const client::Object& p) { PodChanged(p, true); }}));
  nodes_.Start();
  leases_.Start();
  pods_.Start();
  worker_ = std::thread([this] { Run(); });
}

void NodeLifecycleController::NodeUpdated(const client::Object& old_node,
                                          const client::Object& node) {
  std::string name(api::GetString(node, "metadata.name"));
  std::lock_guard lock(mu_);
  // A node first seen gets a full grace period; the agent posting a fresh Ready heartbeat counts
  // as much as a Lease renewal (this controller keeps lastHeartbeatTime when it writes Unknown).
  if (old_node.empty()) {
    heartbeat_.emplace(name, Clock::now());
  } else if (ReadyHeartbeat(old_node) != ReadyHeartbeat(node) && ReadyStatus(node) != "Unknown") {
    heartbeat_[name] = Clock::now();
  }
}

void NodeLifecycleController::PodChanged(const client::Object& pod, bool deleted) {
  std::string node(api::GetString(pod, "spec.nodeName"));
  if (node.empty()) return;
  std::string key = client::ObjectKey(pod);
  std::lock_guard lock(mu_);
  if (deleted) {
    auto it = pods_by_node_.find(node);
    if (it == pods_by_node_.end()) return;
    it->second.erase(key);
    if (it->second.empty()) pods_by_node_.erase(it);
  } else {
    pods_by_node_[node].insert(key);
  }
}

std::vector<std::string> NodeLifecycleController::PodsOn(const std::string& node) {
  std::lock_guard lock(mu_);
  auto it = pods_by_node_.find(node);
  if (it == pods_by_node_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

void NodeLifecycleController::Run() {
  for (auto* informer : {&nodes_, &leases_, &pods_}) {
    while (!informer->WaitForSync(std::chrono::milliseconds(100))) {
      std::lock_guard lock(mu_);
      if (stop_) return;
    }
  }
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, config_.monitor_period, [this] { return stop_; })) {
    lock.unlock();
    Tick();
    lock.lock();
  }
}

void NodeLifecycleController::Tick() {
  auto now = Clock::now();
  std::set<std::string> seen_nodes;
  for (const client::ObjectPtr& cached : nodes_.List()) {
    client::Object node = *cached;  // a copy: marking it Unknown and its taints rewrite it
    std::string name(api::GetString(node, "metadata.name"));
    seen_nodes.insert(name);
    Clock::time_point last;
    {
      std::lock_guard lock(mu_);
      last = heartbeat_.emplace(name, now).first->second;
    }
    if (now - last > config_.grace_period && ReadyStatus(node) != "Unknown") {
      spdlog::warn("node lifecycle: node {} sent no heartbeat for {} ms: Ready=Unknown", name,
                   std::chrono::duration_cast<std::chrono::milliseconds>(now - last).count());
      node = MarkUnknown(node);
    }
    if (ReadyStatus(node) == "Unknown") MarkPodsNotReady(name);
    node = ReconcileTaints(node);

    std::vector<ObservedTaint> no_execute;
    auto& seen = taint_seen_[name];
    std::map<std::string, Clock::time_point> still;
    for (const scheduler::Taint& t : scheduler::ParseTaints(node)) {
      if (t.effect != "NoExecute") continue;
      std::string id = t.key + "=" + t.value;
      auto it = seen.find(id);
      Clock::time_point since = it == seen.end() ? now : it->second;
      still[id] = since;
      no_execute.push_back({t, since});
    }
    seen = std::move(still);
    if (!no_execute.empty()) EvictPods(name, no_execute);
  }
  for (auto it = taint_seen_.begin(); it != taint_seen_.end();) {
    it = seen_nodes.contains(it->first) ? std::next(it) : taint_seen_.erase(it);
  }
}

client::Object NodeLifecycleController::MarkUnknown(const client::Object& node) {
  client::Object updated = node;
  std::string now = api::NowApiTime();
  json::object& status = api::ChildObject(updated, "status");
  json::value& conditions = status["conditions"];
  if (!conditions.is_array()) conditions = json::array();
  bool has_ready = false;
  for (auto& c : conditions.get_array()) {
    if (!c.is_object()) continue;
    json::object& cond = c.get_object();
    has_ready |= api::GetString(cond, "type") == "Ready";
    if (api::GetString(cond, "status") != "Unknown") cond["lastTransitionTime"] = now;
    cond["status"] = "Unknown";
    cond["reason"] = "NodeStatusUnknown";
    cond["message"] = "Kubelet stopped posting node status.";
  }
  if (!has_ready) {
    conditions.get_array().push_back(json::object{{"type", "Ready"},
                                                  {"status", "Unknown"},
                                                  {"reason", "NodeStatusNeverUpdated"},
                                                  {"message", "Kubelet never posted node status."},
                                                  {"lastHeartbeatTime", now},
                                                  {"lastTransitionTime", now}});
  }
  auto r = client_.Update(KindOf("", "nodes"), updated, /*status=*/true);
  if (!r.ok()) {
    spdlog::warn("node lifecycle: mark node {} Unknown: {}", api::GetString(node, "metadata.name"),
                 r.error().message);
    return node;
  }
  return *r;
}

void NodeLifecycleController::MarkPodsNotReady(const std::string& node) {
  for (const std::string& key : PodsOn(node)) {
    auto slash = key.find('/');
    auto cached = pods_.Get(key.substr(0, slash), key.substr(slash + 1));
    if (!cached || api::GetString(*cached, "spec.nodeName") != node) continue;
    client::Object pod = *cached;  // a copy: its Ready condition is rewritten below
    json::value* conditions = api::ChildObject(pod, "status").if_contains("conditions");
    if (conditions == nullptr || !conditions->is_array()) continue;
    bool changed = false;
    for (auto& c : conditions->get_array()) {
      if (!c.is_object()) continue;
      json::object& cond = c.get_object();
      if (api::GetString(cond, "type") != "Ready" || api::GetString(cond, "status") == "False") {
        continue;
      }
      cond["status"] = "False";
      cond["lastTransitionTime"] = api::NowApiTime();
      changed = true;
    }
    if (!changed) continue;
    auto r = client_.Update(KindOf("", "pods"), pod, /*status=*/true);
    if (!r.ok() && r.error().code != 404 && r.error().code != 409) {
      spdlog::warn("node lifecycle: mark pod {} not ready: {}", key, r.error().message);
    }
  }
}

client::Object NodeLifecycleController::ReconcileTaints(const client::Object& node) {
  std::string ready = ReadyStatus(node);
  std::string want = ready == "Unknown" ? kUnreachableTaint
                     : ready == "False" ? kNotReadyTaint
                                        : "";
  json::array taints;
  bool changed = false, present = false;
  if (const json::array* current = api::FindArray(node, "spec.taints")) {
    for (const auto& t : *current) {
      if (!t.is_object()) continue;
      std::string_view key = api::GetString(t.get_object(), "key");
      bool ours = (key == kUnreachableTaint || key == kNotReadyTaint) &&
                  api::GetString(t.get_object(), "effect") == "NoExecute";
      if (ours && key != want) {
        changed = true;
        continue;
      }
      present |= ours;
      taints.push_back(t);
    }
  }
  if (!want.empty() && !present) {
    taints.push_back(
        json::object{{"key", want}, {"effect", "NoExecute"}, {"timeAdded", api::NowApiTime()}});
    changed = true;
  }
  if (!changed) return node;
  client::Object updated = node;
  json::object& spec = api::ChildObject(updated, "spec");
  if (taints.empty()) {
    spec.erase("taints");
  } else {
    spec["taints"] = std::move(taints);
  }
  auto r = client_.Update(KindOf("", "nodes"), updated);
  std::string name(api::GetString(node, "metadata.name"));
  if (!r.ok()) {
    spdlog::warn("node lifecycle: taints of node {}: {}", name, r.error().message);
    return node;
  }
  spdlog::info("node lifecycle: node {} is Ready={}: {}", name, ready.empty() ? "?" : ready,
               want.empty() ? "NoExecute taints removed" : "tainted " + want + ":NoExecute");
  return *r;
}

void NodeLifecycleController::EvictPods(const std::string& node,
                                        const std::vector<ObservedTaint>& taints) {
  auto now = Clock::now();
  for (const std::string& key : PodsOn(node)) {
    auto slash = key.find('/');
    std::string ns = key.substr(0, slash), name = key.substr(slash + 1);
    auto pod = pods_.Get(ns, name);
    if (!pod || api::GetString(*pod, "spec.nodeName") != node) continue;
    if (!api::GetString(*pod, "metadata.deletionTimestamp").empty()) continue;
    auto when = EvictionTime(*pod, taints);
    if (!when || *when > now) continue;
    spdlog::info("node lifecycle: evicting pod {} from node {} (NoExecute taint)", key, node);
    client::DeleteOptions options;
    options.precondition_uid = std::string(api::GetString(*pod, "metadata.uid"));
    auto r = client_.Delete(KindOf("", "pods"), ns, name, options);
    if (!r.ok() && r.error().code != 404 && r.error().code != 409) {
      spdlog::warn("node lifecycle: evict pod {}: {}", key, r.error().message);
    }
  }
}

}  // namespace skiff::controllers
