#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/api/selectors.h"

namespace skiff::api {
namespace {

namespace json = boost::json;
using Op = LabelSelector::Requirement::Op;

bool Matches(std::string_view selector, std::string_view labels) {
  auto sel = LabelSelector::Parse(selector);
  EXPECT_TRUE(sel.ok()) << sel.status().ToString();
  json::value v = json::parse(labels);
  return sel->Matches(&v);
}

TEST(LabelSelectorTest, EmptySelectsEverything) {
  auto sel = LabelSelector::Parse("  ");
  ASSERT_TRUE(sel.ok());
  EXPECT_TRUE(sel->Empty());
  EXPECT_TRUE(sel->Matches(nullptr));
}

TEST(LabelSelectorTest, EqualityOperators) {
  EXPECT_TRUE(Matches("app=web", R"({"app":"web"})"));
  EXPECT_TRUE(Matches("app==web", R"({"app":"web"})"));
  EXPECT_FALSE(Matches("app=web", R"({"app":"db"})"));
  EXPECT_FALSE(Matches("app=web", R"({})"));
  EXPECT_TRUE(Matches("app!=web", R"({"app":"db"})"));
  EXPECT_TRUE(Matches("app!=web", R"({})"));  // a missing label is "not equal"
  EXPECT_FALSE(Matches("app!=web", R"({"app":"web"})"));
  EXPECT_TRUE(Matches("app=", R"({"app":""})"));
}

TEST(LabelSelectorTest, SetOperators) {
  EXPECT_TRUE(Matches("env in (prod, qa)", R"({"env":"qa"})"));
  EXPECT_FALSE(Matches("env in (prod,qa)", R"({"env":"dev"})"));
  EXPECT_FALSE(Matches("env in (prod)", R"({})"));
  EXPECT_TRUE(Matches("env notin (prod)", R"({"env":"dev"})"));
  EXPECT_TRUE(Matches("env notin (prod)", R"({})"));
  EXPECT_FALSE(Matches("env notin (prod)", R"({"env":"prod"})"));
}

TEST(LabelSelectorTest, ExistenceOperators) {
  EXPECT_TRUE(Matches("tier", R"({"tier":"x"})"));
  EXPECT_FALSE(Matches("tier", R"({})"));
  EXPECT_TRUE(Matches("!tier", R"({})"));
  EXPECT_FALSE(Matches("! tier", R"({"tier":""})"));
}

TEST(LabelSelectorTest, CombinedRequirementsAreAnded) {
  auto sel = LabelSelector::Parse(" a = b , c!=d,e in (x,y), f notin (z),g,!h ");
  ASSERT_TRUE(sel.ok()) << sel.status().ToString();
  ASSERT_EQ(sel->requirements().size(), 6u);
  EXPECT_EQ(sel->requirements()[0].op, Op::kEquals);
  EXPECT_EQ(sel->requirements()[1].op, Op::kNotEquals);
  EXPECT_EQ(sel->requirements()[2].op, Op::kIn);
  EXPECT_EQ(sel->requirements()[2].values, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(sel->requirements()[3].op, Op::kNotIn);
  EXPECT_EQ(sel->requirements()[4].op, Op::kExists);
  EXPECT_EQ(sel->requirements()[5].op, Op::kDoesNotExist);
  json::value yes = json::parse(R"({"a":"b","e":"y","g":"1"})");
  json::value no = json::parse(R"({"a":"b","e":"y","g":"1","h":"2"})");
  EXPECT_TRUE(sel->Matches(&yes));
  EXPECT_FALSE(sel->Matches(&no));
}

TEST(LabelSelectorTest, QualifiedKeys) {
  EXPECT_TRUE(Matches("app.kubernetes.io/name=web", R"({"app.kubernetes.io/name":"web"})"));
}

TEST(LabelSelectorTest, SyntaxErrors) {
  for (const char* bad :
       {"a=b,", "=b", "a in b", "a in (b", "a=b c", "!a=b", "a b", ",", "a<1", "in=a"}) {
    auto sel = LabelSelector::Parse(bad);
    EXPECT_FALSE(sel.ok()) << bad;
    EXPECT_EQ(sel.status().code(), Status::Code::kInvalidArgument) << bad;
  }
}

TEST(LabelSelectorTest, InvalidKeysAndValues) {
  EXPECT_FALSE(LabelSelector::Parse("Bad_Key-=x").ok());
  EXPECT_FALSE(LabelSelector::Parse("a/b/c=x").ok());
  EXPECT_FALSE(LabelSelector::Parse("a=-bad").ok());
  EXPECT_FALSE(LabelSelector::Parse("a in (ok,-bad)").ok());
  auto sel = LabelSelector::Parse("a=" + std::string(64, 'v'));
  ASSERT_FALSE(sel.ok());
  EXPECT_NE(sel.status().message().find("must be no more than 63 characters"), std::string::npos);
}

TEST(LabelSelectorTest, FromJsonMatchLabelsAndExpressions) {
  auto sel = LabelSelector::FromJson(json::parse(R"({
    "matchLabels": {"app": "web"},
    "matchExpressions": [
      {"key": "env", "operator": "In", "values": ["prod", "qa"]},
      {"key": "canary", "operator": "DoesNotExist"},
      {"key": "tier", "operator": "Exists"},
      {"key": "zone", "operator": "NotIn", "values": ["a"]}]})"));
  ASSERT_TRUE(sel.ok()) << sel.status().ToString();
  json::value yes = json::parse(R"({"app":"web","env":"qa","tier":"f","zone":"b"})");
  json::value canary = json::parse(R"({"app":"web","env":"qa","tier":"f","canary":"1"})");
  EXPECT_TRUE(sel->Matches(&yes));
  EXPECT_FALSE(sel->Matches(&canary));
  EXPECT_EQ(sel->String(), "app=web,!canary,env in (prod,qa),tier,zone notin (a)");
}

TEST(LabelSelectorTest, FromJsonRejectsBadOperatorsAndValues) {
  EXPECT_FALSE(
      LabelSelector::FromJson(json::parse(R"({"matchExpressions":[{"key":"a","operator":"Gt"}]})"))
          .ok());
  EXPECT_FALSE(
      LabelSelector::FromJson(json::parse(R"({"matchExpressions":[{"key":"a","operator":"In"}]})"))
          .ok());
  EXPECT_FALSE(
      LabelSelector::FromJson(
          json::parse(R"({"matchExpressions":[{"key":"a","operator":"Exists","values":["x"]}]})"))
          .ok());
  EXPECT_FALSE(LabelSelector::FromJson(json::parse("[]")).ok());
}

TEST(LabelSelectorTest, StringSortsByKey) {
  auto sel = LabelSelector::Parse("b=2,a in (z,y)");
  ASSERT_TRUE(sel.ok());
  EXPECT_EQ(sel->String(), "a in (y,z),b=2");
}

}  // namespace
}  // namespace skiff::api
