#pragma once

// ApiError: a Kubernetes `Status` failure (code, reason, message, details). Every error the
// API server returns is one of these. Plain value type.

#include <boost/json/object.hpp>
#include <string>
#include <vector>

namespace skiff::api {

struct StatusCause {
  std::string reason;  // e.g. "FieldValueRequired", "FieldValueInvalid", "FieldValueNotSupported"
  std::string message;
  std::string field;  // e.g. "metadata.name", "spec.containers[0].image"
};

struct ApiError {
  int code = 500;
  std::string reason;  // "NotFound", "AlreadyExists", "Conflict", "Invalid", "BadRequest", ...
  std::string message;
  // details
  std::string name;
  std::string group;
  std::string kind;  // the resource (plural, lower case), as Kubernetes puts it in details.kind
  std::vector<StatusCause> causes;
  int retry_after_seconds = 0;

  // The `kind: Status` object (apiVersion v1, status Failure).
  boost::json::object ToStatus() const;

  static ApiError BadRequest(std::string message);
  static ApiError NotFound(std::string group, std::string resource, std::string name);
  static ApiError AlreadyExists(std::string group, std::string resource, std::string name);
  // Stale resourceVersion on update/delete.
  static ApiError Conflict(std::string group, std::string resource, std::string name,
                           std::string why);
  // 422 with one cause per bad field; kind is the object's Kind (e.g. "Pod").
  static ApiError Invalid(std::string group, std::string kind, std::string name,
                          std::vector<StatusCause> causes);
  static ApiError MethodNotAllowed(std::string message);
  static ApiError NotAcceptable(std::string message);
  static ApiError UnsupportedMediaType(std::string content_type);
  static ApiError RequestEntityTooLarge(std::string message);
  static ApiError Gone(std::string message);  // 410 Expired: compacted resourceVersion
  static ApiError Internal(std::string message);
};

}  // namespace skiff::api
