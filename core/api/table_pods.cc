#include <boost/json/array.hpp>
#include <optional>
#include <string>

#include "core/api/human_time.h"
#include "core/api/json_fields.h"
#include "core/api/table_printers.h"

namespace skiff::api {
namespace {

namespace json = boost::json;
using Clock = std::chrono::system_clock;

const json::array kNone;

const json::array& List(const json::object& obj, std::string_view path) {
  const json::array* a = FindArray(obj, path);
  return a ? *a : kNone;
}

bool HasCondition(const json::object& pod, std::string_view type) {
  for (const auto& c : List(pod, "status.conditions")) {
    const json::object* o = c.if_object();
    if (o && GetString(*o, "type") == type && GetString(*o, "status") == "True") return true;
  }
  return false;
}

// The later of `latest` and the container's last termination time.
void TrackLastRestart(const json::object& status, std::optional<Clock::time_point>& latest) {
  auto finished = ParseRfc3339(GetString(status, "lastState.terminated.finishedAt"));
  if (finished && (!latest || *latest < *finished)) latest = finished;
}

const json::object* InitContainerSpec(const json::object& pod, std::string_view name) {
  for (const auto& c : List(pod, "spec.initContainers")) {
    const json::object* o = c.if_object();
    if (o && GetString(*o, "name") == name) return o;
  }
  return nullptr;
}

// A sidecar: an init container that keeps running alongside the main containers.
bool IsRestartable(const json::object* init_container) {
  return init_container && GetString(*init_container, "restartPolicy") == "Always";
}

std::string TerminatedReason(const json::object& terminated, std::string_view prefix) {
  std::string_view reason = GetString(terminated, "reason");
  if (!reason.empty()) return std::string(prefix) + std::string(reason);
  int64_t signal = GetInt(terminated, "signal").value_or(0);
  if (signal != 0) return std::string(prefix) + "Signal:" + std::to_string(signal);
  return std::string(prefix) +
         "ExitCode:" + std::to_string(GetInt(terminated, "exitCode").value_or(0));
}

std::string ReadinessGates(const json::object& pod) {
  const json::array& gates = List(pod, "spec.readinessGates");
  if (gates.empty()) return "<none>";
  int satisfied = 0;
  for (const auto& g : gates) {
    std::string_view type = g.is_object() ? GetString(g.get_object(), "conditionType") : "";
    for (const auto& c : List(pod, "status.conditions")) {
      const json::object* o = c.if_object();
      if (o == nullptr || GetString(*o, "type") != type) continue;
      if (GetString(*o, "status") == "True") ++satisfied;
      break;
    }
  }
  return std::to_string(satisfied) + "/" + std::to_string(gates.size());
}

std::string OrNone(std::string_view s) { return s.empty() ? "<none>" : std::string(s); }

// kubectl's STATUS, READY and RESTARTS for a pod (printPod in Kubernetes).
TableRow PodRow(const json::object& pod, TimePoint now) {
  int64_t restarts = 0, sidecar_restarts = 0;
  int ready = 0;
  int total = static_cast<int>(List(pod, "spec.containers").size());
  std::optional<Clock::time_point> last_restart, last_sidecar_restart;
  std::string_view phase = GetString(pod, "status.phase");
  std::string reason(GetString(pod, "status.reason").empty() ? phase
                                                             : GetString(pod, "status.reason"));
  for (const auto& c : List(pod, "status.conditions")) {
    const json::object* o = c.if_object();
    if (o && GetString(*o, "type") == "PodScheduled" &&
        GetString(*o, "reason") == "SchedulingGated") {
      reason = "SchedulingGated";
    }
  }
  TableRow row;
  if (phase == "Succeeded" || phase == "Failed") {
    bool ok = phase == "Succeeded";
    row.conditions.push_back(
        json::object{{"type", "Completed"},
                     {"status", "True"},
                     {"reason", phase},
                     {"message", ok ? "The pod has completed successfully." : "The pod failed."}});
  }
  for (const auto& c : List(pod, "spec.initContainers")) {
    if (c.is_object() && IsRestartable(&c.get_object())) ++total;
  }

  bool initializing = false;
  const json::array& init_statuses = List(pod, "status.initContainerStatuses");
  size_t init_count = List(pod, "spec.initContainers").size();
  for (size_t i = 0; i < init_statuses.size(); ++i) {
    const json::object* s = init_statuses[i].if_object();
    if (s == nullptr) continue;
    bool sidecar = IsRestartable(InitContainerSpec(pod, GetString(*s, "name")));
    restarts += GetInt(*s, "restartCount").value_or(0);
    TrackLastRestart(*s, last_restart);
    if (sidecar) {
      sidecar_restarts += GetInt(*s, "restartCount").value_or(0);
      TrackLastRestart(*s, last_sidecar_restart);
    }
    const json::object* terminated = FindObject(*s, "state.terminated");
    std::string_view waiting = GetString(*s, "state.waiting.reason");
    if (terminated && GetInt(*terminated, "exitCode").value_or(0) == 0) continue;
    if (sidecar && GetBool(*s, "started")) {
      if (GetBool(*s, "ready")) ++ready;
      continue;
    }
    if (terminated) {
      reason = TerminatedReason(*terminated, "Init:");
    } else if (!waiting.empty() && waiting != "PodInitializing") {
      reason = "Init:" + std::string(waiting);
    } else {
      reason = "Init:" + std::to_string(i) + "/" + std::to_string(init_count);
    }
    initializing = true;
    break;
  }

  if (!initializing || HasCondition(pod, "Initialized")) {
    restarts = sidecar_restarts;
    last_restart = last_sidecar_restart;
    bool has_running = false;
    const json::array& statuses = List(pod, "status.containerStatuses");
    for (size_t i = statuses.size(); i-- > 0;) {
      const json::object* s = statuses[i].if_object();
      if (s == nullptr) continue;
      restarts += GetInt(*s, "restartCount").value_or(0);
      TrackLastRestart(*s, last_restart);
      std::string_view waiting = GetString(*s, "state.waiting.reason");
      const json::object* terminated = FindObject(*s, "state.terminated");
      if (!waiting.empty()) {
        reason = waiting;
      } else if (terminated) {
        reason = TerminatedReason(*terminated, "");
      } else if (GetBool(*s, "ready") && FindObject(*s, "state.running")) {
        has_running = true;
        ++ready;
      }
    }
    // A pod whose finished containers say "Completed" while another still runs is running.
    if (reason == "Completed" && has_running) {
      reason = HasCondition(pod, "Ready") ? "Running" : "NotReady";
    }
  }

  bool deleting = FindPath(pod, "metadata.deletionTimestamp") != nullptr &&
                  !FindPath(pod, "metadata.deletionTimestamp")->is_null();
  if (deleting && GetString(pod, "status.reason") == "NodeLost") {
    reason = "Unknown";
  } else if (deleting && phase != "Succeeded" && phase != "Failed") {
    reason = "Terminating";
  }

  std::string restarts_text = std::to_string(restarts);
  if (restarts != 0 && last_restart) {
    restarts_text += " (" + HumanDuration(now - *last_restart) + " ago)";
  }
  std::string_view ip = GetString(pod, "status.podIP");
  const json::array& ips = List(pod, "status.podIPs");
  if (!ips.empty() && ips[0].is_object()) ip = GetString(ips[0].get_object(), "ip");

  row.cells = json::array{GetString(pod, "metadata.name"),
                          std::to_string(ready) + "/" + std::to_string(total),
                          reason,
                          restarts_text,
                          Age(pod, now),
                          OrNone(ip),
                          OrNone(GetString(pod, "spec.nodeName")),
                          OrNone(GetString(pod, "status.nominatedNodeName")),
                          ReadinessGates(pod)};
  return row;
}

}  // namespace

const TablePrinter& PodPrinter() {
  static const TablePrinter kPrinter{
      {NameColumn(),
       {"Ready", "string", "Ready containers out of all containers of the pod."},
       {"Status", "string", "The pod's phase, or what its containers are waiting on."},
       {"Restarts", "string",
        "Container restarts in the pod, and how long ago the last one happened."},
       AgeColumn(),
       {"IP", "string", "The IP address allocated to the pod.", 1},
       {"Node", "string", "The node the pod is bound to.", 1},
       {"Nominated Node", "string", "The node preemption made room on for the pod.", 1},
       {"Readiness Gates", "string", "Satisfied readiness gates out of all of them.", 1}},
      PodRow};
  return kPrinter;
}

}  // namespace skiff::api
