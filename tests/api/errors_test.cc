#include "core/api/errors.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace skiff::api {
namespace {

namespace json = boost::json;

TEST(ApiErrorTest, NotFoundStatusShape) {
  json::object s = ApiError::NotFound("", "pods", "web").ToStatus();
  EXPECT_EQ(json::value(s), json::parse(R"({
    "kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
    "message":"pods \"web\" not found","reason":"NotFound",
    "details":{"name":"web","kind":"pods"},"code":404})"));
}

TEST(ApiErrorTest, GroupQualifiesTheResource) {
  ApiError e = ApiError::AlreadyExists("apps", "deployments", "web");
  EXPECT_EQ(e.message, "deployments.apps \"web\" already exists");
  EXPECT_EQ(e.code, 409);
  EXPECT_EQ(e.ToStatus()["details"].at("group"), "apps");
}

TEST(ApiErrorTest, ConflictMessage) {
  ApiError e = ApiError::Conflict(
      "", "pods", "web",
      "the object has been modified; please apply your changes to the latest version and try "
      "again");
  EXPECT_EQ(e.message,
            "Operation cannot be fulfilled on pods \"web\": the object has been modified; please "
            "apply your changes to the latest version and try again");
  EXPECT_EQ(e.reason, "Conflict");
}

TEST(ApiErrorTest, InvalidWithOneCause) {
  ApiError e = ApiError::Invalid(
      "", "Pod", "x", {{"FieldValueInvalid", "Invalid value: \"X_y\": bad", "metadata.name"}});
  EXPECT_EQ(e.code, 422);
  EXPECT_EQ(e.message, "Pod \"x\" is invalid: metadata.name: Invalid value: \"X_y\": bad");
  json::object s = e.ToStatus();
  EXPECT_EQ(s["details"], json::parse(R"({"name":"x","kind":"Pod","causes":[
    {"reason":"FieldValueInvalid","message":"Invalid value: \"X_y\": bad",
     "field":"metadata.name"}]})"));
}

TEST(ApiErrorTest, InvalidWithSeveralCausesIsBracketed) {
  ApiError e = ApiError::Invalid("apps", "Deployment", "d",
                                 {{"FieldValueRequired", "Required value", "spec.selector"},
                                  {"FieldValueRequired", "Required value", "spec.template"}});
  EXPECT_EQ(e.message,
            "Deployment.apps \"d\" is invalid: [spec.selector: Required value, spec.template: "
            "Required value]");
}

TEST(ApiErrorTest, BadRequestHasNoDetails) {
  json::object s = ApiError::BadRequest("nope").ToStatus();
  EXPECT_FALSE(s.contains("details"));
  EXPECT_EQ(s["code"], 400);
  EXPECT_EQ(s["reason"], "BadRequest");
}

TEST(ApiErrorTest, CodesAndReasons) {
  EXPECT_EQ(ApiError::Gone("too old resource version: 1 (5)").reason, "Expired");
  EXPECT_EQ(ApiError::Gone("x").code, 410);
  EXPECT_EQ(ApiError::RequestEntityTooLarge("x").reason, "RequestEntityTooLarge");
  EXPECT_EQ(ApiError::RequestEntityTooLarge("x").code, 413);
  EXPECT_EQ(ApiError::UnsupportedMediaType("text/plain").code, 415);
  EXPECT_EQ(ApiError::UnsupportedMediaType("text/plain").reason, "UnsupportedMediaType");
  EXPECT_EQ(ApiError::MethodNotAllowed("x").code, 405);
  EXPECT_EQ(ApiError::NotAcceptable("x").code, 406);
  EXPECT_EQ(ApiError::NotAcceptable("x").reason, "NotAcceptable");
  ApiError internal = ApiError::Internal("boom");
  EXPECT_EQ(internal.message, "Internal error occurred: boom");
  EXPECT_EQ(internal.reason, "InternalError");
  EXPECT_EQ(internal.ToStatus()["details"], json::parse(R"({"causes":[{"message":"boom"}]})"));
}

TEST(ApiErrorTest, RetryAfterGoesToDetails) {
  ApiError e = ApiError::Internal("x");
  e.retry_after_seconds = 3;
  EXPECT_EQ(e.ToStatus()["details"].at("retryAfterSeconds"), 3);
}

}  // namespace
}  // namespace skiff::api
