#include "core/api/validation.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/api/defaults.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

const Kind& KindOf(const char* api_version, const char* kind) {
  return *KindRegistry::Builtin().ByKind(api_version, kind);
}

// Defaults then validates, as the API server does on create.
std::vector<StatusCause> Create(const char* api_version, const char* kind, const char* text) {
  json::object obj = json::parse(text).as_object();
  ApplyDefaults(KindOf(api_version, kind), obj);
  return ValidateCreate(KindOf(api_version, kind), obj);
}

std::string Dump(const std::vector<StatusCause>& causes) {
  std::string out;
  for (const auto& c : causes) out += c.reason + " " + c.field + ": " + c.message + "\n";
  return out;
}

// The cause at field, or null.
const StatusCause* At(const std::vector<StatusCause>& causes, std::string_view field) {
  for (const auto& c : causes) {
    if (c.field == field) return &c;
  }
  return nullptr;
}

#define EXPECT_CAUSE(causes, field_path, want_reason)                                  \
  do {                                                                                 \
    const StatusCause* c_ = At(causes, field_path);                                    \
    ASSERT_NE(c_, nullptr) << "no cause at " << field_path << " in\n" << Dump(causes); \
    EXPECT_EQ(c_->reason, want_reason) << Dump(causes);                                \
  } while (0)

constexpr const char* kPod = R"({"metadata":{"name":"web","namespace":"default",
  "labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1.25",
  "ports":[{"containerPort":80,"name":"http"}],"volumeMounts":[{"name":"data","mountPath":"/d"}]}],
  "volumes":[{"name":"data","emptyDir":{}}]}})";

TEST(ValidationTest, ValidPodHasNoCauses) {
  auto causes = Create("v1", "Pod", kPod);
  EXPECT_TRUE(causes.empty()) << Dump(causes);
}

TEST(ValidationTest, InvalidNameMessageMatchesKubernetes) {
  auto causes = Create("v1", "Pod", R"({"metadata":{"name":"X_y","namespace":"default"},
    "spec":{"containers":[{"name":"a","image":"b"}]}})");
  ASSERT_EQ(causes.size(), 1u) << Dump(causes);
  ApiError e = ApiError::Invalid("", "Pod", "X_y", causes);
  EXPECT_EQ(e.message,
            "Pod \"X_y\" is invalid: metadata.name: Invalid value: \"X_y\": a lowercase RFC 1123 "
            "subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
            "start and end with an alphanumeric character (e.g. 'example.com', regex used for "
            "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
  EXPECT_EQ(causes[0].reason, "FieldValueInvalid");
}

TEST(ValidationTest, NameNamespaceAndScope) {
  auto causes =
      Create("v1", "Pod", R"({"metadata":{},"spec":{"containers":[{"name":"a","image":"b"}]}})");
  EXPECT_CAUSE(causes, "metadata.name", "FieldValueRequired");
  EXPECT_EQ(At(causes, "metadata.name")->message,
            "Required value: name or generateName is required");
  EXPECT_CAUSE(causes, "metadata.namespace", "FieldValueRequired");

  causes = Create("v1", "Node", R"({"metadata":{"name":"n1","namespace":"default"}})");
  EXPECT_CAUSE(causes, "metadata.namespace", "FieldValueForbidden");
  EXPECT_EQ(At(causes, "metadata.namespace")->message, "Forbidden: not allowed on this type");

  causes = Create("v1", "Namespace", R"({"metadata":{"name":"a.b"}})");
  EXPECT_CAUSE(causes, "metadata.name", "FieldValueInvalid");
  EXPECT_NE(At(causes, "metadata.name")->message.find("RFC 1123 label"), std::string::npos);

  causes = Create("v1", "ConfigMap", R"({"metadata":{"generateName":"cfg-",
    "namespace":"default"}})");
  EXPECT_CAUSE(causes, "metadata.name", "FieldValueRequired");  // the server fills it first
  EXPECT_EQ(At(causes, "metadata.generateName"), nullptr);
}

