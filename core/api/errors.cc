#include "core/api/errors.h"

#include <boost/json/array.hpp>
#include <set>
#include <utility>

#include "core/api/quote.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

// "pods", "deployments.apps": the group-qualified resource Kubernetes names in messages.
std::string Qualified(const std::string& group, const std::string& name) {
  return group.empty() ? name : name + "." + group;
}

ApiError Make(int code, std::string reason, std::string message) {
  ApiError e;
  e.code = code;
  e.reason = std::move(reason);
  e.message = std::move(message);
  return e;
}

ApiError WithDetails(ApiError e, std::string group, std::string kind, std::string name) {
  e.group = std::move(group);
  e.kind = std::move(kind);
  e.name = std::move(name);
  return e;
}

// One message per distinct cause, bracketed when there are several (Kubernetes' aggregate).
std::string Aggregate(const std::vector<StatusCause>& causes) {
  std::vector<std::string> parts;
  std::set<std::string> seen;
  for (const auto& c : causes) {
    std::string text = c.field.empty() ? c.message : c.field + ": " + c.message;
    if (seen.insert(text).second) parts.push_back(std::move(text));
  }
  if (parts.size() == 1) return parts.front();
  std::string out = "[";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += ", ";
    out += parts[i];
  }
  return out + "]";
}

}  // namespace

json::object ApiError::ToStatus() const {
  json::object status;
  status["kind"] = "Status";
  status["apiVersion"] = "v1";
  status["metadata"] = json::object();
  status["status"] = "Failure";
  if (!message.empty()) status["message"] = message;
  if (!reason.empty()) status["reason"] = reason;
  json::object details;
  if (!name.empty()) details["name"] = name;
  if (!group.empty()) details["group"] = group;
  if (!kind.empty()) details["kind"] = kind;
  if (!causes.empty()) {
    json::array list;
    for (const auto& c : causes) {
      json::object cause;
      if (!c.reason.empty()) cause["reason"] = c.reason;
      if (!c.message.empty()) cause["message"] = c.message;
      if (!c.field.empty()) cause["field"] = c.field;
      list.push_back(std::move(cause));
    }
    details["causes"] = std::move(list);
  }
  if (retry_after_seconds > 0) details["retryAfterSeconds"] = retry_after_seconds;
  if (!details.empty()) status["details"] = std::move(details);
  status["code"] = code;
  return status;
}

ApiError ApiError::BadRequest(std::string message) {
  return Make(400, "BadRequest", std::move(message));
}

ApiError ApiError::NotFound(std::string group, std::string resource, std::string name) {
  std::string msg = Qualified(group, resource) + " " + Quote(name) + " not found";
  return WithDetails(Make(404, "NotFound", std::move(msg)), std::move(group), std::move(resource),
                     std::move(name));
}

ApiError ApiError::AlreadyExists(std::string group, std::string resource, std::string name) {
  std::string msg = Qualified(group, resource) + " " + Quote(name) + " already exists";
  return WithDetails(Make(409, "AlreadyExists", std::move(msg)), std::move(group),
                     std::move(resource), std::move(name));
}

ApiError ApiError::Conflict(std::string group, std::string resource, std::string name,
                            std::string why) {
  std::string msg = "Operation cannot be fulfilled on " + Qualified(group, resource) + " " +
                    Quote(name) + ": " + why;
  return WithDetails(Make(409, "Conflict", std::move(msg)), std::move(group), std::move(resource),
                     std::move(name));
}

ApiError ApiError::Invalid(std::string group, std::string kind, std::string name,
                           std::vector<StatusCause> causes) {
  std::string msg =
      Qualified(group, kind) + " " + Quote(name) + " is invalid: " + Aggregate(causes);
  ApiError e = WithDetails(Make(422, "Invalid", std::move(msg)), std::move(group), std::move(kind),
                           std::move(name));
  e.causes = std::move(causes);
  return e;
}

ApiError ApiError::MethodNotAllowed(std::string message) {
  return Make(405, "MethodNotAllowed", std::move(message));
}

ApiError ApiError::NotAcceptable(std::string message) {
  return Make(406, "NotAcceptable", std::move(message));
}

ApiError ApiError::UnsupportedMediaType(std::string content_type) {
  // Kubernetes lists what it accepts rather than echoing the rejected type; a patch gets the
  // patch types, any other body the object encodings.
  bool patch = content_type.find("patch") != std::string::npos;
  std::string accepted = patch ? "application/json-patch+json, application/merge-patch+json, "
                                 "application/strategic-merge-patch+json"
                               : "application/json, application/yaml";
  return Make(415, "UnsupportedMediaType",
              "the body of the request was in an unknown format - accepted media types "
              "include: " +
                  accepted);
}

ApiError ApiError::RequestEntityTooLarge(std::string message) {
  return Make(413, "RequestEntityTooLarge", std::move(message));
}

ApiError ApiError::Gone(std::string message) { return Make(410, "Expired", std::move(message)); }

ApiError ApiError::Internal(std::string message) {
  ApiError e = Make(500, "InternalError", "Internal error occurred: " + message);
  e.causes.push_back(StatusCause{"", std::move(message), ""});
  return e;
}

}  // namespace skiff::api
