#include "core/agent/pod_worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>

#include "core/agent/runtime_config_builder.h"
#include "core/api/api_time.h"
#include "core/api/json_fields.h"

namespace skiff::agent {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

const api::Kind& PodKind() {
  static const api::Kind& k = *api::KindRegistry::Builtin().ByResource("", "v1", "pods");
  return k;
}

std::string Name(const client::Object& pod) {
  return std::string(api::GetString(pod, "metadata.namespace")) + "/" +
         std::string(api::GetString(pod, "metadata.name"));
}

// The IP of a CNI result ("10.88.0.5/16" -> "10.88.0.5").
std::string FirstIp(const sdk::NetworkResult& r) {
  for (const auto& ip : r.ips) {
    auto slash = ip.address.find('/');
    return ip.address.substr(0, slash);
  }
  return "";
}

// The runtime's containers of one pod, by container name, newest attempt first.
std::map<std::string, std::vector<sdk::ContainerStatus>> ContainersByName(
    sdk::RuntimeService& runtime, const std::string& uid, const std::string& sandbox_id,
    sdk::Status* error) {
  std::map<std::string, std::vector<sdk::ContainerStatus>> out;
  sdk::ContainerFilter filter;
  filter.label_selector[kPodUidLabel] = uid;
  auto list = runtime.ListContainers(filter);
  if (!list.ok()) {
    *error = list.status();
    return out;
  }
  for (const auto& c : *list) {
    if (c.pod_sandbox_id != sandbox_id) continue;
    auto st = runtime.GetContainerStatus(c.id);
    if (!st.ok()) continue;  // removed between list and status
    std::string name =
        c.labels.count(kContainerNameLabel) ? c.labels.at(kContainerNameLabel) : c.metadata.name;
    out[name].push_back(std::move(st).value());
  }
  for (auto& [name, v] : out) {
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
      return a.metadata.attempt != b.metadata.attempt ? a.metadata.attempt > b.metadata.attempt
                                                      : a.created_at > b.created_at;
    });
  }
  return out;
}

std::chrono::seconds GracePeriod(const std::optional<client::Object>& pod) {
  if (!pod) return std::chrono::seconds(2);
  if (auto g = api::GetInt(*pod, "metadata.deletionGracePeriodSeconds")) {
    return std::chrono::seconds(std::max<int64_t>(*g, 0));
  }
  return std::chrono::seconds(api::GetInt(*pod, "spec.terminationGracePeriodSeconds").value_or(30));
}

}  // namespace

PodWorker::PodWorker(NodeServices& node, std::string uid, bool new_pod)
    : node_(node),
      uid_(std::move(uid)),
      may_have_sandbox_(!new_pod),
      backoff_(node.config.backoff_initial, node.config.backoff_max),
      retry_(std::chrono::milliseconds(500), std::chrono::seconds(30), std::chrono::hours(24)) {}

void PodWorker::Update(std::optional<client::Object> pod) {
  std::lock_guard lock(mu_);
  pod_ = std::move(pod);
}

bool PodWorker::Finished() const {
  std::lock_guard lock(mu_);
  return finished_;
}

void PodWorker::Trigger() {
  std::lock_guard lock(mu_);
  if (finished_) return;
  if (running_) {
    rerun_ = true;
    return;
  }
  if (queued_) return;
  queued_ = true;
  node_.executor.Post([self = shared_from_this()] { self->RunSync(); });
}

void PodWorker::RunSync() {
  {
    std::lock_guard lock(mu_);
    queued_ = false;
    running_ = true;
  }
  Sync();
  std::lock_guard lock(mu_);
  running_ = false;
  if (rerun_ && !finished_) {
    rerun_ = false;
    queued_ = true;
    node_.executor.Post([self = shared_from_this()] { self->RunSync(); });
  }
}

void PodWorker::RetryLater(const std::string& key) {
  std::chrono::milliseconds delay =
      retry_.RecordExit(key, std::chrono::milliseconds(0), Clock::now());
  if (retry_scheduled_) return;
  retry_scheduled_ = true;
  node_.executor.PostAfter(delay, [weak = weak_from_this()] {
    if (auto self = weak.lock()) {
      // Only the sync strand touches retry_scheduled_; a posted sync resets it.
      self->Trigger();
    }
  });
}

