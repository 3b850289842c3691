#include "core/apiserver/request_info.h"

#include <gtest/gtest.h>

namespace skiff::apiserver {
namespace {

TEST(RequestInfoTest, NamespacedCollectionAndObject) {
  RequestInfo list = ParseRequestInfo("GET", "/api/v1/namespaces/default/pods", false);
  EXPECT_TRUE(list.is_resource_request);
  EXPECT_EQ(list.verb, "list");
  EXPECT_EQ(list.ns, "default");
  EXPECT_EQ(list.resource, "pods");
  EXPECT_EQ(list.name, "");

  RequestInfo get =
      ParseRequestInfo("GET", "/apis/apps/v1/namespaces/x/deployments/web/scale", false);
  EXPECT_EQ(get.verb, "get");
  EXPECT_EQ(get.group, "apps");
  EXPECT_EQ(get.version, "v1");
  EXPECT_EQ(get.ns, "x");
  EXPECT_EQ(get.resource, "deployments");
  EXPECT_EQ(get.name, "web");
  EXPECT_EQ(get.subresource, "scale");
}

TEST(RequestInfoTest, NamespacesThemselves) {
  RequestInfo ns = ParseRequestInfo("GET", "/api/v1/namespaces/kube-system", false);
  EXPECT_EQ(ns.resource, "namespaces");
  EXPECT_EQ(ns.name, "kube-system");
  EXPECT_EQ(ns.ns, "");
  RequestInfo status = ParseRequestInfo("PUT", "/api/v1/namespaces/a/status", false);
  EXPECT_EQ(status.resource, "namespaces");
  EXPECT_EQ(status.name, "a");
  EXPECT_EQ(status.subresource, "status");
  EXPECT_EQ(status.verb, "update");
}

TEST(RequestInfoTest, Verbs) {
  EXPECT_EQ(ParseRequestInfo("GET", "/api/v1/pods", true).verb, "watch");
  EXPECT_EQ(ParseRequestInfo("GET", "/api/v1/watch/namespaces/a/pods", false).verb, "watch");
  EXPECT_EQ(ParseRequestInfo("POST", "/api/v1/namespaces/a/pods", false).verb, "create");
  EXPECT_EQ(ParseRequestInfo("PATCH", "/api/v1/namespaces/a/pods/p", false).verb, "patch");
  EXPECT_EQ(ParseRequestInfo("DELETE", "/api/v1/namespaces/a/pods/p", false).verb, "delete");
  EXPECT_EQ(ParseRequestInfo("DELETE", "/api/v1/namespaces/a/pods", false).verb,
            "deletecollection");
  EXPECT_EQ(ParseRequestInfo("GET", "/api/v1/nodes", false).verb, "list");
}

TEST(RequestInfoTest, NonResourcePaths) {
  EXPECT_FALSE(ParseRequestInfo("GET", "/api/v1", false).is_resource_request);
  EXPECT_FALSE(ParseRequestInfo("GET", "/apis/apps/v1", false).is_resource_request);
  EXPECT_FALSE(ParseRequestInfo("GET", "/apis", false).is_resource_request);
  EXPECT_FALSE(ParseRequestInfo("GET", "/healthz", false).is_resource_request);
}

}  // namespace
}  // namespace skiff::apiserver
