#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/api/patch.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

const Kind& KindOf(const char* api_version, const char* kind) {
  return *KindRegistry::Builtin().ByKind(api_version, kind);
}

json::value Smp(const Kind& kind, const char* target, const char* patch) {
  auto r = ApplyStrategicMergePatch(kind, json::parse(target), json::parse(patch));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : json::value();
}

json::value PodSmp(const char* target, const char* patch) {
  return Smp(KindOf("v1", "Pod"), target, patch);
}

constexpr const char* kPod = R"({
  "metadata": {"name": "p", "finalizers": ["a", "b"]},
  "spec": {
    "containers": [
      {"name": "web", "image": "nginx:1.24", "ports": [{"containerPort": 80}],
       "env": [{"name": "A", "value": "1"}]},
      {"name": "log", "image": "busybox", "args": ["x", "y"]}],
    "tolerations": [{"key": "k1"}, {"key": "k2"}]}})";

TEST(StrategicMergePatchTest, ContainersMergeByName) {
  json::value r = PodSmp(kPod, R"({"spec":{"containers":[{"name":"web","image":"nginx:1.25"}]}})");
  EXPECT_EQ(r.at_pointer("/spec/containers/0/image"), "nginx:1.25");
  EXPECT_EQ(r.at_pointer("/spec/containers/0/ports/0/containerPort"), 80);
  EXPECT_EQ(r.at_pointer("/spec/containers/1/name"), "log");
  EXPECT_EQ(r.at_pointer("/spec/containers").as_array().size(), 2u);
}

TEST(StrategicMergePatchTest, NewItemGoesBeforeServerOnlyItems) {
  // Without $setElementOrder, Kubernetes puts items the live list lacks ahead of it.
  json::value r = PodSmp(kPod, R"({"spec":{"containers":[{"name":"side","image":"s"}]}})");
  const auto& cs = r.at_pointer("/spec/containers").as_array();
  ASSERT_EQ(cs.size(), 3u);
  EXPECT_EQ(cs[0].at("name"), "side");
  EXPECT_EQ(cs[1].at("name"), "web");
  EXPECT_EQ(cs[2].at("name"), "log");
}

TEST(StrategicMergePatchTest, NestedKeyedListsMerge) {
  json::value r = PodSmp(kPod, R"({"spec":{"containers":[{"name":"web",
      "env":[{"name":"B","value":"2"},{"name":"A","value":"9"}],
      "ports":[{"containerPort":443}]}]}})");
  EXPECT_EQ(r.at_pointer("/spec/containers/0/env"),
            json::parse(R"([{"name":"B","value":"2"},{"name":"A","value":"9"}])"));
  EXPECT_EQ(r.at_pointer("/spec/containers/0/ports").as_array().size(), 2u);
}

TEST(StrategicMergePatchTest, PatchDeleteRemovesListItem) {
  json::value r = PodSmp(kPod, R"({"spec":{"containers":[{"name":"log","$patch":"delete"}]}})");
  EXPECT_EQ(r.at_pointer("/spec/containers").as_array().size(), 1u);
  EXPECT_EQ(r.at_pointer("/spec/containers/0/name"), "web");
}

TEST(StrategicMergePatchTest, PatchReplaceReplacesList) {
  json::value r = PodSmp(kPod, R"({"spec":{"containers":[
      {"$patch":"replace"},{"name":"only","image":"i"}]}})");
  EXPECT_EQ(r.at_pointer("/spec/containers"), json::parse(R"([{"name":"only","image":"i"}])"));
}

TEST(StrategicMergePatchTest, PatchReplaceAndDeleteOnMaps) {
  json::value r = PodSmp(R"({"spec":{"nodeSelector":{"a":"1","b":"2"},"x":{"y":1}}})",
                         R"({"spec":{"nodeSelector":{"$patch":"replace","c":"3"},
                                     "x":{"$patch":"delete"}}})");
  EXPECT_EQ(r, json::parse(R"({"spec":{"nodeSelector":{"c":"3"},"x":{}}})"));
}

TEST(StrategicMergePatchTest, SetElementOrderReorders) {
  json::value r = PodSmp(kPod, R"({"spec":{"$setElementOrder/containers":
      [{"name":"log"},{"name":"web"}]}})");
  EXPECT_EQ(r.at_pointer("/spec/containers/0/name"), "log");
  EXPECT_EQ(r.at_pointer("/spec/containers/1/name"), "web");
  EXPECT_EQ(r.at_pointer("/spec/containers/1/image"), "nginx:1.24");
}