void PodWorker::Warn(const client::Object& pod, const std::string& reason,
                     const std::string& message) {
  // One event per distinct failure, not one per retry.
  if (last_warning_ == reason + message) return;
  last_warning_ = reason + message;
  spdlog::warn("pod {}: {}: {}", Name(pod), reason, message);
  node_.events.Record(pod, "Warning", reason, message);
}

void PodWorker::Sync() {
  std::optional<client::Object> pod;
  {
    std::lock_guard lock(mu_);
    pod = pod_;
  }
  retry_scheduled_ = false;
  trace_.Mark("queue");
  if (!pod || !api::GetString(*pod, "metadata.deletionTimestamp").empty()) {
    if (!TearDown(pod)) return RetryLater("teardown");
    if (pod) {
      client::DeleteOptions opts;
      opts.grace_period_seconds = 0;
      opts.precondition_uid = uid_;
      auto r = node_.client.Delete(PodKind(), api::GetString(*pod, "metadata.namespace"),
                                   api::GetString(*pod, "metadata.name"), opts);
      if (!r.ok() && r.error().code != 404 && r.error().code != 409) {
        spdlog::warn("pod {}: final delete failed: {}", Name(*pod), r.error().message);
        return RetryLater("delete");
      }
    }
    std::lock_guard lock(mu_);
    finished_ = true;
    return;
  }
  if (terminal_) return;  // Succeeded or Failed: nothing runs again
  SyncRunning(*pod);
}

bool PodWorker::EnsureVolumes(const client::Object& pod) {
  if (volumes_ready_ || !node_.volumes) return true;
  auto paths = node_.volumes->Setup(pod);
  trace_.Mark("volumes");
  if (!paths.ok()) {
    std::string msg = "MountVolume.SetUp failed for " + paths.status().message();
    for (const auto& key : {"spec.initContainers", "spec.containers"}) {
      if (const json::array* cs = api::FindArray(pod, key)) {
        for (const auto& c : *cs) {
          waiting_[std::string(api::GetString(c.as_object(), "name"))] = {"ContainerCreating", msg};
        }
      }
    }
    Warn(pod, "FailedMount", msg);
    RetryLater("volumes");
    return false;
  }
  volume_paths_ = std::move(paths).value();
  volumes_ready_ = true;
  return true;
}

bool PodWorker::EnsureSandbox(const client::Object& pod) {
  sdk::RuntimeService& rt = *node_.runtime;
  std::string log_dir;
  if (!node_.log_root.empty()) {
    log_dir = (std::filesystem::path(node_.log_root) /
               (std::string(api::GetString(pod, "metadata.namespace")) + "_" +
                std::string(api::GetString(pod, "metadata.name")) + "_" + uid_))
                  .string();
  }
  sandbox_created_ = false;
  if (sandbox_id_.empty() && may_have_sandbox_) {
    // Adoption after an agent restart: the runtime still runs this pod's sandbox.
    sdk::PodSandboxFilter filter;
    filter.label_selector[kPodUidLabel] = uid_;
    auto list = rt.ListPodSandbox(filter);
    trace_.Mark("list_sandbox");
    if (list.ok()) {
      for (const auto& sb : *list) {
        if (sb.state == sdk::PodSandboxState::kReady) {
          sandbox_id_ = sb.id;
          sandbox_attempt_ = sb.metadata.attempt;
          sandbox_config_ = BuildSandboxConfig(pod, log_dir, sandbox_attempt_);
          spdlog::info("pod {}: adopted sandbox {}", Name(pod), sb.id);
        }
      }
    }
  }
  if (!sandbox_id_.empty()) {
    auto st = rt.GetPodSandboxStatus(sandbox_id_);
    trace_.Mark("sandbox_status");
    if (st.ok() && st->state == sdk::PodSandboxState::kReady) {
      if (!st->network.ip.empty()) pod_ip_ = st->network.ip;
      return true;
    }
    // The sandbox died under us (runtime restarted): start the pod over in a new one.
    spdlog::warn("pod {}: sandbox {} is gone or not ready; recreating", Name(pod), sandbox_id_);
    node_.events.Record(pod, "Normal", "SandboxChanged",
                        "Pod sandbox changed, it will be killed and re-created.");
    if (node_.network) (void)node_.network->Del({sandbox_id_, "", "eth0", {}, "", "", ""});
    (void)rt.StopPodSandbox(sandbox_id_);
    (void)rt.RemovePodSandbox(sandbox_id_);
    sandbox_id_.clear();
    network_attached_ = false;
    pod_ip_.clear();
    ++sandbox_attempt_;
  }
  sandbox_config_ = BuildSandboxConfig(pod, log_dir, sandbox_attempt_);
  if (!log_dir.empty()) std::filesystem::create_directories(log_dir);
  auto id = rt.RunPodSandbox(sandbox_config_, "");
  trace_.Mark("run_sandbox");
  if (!id.ok()) {
    // The runtime may have made it all the same (a deadline that expired on our side).
    may_have_sandbox_ = true;
    std::string msg = "Failed to create pod sandbox: " + id.status().ToString();
    for (auto& [name, w] : waiting_) w = {"ContainerCreating", msg};
    Warn(pod, "FailedCreatePodSandBox", msg);
    RetryLater("sandbox");
    return false;
  }
  sandbox_id_ = *id;
  sandbox_created_ = true;
  auto st = rt.GetPodSandboxStatus(sandbox_id_);
  trace_.Mark("sandbox_status");
  if (st.ok() && !st->network.ip.empty()) pod_ip_ = st->network.ip;
  return true;
}

