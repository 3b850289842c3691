#include "core/agent/pod_status_builder.h"

#include <boost/json.hpp>

#include "core/api/api_time.h"
#include "core/api/json_fields.h"

namespace skiff::agent {
namespace {

namespace json = boost::json;

bool IsRunning(const ObservedContainer& c) {
  return c.current && c.current->state == sdk::ContainerState::kRunning;
}
bool IsExited(const ObservedContainer& c) {
  return c.current && c.current->state == sdk::ContainerState::kExited;
}
// Exited and staying so: the restart policy does not bring it back.
bool IsFinal(const ObservedContainer& c) { return IsExited(c) && !c.will_restart; }
bool Succeeded(const ObservedContainer& c) { return IsExited(c) && c.current->exit_code == 0; }

json::object Terminated(const sdk::ContainerStatus& s, const std::string& runtime) {
  std::string reason = s.reason.empty() ? (s.exit_code == 0 ? "Completed" : "Error") : s.reason;
  json::object t{
      {"exitCode", s.exit_code}, {"reason", reason}, {"containerID", runtime + "://" + s.id}};
  if (s.started_at) t["startedAt"] = api::ApiTimeFromNanos(s.started_at);
  if (s.finished_at) t["finishedAt"] = api::ApiTimeFromNanos(s.finished_at);
  if (!s.message.empty()) t["message"] = s.message;
  return t;
}

json::object ContainerStatusJson(const ObservedContainer& c, const std::string& runtime,
                                 bool init) {
  json::object out{{"name", c.name}, {"image", c.image},
                   {"imageID", ""},  {"restartCount", c.restart_count},
                   {"ready", false}, {"started", false}};
  json::object state;
  json::object last;
  if (c.current) {
    out["containerID"] = runtime + "://" + c.current->id;
    out["imageID"] = c.current->image_ref;
  }
  auto waiting = [&](std::string reason, const std::string& message) {
    json::object w{{"reason", reason.empty() ? "ContainerCreating" : reason}};
    if (!message.empty()) w["message"] = message;
    state["waiting"] = std::move(w);
  };
  if (IsRunning(c)) {
    state["running"] = json::object{{"startedAt", api::ApiTimeFromNanos(c.current->started_at)}};
    out["ready"] = !init && c.probe_ready.value_or(true);
    out["started"] = true;
  } else if (IsExited(c)) {
    if (c.will_restart) {
      waiting(c.waiting_reason.empty() ? "CrashLoopBackOff" : c.waiting_reason, c.waiting_message);
      last["terminated"] = Terminated(*c.current, runtime);
    } else {
      state["terminated"] = Terminated(*c.current, runtime);
    }
  } else {
    waiting(c.waiting_reason, c.waiting_message);
  }
  if (last.empty() && c.previous) last["terminated"] = Terminated(*c.previous, runtime);
  out["state"] = std::move(state);
  out["lastState"] = std::move(last);
  return out;
}

json::object Condition(const char* type, bool status, const std::string& reason,
                       const json::object& old_status, const std::string& now) {
  std::string s = status ? "True" : "False";
  std::string since = now;
  if (const json::array* old = api::FindArray(old_status, "conditions")) {
    for (const auto& c : *old) {
      if (c.is_object() && api::GetString(c.as_object(), "type") == type &&
          api::GetString(c.as_object(), "status") == s) {
        std::string_view t = api::GetString(c.as_object(), "lastTransitionTime");
        if (!t.empty()) since = std::string(t);
      }
    }
  }
  json::object c{
      {"type", type}, {"status", s}, {"lastProbeTime", nullptr}, {"lastTransitionTime", since}};
  if (!reason.empty() && !status) c["reason"] = reason;
  return c;
}

bool InitDone(const PodObservation& obs) {
  for (const auto& c : obs.init_containers) {
    if (!Succeeded(c)) return false;
  }
  return true;
}

}  // namespace

std::string ComputePhase(const boost::json::object& pod, const PodObservation& obs) {
  if (obs.failed) return "Failed";
  for (const auto& c : obs.init_containers) {
    if (IsFinal(c) && c.current->exit_code != 0) return "Failed";
  }
  if (!InitDone(obs) || obs.containers.empty()) return "Pending";
  bool all_final = true, all_ok = true, any_active = false, all_created = true;
  for (const auto& c : obs.containers) {
    if (!c.current) all_created = false;
    if (!IsFinal(c)) all_final = false;
    if (IsFinal(c) && c.current->exit_code != 0) all_ok = false;
    if (IsRunning(c) || (IsExited(c) && c.will_restart)) any_active = true;
  }
  if (all_final) return all_ok ? "Succeeded" : "Failed";
  if (all_created && any_active) return "Running";
  return "Pending";
}

boost::json::object BuildPodStatus(const boost::json::object& pod, const PodObservation& obs,
                                   const boost::json::object& old_status, const std::string& now) {
  json::object status;
  std::string phase = ComputePhase(pod, obs);
  status["phase"] = phase;
  bool init_done = InitDone(obs);
  // Ready: every container runs and passes its readiness probe, if it has one.
  bool all_ready = !obs.containers.empty();
  for (const auto& c : obs.containers) {
    all_ready = all_ready && IsRunning(c) && c.probe_ready.value_or(true);
  }
  bool completed = phase == "Succeeded" || phase == "Failed";
  std::string not_ready = completed ? "PodCompleted" : "ContainersNotReady";
  json::array conditions;
  conditions.push_back(Condition("PodScheduled", true, "", old_status, now));
  conditions.push_back(
      Condition("Initialized", init_done || (completed && obs.init_containers.empty()),
                completed ? "PodCompleted" : "ContainersNotInitialized", old_status, now));
  conditions.push_back(Condition("ContainersReady", all_ready, not_ready, old_status, now));
  conditions.push_back(Condition("Ready", all_ready, not_ready, old_status, now));
  status["conditions"] = std::move(conditions);
  if (!obs.host_ip.empty()) {
    status["hostIP"] = obs.host_ip;
    status["hostIPs"] = json::array{json::object{{"ip", obs.host_ip}}};
  }
  if (!obs.pod_ip.empty()) {
    status["podIP"] = obs.pod_ip;
    status["podIPs"] = json::array{json::object{{"ip", obs.pod_ip}}};
  }
  status["startTime"] = obs.start_time.empty() ? now : obs.start_time;
  if (!obs.reason.empty()) status["reason"] = obs.reason;
  if (!obs.message.empty()) status["message"] = obs.message;
  if (!obs.init_containers.empty()) {
    json::array init;
    for (const auto& c : obs.init_containers) {
      init.push_back(ContainerStatusJson(c, obs.runtime_name, true));
    }
    status["initContainerStatuses"] = std::move(init);
  }
  json::array containers;
  for (const auto& c : obs.containers) {
    containers.push_back(ContainerStatusJson(c, obs.runtime_name, false));
  }
  status["containerStatuses"] = std::move(containers);
  if (const json::value* qos = api::FindPath(pod, "status.qosClass")) status["qosClass"] = *qos;
  return status;
}

}  // namespace skiff::agent
