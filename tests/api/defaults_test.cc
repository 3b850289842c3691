#include "core/api/defaults.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace skiff::api {
namespace {

namespace json = boost::json;

const Kind& KindOf(const char* api_version, const char* kind) {
  return *KindRegistry::Builtin().ByKind(api_version, kind);
}

json::object Defaulted(const char* api_version, const char* kind, const char* text) {
  json::object obj = json::parse(text).as_object();
  ApplyDefaults(KindOf(api_version, kind), obj);
  return obj;
}

TEST(DefaultsTest, PodSpecAndContainers) {
  json::object pod = Defaulted("v1", "Pod", R"({"metadata":{"name":"p"},"spec":{
    "containers":[{"name":"a","image":"nginx","ports":[{"containerPort":80}]},
                  {"name":"b","image":"nginx:1.25"},
                  {"name":"c","image":"nginx:latest"},
                  {"name":"d","image":"reg:5000/nginx@sha256:abc"},
                  {"name":"e","image":"reg:5000/nginx"}],
    "initContainers":[{"name":"i","image":"busybox:1"}]}})");
  const json::object& spec = pod["spec"].as_object();
  EXPECT_EQ(spec.at("restartPolicy"), "Always");
  EXPECT_EQ(spec.at("dnsPolicy"), "ClusterFirst");
  EXPECT_EQ(spec.at("schedulerName"), "default-scheduler");
  EXPECT_EQ(spec.at("terminationGracePeriodSeconds"), 30);
  EXPECT_EQ(spec.at("securityContext"), json::object());
  EXPECT_EQ(spec.at("enableServiceLinks"), true);
  EXPECT_EQ(spec.at("preemptionPolicy"), "PreemptLowerPriority");
  EXPECT_EQ(spec.at("priority"), 0);
  const json::array& cs = spec.at("containers").as_array();
  EXPECT_EQ(cs[0].at("imagePullPolicy"), "Always");
  EXPECT_EQ(cs[1].at("imagePullPolicy"), "IfNotPresent");
  EXPECT_EQ(cs[2].at("imagePullPolicy"), "Always");
  EXPECT_EQ(cs[3].at("imagePullPolicy"), "IfNotPresent");
  EXPECT_EQ(cs[4].at("imagePullPolicy"), "Always");
  EXPECT_EQ(cs[0].at("terminationMessagePath"), "/dev/termination-log");
  EXPECT_EQ(cs[0].at("terminationMessagePolicy"), "File");
  EXPECT_EQ(cs[0].at("resources"), json::object());
  EXPECT_EQ(cs[0].at("ports").at(0).at("protocol"), "TCP");
  const json::value& init = spec.at("initContainers").at(0);
  EXPECT_EQ(init.at("imagePullPolicy"), "IfNotPresent");
  EXPECT_EQ(init.at("terminationMessagePolicy"), "File");
}

TEST(DefaultsTest, ExplicitValuesAreKept) {
  json::object pod = Defaulted("v1", "Pod", R"({"spec":{"restartPolicy":"Never",
    "terminationGracePeriodSeconds":0,"containers":[{"name":"a","image":"x",
    "imagePullPolicy":"Never"}]}})");
  EXPECT_EQ(pod["spec"].at("restartPolicy"), "Never");
  EXPECT_EQ(pod["spec"].at("terminationGracePeriodSeconds"), 0);
  EXPECT_EQ(pod["spec"].at("containers").at(0).at("imagePullPolicy"), "Never");
}

TEST(DefaultsTest, NullCountsAsAbsent) {
  json::object d =
      Defaulted("apps/v1", "Deployment", R"({"spec":{"replicas":null,"strategy":null}})");
  EXPECT_EQ(d["spec"].at("replicas"), 1);
  EXPECT_EQ(d["spec"].at("strategy").at("type"), "RollingUpdate");
}

TEST(DefaultsTest, ProbesVolumesAndRequests) {
  json::object pod = Defaulted("v1", "Pod", R"({"spec":{"containers":[{"name":"a","image":"x",
    "livenessProbe":{"httpGet":{"port":8080}},
    "resources":{"limits":{"cpu":"1","memory":"1Gi"},"requests":{"cpu":"500m"}}}],
    "volumes":[{"name":"v"},{"name":"s","secret":{"secretName":"s"}}]}})");
  const json::value& c = pod["spec"].at("containers").at(0);
  EXPECT_EQ(c.at("livenessProbe"), json::parse(R"({"httpGet":{"port":8080,"path":"/",
    "scheme":"HTTP"},"timeoutSeconds":1,"periodSeconds":10,"successThreshold":1,
    "failureThreshold":3})"));
  EXPECT_EQ(c.at("resources").at("requests"), json::parse(R"({"cpu":"500m","memory":"1Gi"})"));
  EXPECT_EQ(pod["spec"].at("volumes"), json::parse(R"([{"name":"v","emptyDir":{}},
                            {"name":"s","secret":{"secretName":"s","defaultMode":420}}])"));
}

