#include "core/agent/runtime_config_builder.h"

#include <boost/json.hpp>
#include <filesystem>

#include "core/agent/pod_volumes.h"
#include "core/api/json_fields.h"
#include "core/api/quantity.h"

namespace skiff::agent {
namespace {

namespace json = boost::json;

// A container's resource quantity at `path` ("resources.limits.cpu"); unset or invalid (which
// validation already refused) is none.
std::optional<api::Quantity> ResourceQuantity(const json::object& container,
                                              std::string_view path) {
  const json::value* v = api::FindPath(container, path);
  if (!v) return std::nullopt;
  auto q = api::Quantity::FromJson(*v);
  if (!q.ok()) return std::nullopt;
  return *q;
}

sdk::Labels PodLabels(const client::Object& pod) {
  return {{kPodUidLabel, std::string(api::GetString(pod, "metadata.uid"))},
          {kPodNameLabel, std::string(api::GetString(pod, "metadata.name"))},
          {kPodNamespaceLabel, std::string(api::GetString(pod, "metadata.namespace"))}};
}

// The value of a downward API fieldRef.
std::optional<std::string> FieldRef(const ContainerInputs& in, std::string_view path) {
  const client::Object& pod = *in.pod;
  if (path == "metadata.name" || path == "metadata.namespace" || path == "metadata.uid" ||
      path == "spec.nodeName" || path == "spec.serviceAccountName") {
    if (path == "spec.nodeName") return in.node_name;
    return std::string(api::GetString(pod, path));
  }
  if (path == "status.podIP") return in.pod_ip;
  if (path == "status.hostIP") return in.host_ip;
  if (path.starts_with("metadata.labels['") || path.starts_with("metadata.annotations['")) {
    bool labels = path.starts_with("metadata.labels");
    auto open = path.find("['"), close = path.rfind("']");
    if (open == std::string_view::npos || close == std::string_view::npos) return std::nullopt;
    std::string key(path.substr(open + 2, close - open - 2));
    const json::object* m =
        api::FindObject(pod, labels ? "metadata.labels" : "metadata.annotations");
    if (!m || !m->contains(key) || !m->at(key).is_string()) return std::string();
    return std::string(m->at(key).as_string());
  }
  return std::nullopt;
}

Result<std::optional<std::string>> KeyRef(const ContainerInputs& in, client::Client& client,
                                          const json::object& ref, bool secret) {
  static const api::Kind& cm = *api::KindRegistry::Builtin().ByResource("", "v1", "configmaps");
  static const api::Kind& sec = *api::KindRegistry::Builtin().ByResource("", "v1", "secrets");
  std::string name(api::GetString(ref, "name"));
  std::string key(api::GetString(ref, "key"));
  bool optional = api::GetBool(ref, "optional");
  auto obj = client.Get(secret ? sec : cm, api::GetString(*in.pod, "metadata.namespace"), name);
  const char* what = secret ? "secret" : "configmap";
  if (!obj.ok()) {
    if (optional) return std::optional<std::string>();
    return Status::NotFound(std::string(what) + " \"" + name + "\" not found");
  }
  const json::object* data = api::FindObject(*obj, "data");
  if (!data || !data->contains(key) || !data->at(key).is_string()) {
    if (optional) return std::optional<std::string>();
    return Status::NotFound("couldn't find key " + key + " in " + what + " " +
                            std::string(api::GetString(*in.pod, "metadata.namespace")) + "/" +
                            name);
  }
  std::string value(data->at(key).as_string());
  if (secret) {
    auto decoded = DecodeBase64(value);
    if (!decoded)
      return Status::InvalidArgument("secret " + name + " key " + key + " is not base64");
    value = *decoded;
  }
  return std::optional<std::string>(value);
}

// $(VAR) references to earlier variables, as Kubernetes expands command, args and env.
std::string Expand(const std::string& in, const std::map<std::string, std::string>& vars) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '$' && i + 1 < in.size() && in[i + 1] == '$') {
      out.push_back('$');
      ++i;
    } else if (in[i] == '$' && i + 1 < in.size() && in[i + 1] == '(') {
      auto close = in.find(')', i + 2);
      if (close == std::string::npos) {
        out.append(in.substr(i));
        break;
      }
      std::string name = in.substr(i + 2, close - i - 2);
      auto it = vars.find(name);
      out.append(it != vars.end() ? it->second : in.substr(i, close - i + 1));
      i = close;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

std::vector<std::string> Strings(const json::object& o, const char* key,
                                 const std::map<std::string, std::string>& vars) {
  std::vector<std::string> out;
  if (const json::array* a = api::FindArray(o, key)) {
    for (const auto& v : *a) {
      if (v.is_string()) out.push_back(Expand(std::string(v.as_string()), vars));
    }
  }
  return out;
}

}  // namespace

sdk::PodSandboxConfig BuildSandboxConfig(const client::Object& pod, const std::string& log_dir,
                                         uint32_t attempt) {
  sdk::PodSandboxConfig c;
  c.metadata.name = std::string(api::GetString(pod, "metadata.name"));
  c.metadata.uid = std::string(api::GetString(pod, "metadata.uid"));
  c.metadata.namespace_ = std::string(api::GetString(pod, "metadata.namespace"));
  c.metadata.attempt = attempt;
  std::string hostname(api::GetString(pod, "spec.hostname"));
  c.hostname = hostname.empty() ? c.metadata.name : hostname;
  c.log_directory = log_dir;
  c.labels = PodLabels(pod);
  if (const json::object* labels = api::FindObject(pod, "metadata.labels")) {
    for (const auto& kv : *labels) {
      if (kv.value().is_string() && !c.labels.count(std::string(kv.key()))) {
        c.labels[std::string(kv.key())] = std::string(kv.value().as_string());
      }
    }
  }
  if (api::GetBool(pod, "spec.hostNetwork")) {
    c.linux_config.security_context.namespace_options.network = sdk::NamespaceMode::kNode;
  }
  if (const json::array* containers = api::FindArray(pod, "spec.containers")) {
    for (const auto& ct : *containers) {
      const json::array* ports = ct.is_object() ? api::FindArray(ct.as_object(), "ports") : nullptr;
      if (!ports) continue;
      for (const auto& p : *ports) {
        if (!p.is_object()) continue;
        sdk::PortMapping m;
        m.container_port =
            static_cast<int32_t>(api::GetInt(p.as_object(), "containerPort").value_or(0));
        m.host_port = static_cast<int32_t>(api::GetInt(p.as_object(), "hostPort").value_or(0));
        m.host_ip = std::string(api::GetString(p.as_object(), "hostIP"));
        std::string_view proto = api::GetString(p.as_object(), "protocol");
        m.protocol = proto == "UDP"    ? sdk::Protocol::kUdp
                     : proto == "SCTP" ? sdk::Protocol::kSctp
                                       : sdk::Protocol::kTcp;
        c.port_mappings.push_back(m);
      }
    }
  }
  return c;
}

Result<sdk::ContainerConfig> BuildContainerConfig(const ContainerInputs& in,
                                                  client::Client& client) {
  const json::object& ct = *in.container;
  sdk::ContainerConfig c;
  c.metadata.name = std::string(api::GetString(ct, "name"));
  c.metadata.attempt = in.attempt;
  c.image.image = std::string(api::GetString(ct, "image"));
  c.working_dir = std::string(api::GetString(ct, "workingDir"));
  c.labels = PodLabels(*in.pod);
  c.labels[kContainerNameLabel] = c.metadata.name;
  c.log_path = c.metadata.name + "/" + std::to_string(in.attempt) + ".log";
  c.tty = api::GetBool(ct, "tty");
  c.stdin = api::GetBool(ct, "stdin");

  std::map<std::string, std::string> vars;
  if (const json::array* env = api::FindArray(ct, "env")) {
    for (const auto& e : *env) {
      if (!e.is_object()) continue;
      const json::object& eo = e.as_object();
      std::string name(api::GetString(eo, "name"));
      std::optional<std::string> value;
      if (eo.contains("value")) {
        value = Expand(std::string(api::GetString(eo, "value")), vars);
      } else if (const json::object* from = api::FindObject(eo, "valueFrom")) {
        if (const json::object* f = api::FindObject(*from, "fieldRef")) {
          value = FieldRef(in, api::GetString(*f, "fieldPath"));
          if (!value) {
            return Status::InvalidArgument("env " + name + ": unsupported fieldPath " +
                                           std::string(api::GetString(*f, "fieldPath")));
          }
        } else if (const json::object* r = api::FindObject(*from, "configMapKeyRef")) {
          auto v = KeyRef(in, client, *r, false);
          if (!v.ok()) return v.status();
          value = *v;
        } else if (const json::object* r = api::FindObject(*from, "secretKeyRef")) {
          auto v = KeyRef(in, client, *r, true);
          if (!v.ok()) return v.status();
          value = *v;
        } else {
          value = "";  // resourceFieldRef and friends: not yet
        }
      } else {
        value = "";
      }
      if (!value) continue;
      vars[name] = *value;
      c.envs.push_back({name, *value});
    }
  }
  c.command = Strings(ct, "command", vars);
  c.args = Strings(ct, "args", vars);

  if (const json::array* mounts = api::FindArray(ct, "volumeMounts")) {
    for (const auto& m : *mounts) {
      if (!m.is_object()) continue;
      const json::object& mo = m.as_object();
      std::string vol(api::GetString(mo, "name"));
      auto it = in.volume_paths.find(vol);
      if (it == in.volume_paths.end()) {
        return Status::InvalidArgument("volumeMount " + vol + ": no such volume in the pod");
      }
      sdk::Mount mount;
      mount.container_path = std::string(api::GetString(mo, "mountPath"));
      std::filesystem::path host = it->second;
      if (std::string sub(api::GetString(mo, "subPath")); !sub.empty()) host /= sub;
      mount.host_path = host.string();
      mount.readonly = api::GetBool(mo, "readOnly");
      c.mounts.push_back(std::move(mount));
    }
  }
  // Limits shape the cgroup; requests only the shares, as the kubelet does.
  auto& res = c.linux_config.resources;
  if (auto cpu = ResourceQuantity(ct, "resources.limits.cpu")) {
    res.cpu_period = 100000;
    res.cpu_quota = (cpu->MilliValue() * 100000 + 999) / 1000;
  }
  if (auto cpu = ResourceQuantity(ct, "resources.requests.cpu")) {
    res.cpu_shares = std::max<int64_t>(2, cpu->MilliValue() * 1024 / 1000);
  }
  if (auto mem = ResourceQuantity(ct, "resources.limits.memory")) {
    res.memory_limit_in_bytes = mem->Value();
  }
  return c;
}

}  // namespace skiff::agent
