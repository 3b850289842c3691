#include "core/api/pod_defaults.h"

#include <boost/json/array.hpp>
#include <string_view>

#include "core/api/json_fields.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

// Calls fn on each object in the list at obj[key].
template <typename Fn>
void EachObject(json::object& obj, std::string_view key, Fn fn) {
  json::value* list = obj.if_contains(key);
  if (list == nullptr || !list->is_array()) return;
  for (auto& item : list->get_array()) {
    if (item.is_object()) fn(item.get_object());
  }
}

void DefaultHttpGet(json::object& handler) {
  json::value* get = handler.if_contains("httpGet");
  if (get == nullptr || !get->is_object()) return;
  SetDefault(get->get_object(), "path", "/");
  SetDefault(get->get_object(), "scheme", "HTTP");
}

void DefaultProbe(json::object& container, std::string_view key) {
  json::value* probe = container.if_contains(key);
  if (probe == nullptr || !probe->is_object()) return;
  json::object& p = probe->get_object();
  SetDefault(p, "timeoutSeconds", 1);
  SetDefault(p, "periodSeconds", 10);
  SetDefault(p, "successThreshold", 1);
  SetDefault(p, "failureThreshold", 3);
  DefaultHttpGet(p);
}

void DefaultContainer(json::object& c) {
  SetDefault(c, "terminationMessagePath", "/dev/termination-log");
  SetDefault(c, "terminationMessagePolicy", "File");
  SetDefault(c, "imagePullPolicy", DefaultImagePullPolicy(GetString(c, "image")));
  SetDefault(c, "resources", json::object());
  EachObject(c, "ports", [](json::object& p) { SetDefault(p, "protocol", "TCP"); });
  EachObject(c, "env", [](json::object& e) {
    json::value* from = e.if_contains("valueFrom");
    if (from == nullptr || !from->is_object()) return;
    json::value* field_ref = from->get_object().if_contains("fieldRef");
    if (field_ref != nullptr && field_ref->is_object()) {
      SetDefault(field_ref->get_object(), "apiVersion", "v1");
    }
  });
  for (std::string_view probe : {"livenessProbe", "readinessProbe", "startupProbe"}) {
    DefaultProbe(c, probe);
  }
  if (json::value* lifecycle = c.if_contains("lifecycle"); lifecycle && lifecycle->is_object()) {
    for (std::string_view hook : {"postStart", "preStop"}) {
      json::value* h = lifecycle->get_object().if_contains(hook);
      if (h != nullptr && h->is_object()) DefaultHttpGet(h->get_object());
    }
  }
}

// A hostNetwork pod's container ports listen on the host: hostPort defaults to containerPort.
void DefaultHostPorts(json::object& c) {
  EachObject(c, "ports", [](json::object& p) {
    if (const json::value* port = p.if_contains("containerPort")) SetDefault(p, "hostPort", *port);
  });
}

void DefaultVolume(json::object& v) {
  bool has_source = false;
  for (const auto& kv : v) has_source |= kv.key() != "name";
  if (!has_source) v["emptyDir"] = json::object();
  for (std::string_view source : {"secret", "configMap", "downwardAPI", "projected"}) {
    json::value* s = v.if_contains(source);
    if (s != nullptr && s->is_object()) {
      SetDefault(s->get_object(), "defaultMode", 420);
      if (json::value* items = s->get_object().if_contains("items"); items && items->is_array()) {
        for (auto& item : items->get_array()) {
          json::value* ref = item.is_object() ? item.get_object().if_contains("fieldRef") : nullptr;
          if (ref != nullptr && ref->is_object()) SetDefault(ref->get_object(), "apiVersion", "v1");
        }
      }
    }
  }
  if (json::value* host_path = v.if_contains("hostPath"); host_path && host_path->is_object()) {
    SetDefault(host_path->get_object(), "type", "");
  }
}

// Requests default to the limits the container sets.
void DefaultRequestsFromLimits(json::object& c) {
  json::value* resources = c.if_contains("resources");
  if (resources == nullptr || !resources->is_object()) return;
  const json::value* found = resources->get_object().if_contains("limits");
  if (found == nullptr || !found->is_object() || found->get_object().empty()) return;
  json::object limits = found->get_object();  // a copy: adding "requests" may move it
  json::object& requests = ChildObject(resources->get_object(), "requests");
  for (const auto& kv : limits) SetDefault(requests, kv.key(), kv.value());
}

}  // namespace

const char* DefaultImagePullPolicy(std::string_view image) {
  std::string_view name = image.substr(0, image.find('@'));
  bool has_digest = name.size() != image.size();
  std::string_view last =
      name.substr(name.rfind('/') == std::string_view::npos ? 0 : name.rfind('/') + 1);
  size_t colon = last.find(':');
  std::string_view tag = colon == std::string_view::npos ? "" : last.substr(colon + 1);
  if (tag == "latest" || (tag.empty() && !has_digest)) return "Always";
  return "IfNotPresent";
}

void DefaultPodSpec(json::object& spec) {
  SetDefault(spec, "restartPolicy", "Always");
  SetDefault(spec, "terminationGracePeriodSeconds", 30);
  SetDefault(spec, "dnsPolicy", "ClusterFirst");
  SetDefault(spec, "securityContext", json::object());
  SetDefault(spec, "schedulerName", "default-scheduler");
  bool host_network = GetBool(spec, "hostNetwork");
  for (std::string_view list : {"initContainers", "containers"}) {
    EachObject(spec, list, [host_network](json::object& c) {
      DefaultContainer(c);
      if (host_network) DefaultHostPorts(c);
    });
  }
  EachObject(spec, "ephemeralContainers", DefaultContainer);
  EachObject(spec, "volumes", DefaultVolume);
}

void DefaultPodOnly(json::object& spec) {
  SetDefault(spec, "enableServiceLinks", true);
  if (!spec.contains("priority")) {
    // What the Priority admission plugin resolves for the built-in classes.
    std::string_view cls = GetString(spec, "priorityClassName");
    spec["priority"] = cls == "system-node-critical"      ? 2000001000
                       : cls == "system-cluster-critical" ? 2000000000
                                                          : 0;
  }
  SetDefault(spec, "preemptionPolicy", "PreemptLowerPriority");
  EachObject(spec, "initContainers", DefaultRequestsFromLimits);
  EachObject(spec, "containers", DefaultRequestsFromLimits);
}

void DefaultNodeTolerations(json::object& spec, int64_t seconds) {
  bool not_ready = false, unreachable = false;
  const json::value* current = spec.if_contains("tolerations");
  if (current != nullptr && current->is_array()) {
    for (const auto& t : current->get_array()) {
      if (!t.is_object()) continue;
      std::string_view key = GetString(t.get_object(), "key");
      std::string_view effect = GetString(t.get_object(), "effect");
      if (!effect.empty() && effect != "NoExecute") continue;
      not_ready |= key.empty() || key == "node.kubernetes.io/not-ready";
      unreachable |= key.empty() || key == "node.kubernetes.io/unreachable";
    }
  }
  if (not_ready && unreachable) return;
  json::value& tolerations = spec["tolerations"];
  if (!tolerations.is_array()) tolerations = json::array();
  for (auto [missing, key] : {std::pair{!not_ready, "node.kubernetes.io/not-ready"},
                              std::pair{!unreachable, "node.kubernetes.io/unreachable"}}) {
    if (!missing) continue;
    tolerations.get_array().push_back(json::object{{"key", key},
                                                   {"operator", "Exists"},
                                                   {"effect", "NoExecute"},
                                                   {"tolerationSeconds", seconds}});
  }
}

}  // namespace skiff::api
