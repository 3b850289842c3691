#include "core/apiserver/object_codec.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace skiff::apiserver {
namespace {

TEST(ObjectCodecTest, StoredTextSplicesResourceVersion) {
  boost::json::object obj{{"kind", "Pod"},
                          {"metadata", {{"name", "a"}, {"resourceVersion", "99"}}},
                          {"spec", {{"x", 1}}}};
  std::string stored = EncodeObject(obj);
  EXPECT_EQ(stored.find("resourceVersion"), std::string::npos);
  store::KeyValue kv{"/core/pods/default/a", stored, 3, 7};
  auto text = boost::json::parse(StoredText(kv)).as_object();
  EXPECT_EQ(text.at("metadata").at("resourceVersion"), "7");
  EXPECT_EQ(text.at("metadata").at("name"), "a");
  EXPECT_EQ(text.at("spec").at("x"), 1);
  EXPECT_EQ(DecodeObject(kv), text);
}

TEST(ObjectCodecTest, KeysSeparateNamespacesAndGroups) {
  const auto& kinds = api::KindRegistry::Builtin();
  const api::Kind& pods = *kinds.ByResource("", "v1", "pods");
  const api::Kind& deploys = *kinds.ByResource("apps", "v1", "deployments");
  const api::Kind& nodes = *kinds.ByResource("", "v1", "nodes");
  EXPECT_EQ(ObjectKey(pods, "default", "web"), "/core/pods/default/web");
  EXPECT_EQ(KeyPrefix(pods, ""), "/core/pods/");
  EXPECT_EQ(KeyPrefix(pods, "a"), "/core/pods/a/");
  EXPECT_EQ(ObjectKey(deploys, "a", "web"), "/apps/deployments/a/web");
  EXPECT_EQ(ObjectKey(nodes, "ignored", "n1"), "/core/nodes/n1");
}

}  // namespace
}  // namespace skiff::apiserver
