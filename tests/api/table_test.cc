#include "core/api/table.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/api/human_time.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

const Kind& KindOf(const char* api_version, const char* kind) {
  return *KindRegistry::Builtin().ByKind(api_version, kind);
}

TableOptions At(const char* now, TableOptions::Include include = TableOptions::Include::kNone) {
  TableOptions o;
  o.include = include;
  o.now = *ParseRfc3339(now);
  return o;
}

json::object Table(const char* api_version, const char* kind, const char* object,
                   const TableOptions& options) {
  json::object obj = json::parse(object).as_object();
  return ToTable(KindOf(api_version, kind), {&obj}, options);
}

std::vector<std::string> ColumnNames(const json::object& table) {
  std::vector<std::string> names;
  for (const auto& c : table.at("columnDefinitions").as_array()) {
    names.emplace_back(c.at("name").as_string());
  }
  return names;
}

const json::value& Cells(const json::object& table, size_t row = 0) {
  return table.at("rows").at(row).at("cells");
}

constexpr const char* kRunningPod = R"({
  "metadata": {"name": "web-1", "namespace": "default",
               "creationTimestamp": "2024-05-01T10:00:00Z"},
  "spec": {"nodeName": "node-a", "containers": [{"name": "web", "image": "nginx"}]},
  "status": {"phase": "Running", "podIP": "10.88.0.5", "podIPs": [{"ip": "10.88.0.5"}],
    "conditions": [{"type": "Ready", "status": "True"}],
    "containerStatuses": [{"name": "web", "ready": true, "restartCount": 0,
      "state": {"running": {"startedAt": "2024-05-01T10:00:03Z"}}}]}})";

TEST(TableTest, PodColumnsAndRunningRow) {
  json::object t = Table("v1", "Pod", kRunningPod, At("2024-05-01T10:03:02Z"));
  EXPECT_EQ(t.at("kind"), "Table");
  EXPECT_EQ(t.at("apiVersion"), "meta.k8s.io/v1");
  EXPECT_EQ(t.at("metadata"), json::object());
  EXPECT_EQ(ColumnNames(t),
            (std::vector<std::string>{"Name", "Ready", "Status", "Restarts", "Age", "IP", "Node",
                                      "Nominated Node", "Readiness Gates"}));
  const json::array& cols = t.at("columnDefinitions").as_array();
  EXPECT_EQ(cols[0].at("format"), "name");
  EXPECT_EQ(cols[0].at("priority"), 0);
  EXPECT_EQ(cols[1].at("format"), "");
  EXPECT_EQ(cols[5].at("priority"), 1);
  EXPECT_EQ(Cells(t), json::parse(R"(["web-1","1/1","Running","0","3m2s","10.88.0.5",
    "node-a","<none>","<none>"])"));
  EXPECT_TRUE(t.at("rows").at(0).at("object").is_null());
}

TEST(TableTest, CrashLoopingPod) {
  json::object t = Table("v1", "Pod", R"({
    "metadata": {"name": "crash", "creationTimestamp": "2024-05-01T08:00:00Z"},
    "spec": {"containers": [{"name": "app", "image": "bad"}, {"name": "side", "image": "ok"}]},
    "status": {"phase": "Running",
      "containerStatuses": [
        {"name": "app", "ready": false, "restartCount": 3,
         "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off"}},
         "lastState": {"terminated": {"exitCode": 1, "reason": "Error",
                                      "finishedAt": "2024-05-01T09:55:00Z"}}},
        {"name": "side", "ready": true, "restartCount": 1,
         "state": {"running": {}},
         "lastState": {"terminated": {"exitCode": 0, "finishedAt": "2024-05-01T09:00:00Z"}}}]}})",
                         At("2024-05-01T10:00:00Z"));
  EXPECT_EQ(Cells(t), json::parse(R"j(["crash","1/2","CrashLoopBackOff","4 (5m ago)","120m",
    "<none>","<none>","<none>","<none>"])j"));
}

