#include "core/agent/agent_config.h"

#include <unistd.h>

#include <boost/json.hpp>
#include <fstream>
#include <thread>

#include "core/apiserver/yaml_json.h"

namespace skiff::agent {
namespace {

namespace json = boost::json;

Status Bad(const std::string& field, const std::string& why) {
  return Status::InvalidArgument("config: " + field + ": " + why);
}

std::string HostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0) return "localhost";
  return buf;
}

// A quantity written as a YAML number or string.
std::optional<std::string> QuantityText(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_int64()) return std::to_string(v.as_int64());
  if (v.is_uint64()) return std::to_string(v.as_uint64());
  return std::nullopt;
}

Result<int64_t> Int(const json::object& o, const char* key, int64_t fallback) {
  const json::value* v = o.if_contains(key);
  if (!v) return fallback;
  if (!v->is_int64()) return Bad(key, "must be an integer");
  return v->as_int64();
}

}  // namespace

std::map<std::string, std::string> MachineCapacity() {
  std::map<std::string, std::string> cap;
  cap["cpu"] = std::to_string(std::max(1u, std::thread::hardware_concurrency()));
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  long long kib = 0;
  std::string unit;
  while (meminfo >> key >> kib >> unit) {
    if (key == "MemTotal:") {
      cap["memory"] = std::to_string(kib) + "Ki";
      break;
    }
  }
  if (!cap.count("memory")) cap["memory"] = "1Gi";
  cap["pods"] = "110";
  return cap;
}

Result<AgentConfig> ParseAgentConfig(const std::string& yaml_text) {
  AgentConfig cfg;
  cfg.node_name = HostName();
  cfg.root_dir = geteuid() == 0 ? "/var/lib/skiff/agent"
                                : std::string(getenv("HOME") ?: ".") + "/.skiff/agent";
  cfg.capacity = MachineCapacity();  // also for an empty config (e.g. `--simulate` alone)
  auto doc = apiserver::YamlToJson(yaml_text);
  if (!doc.ok()) return Status::InvalidArgument("config: " + doc.status().message());
  if (doc->is_null()) return cfg;
  if (!doc->is_object()) return Status::InvalidArgument("config: must be a mapping");
  const json::object& o = doc->as_object();
  for (const auto& kv : o) {
    static const char* kKnown[] = {"nodeName",         "rootDir",          "address",
                                   "kubeletPort",      "labels",           "taints",
                                   "capacity",         "heartbeatSeconds", "crashLoopBackOff",
                                   "podWorkerThreads", "plugins",          "plegPeriodMillis"};
    bool known = false;
    for (const char* k : kKnown) known = known || kv.key() == k;
    if (!known) return Bad(std::string(kv.key()), "unknown field");
  }
  auto str = [&](const char* key, std::string& out) -> Status {
    if (const json::value* v = o.if_contains(key)) {
      if (!v->is_string()) return Bad(key, "must be a string");
      out = std::string(v->as_string());
    }
    return Status::Ok();
  };
  if (Status s = str("nodeName", cfg.node_name); !s.ok()) return s;
  if (Status s = str("rootDir", cfg.root_dir); !s.ok()) return s;
  if (Status s = str("address", cfg.address); !s.ok()) return s;
  auto port = Int(o, "kubeletPort", cfg.kubelet_port);
  if (!port.ok()) return port.status();
  if (*port < 0 || *port > 65535) return Bad("kubeletPort", "must be 0..65535");
  cfg.kubelet_port = static_cast<int>(*port);
  auto hb = Int(o, "heartbeatSeconds", cfg.heartbeat.count());
  if (!hb.ok()) return hb.status();
  if (*hb <= 0) return Bad("heartbeatSeconds", "must be positive");
  cfg.heartbeat = std::chrono::seconds(*hb);
  auto threads = Int(o, "podWorkerThreads", cfg.worker_threads);
  if (!threads.ok()) return threads.status();
  if (*threads <= 0) return Bad("podWorkerThreads", "must be positive");
  cfg.worker_threads = static_cast<int>(*threads);
  auto pleg = Int(o, "plegPeriodMillis", cfg.pleg_period.count());
  if (!pleg.ok()) return pleg.status();
  if (*pleg <= 0) return Bad("plegPeriodMillis", "must be positive");
  cfg.pleg_period = std::chrono::milliseconds(*pleg);

  if (const json::value* v = o.if_contains("labels")) {
    if (!v->is_object()) return Bad("labels", "must be a mapping of strings");
    for (const auto& l : v->as_object()) {
      if (!l.value().is_string()) return Bad("labels." + std::string(l.key()), "must be a string");
      cfg.labels[std::string(l.key())] = std::string(l.value().as_string());
    }
  }
  if (const json::value* v = o.if_contains("taints")) {
    if (!v->is_array()) return Bad("taints", "must be a list");
    for (const auto& t : v->as_array()) {
      if (!t.is_object() || !t.as_object().contains("key") || !t.as_object().contains("effect")) {
        return Bad("taints", "each taint needs key and effect");
      }
      std::string effect(
          t.as_object().at("effect").is_string() ? t.as_object().at("effect").as_string() : "");
      if (effect != "NoSchedule" && effect != "PreferNoSchedule" && effect != "NoExecute") {
        return Bad("taints", "effect must be NoSchedule, PreferNoSchedule or NoExecute");
      }
    }
    cfg.taints = v->as_array();
  }
  if (const json::value* v = o.if_contains("capacity")) {
    if (!v->is_object()) return Bad("capacity", "must be a mapping");
    for (const auto& c : v->as_object()) {
      auto q = QuantityText(c.value());
      if (!q) return Bad("capacity." + std::string(c.key()), "must be a quantity");
      cfg.capacity[std::string(c.key())] = *q;
    }
  }
  if (const json::value* v = o.if_contains("crashLoopBackOff")) {
    if (!v->is_object()) return Bad("crashLoopBackOff", "must be a mapping");
    auto init = Int(v->as_object(), "initialSeconds", 10);
    auto max = Int(v->as_object(), "maxSeconds", 300);
    if (!init.ok()) return init.status();
    if (!max.ok()) return max.status();
    if (*init <= 0 || *max < *init) return Bad("crashLoopBackOff", "need 0 < initial <= max");
    cfg.backoff_initial = std::chrono::seconds(*init);
    cfg.backoff_max = std::chrono::seconds(*max);
  }
  return cfg;
}

}  // namespace skiff::agent