TEST(DefaultsTest, Deployment) {
  json::object d = Defaulted("apps/v1", "Deployment", R"({"spec":{
    "selector":{"matchLabels":{"app":"web"}},
    "template":{"metadata":{"labels":{"app":"web"}},
                "spec":{"containers":[{"name":"web","image":"nginx"}]}}}})");
  const json::object& spec = d["spec"].as_object();
  EXPECT_EQ(spec.at("replicas"), 1);
  EXPECT_EQ(spec.at("strategy"), json::parse(R"({"type":"RollingUpdate",
    "rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}})"));
  EXPECT_EQ(spec.at("revisionHistoryLimit"), 10);
  EXPECT_EQ(spec.at("progressDeadlineSeconds"), 600);
  const json::value& tspec = spec.at("template").at("spec");
  EXPECT_EQ(tspec.at("restartPolicy"), "Always");
  EXPECT_EQ(tspec.at("containers").at(0).at("imagePullPolicy"), "Always");
  // Pod-only defaults stay off templates, as in Kubernetes.
  EXPECT_FALSE(tspec.as_object().contains("enableServiceLinks"));
  EXPECT_FALSE(tspec.as_object().contains("priority"));
}

TEST(DefaultsTest, RecreateStrategyGetsNoRollingUpdate) {
  json::object d =
      Defaulted("apps/v1", "Deployment", R"({"spec":{"strategy":{"type":"Recreate"}}})");
  EXPECT_EQ(d["spec"].at("strategy"), json::parse(R"({"type":"Recreate"})"));
}

TEST(DefaultsTest, StatefulSetDaemonSetReplicaSet) {
  json::object sts = Defaulted("apps/v1", "StatefulSet", R"({"spec":{
    "volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{}}]}})");
  EXPECT_EQ(sts["spec"].at("replicas"), 1);
  EXPECT_EQ(sts["spec"].at("podManagementPolicy"), "OrderedReady");
  EXPECT_EQ(sts["spec"].at("updateStrategy"),
            json::parse(R"({"type":"RollingUpdate","rollingUpdate":{"partition":0}})"));
  EXPECT_EQ(sts["spec"].at("revisionHistoryLimit"), 10);
  EXPECT_EQ(sts["spec"].at("persistentVolumeClaimRetentionPolicy"),
            json::parse(R"({"whenDeleted":"Retain","whenScaled":"Retain"})"));
  EXPECT_EQ(sts["spec"].at("volumeClaimTemplates").at(0).at("spec").at("volumeMode"), "Filesystem");

  json::object ds = Defaulted("apps/v1", "DaemonSet", R"({"spec":{}})");
  EXPECT_EQ(ds["spec"].at("updateStrategy"), json::parse(R"({"type":"RollingUpdate",
    "rollingUpdate":{"maxUnavailable":1,"maxSurge":0}})"));
  EXPECT_EQ(ds["spec"].at("revisionHistoryLimit"), 10);

  json::object rs = Defaulted("apps/v1", "ReplicaSet", R"({"spec":{}})");
  EXPECT_EQ(rs["spec"].at("replicas"), 1);
}

TEST(DefaultsTest, ReplicationControllerSelectorFromTemplate) {
  json::object rc = Defaulted("v1", "ReplicationController",
                              R"({"metadata":{"name":"rc"},"spec":{"template":{
    "metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"name":"a","image":"b"}]}}}})");
  EXPECT_EQ(rc["spec"].at("selector"), json::parse(R"({"app":"x"})"));
  EXPECT_EQ(rc["metadata"].at("labels"), json::parse(R"({"app":"x"})"));
  EXPECT_EQ(rc["spec"].at("replicas"), 1);
}

TEST(DefaultsTest, Service) {
  json::object svc = Defaulted("v1", "Service", R"({"spec":{"selector":{"app":"web"},
    "ports":[{"port":80},{"port":443,"targetPort":"https","protocol":"UDP"}]}})");
  const json::object& spec = svc["spec"].as_object();
  EXPECT_EQ(spec.at("type"), "ClusterIP");
  EXPECT_EQ(spec.at("sessionAffinity"), "None");
  EXPECT_EQ(spec.at("internalTrafficPolicy"), "Cluster");
  EXPECT_FALSE(spec.contains("externalTrafficPolicy"));
  EXPECT_EQ(spec.at("ports"), json::parse(R"([{"port":80,"protocol":"TCP","targetPort":80},
    {"port":443,"targetPort":"https","protocol":"UDP"}])"));

  json::object np = Defaulted("v1", "Service", R"({"spec":{"type":"NodePort",
    "sessionAffinity":"ClientIP"}})");
  EXPECT_EQ(np["spec"].at("externalTrafficPolicy"), "Cluster");
  EXPECT_EQ(np["spec"].at("sessionAffinityConfig"),
            json::parse(R"({"clientIP":{"timeoutSeconds":10800}})"));
}

