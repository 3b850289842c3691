#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/api/defaults.h"
#include "core/api/validation.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

const Kind& KindOf(const char* api_version, const char* kind) {
  return *KindRegistry::Builtin().ByKind(api_version, kind);
}

json::object Defaulted(const Kind& kind, const char* text) {
  json::object obj = json::parse(text).as_object();
  ApplyDefaults(kind, obj);
  return obj;
}

// Applies `change` (a JSON merge of fields) to a copy of old and validates the update.
std::vector<StatusCause> Update(const char* api_version, const char* kind, const char* old_text,
                                void (*change)(json::object&)) {
  const Kind& k = KindOf(api_version, kind);
  json::object old = Defaulted(k, old_text);
  json::object updated = old;
  change(updated);
  ApplyDefaults(k, updated);
  return ValidateUpdate(k, updated, old);
}

std::string Dump(const std::vector<StatusCause>& causes) {
  std::string out;
  for (const auto& c : causes) out += c.reason + " " + c.field + ": " + c.message + "\n";
  return out;
}

constexpr const char* kPod = R"({"metadata":{"name":"web","namespace":"default","uid":"u1",
  "creationTimestamp":"2024-01-01T00:00:00Z"},
  "spec":{"containers":[{"name":"web","image":"nginx:1.24"}],
  "tolerations":[{"key":"a","operator":"Exists"}],"activeDeadlineSeconds":100}})";

json::object& Spec(json::object& obj) { return obj["spec"].as_object(); }
json::object& Container0(json::object& obj) {
  return Spec(obj)["containers"].as_array()[0].as_object();
}

TEST(ValidateUpdateTest, PodImageAndMutableFieldsMayChange) {
  auto causes = Update("v1", "Pod", kPod, [](json::object& p) {
    Container0(p)["image"] = "nginx:1.25";
    Spec(p)["activeDeadlineSeconds"] = 50;
    Spec(p)["tolerations"].as_array().push_back(json::object{{"key", "b"}, {"operator", "Exists"}});
    p["metadata"].as_object()["labels"] = json::object{{"x", "y"}};
  });
  EXPECT_TRUE(causes.empty()) << Dump(causes);
}

TEST(ValidateUpdateTest, PodSpecIsOtherwiseImmutable) {
  auto causes = Update("v1", "Pod", kPod,
                       [](json::object& p) { Container0(p)["command"] = json::array{"sh"}; });
  ASSERT_EQ(causes.size(), 1u) << Dump(causes);
  EXPECT_EQ(causes[0].field, "spec");
  EXPECT_EQ(causes[0].reason, "FieldValueForbidden");
  EXPECT_EQ(causes[0].message.rfind("Forbidden: pod updates may not change fields other than "
                                    "`spec.containers[*].image`",
                                    0),
            0u);

  causes = Update("v1", "Pod", kPod, [](json::object& p) { Spec(p).erase("tolerations"); });
  ASSERT_EQ(causes.size(), 1u) << Dump(causes);
  EXPECT_EQ(causes[0].field, "spec");

  causes =
      Update("v1", "Pod", kPod, [](json::object& p) { Spec(p)["activeDeadlineSeconds"] = 200; });
  ASSERT_EQ(causes.size(), 1u) << Dump(causes);
  EXPECT_EQ(causes[0].field, "spec.activeDeadlineSeconds");
  EXPECT_EQ(causes[0].message, "Invalid value: 200: must be less than or equal to previous value");
}

TEST(ValidateUpdateTest, SchedulingGatesMayOnlyBeRemoved) {
  const char* gated = R"({"metadata":{"name":"p","namespace":"d"},"spec":{
    "containers":[{"name":"a","image":"b"}],"schedulingGates":[{"name":"x"},{"name":"y"}]}})";
  EXPECT_TRUE(Update("v1", "Pod", gated, [](json::object& p) {
                Spec(p)["schedulingGates"].as_array().erase(
                    Spec(p)["schedulingGates"].as_array().begin());
              }).empty());
  EXPECT_FALSE(Update("v1", "Pod", gated, [](json::object& p) {
                 Spec(p)["schedulingGates"].as_array().push_back(json::object{{"name", "z"}});
               }).empty());
}

TEST(ValidateUpdateTest, MetadataIdentityIsImmutable) {
  auto causes = Update("v1", "Pod", kPod, [](json::object& p) {
    p["metadata"].as_object()["name"] = "other";
    p["metadata"].as_object()["uid"] = "u2";
  });
  ASSERT_EQ(causes.size(), 2u) << Dump(causes);
  EXPECT_EQ(causes[0].field, "metadata.name");
  EXPECT_EQ(causes[0].message, "Invalid value: \"other\": field is immutable");
  EXPECT_EQ(causes[1].field, "metadata.uid");
}

constexpr const char* kDeployment = R"({"metadata":{"name":"web","namespace":"default"},
  "spec":{"selector":{"matchLabels":{"app":"web"}},
  "template":{"metadata":{"labels":{"app":"web","v":"1"}},
  "spec":{"containers":[{"name":"web","image":"nginx"}]}}}})";

