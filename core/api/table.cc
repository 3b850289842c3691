#include "core/api/table.h"

#include <algorithm>

#include "core/api/human_time.h"
#include "core/api/json_fields.h"
#include "core/api/selectors.h"
#include "core/api/table_printers.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

json::object ColumnJson(const TableColumn& c) {
  return json::object{{"name", c.name},
                      {"type", c.type},
                      {"format", c.format},
                      {"description", c.description},
                      {"priority", c.priority}};
}

json::value RowObject(const json::object& obj, TableOptions::Include include) {
  switch (include) {
    case TableOptions::Include::kNone:
      return nullptr;
    case TableOptions::Include::kObject:
      return obj;
    case TableOptions::Include::kMetadata:
      break;
  }
  const json::value* meta = obj.if_contains("metadata");
  return json::object{{"kind", "PartialObjectMetadata"},
                      {"apiVersion", "meta.k8s.io/v1"},
                      {"metadata", meta ? *meta : json::object()}};
}

TableRow GenericRow(const json::object& obj, TimePoint now) {
  return {json::array{GetString(obj, "metadata.name"), Age(obj, now)}, {}};
}

}  // namespace

TableColumn NameColumn() {
  return {"Name", "string",
          "Name of the object, unique within its namespace (or the cluster for cluster-scoped "
          "kinds).",
          0, "name"};
}

TableColumn AgeColumn() {
  return {"Age", "string", "Time since the server created the object (creationTimestamp)."};
}

std::string Age(const json::object& obj, TimePoint now) {
  return SinceTimestamp(GetString(obj, "metadata.creationTimestamp"), now);
}

std::string FormatLabels(const json::object* labels) {
  if (labels == nullptr || labels->empty()) return "<none>";
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& kv : *labels) {
    std::string value = kv.value().is_string() ? std::string(kv.value().get_string()) : "";
    pairs.emplace_back(std::string(kv.key()), std::move(value));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [k, v] : pairs) out += (out.empty() ? "" : ",") + k + "=" + v;
  return out;
}

std::pair<std::string, std::string> ContainersAndImages(const json::object& pod_spec) {
  std::string names, images;
  const json::array* containers = FindArray(pod_spec, "containers");
  for (size_t i = 0; containers && i < containers->size(); ++i) {
    const json::object* c = (*containers)[i].if_object();
    if (c == nullptr) continue;
    if (i > 0) {
      names += ",";
      images += ",";
    }
    names += GetString(*c, "name");
    images += GetString(*c, "image");
  }
  return {names, images};
}

std::string SelectorString(const json::value* selector) {
  if (selector == nullptr) return "";
  auto parsed = LabelSelector::FromJson(*selector);
  return parsed.ok() ? parsed->String() : "";
}

const TablePrinter& GenericPrinter() {
  static const TablePrinter kPrinter{{NameColumn(), AgeColumn()}, GenericRow};
  return kPrinter;
}

const TablePrinter* PrinterFor(std::string_view group, std::string_view resource) {
  struct Entry {
    std::string_view group, resource;
    const TablePrinter& (*printer)();
  };
  static const Entry kEntries[] = {
      {"", "pods", PodPrinter},
      {"", "nodes", NodePrinter},
      {"", "namespaces", NamespacePrinter},
      {"", "services", ServicePrinter},
      {"", "endpoints", EndpointsPrinter},
      {"", "configmaps", ConfigMapPrinter},
      {"", "secrets", SecretPrinter},
      {"", "events", EventPrinter},
      {"", "persistentvolumes", PersistentVolumePrinter},
      {"", "persistentvolumeclaims", PersistentVolumeClaimPrinter},
      {"", "replicationcontrollers", ReplicationControllerPrinter},
      {"apps", "deployments", DeploymentPrinter},
      {"apps", "replicasets", ReplicaSetPrinter},
      {"apps", "daemonsets", DaemonSetPrinter},
      {"apps", "statefulsets", StatefulSetPrinter},
      {"apps", "controllerrevisions", ControllerRevisionPrinter},
      {"batch", "jobs", JobPrinter},
      {"batch", "cronjobs", CronJobPrinter},
      {"coordination.k8s.io", "leases", LeasePrinter},
      {"storage.k8s.io", "storageclasses", StorageClassPrinter},
  };
  for (const auto& e : kEntries) {
    if (e.group == group && e.resource == resource) return &e.printer();
  }
  return nullptr;
}

json::object ToTable(const Kind& kind, const std::vector<const json::object*>& objects,
                     const TableOptions& options) {
  const TablePrinter* found = PrinterFor(kind.group, kind.resource);
  const TablePrinter& printer = found ? *found : GenericPrinter();
  json::array columns;
  for (const auto& c : printer.columns) columns.push_back(ColumnJson(c));
  json::array rows;
  for (const json::object* obj : objects) {
    TableRow row = printer.row(*obj, options.now);
    json::object r{{"cells", std::move(row.cells)}};
    if (!row.conditions.empty()) r["conditions"] = std::move(row.conditions);
    r["object"] = RowObject(*obj, options.include);
    rows.push_back(std::move(r));
  }
  return json::object{{"kind", "Table"},
                      {"apiVersion", "meta.k8s.io/v1"},
                      {"metadata", json::object()},
                      {"columnDefinitions", std::move(columns)},
                      {"rows", std::move(rows)}};
}

}  // namespace skiff::api
