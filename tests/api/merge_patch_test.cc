#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/api/patch.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

struct Case {
  const char* target;
  const char* patch;
  const char* result;
};

// RFC 7386, Appendix A.
TEST(MergePatchTest, RfcExamples) {
  const Case cases[] = {
      {R"({"a":"b"})", R"({"a":"c"})", R"({"a":"c"})"},
      {R"({"a":"b"})", R"({"b":"c"})", R"({"a":"b","b":"c"})"},
      {R"({"a":"b"})", R"({"a":null})", R"({})"},
      {R"({"a":"b","b":"c"})", R"({"a":null})", R"({"b":"c"})"},
      {R"({"a":["b"]})", R"({"a":"c"})", R"({"a":"c"})"},
      {R"({"a":"c"})", R"({"a":["b"]})", R"({"a":["b"]})"},
      {R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})", R"({"a":{"b":"d"}})"},
      {R"({"a":[{"b":"c"}]})", R"({"a":[1]})", R"({"a":[1]})"},
      {R"(["a","b"])", R"(["c","d"])", R"(["c","d"])"},
      {R"({"a":"b"})", R"(["c"])", R"(["c"])"},
      {R"({"a":"foo"})", "null", "null"},
      {R"({"a":"foo"})", R"("bar")", R"("bar")"},
      {R"({"e":null})", R"({"a":1})", R"({"e":null,"a":1})"},
      {R"([1,2])", R"({"a":"b","c":null})", R"({"a":"b"})"},
      {R"({})", R"({"a":{"bb":{"ccc":null}}})", R"({"a":{"bb":{}}})"},
  };
  for (const auto& c : cases) {
    auto r = ApplyMergePatch(json::parse(c.target), json::parse(c.patch));
    ASSERT_TRUE(r.ok()) << c.patch;
    EXPECT_EQ(*r, json::parse(c.result))
        << c.target << " + " << c.patch << " = " << json::serialize(*r);
  }
}

TEST(MergePatchTest, LabelsOnAPod) {
  auto r = ApplyMergePatch(
      json::parse(R"({"metadata":{"name":"p","labels":{"a":"1","b":"2"}},"spec":{"x":[1,2]}})"),
      json::parse(R"({"metadata":{"labels":{"a":null,"c":"3"}},"spec":{"x":[3]}})"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(
      *r, json::parse(R"({"metadata":{"name":"p","labels":{"b":"2","c":"3"}},"spec":{"x":[3]}})"));
}

}  // namespace
}  // namespace skiff::api