TEST(TableTest, PodStatusReasons) {
  auto status = [](const char* pod) {
    json::object t = Table("v1", "Pod", pod, At("2024-05-01T10:00:00Z"));
    return std::string(Cells(t).at(2).as_string());
  };
  EXPECT_EQ(status(R"({"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]},
    "status":{"phase":"Pending","containerStatuses":[{"name":"a",
    "state":{"waiting":{"reason":"ContainerCreating"}}}]}})"),
            "ContainerCreating");
  EXPECT_EQ(status(R"({"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}],
    "initContainers":[{"name":"i"}]},"status":{"phase":"Pending",
    "initContainerStatuses":[{"name":"i","state":{"running":{}}}]}})"),
            "Init:0/1");
  EXPECT_EQ(status(R"({"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]},
    "status":{"phase":"Succeeded","containerStatuses":[{"name":"a",
    "state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}})"),
            "Completed");
  EXPECT_EQ(status(R"({"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]},
    "status":{"phase":"Failed","containerStatuses":[{"name":"a",
    "state":{"terminated":{"exitCode":137}}}]}})"),
            "ExitCode:137");
  EXPECT_EQ(status(R"({"metadata":{"name":"p","deletionTimestamp":"2024-05-01T09:59:00Z"},
    "spec":{"containers":[{"name":"a"}]},"status":{"phase":"Running"}})"),
            "Terminating");
  EXPECT_EQ(status(R"({"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]}})"), "");
}

TEST(TableTest, CompletedPodRowCondition) {
  json::object t = Table("v1", "Pod", R"({"metadata":{"name":"p"},"spec":{"containers":[]},
    "status":{"phase":"Succeeded"}})",
                         At("2024-05-01T10:00:00Z"));
  EXPECT_EQ(t.at("rows").at(0).at("conditions"),
            json::parse(R"([{"type":"Completed","status":"True","reason":"Succeeded",
              "message":"The pod has completed successfully."}])"));
}

TEST(TableTest, IncludeObjectModes) {
  json::object meta =
      Table("v1", "Pod", kRunningPod, At("2024-05-01T10:00:00Z", TableOptions::Include::kMetadata));
  EXPECT_EQ(meta.at("rows").at(0).at("object"),
            json::parse(R"({"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1",
              "metadata":{"name":"web-1","namespace":"default",
                          "creationTimestamp":"2024-05-01T10:00:00Z"}})"));
  json::object full =
      Table("v1", "Pod", kRunningPod, At("2024-05-01T10:00:00Z", TableOptions::Include::kObject));
  EXPECT_EQ(full.at("rows").at(0).at("object"), json::parse(kRunningPod));
}

TEST(TableTest, Node) {
  json::object t = Table("v1", "Node", R"({
    "metadata": {"name": "n1", "creationTimestamp": "2024-04-29T10:00:00Z",
      "labels": {"node-role.kubernetes.io/control-plane": "", "kubernetes.io/role": "infra"}},
    "spec": {"unschedulable": true},
    "status": {"conditions": [{"type": "MemoryPressure", "status": "False"},
                              {"type": "Ready", "status": "True"}],
      "addresses": [{"type": "InternalIP", "address": "192.168.1.10"}],
      "nodeInfo": {"kubeletVersion": "v1.32.0", "osImage": "Debian 12"}}})",
                         At("2024-05-01T10:00:00Z"));
  EXPECT_EQ(ColumnNames(t), (std::vector<std::string>{"Name", "Status", "Roles", "Age", "Version",
                                                      "Internal-IP", "External-IP", "OS-Image",
                                                      "Kernel-Version", "Container-Runtime"}));
  EXPECT_EQ(Cells(t), json::parse(R"(["n1","Ready,SchedulingDisabled","control-plane,infra",
    "2d","v1.32.0","192.168.1.10","<none>","Debian 12","<unknown>","<unknown>"])"));
}

TEST(TableTest, DeploymentAndReplicaSet) {
  const char* deploy = R"({"metadata":{"name":"web","creationTimestamp":"2024-05-01T05:00:00Z"},
    "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
      "template":{"spec":{"containers":[{"name":"web","image":"nginx:1.25"},
                                        {"name":"log","image":"busybox"}]}}},
    "status":{"readyReplicas":2,"updatedReplicas":3,"availableReplicas":2}})";
  json::object t = Table("apps/v1", "Deployment", deploy, At("2024-05-01T10:00:00Z"));
  EXPECT_EQ(ColumnNames(t), (std::vector<std::string>{"Name", "Ready", "Up-to-date", "Available",
                                                      "Age", "Containers", "Images", "Selector"}));
  EXPECT_EQ(Cells(t), json::parse(R"(["web","2/3",3,2,"5h","web,log","nginx:1.25,busybox",
    "app=web"])"));
  json::object rs = Table("apps/v1", "ReplicaSet", deploy, At("2024-05-01T10:00:00Z"));
  EXPECT_EQ(Cells(rs).at(1), 3);
}

