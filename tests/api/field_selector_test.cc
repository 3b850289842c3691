#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/api/selectors.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

const json::object kPod = json::parse(R"({
  "metadata": {"name": "web", "namespace": "default"},
  "spec": {"nodeName": "node-1", "restartPolicy": "Always"},
  "status": {"phase": "Running", "podIP": "10.0.0.5"}})")
                              .as_object();

bool Matches(std::string_view text, const json::object& obj = kPod) {
  auto sel = FieldSelector::Parse(text);
  EXPECT_TRUE(sel.ok()) << sel.status().ToString();
  return sel.ok() && sel->Matches(obj);
}

TEST(FieldSelectorTest, SupportedFields) {
  EXPECT_TRUE(Matches("metadata.name=web"));
  EXPECT_TRUE(Matches("metadata.namespace==default"));
  EXPECT_TRUE(Matches("spec.nodeName=node-1"));
  EXPECT_TRUE(Matches("status.phase!=Pending,status.phase!=Succeeded"));
  EXPECT_FALSE(Matches("status.phase=Pending"));
  EXPECT_TRUE(Matches("status.podIP=10.0.0.5"));
  EXPECT_TRUE(Matches("spec.restartPolicy=Always"));
}

TEST(FieldSelectorTest, AbsentFieldIsEmptyString) {
  json::object unscheduled = json::parse(R"({"metadata":{"name":"x"},"spec":{}})").as_object();
  EXPECT_TRUE(Matches("spec.nodeName=", unscheduled));
  EXPECT_FALSE(Matches("spec.nodeName!=", unscheduled));
}

TEST(FieldSelectorTest, EmptySelectorMatchesAll) {
  auto sel = FieldSelector::Parse("");
  ASSERT_TRUE(sel.ok());
  EXPECT_TRUE(sel->Empty());
  EXPECT_TRUE(sel->Matches(kPod));
}

TEST(FieldSelectorTest, UnsupportedFieldIsRejected) {
  auto sel = FieldSelector::Parse("spec.containers=x");
  ASSERT_FALSE(sel.ok());
  EXPECT_EQ(sel.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(sel.status().message(), "field label not supported: spec.containers");
}

TEST(FieldSelectorTest, SyntaxErrors) {
  EXPECT_FALSE(FieldSelector::Parse("metadata.name").ok());
  EXPECT_FALSE(FieldSelector::Parse("metadata.name=a,status.phase").ok());
  EXPECT_TRUE(FieldSelector::Parse("metadata.name=a,").ok());
  EXPECT_FALSE(FieldSelector::Parse("metadata.name=a\\x").ok());
}

TEST(FieldSelectorTest, EscapedValues) {
  json::object obj = json::parse(R"({"metadata":{"name":"a,b=c"}})").as_object();
  EXPECT_TRUE(Matches("metadata.name=a\\,b\\=c", obj));
}

TEST(FieldSelectorTest, PerKindFields) {
  const auto& reg = KindRegistry::Builtin();
  const Kind& events = *reg.ByResource("", "v1", "events");
  const Kind& pods = *reg.ByResource("", "v1", "pods");
  const Kind& secrets = *reg.ByResource("", "v1", "secrets");
  EXPECT_TRUE(FieldSelector::ParseFor(events, "involvedObject.name=web,type=Warning").ok());
  EXPECT_FALSE(FieldSelector::ParseFor(pods, "involvedObject.name=web").ok());
  EXPECT_TRUE(FieldSelector::ParseFor(secrets, "type=Opaque").ok());
  EXPECT_FALSE(FieldSelector::ParseFor(secrets, "spec.nodeName=a").ok());

  json::object ev = json::parse(R"({"involvedObject":{"name":"web","kind":"Pod"},
    "source":{"component":"kubelet"},"type":"Normal"})")
                        .as_object();
  auto sel = FieldSelector::ParseFor(events, "involvedObject.kind=Pod,source=kubelet");
  ASSERT_TRUE(sel.ok());
  EXPECT_TRUE(sel->Matches(ev));
}

}  // namespace
}  // namespace skiff::api
