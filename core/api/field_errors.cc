#include "core/api/field_errors.h"

#include <boost/json/serialize.hpp>

#include "core/api/quote.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

// A bad value as Kubernetes prints it: strings quoted, scalars plain, null as "null".
std::string Format(const json::value& v) {
  if (v.is_string()) return Quote(v.get_string());
  return json::serialize(v);
}

std::string WithDetail(std::string body, std::string_view detail) {
  if (!detail.empty()) body += ": " + std::string(detail);
  return body;
}

}  // namespace

std::string Child(std::string_view path, std::string_view name) {
  if (path.empty()) return std::string(name);
  return std::string(path) + "." + std::string(name);
}

std::string Index(std::string_view path, size_t i) {
  return std::string(path) + "[" + std::to_string(i) + "]";
}

std::string Key(std::string_view path, std::string_view key) {
  return std::string(path) + "[" + std::string(key) + "]";
}

void FieldErrors::Add(std::string reason, std::string body, std::string field) {
  causes_.push_back(StatusCause{std::move(reason), std::move(body), std::move(field)});
}

void FieldErrors::Required(std::string field, std::string_view detail) {
  Add("FieldValueRequired", WithDetail("Required value", detail), std::move(field));
}

void FieldErrors::Invalid(std::string field, const json::value& value, std::string_view detail) {
  Add("FieldValueInvalid", WithDetail("Invalid value: " + Format(value), detail), std::move(field));
}

void FieldErrors::NotSupported(std::string field, const json::value& value,
                               const std::vector<std::string_view>& supported) {
  std::string detail = "supported values: ";
  for (size_t i = 0; i < supported.size(); ++i) {
    if (i > 0) detail += ", ";
    detail += Quote(supported[i]);
  }
  Add("FieldValueNotSupported", WithDetail("Unsupported value: " + Format(value), detail),
      std::move(field));
}

void FieldErrors::Duplicate(std::string field, const json::value& value) {
  Add("FieldValueDuplicate", "Duplicate value: " + Format(value), std::move(field));
}

void FieldErrors::Forbidden(std::string field, std::string_view detail) {
  Add("FieldValueForbidden", WithDetail("Forbidden", detail), std::move(field));
}

void FieldErrors::NotFound(std::string field, const json::value& value) {
  Add("FieldValueNotFound", "Not found: " + Format(value), std::move(field));
}

void FieldErrors::TooLong(std::string field, size_t max_bytes) {
  Add("FieldValueTooLong",
      "Too long: may not be more than " + std::to_string(max_bytes) +
          (max_bytes == 1 ? " byte" : " bytes"),
      std::move(field));
}

void FieldErrors::InvalidEach(const std::string& field, const json::value& value,
                              const std::vector<std::string>& messages) {
  for (const auto& m : messages) Invalid(field, value, m);
}

}  // namespace skiff::api