TEST(TableTest, ControllerRevisionNamesItsControllerLikeKubectl) {
  const char* cr = R"({"metadata":{"name":"logs-abc","creationTimestamp":"2024-05-01T05:00:00Z",
    "ownerReferences":[{"apiVersion":"apps/v1","kind":"DaemonSet","name":"logs","uid":"u",
                        "controller":true}]},
    "data":{"spec":{}},"revision":3})";
  json::object t = Table("apps/v1", "ControllerRevision", cr, At("2024-05-01T10:00:00Z"));
  EXPECT_EQ(ColumnNames(t), (std::vector<std::string>{"Name", "Controller", "Revision", "Age"}));
  EXPECT_EQ(Cells(t), json::parse(R"(["logs-abc","daemonset.apps/logs",3,"5h"])"));
  json::object orphan =
      Table("apps/v1", "ControllerRevision", R"({"metadata":{"name":"x"},"data":{},"revision":1})",
            At("2024-05-01T10:00:00Z"));
  EXPECT_EQ(Cells(orphan).at(1), "<none>");
}

TEST(TableTest, Service) {
  json::object t = Table("v1", "Service", R"({"metadata":{"name":"web",
    "creationTimestamp":"2024-05-01T09:59:50Z"},"spec":{"type":"NodePort",
    "clusterIP":"10.96.0.10","selector":{"app":"web"},
    "ports":[{"port":80,"protocol":"TCP","nodePort":30080},{"port":53,"protocol":"UDP"}]}})",
                         At("2024-05-01T10:00:00Z"));
  EXPECT_EQ(Cells(t), json::parse(R"(["web","NodePort","10.96.0.10","<none>",
    "80:30080/TCP,53/UDP","10s","app=web"])"));
}

TEST(TableTest, ConfigMapsSecretsAndOthers) {
  const char* now = "2024-05-01T10:00:00Z";
  json::object cm = Table("v1", "ConfigMap", R"({"metadata":{"name":"c"},
    "data":{"a":"1","b":"2"},"binaryData":{"c":"AA=="}})",
                          At(now));
  EXPECT_EQ(Cells(cm), json::parse(R"(["c",3,"<unknown>"])"));
  json::object secret = Table("v1", "Secret", R"({"metadata":{"name":"s"},"type":"Opaque",
    "data":{"a":"MQ=="}})",
                              At(now));
  EXPECT_EQ(Cells(secret), json::parse(R"(["s","Opaque",1,"<unknown>"])"));
  json::object ns = Table("v1", "Namespace", R"({"metadata":{"name":"default"},
    "status":{"phase":"Active"}})",
                          At(now));
  EXPECT_EQ(Cells(ns), json::parse(R"(["default","Active","<unknown>"])"));
  json::object lease = Table("coordination.k8s.io/v1", "Lease", R"({"metadata":{"name":"n1"},
    "spec":{"holderIdentity":"n1"}})",
                             At(now));
  EXPECT_EQ(ColumnNames(lease), (std::vector<std::string>{"Name", "Holder", "Age"}));
  json::object ep = Table("v1", "Endpoints", R"({"metadata":{"name":"web"},"subsets":[
    {"addresses":[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"}],"ports":[{"port":80},{"port":443}]}]})",
                          At(now));
  EXPECT_EQ(Cells(ep).at(1), "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...");
  json::object pvc = Table("v1", "PersistentVolumeClaim", R"({"metadata":{"name":"data"},
    "spec":{"volumeName":"pv1","storageClassName":"fast","volumeMode":"Filesystem"},
    "status":{"phase":"Bound","capacity":{"storage":"1Gi"},
    "accessModes":["ReadWriteMany","ReadWriteOnce"]}})",
                           At(now));
  EXPECT_EQ(Cells(pvc), json::parse(R"(["data","Bound","pv1","1Gi","RWO,RWX","fast","<unset>",
    "<unknown>","Filesystem"])"));
}

