#include "core/controllers/endpoints/endpoint_subsets.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <map>
#include <optional>
#include <string>

#include "core/api/json_fields.h"

namespace skiff::controllers {
namespace json = boost::json;

namespace {

bool PodReady(const json::object& pod) {
  const json::array* conditions = api::FindArray(pod, "status.conditions");
  if (conditions == nullptr) return false;
  for (const auto& c : *conditions) {
    if (c.is_object() && api::GetString(c.get_object(), "type") == "Ready") {
      return api::GetString(c.get_object(), "status") == "True";
    }
  }
  return false;
}

// The container port a Service's targetPort names in this pod.
std::optional<int64_t> NamedContainerPort(const json::object& pod, std::string_view name,
                                          std::string_view protocol) {
  const json::array* containers = api::FindArray(pod, "spec.containers");
  if (containers == nullptr) return std::nullopt;
  for (const auto& c : *containers) {
    const json::array* ports = c.is_object() ? api::FindArray(c.get_object(), "ports") : nullptr;
    if (ports == nullptr) continue;
    for (const auto& p : *ports) {
      if (!p.is_object()) continue;
      const json::object& port = p.get_object();
      std::string_view proto = api::GetString(port, "protocol");
      if (api::GetString(port, "name") == name && (proto.empty() ? "TCP" : proto) == protocol) {
        return api::GetInt(port, "containerPort");
      }
    }
  }
  return std::nullopt;
}

// The endpoint ports this pod serves for the Service; unresolvable named ports are left out.
json::array PodPorts(const json::object& service, const json::object& pod) {
  json::array out;
  const json::array* ports = api::FindArray(service, "spec.ports");
  if (ports == nullptr) return out;
  for (const auto& p : *ports) {
    if (!p.is_object()) continue;
    const json::object& port = p.get_object();
    std::string protocol(api::GetString(port, "protocol"));
    if (protocol.empty()) protocol = "TCP";
    std::optional<int64_t> number;
    const json::value* target = port.if_contains("targetPort");
    if (target != nullptr && target->is_string() && !target->get_string().empty()) {
      number = NamedContainerPort(pod, target->get_string(), protocol);
    } else if (target != nullptr) {
      number = api::AsInt(*target);
    }
    if (!number || *number == 0) number = api::GetInt(port, "port");
    if (!number) continue;
    json::object ep{{"port", *number}, {"protocol", protocol}};
    if (std::string_view name = api::GetString(port, "name"); !name.empty()) ep["name"] = name;
    out.push_back(std::move(ep));
  }
  return out;
}

json::object Address(const json::object& pod) {
  json::object address{{"ip", api::GetString(pod, "status.podIP")},
                       {"targetRef",
                        {{"kind", "Pod"},
                         {"namespace", api::GetString(pod, "metadata.namespace")},
                         {"name", api::GetString(pod, "metadata.name")},
                         {"uid", api::GetString(pod, "metadata.uid")}}}};
  if (std::string_view node = api::GetString(pod, "spec.nodeName"); !node.empty()) {
    address["nodeName"] = node;
  }
  return address;
}

void SortByIp(json::array& addresses) {
  std::sort(addresses.begin(), addresses.end(), [](const json::value& a, const json::value& b) {
    return api::GetString(a.get_object(), "ip") < api::GetString(b.get_object(), "ip");
  });
}

}  // namespace

bool ServiceSelects(const json::object& service, const json::object& pod) {
  const json::object* selector = api::FindObject(service, "spec.selector");
  if (selector == nullptr || selector->empty()) return false;
  const json::object* labels = api::FindObject(pod, "metadata.labels");
  if (labels == nullptr) return false;
  for (const auto& kv : *selector) {
    const json::value* v = labels->if_contains(kv.key());
    if (v == nullptr || *v != kv.value()) return false;
  }
  return true;
}

json::array EndpointSubsets(const json::object& service, const std::vector<json::object>& pods) {
  bool publish_not_ready = api::GetBool(service, "spec.publishNotReadyAddresses");
  struct Subset {
    json::array ports, ready, not_ready;
  };
  std::map<std::string, Subset> by_ports;  // serialized port list -> subset
  for (const json::object& pod : pods) {
    if (!ServiceSelects(service, pod)) continue;
    if (api::GetString(pod, "status.podIP").empty()) continue;
    if (!api::GetString(pod, "metadata.deletionTimestamp").empty()) continue;
    std::string_view phase = api::GetString(pod, "status.phase");
    if (phase == "Succeeded" || phase == "Failed") continue;
    json::array ports = PodPorts(service, pod);
    if (ports.empty() && api::FindArray(service, "spec.ports") != nullptr &&
        !api::FindArray(service, "spec.ports")->empty()) {
      continue;  // serves none of the Service's ports
    }
    Subset& subset = by_ports[json::serialize(ports)];
    subset.ports = std::move(ports);
    (publish_not_ready || PodReady(pod) ? subset.ready : subset.not_ready).push_back(Address(pod));
  }
  json::array subsets;
  for (auto& [key, s] : by_ports) {
    json::object subset;
    SortByIp(s.ready);
    SortByIp(s.not_ready);
    if (!s.ready.empty()) subset["addresses"] = std::move(s.ready);
    if (!s.not_ready.empty()) subset["notReadyAddresses"] = std::move(s.not_ready);
    if (!s.ports.empty()) subset["ports"] = std::move(s.ports);
    subsets.push_back(std::move(subset));
  }
  return subsets;
}

}  // namespace skiff::controllers