TEST(ValidationTest, ServiceNamesAreDns1035Labels) {
  auto causes = Create("v1", "Service", R"({"metadata":{"name":"1web","namespace":"default"},
    "spec":{"ports":[{"port":80}]}})");
  EXPECT_CAUSE(causes, "metadata.name", "FieldValueInvalid");
  EXPECT_NE(At(causes, "metadata.name")->message.find("a DNS-1035 label"), std::string::npos);
}

TEST(ValidationTest, LabelsAndAnnotations) {
  auto causes = Create("v1", "ConfigMap", R"({"metadata":{"name":"c","namespace":"d",
    "labels":{"bad key":"v","ok":"-bad-"},"annotations":{"a/b/c":"x"}}})");
  ASSERT_EQ(causes.size(), 3u) << Dump(causes);
  EXPECT_EQ(causes[0].field, "metadata.labels");
  EXPECT_EQ(causes[0].message.rfind("Invalid value: \"bad key\": name part must consist of", 0),
            0u);
  EXPECT_EQ(causes[1].field, "metadata.labels");
  EXPECT_EQ(causes[1].message.rfind("Invalid value: \"-bad-\": a valid label must be", 0), 0u);
  EXPECT_EQ(causes[2].field, "metadata.annotations");
}

TEST(ValidationTest, PodSpecRequiredFields) {
  auto causes = Create("v1", "Pod", R"({"metadata":{"name":"p","namespace":"d"},"spec":{}})");
  EXPECT_CAUSE(causes, "spec.containers", "FieldValueRequired");

  causes = Create("v1", "Pod", R"({"metadata":{"name":"p","namespace":"d"},"spec":{
    "containers":[{"name":"a"},{"name":"a","image":"x"},{"image":"y"}]}})");
  EXPECT_CAUSE(causes, "spec.containers[0].image", "FieldValueRequired");
  EXPECT_EQ(At(causes, "spec.containers[0].image")->message, "Required value");
  EXPECT_CAUSE(causes, "spec.containers[1].name", "FieldValueDuplicate");
  EXPECT_EQ(At(causes, "spec.containers[1].name")->message, "Duplicate value: \"a\"");
  EXPECT_CAUSE(causes, "spec.containers[2].name", "FieldValueRequired");
}

TEST(ValidationTest, PodSpecValues) {
  auto causes = Create("v1", "Pod", R"({"metadata":{"name":"p","namespace":"d"},"spec":{
    "restartPolicy":"Sometimes",
    "initContainers":[{"name":"a","image":"i"}],
    "containers":[{"name":"a","image":"x","imagePullPolicy":"Maybe",
      "ports":[{"containerPort":70000,"protocol":"ICMP"}],
      "volumeMounts":[{"name":"missing","mountPath":"/x"}],
      "resources":{"requests":{"cpu":"2"},"limits":{"cpu":"1","memory":"lots"}}}]}})");
  EXPECT_CAUSE(causes, "spec.restartPolicy", "FieldValueNotSupported");
  EXPECT_EQ(At(causes, "spec.restartPolicy")->message,
            "Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", "
            "\"Never\"");
  EXPECT_CAUSE(causes, "spec.initContainers[0].name", "FieldValueDuplicate");
  EXPECT_CAUSE(causes, "spec.containers[0].imagePullPolicy", "FieldValueNotSupported");
  EXPECT_CAUSE(causes, "spec.containers[0].ports[0].containerPort", "FieldValueInvalid");
  EXPECT_EQ(At(causes, "spec.containers[0].ports[0].containerPort")->message,
            "Invalid value: 70000: must be between 1 and 65535, inclusive");
  EXPECT_CAUSE(causes, "spec.containers[0].ports[0].protocol", "FieldValueNotSupported");
  EXPECT_CAUSE(causes, "spec.containers[0].volumeMounts[0].name", "FieldValueNotFound");
  EXPECT_CAUSE(causes, "spec.containers[0].resources.requests[cpu]", "FieldValueInvalid");
  EXPECT_EQ(At(causes, "spec.containers[0].resources.requests[cpu]")->message,
            "Invalid value: \"2\": must be less than or equal to cpu limit of 1");
  EXPECT_CAUSE(causes, "spec.containers[0].resources.limits[memory]", "FieldValueInvalid");
}