bool PodWorker::EnsureNetwork(const client::Object& pod) {
  if (api::GetBool(pod, "spec.hostNetwork")) {
    pod_ip_ = node_.config.address;
    return true;
  }
  // No plugin, or the runtime wired the sandbox itself (it reported an IP).
  if (!node_.network || network_attached_) return true;
  auto st = node_.runtime->GetPodSandboxStatus(sandbox_id_);
  if (!st.ok()) {
    RetryLater("network");
    return false;
  }
  if (!st->network.ip.empty() && !network_attached_) {
    pod_ip_ = st->network.ip;
    return true;
  }
  sdk::NetworkAttachment att;
  att.container_id = sandbox_id_;
  att.netns = st->netns_path;
  att.ifname = "eth0";
  att.pod_name = std::string(api::GetString(pod, "metadata.name"));
  att.pod_namespace = std::string(api::GetString(pod, "metadata.namespace"));
  att.args = {{"K8S_POD_NAME", att.pod_name},
              {"K8S_POD_NAMESPACE", att.pod_namespace},
              {"K8S_POD_INFRA_CONTAINER_ID", sandbox_id_},
              {"K8S_POD_UID", uid_}};
  // ADD of an existing attachment returns it again, so this is also how a restarted agent
  // learns the IP of an adopted sandbox.
  auto r = node_.network->Add(att);
  if (!r.ok()) {
    std::string msg = "network ADD failed: " + r.status().ToString();
    for (auto& [name, w] : waiting_) w = {"ContainerCreating", msg};
    Warn(pod, "FailedCreatePodSandBox", msg);
    RetryLater("network");
    return false;
  }
  pod_ip_ = FirstIp(*r);
  network_attached_ = true;
  return true;
}

