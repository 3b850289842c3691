#include <boost/json/array.hpp>
#include <set>
#include <string>

#include "core/api/json_fields.h"
#include "core/api/validate_kinds.h"
#include "core/api/validate_meta.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

json::value Str(std::string_view s) { return json::string(s); }

void ValidateTargetPort(const json::object& port, const std::string& path, FieldErrors& errs) {
  const json::value* target = port.if_contains("targetPort");
  if (target == nullptr || *target == 0 || *target == "") return;
  if (target->is_string()) {
    errs.InvalidEach(path, *target, PortNameErrors(target->get_string()));
  } else {
    ValidatePortNumber(*target, path, errs);
  }
}

void ValidateServicePorts(const json::object& spec, FieldErrors& errs) {
  const json::array* ports = FindArray(spec, "ports");
  if (ports == nullptr) return;
  std::set<std::string, std::less<>> names;
  std::vector<json::value> seen;  // (port, protocol) pairs
  bool cluster_ip_type = GetString(spec, "type") == "ClusterIP";
  for (size_t i = 0; i < ports->size(); ++i) {
    std::string at = Index("spec.ports", i);
    const json::object* p = (*ports)[i].if_object();
    if (p == nullptr) {
      errs.Invalid(at, (*ports)[i], "must be a port object");
      continue;
    }
    std::string_view name = GetString(*p, "name");
    if (ports->size() > 1 && name.empty()) {
      errs.Required(Child(at, "name"));
    } else if (!name.empty()) {
      errs.InvalidEach(Child(at, "name"), Str(name), Dns1123LabelErrors(name));
      if (!names.emplace(name).second) errs.Duplicate(Child(at, "name"), Str(name));
    }
    const json::value* port = p->if_contains("port");
    ValidatePortNumber(port ? *port : json::value(0), Child(at, "port"), errs);
    ValidateEnum(*p, "protocol", Child(at, "protocol"), {"SCTP", "TCP", "UDP"}, true, errs);
    ValidateTargetPort(*p, Child(at, "targetPort"), errs);
    const json::value* node_port = p->if_contains("nodePort");
    if (node_port != nullptr && *node_port != 0) {
      if (cluster_ip_type) {
        errs.Forbidden(Child(at, "nodePort"), "may not be used when `type` is 'ClusterIP'");
      } else {
        ValidatePortNumber(*node_port, Child(at, "nodePort"), errs);
      }
    }
    json::value key = json::object{{"port", port ? *port : json::value()},
                                   {"protocol", Str(GetString(*p, "protocol"))}};
    for (const auto& k : seen) {
      if (JsonEqual(k, key)) errs.Duplicate(at, key);
    }
    seen.push_back(std::move(key));
  }
}

}  // namespace

void ValidateService(const json::object& obj, FieldErrors& errs) {
  static const json::object kEmpty;
  const json::object* found = FindObject(obj, "spec");
  const json::object& spec = found ? *found : kEmpty;
  std::string_view type = GetString(spec, "type");
  std::string_view cluster_ip = GetString(spec, "clusterIP");
  const json::array* ports = FindArray(spec, "ports");
  bool headless = cluster_ip == "None";
  if ((ports == nullptr || ports->empty()) && !headless && type != "ExternalName") {
    errs.Required("spec.ports");
  }
  if (type == "ExternalName") {
    std::string_view cname = GetString(spec, "externalName");
    if (cname.ends_with('.')) cname.remove_suffix(1);
    if (cname.empty()) {
      errs.Required("spec.externalName");
    } else {
      errs.InvalidEach("spec.externalName", Str(GetString(spec, "externalName")),
                       Dns1123SubdomainErrors(cname));
    }
  }
  if (!cluster_ip.empty() && !headless && !IsIpAddress(cluster_ip)) {
    errs.Invalid("spec.clusterIP", Str(cluster_ip), "must be empty, 'None', or a valid IP address");
  }
  ValidateServicePorts(spec, errs);
  ValidateLabels(spec.if_contains("selector"), "spec.selector", errs);
  ValidateEnum(spec, "sessionAffinity", "spec.sessionAffinity", {"ClientIP", "None"}, true, errs);
  ValidateEnum(spec, "type", "spec.type", {"ClusterIP", "ExternalName", "LoadBalancer", "NodePort"},
               true, errs);
  for (const char* policy : {"externalTrafficPolicy", "internalTrafficPolicy"}) {
    ValidateEnum(spec, policy, std::string("spec.") + policy, {"Cluster", "Local"}, false, errs);
  }
}

void ValidateEndpoints(const json::object& obj, FieldErrors& errs) {
  const json::array* subsets = FindArray(obj, "subsets");
  if (subsets == nullptr) return;
  for (size_t i = 0; i < subsets->size(); ++i) {
    std::string at = Index("subsets", i);
    const json::object* s = (*subsets)[i].if_object();
    if (s == nullptr) continue;
    for (const char* list : {"addresses", "notReadyAddresses"}) {
      const json::array* addrs = FindArray(*s, list);
      for (size_t j = 0; addrs && j < addrs->size(); ++j) {
        std::string addr_at = Index(Child(at, list), j);
        const json::object* a = (*addrs)[j].if_object();
        std::string_view ip = a ? GetString(*a, "ip") : "";
        if (ip.empty()) {
          errs.Required(Child(addr_at, "ip"));
        } else if (!IsIpAddress(ip)) {
          errs.Invalid(Child(addr_at, "ip"), Str(ip), "must be a valid IP address");
        }
      }
    }
    const json::array* ports = FindArray(*s, "ports");
    for (size_t j = 0; ports && j < ports->size(); ++j) {
      std::string port_at = Index(Child(at, "ports"), j);
      const json::object* p = (*ports)[j].if_object();
      if (p == nullptr) continue;
      std::string_view name = GetString(*p, "name");
      if (ports->size() > 1 && name.empty()) {
        errs.Required(Child(port_at, "name"));
      } else if (!name.empty()) {
        errs.InvalidEach(Child(port_at, "name"), Str(name), Dns1123LabelErrors(name));
      }
      const json::value* port = p->if_contains("port");
      ValidatePortNumber(port ? *port : json::value(0), Child(port_at, "port"), errs);
      ValidateEnum(*p, "protocol", Child(port_at, "protocol"), {"SCTP", "TCP", "UDP"}, true, errs);
    }
  }
}

}  // namespace skiff::api
