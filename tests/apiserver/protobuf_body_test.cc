#include "core/apiserver/protobuf_body.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace skiff::apiserver {
namespace {

namespace json = boost::json;

// Protobuf wire encoding, as Kubernetes' Go types write it.
std::string Varint(std::uint64_t v) {
  std::string out;
  for (; v >= 0x80; v >>= 7) out.push_back(static_cast<char>((v & 0x7f) | 0x80));
  out.push_back(static_cast<char>(v));
  return out;
}
std::string Bytes(int field, std::string_view data) {
  return Varint(static_cast<std::uint64_t>(field) << 3 | 2) + Varint(data.size()) +
         std::string(data);
}
std::string Int(int field, std::uint64_t v) {
  return Varint(static_cast<std::uint64_t>(field) << 3) + Varint(v);
}
std::string Body(std::string_view api_version, std::string_view kind, std::string_view raw) {
  return std::string("k8s\0", 4) + Bytes(1, Bytes(1, api_version) + Bytes(2, kind)) + Bytes(2, raw);
}

TEST(ProtobufBodyTest, GoZeroValuesAreLeftOutExceptOnPointerFields) {
  // ObjectMeta{name: "web", generateName: "", generation: 0, creationTimestamp: {}}
  std::string meta = Bytes(1, "web") + Bytes(2, "") + Int(7, 0) + Bytes(8, "");
  // DeploymentStrategy{type: "RollingUpdate", rollingUpdate{maxUnavailable: 0, maxSurge: "30%"}}
  std::string strategy =
      Bytes(1, "RollingUpdate") + Bytes(2, Bytes(1, Int(1, 0) + Int(2, 0) + Bytes(3, "")) +
                                               Bytes(2, Int(1, 1) + Int(2, 0) + Bytes(3, "30%")));
  // Template metadata with a set creationTimestamp; one container with zero-valued fields.
  std::string container = Bytes(1, "c") + Bytes(2, "nginx") + Bytes(5, "") + Int(16, 0);
  std::string tmpl = Bytes(1, Bytes(8, Int(1, 1700000000))) + Bytes(2, Bytes(2, container));
  // DeploymentSpec{replicas: 0 (a pointer: set), template, strategy, minReadySeconds: 0}
  std::string spec = Int(1, 0) + Bytes(3, tmpl) + Bytes(4, strategy) + Int(5, 0);
  auto decoded = DecodeProtobufBody(
      Body("apps/v1", "Deployment", Bytes(1, meta) + Bytes(2, spec) + Bytes(3, Int(2, 0))));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  json::value want = json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web"},
    "spec": {
      "replicas": 0,
      "template": {
        "metadata": {"creationTimestamp": "2023-11-14T22:13:20Z"},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]}
      },
      "strategy": {"type": "RollingUpdate",
                   "rollingUpdate": {"maxUnavailable": 0, "maxSurge": "30%"}}
    }
  })");
  EXPECT_EQ(json::value(decoded.value()), want) << json::serialize(decoded.value());
}

TEST(ProtobufBodyTest, MapValuesAndBytesKeepTheirData) {
  // ConfigMap{metadata{name: "cfg"}, data{"a": "", "b": "x"}}
  std::string raw = Bytes(1, Bytes(1, "cfg")) + Bytes(2, Bytes(1, "a") + Bytes(2, "")) +
                    Bytes(2, Bytes(1, "b") + Bytes(2, "x"));
  auto cm = DecodeProtobufBody(Body("v1", "ConfigMap", raw));
  ASSERT_TRUE(cm.ok()) << cm.error().message;
  EXPECT_EQ(json::value(cm.value().at("data")), json::parse(R"({"a": "", "b": "x"})"));
  // Secret data is bytes: base64 in JSON.
  auto secret = DecodeProtobufBody(
      Body("v1", "Secret", Bytes(1, Bytes(1, "s")) + Bytes(2, Bytes(1, "pw") + Bytes(2, "hi"))));
  ASSERT_TRUE(secret.ok()) << secret.error().message;
  EXPECT_EQ(secret.value().at("data").at("pw"), "aGk=");
}

TEST(ProtobufBodyTest, AFieldThisServerDoesNotDeclareIsRefusedNotDropped) {
  // ObjectMeta field 17 is managedFields, which no typed create sends and we do not decode.
  std::string meta = Bytes(1, "ns") + Bytes(17, Bytes(1, "kubectl"));
  auto decoded = DecodeProtobufBody(Body("v1", "Namespace", Bytes(1, meta)));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, 415);
  EXPECT_NE(decoded.error().message.find("ObjectMeta field 17"), std::string::npos)
      << decoded.error().message;
  // Deeper down too: PodSpec field 1 (volumes).
  std::string spec = Bytes(3, Bytes(2, Bytes(1, Bytes(1, "data"))));
  decoded = DecodeProtobufBody(Body("apps/v1", "Deployment", Bytes(2, spec)));
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().message.find("PodSpec field 1"), std::string::npos)
      << decoded.error().message;
}

TEST(ProtobufBodyTest, OtherKindsAndBadBodies) {
  auto rs = DecodeProtobufBody(Body("apps/v1", "ReplicaSet", ""));
  ASSERT_FALSE(rs.ok());
  EXPECT_EQ(rs.error().code, 415);
  EXPECT_NE(rs.error().message.find("apps/v1 ReplicaSet is not"), std::string::npos);
  auto plain = DecodeProtobufBody("{}");
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.error().code, 400);
  auto truncated = DecodeProtobufBody(Body("v1", "Namespace", "\x0a\x10"));
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().code, 400);
}

}  // namespace
}  // namespace skiff::apiserver
