#include <cctype>

#include "core/api/human_time.h"
#include "core/api/json_fields.h"
#include "core/api/table_printers.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

const json::object kEmpty;

int64_t Int(const json::object& obj, std::string_view path) {
  return GetInt(obj, path).value_or(0);
}

const json::object& TemplateSpec(const json::object& obj) {
  const json::object* spec = FindObject(obj, "spec.template.spec");
  return spec ? *spec : kEmpty;
}

std::string Ratio(int64_t a, int64_t b) { return std::to_string(a) + "/" + std::to_string(b); }

// Appends the wide columns shared by the workload printers.
void AddContainers(json::array& cells, const json::object& obj) {
  auto [names, images] = ContainersAndImages(TemplateSpec(obj));
  cells.push_back(json::string(names));
  cells.push_back(json::string(images));
}

TableColumn Containers() {
  return {"Containers", "string", "Names of the containers in the pod template.", 1};
}
TableColumn Images() {
  return {"Images", "string", "Images of the containers in the pod template.", 1};
}
TableColumn Selector() {
  return {"Selector", "string", "The label query over pods this object manages.", 1};
}

TableRow DeploymentRow(const json::object& d, TimePoint now) {
  json::array cells{
      GetString(d, "metadata.name"), Ratio(Int(d, "status.readyReplicas"), Int(d, "spec.replicas")),
      Int(d, "status.updatedReplicas"), Int(d, "status.availableReplicas"), Age(d, now)};
  AddContainers(cells, d);
  cells.push_back(json::string(SelectorString(FindPath(d, "spec.selector"))));
  return {std::move(cells), {}};
}

TableRow ReplicaSetRow(const json::object& rs, TimePoint now) {
  json::array cells{GetString(rs, "metadata.name"), Int(rs, "spec.replicas"),
                    Int(rs, "status.replicas"), Int(rs, "status.readyReplicas"), Age(rs, now)};
  AddContainers(cells, rs);
  cells.push_back(json::string(SelectorString(FindPath(rs, "spec.selector"))));
  return {std::move(cells), {}};
}

TableRow ReplicationControllerRow(const json::object& rc, TimePoint now) {
  json::array cells{GetString(rc, "metadata.name"), Int(rc, "spec.replicas"),
                    Int(rc, "status.replicas"), Int(rc, "status.readyReplicas"), Age(rc, now)};
  AddContainers(cells, rc);
  // The selector is a plain map, printed like labels but empty rather than "<none>".
  const json::object* selector = FindObject(rc, "spec.selector");
  cells.push_back(
      json::string(selector && !selector->empty() ? FormatLabels(selector) : std::string()));
  return {std::move(cells), {}};
}

TableRow DaemonSetRow(const json::object& ds, TimePoint now) {
  json::array cells{GetString(ds, "metadata.name"),
                    Int(ds, "status.desiredNumberScheduled"),
                    Int(ds, "status.currentNumberScheduled"),
                    Int(ds, "status.numberReady"),
                    Int(ds, "status.updatedNumberScheduled"),
                    Int(ds, "status.numberAvailable"),
                    FormatLabels(FindObject(TemplateSpec(ds), "nodeSelector")),
                    Age(ds, now)};
  AddContainers(cells, ds);
  cells.push_back(json::string(SelectorString(FindPath(ds, "spec.selector"))));
  return {std::move(cells), {}};
}

TableRow StatefulSetRow(const json::object& sts, TimePoint now) {
  json::array cells{GetString(sts, "metadata.name"),
                    Ratio(Int(sts, "status.readyReplicas"), Int(sts, "spec.replicas")),
                    Age(sts, now)};
  AddContainers(cells, sts);
  return {std::move(cells), {}};
}

// Kubernetes prints the controller as "daemonset.apps/NAME" (lower-cased Kind.group).
TableRow ControllerRevisionRow(const json::object& cr, TimePoint now) {
  std::string controller = "<none>";
  if (const json::array* refs = FindArray(cr, "metadata.ownerReferences")) {
    for (const auto& r : *refs) {
      const json::object* ref = r.if_object();
      if (ref == nullptr || !GetBool(*ref, "controller")) continue;
      std::string_view api_version = GetString(*ref, "apiVersion");
      auto slash = api_version.find('/');
      std::string kind(GetString(*ref, "kind"));
      if (slash != std::string_view::npos) {
        kind += "." + std::string(api_version.substr(0, slash));
      }
      for (char& c : kind) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      controller = kind + "/" + std::string(GetString(*ref, "name"));
      break;
    }
  }
  return {json::array{GetString(cr, "metadata.name"), json::string(controller), Int(cr, "revision"),
                      Age(cr, now)},
          {}};
}

// kubectl's job columns: status from the conditions, completions, and how long it ran.
TableRow JobRow(const json::object& job, TimePoint now) {
  std::string status = "Running";
  if (ConditionIsTrue(job, "Complete")) {
    status = "Complete";
  } else if (ConditionIsTrue(job, "Failed")) {
    status = "Failed";
  } else if (!GetString(job, "metadata.deletionTimestamp").empty()) {
    status = "Terminating";
  } else if (ConditionIsTrue(job, "Suspended")) {
    status = "Suspended";
  } else if (ConditionIsTrue(job, "FailureTarget")) {
    status = "FailureTarget";
  } else if (ConditionIsTrue(job, "SuccessCriteriaMet")) {
    status = "SuccessCriteriaMet";
  }
  int64_t succeeded = Int(job, "status.succeeded");
  std::string completions;
  if (auto wanted = GetInt(job, "spec.completions")) {
    completions = Ratio(succeeded, *wanted);
  } else if (int64_t parallelism = Int(job, "spec.parallelism"); parallelism > 1) {
    completions = Ratio(succeeded, 1) + " of " + std::to_string(parallelism);
  } else {
    completions = Ratio(succeeded, 1);
  }
  std::string duration;
  if (auto start = ParseRfc3339(GetString(job, "status.startTime"))) {
    auto end = ParseRfc3339(GetString(job, "status.completionTime"));
    duration = HumanDuration(end.value_or(now) - *start);
  }
  json::array cells{GetString(job, "metadata.name"), status, completions, duration, Age(job, now)};
  AddContainers(cells, job);
  cells.push_back(json::string(SelectorString(FindPath(job, "spec.selector"))));
  return {std::move(cells), {}};
}