TEST(TableTest, Events) {
  json::object t = Table("v1", "Event", R"({"metadata":{"name":"web.1"},
    "involvedObject":{"kind":"Pod","name":"web"},"reason":"Pulled","type":"Normal",
    "message":"pulled  \n","source":{"component":"kubelet","host":"n1"},
    "firstTimestamp":"2024-05-01T09:00:00Z","lastTimestamp":"2024-05-01T09:59:00Z","count":4})",
                         At("2024-05-01T10:00:00Z"));
  EXPECT_EQ(ColumnNames(t).front(), "Last Seen");
  EXPECT_EQ(Cells(t), json::parse(R"(["60s","Normal","Pulled","pod/web","","kubelet, n1",
    "pulled","60m",4,"web.1"])"));
}

TEST(TableTest, GenericFallbackIsNameAndAge) {
  Kind custom;
  custom.group = "example.com";
  custom.resource = "widgets";
  json::object obj = json::parse(R"({"metadata":{"name":"w",
    "creationTimestamp":"2024-05-01T09:00:00Z"}})")
                         .as_object();
  json::object t = ToTable(custom, {&obj}, At("2024-05-01T10:00:00Z"));
  EXPECT_EQ(ColumnNames(t), (std::vector<std::string>{"Name", "Age"}));
  EXPECT_EQ(Cells(t), json::parse(R"(["w","60m"])"));
}

TEST(TableTest, JobStatusCompletionsAndDuration) {
  const char* running = R"({"metadata":{"name":"pi","creationTimestamp":"2024-05-01T09:00:00Z"},
    "spec":{"completions":3,"parallelism":2,"selector":{"matchLabels":{"job":"pi"}},
      "template":{"spec":{"containers":[{"name":"pi","image":"perl"}]}}},
    "status":{"succeeded":1,"startTime":"2024-05-01T09:58:00Z"}})";
  json::object t = Table("batch/v1", "Job", running, At("2024-05-01T10:00:00Z"));
  EXPECT_EQ(ColumnNames(t), (std::vector<std::string>{"Name", "Status", "Completions", "Duration",
                                                      "Age", "Containers", "Images", "Selector"}));
  EXPECT_EQ(Cells(t), json::parse(R"(["pi","Running","1/3","2m","60m","pi","perl","job=pi"])"));
  const char* done = R"({"metadata":{"name":"q","creationTimestamp":"2024-05-01T09:00:00Z"},
    "spec":{"parallelism":2},"status":{"succeeded":2,"startTime":"2024-05-01T09:00:00Z",
    "completionTime":"2024-05-01T09:00:42Z",
    "conditions":[{"type":"Complete","status":"True"}]}})";
  EXPECT_EQ(Cells(Table("batch/v1", "Job", done, At("2024-05-01T10:00:00Z"))).at(1), "Complete");
  EXPECT_EQ(Cells(Table("batch/v1", "Job", done, At("2024-05-01T10:00:00Z"))).at(2), "2/1 of 2");
  EXPECT_EQ(Cells(Table("batch/v1", "Job", done, At("2024-05-01T10:00:00Z"))).at(3), "42s");
}

TEST(TableTest, CronJobScheduleSuspendActiveAndLastSchedule) {
  const char* cj = R"({"metadata":{"name":"tick","creationTimestamp":"2024-05-01T09:00:00Z"},
    "spec":{"schedule":"*/5 * * * *","suspend":false,"jobTemplate":{"spec":{"template":{"spec":{
      "containers":[{"name":"c","image":"busybox"}]}}}}},
    "status":{"active":[{"name":"tick-1"}],"lastScheduleTime":"2024-05-01T09:55:00Z"}})";
  json::object t = Table("batch/v1", "CronJob", cj, At("2024-05-01T10:00:00Z"));
  EXPECT_EQ(ColumnNames(t),
            (std::vector<std::string>{"Name", "Schedule", "Timezone", "Suspend", "Active",
                                      "Last Schedule", "Age", "Containers", "Images", "Selector"}));
  EXPECT_EQ(Cells(t), json::parse(R"(["tick","*/5 * * * *","<none>","False",1,"5m","60m","c",
    "busybox","<none>"])"));
}

}  // namespace
}  // namespace skiff::api