constexpr const char* kDeployment = R"({"metadata":{"name":"web","namespace":"default"},
  "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
  "template":{"metadata":{"labels":{"app":"web"}},
  "spec":{"containers":[{"name":"web","image":"nginx"}]}}}})";

TEST(ValidationTest, Deployment) {
  EXPECT_TRUE(Create("apps/v1", "Deployment", kDeployment).empty())
      << Dump(Create("apps/v1", "Deployment", kDeployment));

  auto causes = Create("apps/v1", "Deployment", R"({"metadata":{"name":"d","namespace":"x"},
    "spec":{"template":{"spec":{"containers":[{"name":"a","image":"b"}]}}}})");
  EXPECT_CAUSE(causes, "spec.selector", "FieldValueRequired");

  causes = Create("apps/v1", "Deployment", R"({"metadata":{"name":"d","namespace":"x"},
    "spec":{"replicas":-1,"selector":{"matchLabels":{"app":"a"},
      "matchExpressions":[{"key":"t","operator":"In"}]},
    "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":0,"maxSurge":"0%"}},
    "template":{"metadata":{"labels":{"app":"b"}},
      "spec":{"restartPolicy":"Never","containers":[{"name":"a","image":"b"}]}}}})");
  EXPECT_CAUSE(causes, "spec.replicas", "FieldValueInvalid");
  EXPECT_CAUSE(causes, "spec.selector.matchExpressions[0].values", "FieldValueRequired");
  EXPECT_CAUSE(causes, "spec.selector", "FieldValueInvalid");  // does not parse
  EXPECT_CAUSE(causes, "spec.strategy.rollingUpdate.maxUnavailable", "FieldValueInvalid");

  causes = Create("apps/v1", "Deployment", R"({"metadata":{"name":"d","namespace":"x"},
    "spec":{"selector":{"matchLabels":{"app":"a"}},
    "template":{"metadata":{"labels":{"app":"b"}},
      "spec":{"restartPolicy":"Never","containers":[{"name":"a","image":"b"}]}}}})");
  EXPECT_CAUSE(causes, "spec.template.metadata.labels", "FieldValueInvalid");
  EXPECT_EQ(At(causes, "spec.template.metadata.labels")->message,
            "Invalid value: {\"app\":\"b\"}: `selector` does not match template `labels`");
  EXPECT_CAUSE(causes, "spec.template.spec.restartPolicy", "FieldValueNotSupported");

  causes = Create("apps/v1", "Deployment", R"({"metadata":{"name":"d","namespace":"x"},
    "spec":{"selector":{},"template":{"spec":{"containers":[{"name":"a"}]}}}})");
  EXPECT_CAUSE(causes, "spec.selector", "FieldValueInvalid");
  EXPECT_CAUSE(causes, "spec.template.spec.containers[0].image", "FieldValueRequired");
}

TEST(ValidationTest, OtherWorkloads) {
  auto causes = Create("apps/v1", "StatefulSet", R"({"metadata":{"name":"s","namespace":"x"},
    "spec":{"podManagementPolicy":"Whenever","selector":{"matchLabels":{"a":"b"}},
    "template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"a","image":"b"}]}}}})");
  ASSERT_EQ(causes.size(), 1u) << Dump(causes);
  EXPECT_CAUSE(causes, "spec.podManagementPolicy", "FieldValueInvalid");

  causes = Create("apps/v1", "DaemonSet", R"({"metadata":{"name":"s","namespace":"x"},
    "spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},
    "spec":{"activeDeadlineSeconds":5,"containers":[{"name":"a","image":"b"}]}}}})");
  EXPECT_CAUSE(causes, "spec.template.spec.activeDeadlineSeconds", "FieldValueForbidden");

  causes = Create("v1", "ReplicationController", R"({"metadata":{"name":"r","namespace":"x"},
    "spec":{"selector":{"a":"b"},"template":{"metadata":{"labels":{"a":"c"}},
    "spec":{"containers":[{"name":"a","image":"b"}]}}}})");
  EXPECT_CAUSE(causes, "spec.template.metadata.labels", "FieldValueInvalid");
  EXPECT_TRUE(Create("apps/v1", "ReplicaSet", kDeployment).empty());
}