TEST(DefaultsTest, StorageAndOtherKinds) {
  EXPECT_EQ(Defaulted("v1", "PersistentVolumeClaim", "{}"),
            json::parse(R"({"spec":{"volumeMode":"Filesystem"},"status":{"phase":"Pending"}})"));
  json::object pv = Defaulted("v1", "PersistentVolume", R"({"spec":{}})");
  EXPECT_EQ(pv["spec"].at("persistentVolumeReclaimPolicy"), "Retain");
  EXPECT_EQ(pv["spec"].at("volumeMode"), "Filesystem");
  EXPECT_EQ(Defaulted("v1", "Secret", "{}"), json::parse(R"({"type":"Opaque"})"));
  EXPECT_EQ(Defaulted("storage.k8s.io/v1", "StorageClass", R"({"provisioner":"p"})"),
            json::parse(R"({"provisioner":"p","reclaimPolicy":"Delete",
                            "volumeBindingMode":"Immediate"})"));
  json::object ns = Defaulted("v1", "Namespace", R"({"metadata":{"name":"team"}})");
  EXPECT_EQ(json::value(ns), json::parse(R"({"metadata":{"name":"team",
    "labels":{"kubernetes.io/metadata.name":"team"}},
    "spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}})"));
  EXPECT_EQ(Defaulted("v1", "ConfigMap", R"({"data":{"a":"b"}})"),
            json::parse(R"({"data":{"a":"b"}})"));
}

TEST(DefaultsTest, Idempotent) {
  const std::pair<const char*, const char*> kinds[] = {{"v1", "Pod"},
                                                       {"v1", "Service"},
                                                       {"v1", "Namespace"},
                                                       {"apps/v1", "Deployment"},
                                                       {"apps/v1", "StatefulSet"},
                                                       {"apps/v1", "DaemonSet"},
                                                       {"v1", "ReplicationController"},
                                                       {"v1", "PersistentVolume"}};
  const char* text = R"({"metadata":{"name":"n"},"spec":{"ports":[{"port":1}],
    "template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c",
    "image":"i","livenessProbe":{"httpGet":{"port":1}}}]}},
    "containers":[{"name":"c","image":"i","resources":{"limits":{"cpu":"1"}}}],
    "volumes":[{"name":"v"}]}})";
  for (const auto& [gv, kind] : kinds) {
    json::object once = Defaulted(gv, kind, text);
    json::object twice = once;
    ApplyDefaults(KindOf(gv, kind), twice);
    EXPECT_EQ(once, twice) << kind << ": " << json::serialize(once);
  }
}

TEST(DefaultsTest, JobAndItsGeneratedSelector) {
  const char* job = R"({"metadata":{"name":"pi","uid":"u-1"},"spec":{"template":{"spec":{
    "restartPolicy":"Never","containers":[{"name":"pi","image":"perl"}]}}}})";
  json::object d = Defaulted("batch/v1", "Job", job);
  const json::object& spec = d["spec"].as_object();
  // Neither parallelism nor completions: one pod to one success.
  EXPECT_EQ(spec.at("completions"), 1);
  EXPECT_EQ(spec.at("parallelism"), 1);
  EXPECT_EQ(spec.at("backoffLimit"), 6);
  EXPECT_EQ(spec.at("completionMode"), "NonIndexed");
  EXPECT_EQ(spec.at("suspend"), false);
  // Parallelism alone is a work queue: completions stay unset.
  json::object queue = Defaulted("batch/v1", "Job", R"({"spec":{"parallelism":3}})");
  EXPECT_FALSE(queue["spec"].as_object().contains("completions"));

  LabelJobPods(d);
  EXPECT_EQ(d["spec"].at("selector"),
            json::parse(R"({"matchLabels":{"batch.kubernetes.io/controller-uid":"u-1"}})"));
  EXPECT_EQ(d["spec"].at("template").at("metadata").at("labels"), json::parse(R"({
    "batch.kubernetes.io/controller-uid":"u-1","controller-uid":"u-1",
    "batch.kubernetes.io/job-name":"pi","job-name":"pi"})"));
  // A manual selector is the user's.
  json::object manual = json::parse(R"({"metadata":{"name":"m","uid":"u-2"},
    "spec":{"manualSelector":true,"selector":{"matchLabels":{"a":"b"}}}})")
                            .as_object();
  LabelJobPods(manual);
  EXPECT_EQ(manual["spec"].at("selector"), json::parse(R"({"matchLabels":{"a":"b"}})"));
}

}  // namespace
}  // namespace skiff::api
