#pragma once

// The per-kind column sets and row printers behind ToTable, after Kubernetes' internal
// printers (pkg/printers/internalversion). Static data and pure functions.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::api {

struct TableColumn {
  TableColumn(std::string_view name, std::string_view type, std::string_view description,
              int priority = 0, std::string_view format = {})
      : name(name), type(type), description(description), priority(priority), format(format) {}

  std::string_view name;
  std::string_view type;  // "string", "integer", ...
  std::string_view description;
  int priority;  // 1: only with -o wide
  std::string_view format;
};

struct TableRow {
  boost::json::array cells;
  boost::json::array conditions;  // e.g. Completed for finished pods
};

using TimePoint = std::chrono::system_clock::time_point;
using RowPrinter = TableRow (*)(const boost::json::object& obj, TimePoint now);

struct TablePrinter {
  std::vector<TableColumn> columns;
  RowPrinter row;
};

// One per printed resource; null when the kind has none.
const TablePrinter* PrinterFor(std::string_view group, std::string_view resource);
const TablePrinter& GenericPrinter();  // Name, Age

const TablePrinter& PodPrinter();
const TablePrinter& NodePrinter();
const TablePrinter& NamespacePrinter();
const TablePrinter& ServicePrinter();
const TablePrinter& EndpointsPrinter();
const TablePrinter& ConfigMapPrinter();
const TablePrinter& SecretPrinter();
const TablePrinter& EventPrinter();
const TablePrinter& LeasePrinter();
const TablePrinter& DeploymentPrinter();
const TablePrinter& ReplicaSetPrinter();
const TablePrinter& ReplicationControllerPrinter();
const TablePrinter& DaemonSetPrinter();
const TablePrinter& StatefulSetPrinter();
const TablePrinter& JobPrinter();
const TablePrinter& CronJobPrinter();
const TablePrinter& ControllerRevisionPrinter();
const TablePrinter& PersistentVolumePrinter();
const TablePrinter& PersistentVolumeClaimPrinter();
const TablePrinter& StorageClassPrinter();

// Shared pieces of the printers.
TableColumn NameColumn();
TableColumn AgeColumn();
std::string Age(const boost::json::object& obj, TimePoint now);  // from creationTimestamp
// labels.FormatLabels: "a=b,c=d" sorted by key, "<none>" when empty.
std::string FormatLabels(const boost::json::object* labels);
// Comma-joined container names and images of a pod spec.
std::pair<std::string, std::string> ContainersAndImages(const boost::json::object& pod_spec);
// A metav1.LabelSelector as Kubernetes prints it ("app=web,tier in (a,b)").
std::string SelectorString(const boost::json::value* selector);

}  // namespace skiff::api