TEST(ValidationTest, Service) {
  auto causes = Create("v1", "Service", R"({"metadata":{"name":"s","namespace":"x"},
    "spec":{"type":"Magic","ports":[{"port":0},{"port":80,"name":"Web"},
    {"port":81,"name":"a","targetPort":"no_good"}]}})");
  EXPECT_CAUSE(causes, "spec.ports[0].port", "FieldValueInvalid");
  EXPECT_CAUSE(causes, "spec.ports[0].name", "FieldValueRequired");
  EXPECT_CAUSE(causes, "spec.ports[1].name", "FieldValueInvalid");
  EXPECT_CAUSE(causes, "spec.ports[2].targetPort", "FieldValueInvalid");
  EXPECT_CAUSE(causes, "spec.type", "FieldValueNotSupported");

  causes = Create("v1", "Service", R"({"metadata":{"name":"s","namespace":"x"},"spec":{}})");
  EXPECT_CAUSE(causes, "spec.ports", "FieldValueRequired");
  EXPECT_TRUE(Create("v1", "Service", R"({"metadata":{"name":"s","namespace":"x"},
    "spec":{"clusterIP":"None"}})")
                  .empty());

  causes = Create("v1", "Service", R"({"metadata":{"name":"s","namespace":"x"},
    "spec":{"ports":[{"port":80,"name":"a"},{"port":80,"name":"b"}]}})");
  EXPECT_CAUSE(causes, "spec.ports[1]", "FieldValueDuplicate");
}

TEST(ValidationTest, ConfigDataAndSecrets) {
  auto causes = Create("v1", "ConfigMap", R"({"metadata":{"name":"c","namespace":"x"},
    "data":{"ok.key":"1","bad/key":"2",".."  :"3"}})");
  EXPECT_CAUSE(causes, "data[bad/key]", "FieldValueInvalid");
  EXPECT_CAUSE(causes, "data[..]", "FieldValueInvalid");
  EXPECT_EQ(At(causes, "data[..]")->message, "Invalid value: \"..\": must not be '..'");

  causes = Create("v1", "Secret", R"({"metadata":{"name":"s","namespace":"x"},
    "type":"kubernetes.io/tls","data":{"tls.crt":"Y2VydA=="}})");
  EXPECT_CAUSE(causes, "data[tls.key]", "FieldValueRequired");

  causes = Create("v1", "Secret", R"({"metadata":{"name":"s","namespace":"x"},
    "data":{"a":"not base64!"},"stringData":{"b":"plain"}})");
  EXPECT_CAUSE(causes, "data[a]", "FieldValueInvalid");
  EXPECT_EQ(At(causes, "data[b]"), nullptr);
}

TEST(ValidationTest, StorageAndClusterKinds) {
  auto causes = Create("v1", "PersistentVolumeClaim",
                       R"({"metadata":{"name":"c","namespace":"x"},"spec":{}})");
  EXPECT_CAUSE(causes, "spec.accessModes", "FieldValueRequired");
  EXPECT_CAUSE(causes, "spec.resources[storage]", "FieldValueRequired");

  causes = Create("v1", "PersistentVolume", R"({"metadata":{"name":"v"},
    "spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"]}})");
  EXPECT_CAUSE(causes, "spec", "FieldValueRequired");
  EXPECT_EQ(At(causes, "spec")->message, "Required value: must specify a volume type");
  EXPECT_TRUE(Create("v1", "PersistentVolume", R"({"metadata":{"name":"v"},
    "spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],
    "hostPath":{"path":"/x"}}})")
                  .empty());

  causes = Create("storage.k8s.io/v1", "StorageClass", R"({"metadata":{"name":"s"}})");
  EXPECT_CAUSE(causes, "provisioner", "FieldValueRequired");

  causes = Create("coordination.k8s.io/v1", "Lease", R"({"metadata":{"name":"l","namespace":"x"},
    "spec":{"leaseDurationSeconds":0}})");
  EXPECT_CAUSE(causes, "spec.leaseDurationSeconds", "FieldValueInvalid");

  causes = Create("v1", "Event", R"({"metadata":{"name":"e","namespace":"x"},
    "involvedObject":{"kind":"Pod","namespace":"y","name":"p"}})");
  EXPECT_CAUSE(causes, "involvedObject.namespace", "FieldValueInvalid");

  causes = Create("v1", "Node", R"({"metadata":{"name":"n"},"spec":{"taints":[
    {"key":"k","effect":"Sometimes"}]}})");
  EXPECT_CAUSE(causes, "spec.taints[0].effect", "FieldValueNotSupported");
}