// kubectl's cronjob columns: schedule, time zone, suspend, active jobs, last schedule.
TableRow CronJobRow(const json::object& cj, TimePoint now) {
  std::string zone(GetString(cj, "spec.timeZone"));
  const json::array* active = FindArray(cj, "status.active");
  std::string last = "<none>";
  if (auto t = ParseRfc3339(GetString(cj, "status.lastScheduleTime"))) {
    last = HumanDuration(now - *t);
  }
  json::array cells{GetString(cj, "metadata.name"),
                    GetString(cj, "spec.schedule"),
                    zone.empty() ? "<none>" : zone,
                    GetBool(cj, "spec.suspend") ? "True" : "False",
                    static_cast<int64_t>(active ? active->size() : 0),
                    last,
                    Age(cj, now)};
  const json::object* job_spec = FindObject(cj, "spec.jobTemplate.spec");
  const json::object* pod_spec = job_spec ? FindObject(*job_spec, "template.spec") : nullptr;
  auto [names, images] = ContainersAndImages(pod_spec ? *pod_spec : kEmpty);
  cells.push_back(json::string(names));
  cells.push_back(json::string(images));
  std::string selector = job_spec ? SelectorString(job_spec->if_contains("selector")) : "";
  cells.push_back(json::string(selector.empty() ? "<none>" : selector));
  return {std::move(cells), {}};
}

}  // namespace

const TablePrinter& ControllerRevisionPrinter() {
  static const TablePrinter kPrinter{
      {NameColumn(),
       {"Controller", "string", "Controller of the object."},
       {"Revision", "integer", "The revision of the data represented by this object."},
       AgeColumn()},
      ControllerRevisionRow};
  return kPrinter;
}

const TablePrinter& DeploymentPrinter() {
  static const TablePrinter kPrinter{
      {NameColumn(),
       {"Ready", "string", "Ready pods out of the desired replicas."},
       {"Up-to-date", "string", "Pods running the latest pod template."},
       {"Available", "string", "Pods ready for at least minReadySeconds."},
       AgeColumn(),
       Containers(),
       Images(),
       Selector()},
      DeploymentRow};
  return kPrinter;
}

const TablePrinter& ReplicaSetPrinter() {
  static const TablePrinter kPrinter{{NameColumn(),
                                      {"Desired", "integer", "The number of pods wanted."},
                                      {"Current", "integer", "The number of pods that exist."},
                                      {"Ready", "integer", "The number of ready pods."},
                                      AgeColumn(),
                                      Containers(),
                                      Images(),
                                      Selector()},
                                     ReplicaSetRow};
  return kPrinter;
}

const TablePrinter& ReplicationControllerPrinter() {
  static const TablePrinter kPrinter{ReplicaSetPrinter().columns, ReplicationControllerRow};
  return kPrinter;
}

const TablePrinter& DaemonSetPrinter() {
  static const TablePrinter kPrinter{
      {NameColumn(),
       {"Desired", "integer", "Nodes that should run the daemon pod."},
       {"Current", "integer", "Nodes running at least one daemon pod."},
       {"Ready", "integer", "Nodes whose daemon pod is ready."},
       {"Up-to-date", "integer", "Nodes running the latest daemon pod template."},
       {"Available", "integer", "Nodes whose daemon pod has been ready for minReadySeconds."},
       {"Node Selector", "string", "The node selector of the pod template."},
       AgeColumn(),
       Containers(),
       Images(),
       Selector()},
      DaemonSetRow};
  return kPrinter;
}

const TablePrinter& StatefulSetPrinter() {
  static const TablePrinter kPrinter{
      {NameColumn(),
       {"Ready", "string", "Ready pods out of the desired replicas."},
       AgeColumn(),
       Containers(),
       Images()},
      StatefulSetRow};
  return kPrinter;
}

const TablePrinter& JobPrinter() {
  static const TablePrinter kPrinter{
      {NameColumn(),
       {"Status", "string", "Status of the job."},
       {"Completions", "string", "The completion status of the job."},
       {"Duration", "string", "Time required to complete the job."},
       AgeColumn(),
       Containers(),
       Images(),
       Selector()},
      JobRow};
  return kPrinter;
}

const TablePrinter& CronJobPrinter() {
  static const TablePrinter kPrinter{{NameColumn(),
                                      {"Schedule", "string", "The schedule in Cron format."},
                                      {"Timezone", "string", "The time zone the schedule is in."},
                                      {"Suspend", "boolean", "Whether new jobs are started."},
                                      {"Active", "integer", "The number of jobs running."},
                                      {"Last Schedule", "string", "When a job was last scheduled."},
                                      AgeColumn(),
                                      Containers(),
                                      Images(),
                                      Selector()},
                                     CronJobRow};
  return kPrinter;
}

}  // namespace skiff::api