TEST(StrategicMergePatchTest, SetElementOrderPlacesNewItems) {
  json::value r = PodSmp(kPod, R"({"spec":{
      "$setElementOrder/containers":[{"name":"web"},{"name":"log"},{"name":"side"}],
      "containers":[{"name":"side","image":"s"}]}})");
  const auto& cs = r.at_pointer("/spec/containers").as_array();
  ASSERT_EQ(cs.size(), 3u);
  EXPECT_EQ(cs[0].at("name"), "web");
  EXPECT_EQ(cs[1].at("name"), "log");
  EXPECT_EQ(cs[2].at("name"), "side");
  EXPECT_FALSE(r.at_pointer("/spec").as_object().contains("$setElementOrder/containers"));
}

TEST(StrategicMergePatchTest, UnknownListsAreReplaced) {
  json::value r = PodSmp(kPod, R"({"spec":{"tolerations":[{"key":"k3"}],
      "containers":[{"name":"log","args":["z"]}]}})");
  EXPECT_EQ(r.at_pointer("/spec/tolerations"), json::parse(R"([{"key":"k3"}])"));
  EXPECT_EQ(r.at_pointer("/spec/containers/1/args"), json::parse(R"(["z"])"));
}

TEST(StrategicMergePatchTest, NullDeletesKey) {
  json::value r = PodSmp(kPod, R"({"spec":{"tolerations":null,
      "containers":[{"name":"web","ports":null}]}})");
  EXPECT_FALSE(r.at_pointer("/spec").as_object().contains("tolerations"));
  EXPECT_FALSE(r.at_pointer("/spec/containers/0").as_object().contains("ports"));
}

TEST(StrategicMergePatchTest, FinalizersMergeAsSetAndDeleteFromPrimitiveList) {
  json::value r = PodSmp(kPod, R"({"metadata":{"finalizers":["c","a"]}})");
  EXPECT_EQ(r.at_pointer("/metadata/finalizers"), json::parse(R"(["c","a","b"])"));
  r = PodSmp(kPod, R"({"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}})");
  EXPECT_EQ(r.at_pointer("/metadata/finalizers"), json::parse(R"(["b"])"));
}

TEST(StrategicMergePatchTest, RetainKeysClearsOtherFields) {
  const Kind& deploy = KindOf("apps/v1", "Deployment");
  json::value r = Smp(deploy, R"({"spec":{"strategy":{"type":"RollingUpdate",
      "rollingUpdate":{"maxSurge":"25%"}}}})",
                      R"({"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}})");
  EXPECT_EQ(r, json::parse(R"({"spec":{"strategy":{"type":"Recreate"}}})"));
}

TEST(StrategicMergePatchTest, ServicePortsMergeByPort) {
  const Kind& svc = KindOf("v1", "Service");
  json::value r = Smp(svc, R"({"spec":{"ports":[{"port":80,"name":"http"},{"port":443}]}})",
                      R"({"spec":{"ports":[{"port":443,"name":"https"}]}})");
  EXPECT_EQ(r.at_pointer("/spec/ports"),
            json::parse(R"([{"port":80,"name":"http"},{"port":443,"name":"https"}])"));
}

TEST(StrategicMergePatchTest, PodConditionsMergeByType) {
  json::value r = PodSmp(
      R"({"status":{"conditions":[{"type":"Ready","status":"False"},{"type":"PodScheduled","status":"True"}]}})",
      R"({"status":{"conditions":[{"type":"Ready","status":"True"}]}})");
  EXPECT_EQ(r.at_pointer("/status/conditions/0"),
            json::parse(R"({"type":"Ready","status":"True"})"));
  EXPECT_EQ(r.at_pointer("/status/conditions").as_array().size(), 2u);
}

TEST(StrategicMergePatchTest, EndpointsSubsetsAreAtomic) {
  const Kind& ep = KindOf("v1", "Endpoints");
  json::value r = Smp(ep, R"({"subsets":[{"addresses":[{"ip":"1.1.1.1"}]}]})",
                      R"({"subsets":[{"addresses":[{"ip":"2.2.2.2"}]}]})");
  EXPECT_EQ(r, json::parse(R"({"subsets":[{"addresses":[{"ip":"2.2.2.2"}]}]})"));
}

