#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include "core/api/human_time.h"
#include "core/api/json_fields.h"
#include "core/api/table_printers.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

const json::array kNone;

const json::array& List(const json::object& obj, std::string_view path) {
  const json::array* a = FindArray(obj, path);
  return a ? *a : kNone;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

std::string OrDefault(std::string_view s, std::string_view fallback) {
  return std::string(s.empty() ? fallback : s);
}

std::string NodeAddress(const json::object& node, std::string_view type) {
  for (const auto& a : List(node, "status.addresses")) {
    const json::object* o = a.if_object();
    if (o && GetString(*o, "type") == type) return std::string(GetString(*o, "address"));
  }
  return "<none>";
}

TableRow NodeRow(const json::object& node, TimePoint now) {
  std::vector<std::string> status;
  for (const auto& c : List(node, "status.conditions")) {
    const json::object* o = c.if_object();
    if (o == nullptr || GetString(*o, "type") != "Ready") continue;
    status.push_back(GetString(*o, "status") == "True" ? "Ready" : "NotReady");
  }
  if (status.empty()) status.push_back("Unknown");
  if (GetBool(node, "spec.unschedulable")) status.push_back("SchedulingDisabled");
  std::set<std::string> roles;
  if (const json::object* labels = FindObject(node, "metadata.labels")) {
    constexpr std::string_view kRolePrefix = "node-role.kubernetes.io/";
    for (const auto& kv : *labels) {
      std::string_view key = kv.key();
      if (key.starts_with(kRolePrefix) && key.size() > kRolePrefix.size()) {
        roles.emplace(key.substr(kRolePrefix.size()));
      } else if (key == "kubernetes.io/role" && kv.value().is_string() &&
                 !kv.value().get_string().empty()) {
        roles.emplace(kv.value().get_string());
      }
    }
  }
  std::string role_text = Join({roles.begin(), roles.end()});
  return {json::array{
              GetString(node, "metadata.name"), Join(status), OrDefault(role_text, "<none>"),
              Age(node, now), GetString(node, "status.nodeInfo.kubeletVersion"),
              NodeAddress(node, "InternalIP"), NodeAddress(node, "ExternalIP"),
              OrDefault(GetString(node, "status.nodeInfo.osImage"), "<unknown>"),
              OrDefault(GetString(node, "status.nodeInfo.kernelVersion"), "<unknown>"),
              OrDefault(GetString(node, "status.nodeInfo.containerRuntimeVersion"), "<unknown>")},
          {}};
}

TableRow NamespaceRow(const json::object& ns, TimePoint now) {
  return {json::array{GetString(ns, "metadata.name"), GetString(ns, "status.phase"), Age(ns, now)},
          {}};
}

std::string ServiceExternalIp(const json::object& svc) {
  std::vector<std::string> external;
  for (const auto& ip : List(svc, "spec.externalIPs")) {
    if (ip.is_string()) external.emplace_back(ip.get_string());
  }
  std::string_view type = GetString(svc, "spec.type");
  if (type == "ClusterIP" || type == "NodePort") {
    return external.empty() ? "<none>" : Join(external);
  }
  if (type == "LoadBalancer") {
    std::vector<std::string> ingress;
    for (const auto& i : List(svc, "status.loadBalancer.ingress")) {
      const json::object* o = i.if_object();
      if (o == nullptr) continue;
      std::string_view ip = GetString(*o, "ip");
      std::string_view host = GetString(*o, "hostname");
      if (!ip.empty()) ingress.emplace_back(ip);
      if (!host.empty()) ingress.emplace_back(host);
    }
    ingress.insert(ingress.end(), external.begin(), external.end());
    return ingress.empty() ? "<pending>" : Join(ingress);
  }
  if (type == "ExternalName") return std::string(GetString(svc, "spec.externalName"));
  return "<unknown>";
}

std::string ServicePorts(const json::object& svc) {
  std::vector<std::string> parts;
  for (const auto& p : List(svc, "spec.ports")) {
    const json::object* o = p.if_object();
    if (o == nullptr) continue;
    std::string port = std::to_string(GetInt(*o, "port").value_or(0));
    int64_t node_port = GetInt(*o, "nodePort").value_or(0);
    if (node_port > 0) port += ":" + std::to_string(node_port);
    parts.push_back(port + "/" + std::string(GetString(*o, "protocol")));
  }
  return parts.empty() ? "<none>" : Join(parts);
}

TableRow ServiceRow(const json::object& svc, TimePoint now) {
  std::string_view cluster_ip = GetString(svc, "spec.clusterIP");
  const json::array& ips = List(svc, "spec.clusterIPs");
  if (!ips.empty() && ips[0].is_string()) cluster_ip = ips[0].get_string();
  return {json::array{GetString(svc, "metadata.name"), GetString(svc, "spec.type"),
                      OrDefault(cluster_ip, "<none>"), ServiceExternalIp(svc), ServicePorts(svc),
                      Age(svc, now), FormatLabels(FindObject(svc, "spec.selector"))},
          {}};
}

// "ip:port" for up to three endpoints, then "+ N more...".
std::string FormatEndpoints(const json::object& ep) {
  const json::array& subsets = List(ep, "subsets");
  if (subsets.empty()) return "<none>";
  constexpr size_t kMax = 3;
  std::vector<std::string> shown;
  size_t count = 0;
  for (const auto& s : subsets) {
    const json::object* subset = s.if_object();
    if (subset == nullptr) continue;
    const json::array& addresses = List(*subset, "addresses");
    const json::array& ports = List(*subset, "ports");
    auto add = [&](const json::value& addr, const json::value* port) {
      std::string ip(addr.is_object() ? GetString(addr.get_object(), "ip") : "");
      if (port != nullptr && port->is_object()) {
        std::string number = std::to_string(GetInt(port->get_object(), "port").value_or(0));
        ip = (ip.find(':') != std::string::npos ? "[" + ip + "]" : ip) + ":" + number;
      }
      if (shown.size() < kMax) shown.push_back(std::move(ip));
    };
    if (ports.empty()) {
      count += addresses.size();
      for (const auto& a : addresses) add(a, nullptr);
      continue;
    }
    for (const auto& p : ports) {
      count += addresses.size();
      for (const auto& a : addresses) add(a, &p);
    }
  }
  std::string out = Join(shown);
  if (count > kMax) out += " + " + std::to_string(count - kMax) + " more...";
  return out;
}

TableRow EndpointsRow(const json::object& ep, TimePoint now) {
  return {json::array{GetString(ep, "metadata.name"), FormatEndpoints(ep), Age(ep, now)}, {}};
}

int64_t MapSize(const json::object& obj, std::string_view path) {
  const json::object* m = FindObject(obj, path);
  return m ? static_cast<int64_t>(m->size()) : 0;
}

TableRow ConfigMapRow(const json::object& cm, TimePoint now) {
  return {json::array{GetString(cm, "metadata.name"),
                      MapSize(cm, "data") + MapSize(cm, "binaryData"), Age(cm, now)},
          {}};
}

TableRow SecretRow(const json::object& s, TimePoint now) {
  return {json::array{GetString(s, "metadata.name"), GetString(s, "type"), MapSize(s, "data"),
                      Age(s, now)},
          {}};
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

TableRow EventRow(const json::object& ev, TimePoint now) {
  std::string_view first_ts = GetString(ev, "firstTimestamp");
  std::string first = SinceTimestamp(first_ts.empty() ? GetString(ev, "eventTime") : first_ts, now);
  std::string_view last_ts = GetString(ev, "lastTimestamp");
  std::string last = last_ts.empty() ? first : SinceTimestamp(last_ts, now);
  int64_t count = GetInt(ev, "count").value_or(0);
  if (FindObject(ev, "series") != nullptr) {
    last = SinceTimestamp(GetString(ev, "series.lastObservedTime"), now);
    count = GetInt(ev, "series.count").value_or(0);
  } else if (count == 0) {
    count = 1;  // singleton events of the events.k8s.io API carry no count
  }
  std::string target = Lower(GetString(ev, "involvedObject.kind"));
  std::string_view name = GetString(ev, "involvedObject.name");
  if (!name.empty()) target += "/" + std::string(name);
  std::string component =
      OrDefault(GetString(ev, "source.component"), GetString(ev, "reportingComponent"));
  std::string_view host = GetString(ev, "source.host");
  std::string instance(host.empty() ? GetString(ev, "reportingInstance") : host);
  std::string source = instance.empty() ? component : component + ", " + instance;
  return {json::array{last, GetString(ev, "type"), GetString(ev, "reason"), target,
                      GetString(ev, "involvedObject.fieldPath"), source,
                      Trim(GetString(ev, "message")), first, count, GetString(ev, "metadata.name")},
          {}};
}

TableRow LeaseRow(const json::object& lease, TimePoint now) {
  return {json::array{GetString(lease, "metadata.name"), GetString(lease, "spec.holderIdentity"),
                      Age(lease, now)},
          {}};
}

}  // namespace

const TablePrinter& NodePrinter() {
  static const TablePrinter kPrinter{
      {NameColumn(),
       {"Status", "string", "The status of the node"},
       {"Roles", "string", "The roles of the node"},
       AgeColumn(),
       {"Version", "string", "The kubelet version the node reports."},
       {"Internal-IP", "string", "The node's InternalIP address.", 1},
       {"External-IP", "string", "The node's ExternalIP address.", 1},
       {"OS-Image", "string", "The operating system image the node reports.", 1},
       {"Kernel-Version", "string", "The kernel version the node reports.", 1},
       {"Container-Runtime", "string", "The container runtime and version of the node.", 1}},
      NodeRow};
  return kPrinter;
}

const TablePrinter& NamespacePrinter() {
  static const TablePrinter kPrinter{
      {NameColumn(), {"Status", "string", "The status of the namespace"}, AgeColumn()},
      NamespaceRow};
  return kPrinter;
}

const TablePrinter& ServicePrinter() {
  static const TablePrinter kPrinter{
      {NameColumn(),
       {"Type", "string", "How the service is exposed (ClusterIP, NodePort, ...)."},
       {"Cluster-IP", "string", "The virtual IP of the service inside the cluster."},
       {"External-IP", "string", "Addresses the service is reachable on from outside."},
       {"Port(s)", "string", "The service's ports, with node ports."},
       AgeColumn(),
       {"Selector", "string", "The labels of the pods the service routes to.", 1}},
      ServiceRow};
  return kPrinter;
}

const TablePrinter& EndpointsPrinter() {
  static const TablePrinter kPrinter{
      {NameColumn(), {"Endpoints", "string", "Addresses and ports of the endpoints."}, AgeColumn()},
      EndpointsRow};
  return kPrinter;
}

const TablePrinter& ConfigMapPrinter() {
  static const TablePrinter kPrinter{
      {NameColumn(), {"Data", "string", "The number of data entries."}, AgeColumn()}, ConfigMapRow};
  return kPrinter;
}

const TablePrinter& SecretPrinter() {
  static const TablePrinter kPrinter{{NameColumn(),
                                      {"Type", "string", "The type of the secret."},
                                      {"Data", "string", "The number of data entries."},
                                      AgeColumn()},
                                     SecretRow};
  return kPrinter;
}

const TablePrinter& EventPrinter() {
  static const TablePrinter kPrinter{
      {{"Last Seen", "string", "Time since the event last occurred."},
       {"Type", "string", "Normal or Warning."},
       {"Reason", "string", "Short machine-readable reason for the event."},
       {"Object", "string", "The object the event is about."},
       {"Subobject", "string", "The part of the object the event is about.", 1},
       {"Source", "string", "The component that reported the event.", 1},
       {"Message", "string", "Human-readable description of the event."},
       {"First Seen", "string", "Time since the event first occurred.", 1},
       {"Count", "string", "How many times the event occurred.", 1},
       {"Name", "string", "Name of the event object.", 1, "name"}},
      EventRow};
  return kPrinter;
}

const TablePrinter& LeasePrinter() {
  static const TablePrinter kPrinter{
      {NameColumn(), {"Holder", "string", "The identity holding the lease."}, AgeColumn()},
      LeaseRow};
  return kPrinter;
}

}  // namespace skiff::api