bool PodWorker::StartContainer(const client::Object& pod, const json::object& spec,
                               uint32_t attempt) {
  sdk::RuntimeService& rt = *node_.runtime;
  std::string name(api::GetString(spec, "name"));
  std::string image(api::GetString(spec, "image"));
  std::string policy(api::GetString(spec, "imagePullPolicy"));
  if (policy.empty())
    policy = image.ends_with(":latest") || image.find(':') == std::string::npos ? "Always"
                                                                                : "IfNotPresent";
  sdk::ImageSpec image_spec{image, {}};
  bool need_pull = policy == "Always" && !pulled_.count(image);
  bool known_present = node_.images && node_.images->Has(image, Clock::now());
  if ((policy == "IfNotPresent" || policy == "Never") && !known_present) {
    auto present = rt.ImageStatus(image_spec);
    trace_.Mark("image_status");
    bool have = present.ok() && present->has_value();
    if (have && node_.images) node_.images->Add(image, Clock::now());
    if (!have && policy == "Never") {
      waiting_[name] = {"ErrImageNeverPull", "Container image \"" + image +
                                                 "\" is not present with pull policy of Never"};
      Warn(pod, "ErrImageNeverPull", waiting_[name].second);
      return false;
    }
    need_pull = !have;
  }
  if (need_pull) {
    if (retry_.InBackoff("pull:" + name, Clock::now())) {
      waiting_[name] = {"ImagePullBackOff", "Back-off pulling image \"" + image + "\""};
      return false;
    }
    node_.events.Record(pod, "Normal", "Pulling", "Pulling image \"" + image + "\"");
    auto t0 = Clock::now();
    auto ref = rt.PullImage(image_spec, {}, sandbox_config_);
    trace_.Mark("pull");
    if (!ref.ok()) {
      waiting_[name] = {"ErrImagePull",
                        "Failed to pull image \"" + image + "\": " + ref.status().ToString()};
      Warn(pod, "Failed", waiting_[name].second);
      RetryLater("pull:" + name);
      return false;
    }
    retry_.Forget("pull:" + name);
    pulled_.insert(image);
    if (node_.images) node_.images->Add(image, Clock::now());
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
    node_.events.Record(
        pod, "Normal", "Pulled",
        "Successfully pulled image \"" + image + "\" in " + std::to_string(ms) + "ms");
  }
  ContainerInputs in;
  in.pod = &pod;
  in.container = &spec;
  in.volume_paths = volume_paths_;
  in.pod_ip = pod_ip_;
  in.host_ip = node_.config.address;
  in.node_name = node_.config.node_name;
  in.attempt = attempt;
  auto config = BuildContainerConfig(in, node_.client);
  trace_.Mark("config");
  if (!config.ok()) {
    waiting_[name] = {"CreateContainerConfigError", config.status().message()};
    Warn(pod, "Failed", "Error: " + config.status().message());
    RetryLater("config:" + name);
    return false;
  }
  // Hollow nodes keep no logs: a relative log path would land in the working directory.
  if (node_.log_root.empty()) config->log_path.clear();
  auto id = rt.CreateContainer(sandbox_id_, *config, sandbox_config_);
  trace_.Mark("create");
  if (!id.ok()) {
    // Perhaps the image went away since it was seen: the retry asks the runtime again.
    if (node_.images) node_.images->Forget(image);
    waiting_[name] = {"CreateContainerError", id.status().ToString()};
    Warn(pod, "Failed", "Error: " + id.status().ToString());
    RetryLater("create:" + name);
    return false;
  }
  node_.events.Record(pod, "Normal", "Created", "Created container " + name);
  sdk::Status s = rt.StartContainer(*id);
  trace_.Mark("start");
  if (!s.ok()) {
    waiting_[name] = {"RunContainerError", s.ToString()};
    Warn(pod, "Failed", "Error: " + s.ToString());
    RetryLater("start:" + name);
    return false;
  }
  node_.events.Record(pod, "Normal", "Started", "Started container " + name);
  waiting_.erase(name);
  started_[name] = *id;
  return true;
}