TEST(StrategicMergePatchTest, KubectlApplyOnDeployment) {
  const Kind& deploy = KindOf("apps/v1", "Deployment");
  const char* live = R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "default", "resourceVersion": "7",
      "annotations": {"deployment.kubernetes.io/revision": "1",
        "kubectl.kubernetes.io/last-applied-configuration": "{\"old\":true}\n"}},
    "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
      "template": {"metadata": {"labels": {"app": "web"}},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.24",
          "ports": [{"containerPort": 80, "protocol": "TCP"}],
          "env": [{"name": "A", "value": "1"}],
          "imagePullPolicy": "IfNotPresent", "terminationMessagePath": "/dev/termination-log"}],
          "restartPolicy": "Always", "dnsPolicy": "ClusterFirst"}}},
    "status": {"replicas": 2}})";
  // What `kubectl apply` sends after the manifest changed the image and added env B.
  const char* patch = R"({
    "metadata": {"annotations": {
      "kubectl.kubernetes.io/last-applied-configuration": "{\"new\":true}\n"}},
    "spec": {"template": {"spec": {
      "$setElementOrder/containers": [{"name": "web"}],
      "containers": [{
        "$setElementOrder/env": [{"name": "A"}, {"name": "B"}],
        "env": [{"name": "B", "value": "2"}],
        "image": "nginx:1.25", "name": "web"}]}}}})";
  json::value r = Smp(deploy, live, patch);
  const json::value& c = r.at_pointer("/spec/template/spec/containers/0");
  EXPECT_EQ(c.at("image"), "nginx:1.25");
  EXPECT_EQ(c.at("env"), json::parse(R"([{"name":"A","value":"1"},{"name":"B","value":"2"}])"));
  EXPECT_EQ(c.at("ports"), json::parse(R"([{"containerPort":80,"protocol":"TCP"}])"));
  EXPECT_EQ(c.at("imagePullPolicy"), "IfNotPresent");
  EXPECT_FALSE(c.as_object().contains("$setElementOrder/env"));
  EXPECT_EQ(r.at_pointer("/metadata/annotations/deployment.kubernetes.io~1revision"), "1");
  EXPECT_EQ(r.at_pointer("/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration"),
            "{\"new\":true}\n");
  EXPECT_EQ(r.at_pointer("/spec/replicas"), 2);
  EXPECT_EQ(r.at_pointer("/status/replicas"), 2);
}

TEST(StrategicMergePatchTest, KubectlApplyRemovingAnEnvVar) {
  const Kind& deploy = KindOf("apps/v1", "Deployment");
  json::value r = Smp(deploy, R"({"spec":{"template":{"spec":{"containers":[
      {"name":"web","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]}]}}}})",
                      R"({"spec":{"template":{"spec":{
      "$setElementOrder/containers":[{"name":"web"}],
      "containers":[{"name":"web","$setElementOrder/env":[{"name":"B"}],
                     "env":[{"name":"A","$patch":"delete"}]}]}}}})");
  EXPECT_EQ(r.at_pointer("/spec/template/spec/containers/0/env"),
            json::parse(R"([{"name":"B","value":"2"}])"));
}

TEST(StrategicMergePatchTest, Errors) {
  const Kind& pod = KindOf("v1", "Pod");
  auto missing_key = ApplyStrategicMergePatch(
      pod, json::parse(kPod), json::parse(R"({"spec":{"containers":[{"image":"x"}]}})"));
  ASSERT_FALSE(missing_key.ok());
  EXPECT_NE(missing_key.status().message().find("does not contain declared merge key: name"),
            std::string::npos);
  EXPECT_FALSE(ApplyStrategicMergePatch(pod, json::parse(kPod),
                                        json::parse(R"({"spec":{"$patch":"bogus"}})"))
                   .ok());
  EXPECT_FALSE(ApplyStrategicMergePatch(pod, json::parse(kPod), json::parse("[1]")).ok());
  EXPECT_FALSE(ApplyStrategicMergePatch(pod, json::parse(kPod),
                                        json::parse(R"({"spec":{"$retainKeys":["a"],"b":1}})"))
                   .ok());
}

}  // namespace
}  // namespace skiff::api