TEST(ValidationTest, ControllerRevisionNeedsDataAndANonNegativeRevision) {
  EXPECT_TRUE(Create("apps/v1", "ControllerRevision",
                     R"({"metadata":{"name":"web-abc","namespace":"d"},
                         "data":{"spec":{"template":{"$patch":"replace"}}},"revision":2})")
                  .empty());
  auto causes = Create("apps/v1", "ControllerRevision",
                       R"({"metadata":{"name":"web-abc","namespace":"d"},"revision":-1})");
  EXPECT_CAUSE(causes, "data", "FieldValueRequired");
  EXPECT_CAUSE(causes, "revision", "FieldValueInvalid");
}

TEST(ValidationTest, RealisticManifestsAreValid) {
  const std::pair<const char*, const char*> cases[][1] = {
      {{"apps/v1/Deployment", R"({"metadata":{"name":"web","namespace":"default",
        "labels":{"app.kubernetes.io/name":"web"}},
        "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
        "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":0}},
        "template":{"metadata":{"labels":{"app":"web"},"annotations":{"prometheus.io/scrape":"true"}},
        "spec":{"containers":[{"name":"web","image":"nginx:1.25",
          "ports":[{"name":"http","containerPort":80}],
          "env":[{"name":"POD_IP","valueFrom":{"fieldRef":{"fieldPath":"status.podIP"}}},
                 {"name":"MODE","value":"prod"}],
          "resources":{"requests":{"cpu":"100m","memory":"64Mi"},
                       "limits":{"cpu":"500m","memory":"128Mi"}},
          "readinessProbe":{"httpGet":{"path":"/","port":"http"}},
          "volumeMounts":[{"name":"conf","mountPath":"/etc/nginx/conf.d"}]}],
          "volumes":[{"name":"conf","configMap":{"name":"web-conf",
            "items":[{"key":"a","path":"a.conf"}]}}]}}}})"}},
      {{"apps/v1/StatefulSet", R"({"metadata":{"name":"db","namespace":"default"},
        "spec":{"serviceName":"db","replicas":2,"selector":{"matchLabels":{"app":"db"}},
        "template":{"metadata":{"labels":{"app":"db"}},"spec":{"containers":[{"name":"db",
          "image":"postgres:16","volumeMounts":[{"name":"data","mountPath":"/var/lib/pg"}]}]}},
        "volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{
          "accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]}})"}},
      {{"apps/v1/DaemonSet", R"({"metadata":{"name":"agent","namespace":"kube-system"},
        "spec":{"selector":{"matchExpressions":[{"key":"app","operator":"In","values":["agent"]}]},
        "template":{"metadata":{"labels":{"app":"agent"}},"spec":{"hostNetwork":true,
          "tolerations":[{"operator":"Exists"},{"key":"node.kubernetes.io/not-ready",
            "operator":"Exists","effect":"NoExecute","tolerationSeconds":300}],
          "containers":[{"name":"agent","image":"agent:1","ports":[{"containerPort":9100}]}]}}}})"}},
      {{"v1/Service", R"({"metadata":{"name":"web","namespace":"default"},"spec":{
        "type":"LoadBalancer","selector":{"app":"web"},
        "ports":[{"name":"http","port":80,"targetPort":"http"},
                 {"name":"https","port":443,"targetPort":8443}]}})"}},
  };
  for (const auto& c : cases) {
    std::string gvk = c[0].first;
    std::string api_version = gvk.substr(0, gvk.rfind('/'));
    std::string kind = gvk.substr(gvk.rfind('/') + 1);
    auto causes = Create(api_version.c_str(), kind.c_str(), c[0].second);
    EXPECT_TRUE(causes.empty()) << gvk << ":\n" << Dump(causes);
  }
}