void PodWorker::HandleExited(const client::Object& pod, const json::object& spec,
                             const sdk::ContainerStatus& exited, bool restart,
                             ObservedContainer& out) {
  std::string name(api::GetString(spec, "name"));
  out.will_restart = restart;
  if (!restart) return;
  auto now = Clock::now();
  if (exits_seen_.insert(exited.id).second) {
    auto ran =
        std::chrono::nanoseconds(std::max<int64_t>(0, exited.finished_at - exited.started_at));
    backoff_.RecordExit(name, std::chrono::duration_cast<std::chrono::milliseconds>(ran), now);
  }
  std::chrono::milliseconds remaining{0};
  if (backoff_.InBackoff(name, now, &remaining)) {
    auto delay = backoff_.CurrentDelay(name);
    out.waiting_reason = "CrashLoopBackOff";
    out.waiting_message = "back-off " + std::to_string(delay.count() / 1000) +
                          "s restarting failed container=" + name +
                          " pod=" + std::string(api::GetString(pod, "metadata.name")) + "_" +
                          std::string(api::GetString(pod, "metadata.namespace")) + "(" + uid_ + ")";
    if (last_warning_ != "BackOff" + exited.id) {
      last_warning_ = "BackOff" + exited.id;
      node_.events.Record(pod, "Warning", "BackOff",
                          "Back-off restarting failed container " + name + " in pod " +
                              std::string(api::GetString(pod, "metadata.name")));
    }
    node_.executor.PostAfter(remaining + std::chrono::milliseconds(5), [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->Trigger();
    });
    return;
  }
  if (StartContainer(pod, spec, exited.metadata.attempt + 1)) {
    // Keep only the attempt before the new one (for `kubectl logs --previous`).
    out.will_restart = false;
    out.current.reset();  // refreshed on the next sync; show the restart meanwhile
  }
}