TEST(ValidateUpdateTest, WorkloadSelectorIsImmutable) {
  auto causes = Update("apps/v1", "Deployment", kDeployment, [](json::object& d) {
    Spec(d)["replicas"] = 5;
    Spec(d)["template"]
        .as_object()["spec"]
        .as_object()["containers"]
        .as_array()[0]
        .as_object()["image"] = "nginx:2";
  });
  EXPECT_TRUE(causes.empty()) << Dump(causes);

  causes = Update("apps/v1", "Deployment", kDeployment, [](json::object& d) {
    Spec(d)["selector"] = json::object{{"matchLabels", json::object{{"v", "1"}}}};
  });
  ASSERT_EQ(causes.size(), 1u) << Dump(causes);
  EXPECT_EQ(causes[0].field, "spec.selector");
  EXPECT_EQ(causes[0].message,
            "Invalid value: {\"matchLabels\":{\"v\":\"1\"}}: field is immutable");
}

TEST(ValidateUpdateTest, StatefulSetSpecIsMostlyImmutable) {
  auto causes = Update("apps/v1", "StatefulSet", kDeployment,
                       [](json::object& s) { Spec(s)["serviceName"] = "other"; });
  ASSERT_EQ(causes.size(), 1u) << Dump(causes);
  EXPECT_EQ(causes[0].field, "spec");
  causes = Update("apps/v1", "StatefulSet", kDeployment,
                  [](json::object& s) { Spec(s)["replicas"] = 3; });
  EXPECT_TRUE(causes.empty()) << Dump(causes);
}

TEST(ValidateUpdateTest, ServiceClusterIpIsImmutableOnceSet) {
  const char* svc = R"({"metadata":{"name":"s","namespace":"d"},
    "spec":{"clusterIP":"10.0.0.1","ports":[{"port":80}]}})";
  auto causes =
      Update("v1", "Service", svc, [](json::object& s) { Spec(s)["clusterIP"] = "10.0.0.2"; });
  ASSERT_EQ(causes.size(), 1u) << Dump(causes);
  EXPECT_EQ(causes[0].field, "spec.clusterIP");
  EXPECT_TRUE(Update("v1", "Service", svc, [](json::object& s) {
                Spec(s)["ports"].as_array()[0].as_object()["port"] = 81;
              }).empty());
}

TEST(ValidateUpdateTest, ImmutableConfigMapsAndSecrets) {
  const char* cm = R"({"metadata":{"name":"c","namespace":"d"},"data":{"a":"1"},"immutable":true})";
  auto causes =
      Update("v1", "ConfigMap", cm, [](json::object& c) { c["data"].as_object()["a"] = "2"; });
  ASSERT_EQ(causes.size(), 1u) << Dump(causes);
  EXPECT_EQ(causes[0].field, "data");
  EXPECT_EQ(causes[0].message, "Forbidden: field is immutable when `immutable` is set");
  causes = Update("v1", "ConfigMap", cm, [](json::object& c) { c["immutable"] = false; });
  ASSERT_EQ(causes.size(), 1u) << Dump(causes);
  EXPECT_EQ(causes[0].field, "immutable");

  const char* secret = R"({"metadata":{"name":"s","namespace":"d"},"data":{"a":"MQ=="}})";
  EXPECT_TRUE(Update("v1", "Secret", secret, [](json::object& s) {
                s["data"].as_object()["a"] = "Mg==";
              }).empty());
  causes = Update("v1", "Secret", secret, [](json::object& s) { s["type"] = "kubernetes.io/tls"; });
  EXPECT_FALSE(causes.empty());
  EXPECT_EQ(causes.back().field, "type");
}

TEST(ValidateUpdateTest, ControllerRevisionDataIsImmutableItsNumberIsNot) {
  const char* cr = R"({"metadata":{"name":"r","namespace":"d"},"data":{"spec":{}},"revision":1})";
  EXPECT_TRUE(Update("apps/v1", "ControllerRevision", cr, [](json::object& r) {
                r["revision"] = 5;
              }).empty());
  auto causes = Update("apps/v1", "ControllerRevision", cr, [](json::object& r) {
    r["data"] = json::object{{"spec", 1}};
  });
  ASSERT_EQ(causes.size(), 1u) << Dump(causes);
  EXPECT_EQ(causes[0].field, "data");
}

TEST(ValidateUpdateTest, ClaimSpecOnlyGrowsWhenBound) {
  const char* pvc = R"({"metadata":{"name":"c","namespace":"d"},"spec":{
    "accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}},
    "status":{"phase":"Bound"}})";
  EXPECT_TRUE(Update("v1", "PersistentVolumeClaim", pvc, [](json::object& c) {
                Spec(c)["resources"].as_object()["requests"].as_object()["storage"] = "2Gi";
                Spec(c)["volumeName"] = "pv-1";
              }).empty());
  auto causes = Update("v1", "PersistentVolumeClaim", pvc, [](json::object& c) {
    Spec(c)["resources"].as_object()["requests"].as_object()["storage"] = "500Mi";
  });
  ASSERT_EQ(causes.size(), 1u) << Dump(causes);
  EXPECT_EQ(causes[0].field, "spec.resources.requests.storage");
  causes = Update("v1", "PersistentVolumeClaim", pvc,
                  [](json::object& c) { Spec(c)["accessModes"] = json::array{"ReadWriteMany"}; });
  ASSERT_EQ(causes.size(), 1u) << Dump(causes);
  EXPECT_EQ(causes[0].field, "spec");
}

}  // namespace
}  // namespace skiff::api