TEST(ValidationTest, JobPodsRunToCompletionAndUnsupportedFeaturesAreRefused) {
  const char* job = R"({"metadata":{"name":"pi","namespace":"default"},"spec":{
    "selector":{"matchLabels":{"job":"pi"}},"backoffLimit":2,"activeDeadlineSeconds":60,
    "template":{"metadata":{"labels":{"job":"pi"}},
                "spec":{"restartPolicy":"OnFailure","containers":[{"name":"pi","image":"perl"}]}}}})";
  EXPECT_TRUE(Create("batch/v1", "Job", job).empty()) << Dump(Create("batch/v1", "Job", job));
  // restartPolicy defaults to Always, which a Job may not have.
  auto causes = Create("batch/v1", "Job", R"({"metadata":{"name":"pi","namespace":"default"},
    "spec":{"selector":{"matchLabels":{"job":"pi"}},"template":{"metadata":{"labels":{"job":"pi"}},
    "spec":{"containers":[{"name":"pi","image":"perl"}]}}}})");
  EXPECT_CAUSE(causes, "spec.template.spec.restartPolicy", "FieldValueNotSupported");
  causes = Create("batch/v1", "Job", R"({"metadata":{"name":"pi","namespace":"default"},
    "spec":{"completionMode":"Indexed","podFailurePolicy":{"rules":[]},"backoffLimit":-1,
    "activeDeadlineSeconds":0,"selector":{"matchLabels":{"job":"pi"}},
    "template":{"metadata":{"labels":{"job":"other"}},
    "spec":{"restartPolicy":"Never","containers":[{"name":"pi","image":"perl"}]}}}})");
  EXPECT_CAUSE(causes, "spec.completionMode", "FieldValueNotSupported");
  EXPECT_CAUSE(causes, "spec.podFailurePolicy", "FieldValueForbidden");
  EXPECT_CAUSE(causes, "spec.backoffLimit", "FieldValueInvalid");
  EXPECT_CAUSE(causes, "spec.activeDeadlineSeconds", "FieldValueInvalid");
  EXPECT_CAUSE(causes, "spec.template.metadata.labels", "FieldValueInvalid");
}

TEST(ValidationTest, CronJobScheduleZoneAndJobTemplate) {
  const char* ok = R"({"metadata":{"name":"tick","namespace":"default"},"spec":{
    "schedule":"*/5 * * * *","jobTemplate":{"spec":{"template":{"spec":{
      "restartPolicy":"OnFailure","containers":[{"name":"c","image":"busybox"}]}}}}}})";
  EXPECT_TRUE(Create("batch/v1", "CronJob", ok).empty()) << Dump(Create("batch/v1", "CronJob", ok));
  auto causes =
      Create("batch/v1", "CronJob",
             R"({"metadata":{"name":"a-name-that-is-longer-than-fifty-two-characters-in-all-xyz",
    "namespace":"default"},"spec":{"schedule":"* * *","timeZone":"Europe/Paris",
    "concurrencyPolicy":"Sometimes","jobTemplate":{"spec":{"template":{"spec":{
      "containers":[{"name":"c","image":"busybox"}]}}}}}})");
  EXPECT_CAUSE(causes, "metadata.name", "FieldValueInvalid");
  EXPECT_CAUSE(causes, "spec.schedule", "FieldValueInvalid");
  EXPECT_CAUSE(causes, "spec.timeZone", "FieldValueNotSupported");
  EXPECT_CAUSE(causes, "spec.concurrencyPolicy", "FieldValueNotSupported");
  // The pod template defaults to restartPolicy Always, which a Job may not have.
  EXPECT_CAUSE(causes, "spec.jobTemplate.spec.template.spec.restartPolicy",
               "FieldValueNotSupported");
  causes = Create("batch/v1", "CronJob", R"({"metadata":{"name":"x","namespace":"default"},
    "spec":{"jobTemplate":{"spec":{}}}})");
  EXPECT_CAUSE(causes, "spec.schedule", "FieldValueRequired");
}

}  // namespace
}  // namespace skiff::api