void PodWorker::SyncRunning(const client::Object& pod) {
  sdk::RuntimeService& rt = *node_.runtime;
  if (start_time_.empty()) {
    std::string_view existing = api::GetString(pod, "status.startTime");
    start_time_ = existing.empty() ? api::NowApiTime() : std::string(existing);
  }
  std::string policy(api::GetString(pod, "spec.restartPolicy"));
  if (policy.empty()) policy = "Always";
  const json::array* init_specs = api::FindArray(pod, "spec.initContainers");
  const json::array* specs = api::FindArray(pod, "spec.containers");
  static const json::array kNone;
  if (!init_specs) init_specs = &kNone;
  if (!specs) specs = &kNone;
  for (const auto* list : {init_specs, specs}) {
    for (const auto& c : *list) {
      std::string name(api::GetString(c.as_object(), "name"));
      if (!waiting_.count(name)) waiting_[name] = {"ContainerCreating", ""};
    }
  }

  PodObservation obs;
  obs.runtime_name = node_.runtime_name;
  obs.host_ip = node_.config.address;
  obs.start_time = start_time_;
  auto observe = [&](const json::array& list, std::vector<ObservedContainer>& out) {
    for (const auto& c : list) {
      ObservedContainer oc;
      oc.name = std::string(api::GetString(c.as_object(), "name"));
      oc.image = std::string(api::GetString(c.as_object(), "image"));
      out.push_back(std::move(oc));
    }
  };
  observe(*init_specs, obs.init_containers);
  observe(*specs, obs.containers);
  auto finish = [&] {
    auto fill = [&](std::vector<ObservedContainer>& list) {
      for (auto& oc : list) {
        if (!oc.current && oc.waiting_reason.empty()) {
          auto it = waiting_.find(oc.name);
          if (it != waiting_.end()) {
            oc.waiting_reason = it->second.first;
            oc.waiting_message = it->second.second;
          }
        }
      }
    };
    fill(obs.init_containers);
    fill(obs.containers);
    obs.pod_ip = pod_ip_;
    WriteStatus(pod, obs);
  };

  if (!EnsureVolumes(pod) || !EnsureSandbox(pod) || !EnsureNetwork(pod)) return finish();
  retry_.Forget("sandbox");
  retry_.Forget("network");
  retry_.Forget("volumes");
  last_warning_.clear();

  sdk::Status list_error;
  std::map<std::string, std::vector<sdk::ContainerStatus>> running;
  // A sandbox made by this sync holds no containers yet.
  if (!sandbox_created_) {
    running = ContainersByName(rt, uid_, sandbox_id_, &list_error);
    trace_.Mark("list_containers");
  }
  started_.clear();
  if (!list_error.ok()) {
    Warn(pod, "FailedSync", "listing containers: " + list_error.ToString());
    RetryLater("list");
    return finish();
  }
  auto fill_current = [&](ObservedContainer& oc) {
    auto it = running.find(oc.name);
    if (it == running.end() || it->second.empty()) return;
    oc.current = it->second[0];
    oc.restart_count = static_cast<int>(it->second[0].metadata.attempt);
    if (it->second.size() > 1) oc.previous = it->second[1];
  };

  // Init containers, one at a time, in order.
  bool init_done = true;
  for (std::size_t i = 0; i < init_specs->size(); ++i) {
    const json::object& spec = (*init_specs)[i].as_object();
    ObservedContainer& oc = obs.init_containers[i];
    fill_current(oc);
    if (oc.current && oc.current->state == sdk::ContainerState::kExited &&
        oc.current->exit_code == 0) {
      continue;
    }
    init_done = false;
    if (!oc.current) {
      StartContainer(pod, spec, 0);
    } else if (oc.current->state == sdk::ContainerState::kCreated) {
      (void)rt.StartContainer(oc.current->id);
    } else if (oc.current->state == sdk::ContainerState::kExited) {
      HandleExited(pod, spec, *oc.current, policy != "Never", oc);
      if (policy == "Never") {
        obs.failed = true;
        obs.reason = "InitContainerFailed";
      }
    }
    break;
  }
  for (std::size_t i = 0; i < specs->size(); ++i) {
    ObservedContainer& oc = obs.containers[i];
    if (!init_done) {
      waiting_[oc.name] = {"PodInitializing", ""};
      continue;
    }
    const json::object& spec = (*specs)[i].as_object();
    fill_current(oc);
    if (!oc.current) {
      StartContainer(pod, spec, 0);
      continue;
    }
    if (oc.current->state == sdk::ContainerState::kCreated) {
      if (sdk::Status s = rt.StartContainer(oc.current->id); !s.ok()) {
        Warn(pod, "Failed", "Error: " + s.ToString());
      }
      continue;
    }
    if (oc.current->state == sdk::ContainerState::kExited) {
      bool restart = policy == "Always" || (policy == "OnFailure" && oc.current->exit_code != 0);
      HandleExited(pod, spec, *oc.current, restart, oc);
    }
  }
  // A container just started shows up as running on the next sync: ask for one right away
  // rather than waiting for the PLEG.
  bool started_any = false;
  for (auto* list : {&obs.init_containers, &obs.containers}) {
    for (auto& oc : *list) {
      if (!oc.current && !waiting_.count(oc.name)) started_any = true;
    }
  }
  if (started_any) {
    if (running.empty()) {
      // The sandbox held nothing before this sync, so the containers it started are all there
      // is: read those, without listing.
      for (const auto& [name, id] : started_) {
        auto st = rt.GetContainerStatus(id);
        if (st.ok()) running[name].push_back(std::move(st).value());
      }
    } else {
      running = ContainersByName(rt, uid_, sandbox_id_, &list_error);
    }
    trace_.Mark("status_read");
    for (auto* list : {&obs.init_containers, &obs.containers}) {
      for (auto& oc : *list) {
        if (!oc.current) fill_current(oc);
      }
    }
    // A fresh attempt may already have exited (a container that fails at once): the restart
    // policy still decides whether that is final.
    auto restarts = [&](const ObservedContainer& oc, bool init) {
      if (init) return policy != "Never" && oc.current->exit_code != 0;
      return policy == "Always" || (policy == "OnFailure" && oc.current->exit_code != 0);
    };
    for (auto* list : {&obs.init_containers, &obs.containers}) {
      for (auto& oc : *list) {
        if (oc.current && oc.current->state == sdk::ContainerState::kExited) {
          oc.will_restart = restarts(oc, list == &obs.init_containers);
        }
      }
    }
  }
  if (init_done) RunProbes(pod, *specs, obs);
  finish();
}

