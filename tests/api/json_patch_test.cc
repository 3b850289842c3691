#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/api/patch.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

Result<json::value> Patch(const char* doc, const char* ops) {
  return ApplyJsonPatch(json::parse(doc), json::parse(ops));
}

void ExpectPatch(const char* doc, const char* ops, const char* want) {
  auto r = Patch(doc, ops);
  ASSERT_TRUE(r.ok()) << ops << ": " << r.status().ToString();
  EXPECT_EQ(*r, json::parse(want)) << ops << " gave " << json::serialize(*r);
}

void ExpectError(const char* doc, const char* ops) {
  auto r = Patch(doc, ops);
  EXPECT_FALSE(r.ok()) << ops << " gave " << (r.ok() ? json::serialize(*r) : "");
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << ops;
}

// RFC 6902, Appendix A.
TEST(JsonPatchTest, RfcExamples) {
  ExpectPatch(R"({"foo":"bar"})", R"([{"op":"add","path":"/baz","value":"qux"}])",
              R"({"baz":"qux","foo":"bar"})");
  ExpectPatch(R"({"foo":["bar","baz"]})", R"([{"op":"add","path":"/foo/1","value":"qux"}])",
              R"({"foo":["bar","qux","baz"]})");
  ExpectPatch(R"({"baz":"qux","foo":"bar"})", R"([{"op":"remove","path":"/baz"}])",
              R"({"foo":"bar"})");
  ExpectPatch(R"({"foo":["bar","qux","baz"]})", R"([{"op":"remove","path":"/foo/1"}])",
              R"({"foo":["bar","baz"]})");
  ExpectPatch(R"({"baz":"qux","foo":"bar"})", R"([{"op":"replace","path":"/baz","value":"boo"}])",
              R"({"baz":"boo","foo":"bar"})");
  ExpectPatch(R"({"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}})",
              R"([{"op":"move","from":"/foo/waldo","path":"/qux/thud"}])",
              R"({"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}})");
  ExpectPatch(R"({"foo":["all","grass","cows","eat"]})",
              R"([{"op":"move","from":"/foo/1","path":"/foo/3"}])",
              R"({"foo":["all","cows","eat","grass"]})");
  ExpectPatch(R"({"baz":"qux","foo":["a",2,"c"]})",
              R"([{"op":"test","path":"/baz","value":"qux"},
                  {"op":"test","path":"/foo/1","value":2}])",
              R"({"baz":"qux","foo":["a",2,"c"]})");
  ExpectPatch(R"({"foo":"bar"})", R"([{"op":"add","path":"/child","value":{"grandchild":{}}}])",
              R"({"foo":"bar","child":{"grandchild":{}}})");
  ExpectPatch(R"({"foo":"bar"})", R"([{"op":"add","path":"/baz","value":"qux","xyz":123}])",
              R"({"foo":"bar","baz":"qux"})");
  ExpectPatch(R"({"/":9,"~1":10})", R"([{"op":"test","path":"/~01","value":10}])",
              R"({"/":9,"~1":10})");
  ExpectPatch(R"({"foo":["bar"]})", R"([{"op":"add","path":"/foo/-","value":["abc","def"]}])",
              R"({"foo":["bar",["abc","def"]]})");
}

TEST(JsonPatchTest, RfcErrorExamples) {
  ExpectError(R"({"baz":"qux"})", R"([{"op":"test","path":"/baz","value":"bar"}])");
  ExpectError(R"({"foo":"bar"})", R"([{"op":"add","path":"/baz/bat","value":"qux"}])");
  ExpectError(R"({"/":9,"~1":10})", R"([{"op":"test","path":"/~01","value":"10"}])");
}

TEST(JsonPatchTest, MoreCases) {
  ExpectPatch(R"({"a":{"b/c":1}})", R"([{"op":"copy","from":"/a/b~1c","path":"/d"}])",
              R"({"a":{"b/c":1},"d":1})");
  ExpectPatch(R"({"a":1})", R"([{"op":"replace","path":"","value":[1]}])", "[1]");
  ExpectPatch(R"({"a":[1,2]})", R"([{"op":"add","path":"/a/2","value":3}])", R"({"a":[1,2,3]})");
  ExpectPatch(R"({"a":1.0})", R"([{"op":"test","path":"/a","value":1}])", R"({"a":1.0})");
  ExpectPatch(R"({"metadata":{"labels":{"app":"web"}}})",
              R"([{"op":"add","path":"/metadata/labels/tier","value":"fe"},
                  {"op":"remove","path":"/metadata/labels/app"}])",
              R"({"metadata":{"labels":{"tier":"fe"}}})");
}

TEST(JsonPatchTest, Errors) {
  ExpectError(R"({})", R"({"op":"add"})");                                    // not a list
  ExpectError(R"({})", R"([{"path":"/a","value":1}])");                       // no op
  ExpectError(R"({})", R"([{"op":"frobnicate","path":"/a"}])");               // unknown op
  ExpectError(R"({})", R"([{"op":"add","path":"/a"}])");                      // no value
  ExpectError(R"({})", R"([{"op":"remove","path":"/a"}])");                   // missing
  ExpectError(R"({})", R"([{"op":"replace","path":"/a","value":1}])");        // missing
  ExpectError(R"({"a":[1]})", R"([{"op":"add","path":"/a/2","value":1}])");   // out of bounds
  ExpectError(R"({"a":[1]})", R"([{"op":"add","path":"/a/01","value":1}])");  // leading zero
  ExpectError(R"({"a":[1]})", R"([{"op":"remove","path":"/a/-"}])");
  ExpectError(R"({"a":1})", R"([{"op":"add","path":"a","value":1}])");    // no leading /
  ExpectError(R"({"a":1})", R"([{"op":"add","path":"/~2","value":1}])");  // bad escape
  ExpectError(R"({"a":{"b":1}})", R"([{"op":"move","from":"/a","path":"/a/b/c"}])");
  ExpectError(R"({"a":1})", R"([{"op":"copy","from":"/x","path":"/b"}])");
}

TEST(JsonPatchTest, FailureLeavesInputUntouched) {
  json::value doc = json::parse(R"({"a":1})");
  auto r = ApplyJsonPatch(doc, json::parse(R"([{"op":"add","path":"/b","value":2},
                                               {"op":"test","path":"/a","value":5}])"));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(doc, json::parse(R"({"a":1})"));
}

}  // namespace
}  // namespace skiff::api