void PodWorker::RunProbes(const client::Object& pod, const json::array& specs,
                          PodObservation& obs) {
  auto now = Clock::now();
  if (probe_wakeup_ && *probe_wakeup_ <= now) probe_wakeup_.reset();
  std::optional<Clock::time_point> next;
  auto wake_at = [&](Clock::time_point t) {
    if (!next || t < *next) next = t;
  };
  for (std::size_t i = 0; i < specs.size() && i < obs.containers.size(); ++i) {
    const json::object& spec = specs[i].as_object();
    ObservedContainer& oc = obs.containers[i];
    bool has_readiness = spec.contains("readinessProbe");
    if (!has_readiness && !spec.contains("livenessProbe") && !spec.contains("startupProbe")) {
      continue;
    }
    if (has_readiness) oc.probe_ready = false;
    if (!oc.current || oc.current->state != sdk::ContainerState::kRunning) {
      probes_.erase(oc.name);
      continue;
    }
    ContainerProbes& cp = probes_[oc.name];
    if (cp.container_id != oc.current->id) {
      cp = ContainerProbes{};
      cp.container_id = oc.current->id;
      // started_at is wall-clock nanoseconds; place it on the steady clock.
      auto ran = std::chrono::system_clock::now().time_since_epoch() -
                 std::chrono::nanoseconds(oc.current->started_at);
      auto started =
          now - std::chrono::duration_cast<Clock::duration>(std::max(ran, decltype(ran)::zero()));
      auto make = [&](const char* key, bool initial) -> std::optional<ProbeTracker> {
        const json::object* p = api::FindObject(spec, key);
        if (!p) return std::nullopt;
        auto parsed = ParseProbe(*p, spec);
        if (!parsed.ok()) {
          Warn(pod, "Unhealthy", std::string(key) + ": " + parsed.status().message());
          return std::nullopt;
        }
        return ProbeTracker(std::move(parsed).value(), initial, started);
      };
      cp.startup = make("startupProbe", false);
      cp.liveness = make("livenessProbe", true);
      cp.readiness = make("readinessProbe", false);
    }
    // One due attempt of one probe; records an Unhealthy event when it fails.
    auto probe = [&](ProbeTracker& t, const char* what) {
      if (!t.Due(now)) return;
      ProbeAttempt a = RunProbeOnce(t.spec(), *node_.runtime, cp.container_id, pod_ip_);
      t.Record(a, Clock::now());
      if (!a.success) {
        node_.events.Record(pod, "Warning", "Unhealthy",
                            std::string(what) + " probe failed: " + a.message);
      }
    };
    bool started = true;
    std::string kill_reason;
    if (cp.startup && !cp.startup->result()) {
      probe(*cp.startup, "Startup");
      started = cp.startup->result();
      if (!started && cp.startup->failed()) kill_reason = "startup";
      if (!started) wake_at(cp.startup->next());
    }
    if (started && kill_reason.empty()) {
      if (cp.liveness) {
        probe(*cp.liveness, "Liveness");
        if (cp.liveness->failed()) kill_reason = "liveness";
        wake_at(cp.liveness->next());
      }
      if (cp.readiness) {
        probe(*cp.readiness, "Readiness");
        oc.probe_ready = cp.readiness->result();
        wake_at(cp.readiness->next());
      }
    }
    if (!kill_reason.empty()) {
      node_.events.Record(
          pod, "Normal", "Killing",
          "Container " + oc.name + " failed " + kill_reason + " probe, will be restarted");
      std::string id = cp.container_id;
      probes_.erase(oc.name);
      if (has_readiness) oc.probe_ready = false;
      if (sdk::Status s = node_.runtime->StopContainer(id, GracePeriod(pod)); !s.ok()) {
        Warn(pod, "FailedKillPod", "stopping container " + oc.name + ": " + s.ToString());
      }
      wake_at(Clock::now());  // the exit is handled (restart policy) on the next sync
    }
  }
  if (next && (!probe_wakeup_ || *next < *probe_wakeup_)) {
    probe_wakeup_ = *next;
    auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(*next - Clock::now());
    node_.executor.PostAfter(std::max(delay, std::chrono::milliseconds(0)),
                             [weak = weak_from_this()] {
                               if (auto self = weak.lock()) self->Trigger();
                             });
  }
}

void PodWorker::WriteStatus(const client::Object& pod, const PodObservation& obs) {
  const json::object* old = api::FindObject(pod, "status");
  json::object old_status = last_status_.empty() && old ? *old : last_status_;
  std::string now = api::NowApiTime();
  json::object status = BuildPodStatus(pod, obs, old_status, now);
  std::string phase(api::GetString(status, "phase"));
  // Also written when the server's Ready differs from ours: the node lifecycle controller marks
  // the pods of a node it lost touch with not ready, and only we can say they are ready again.
  auto ready_of = [](const json::object& st) -> std::string {
    if (const json::array* conditions = api::FindArray(st, "conditions")) {
      for (const auto& c : *conditions) {
        if (c.is_object() && api::GetString(c.get_object(), "type") == "Ready") {
          return std::string(api::GetString(c.get_object(), "status"));
        }
      }
    }
    return "";
  };
  if (api::JsonEqual(status, old_status) &&
      (old == nullptr || ready_of(*old) == ready_of(status))) {
    return;
  }
  trace_.Mark("build_status");
  auto r = node_.client.Patch(PodKind(), api::GetString(pod, "metadata.namespace"),
                              api::GetString(pod, "metadata.name"), client::PatchType::kMerge,
                              json::object{{"status", status}}, /*status=*/true);
  trace_.Mark("patch");
  if (!r.ok()) {
    if (r.error().code != 404) {
      spdlog::warn("pod {}: status update failed: {}", Name(pod), r.error().message);
      RetryLater("status");
    }
    return;
  }
  if (trace_.active()) trace_.Finish(Name(pod), phase);
  last_status_ = std::move(status);
  if (phase == "Succeeded" || phase == "Failed") {
    terminal_ = true;
    spdlog::info("pod {}: {}", Name(pod), phase);
  }
}

bool PodWorker::TearDown(const std::optional<client::Object>& pod) {
  sdk::RuntimeService& rt = *node_.runtime;
  std::chrono::seconds grace = GracePeriod(pod);
  bool ok = true;
  sdk::ContainerFilter filter;
  filter.label_selector[kPodUidLabel] = uid_;
  auto containers = rt.ListContainers(filter);
  if (!containers.ok()) return false;
  for (const auto& c : *containers) {
    if (c.state != sdk::ContainerState::kRunning && c.state != sdk::ContainerState::kCreated) {
      continue;
    }
    std::string name =
        c.labels.count(kContainerNameLabel) ? c.labels.at(kContainerNameLabel) : c.metadata.name;
    if (pod) node_.events.Record(*pod, "Normal", "Killing", "Stopping container " + name);
    if (sdk::Status s = rt.StopContainer(c.id, grace); !s.ok()) {
      spdlog::warn("pod {}: StopContainer {}: {}", uid_, c.id, s.ToString());
      ok = false;
    }
  }
  if (!ok) return false;
  sdk::PodSandboxFilter sfilter;
  sfilter.label_selector[kPodUidLabel] = uid_;
  auto sandboxes = rt.ListPodSandbox(sfilter);
  if (!sandboxes.ok()) return false;
  for (const auto& sb : *sandboxes) {
    if (node_.network) {
      auto st = rt.GetPodSandboxStatus(sb.id);
      sdk::NetworkAttachment att;
      att.container_id = sb.id;
      att.netns = st.ok() ? st->netns_path : "";
      att.ifname = "eth0";
      att.pod_name = sb.metadata.name;
      att.pod_namespace = sb.metadata.namespace_;
      if (sdk::Status s = node_.network->Del(att); !s.ok()) {
        spdlog::warn("pod {}: network DEL: {}", uid_, s.ToString());
        return false;
      }
    }
    if (sdk::Status s = rt.StopPodSandbox(sb.id); !s.ok()) return false;
    if (sdk::Status s = rt.RemovePodSandbox(sb.id); !s.ok()) return false;
  }
  if (node_.volumes) {
    if (Status s = node_.volumes->TearDown(uid_); !s.ok()) {
      spdlog::warn("pod {}: volumes: {}", uid_, s.ToString());
      return false;
    }
  }
  if (!node_.log_root.empty() && pod) {
    std::error_code ec;
    std::filesystem::remove_all(
        std::filesystem::path(node_.log_root) /
            (std::string(api::GetString(*pod, "metadata.namespace")) + "_" +
             std::string(api::GetString(*pod, "metadata.name")) + "_" + uid_),
        ec);
  }
  spdlog::info("pod {}: torn down", pod ? Name(*pod) : uid_);
  return true;
}

}  // namespace skiff::agent
