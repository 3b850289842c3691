#pragma once

// Collects validation failures as Kubernetes' field.ErrorList does: each with a reason
// (FieldValueRequired, FieldValueInvalid, ...), the field path ("spec.containers[0].image")
// and the message body Kubernetes prints ("Invalid value: \"X_y\": <detail>").

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/api/errors.h"

namespace skiff::api {

// Field path builders: Child("spec", "containers") -> "spec.containers",
// Index(p, 0) -> "p[0]", Key("data", "k") -> "data[k]".
std::string Child(std::string_view path, std::string_view name);
std::string Index(std::string_view path, size_t i);
std::string Key(std::string_view path, std::string_view key);

class FieldErrors {
 public:
  void Required(std::string field, std::string_view detail = "");
  void Invalid(std::string field, const boost::json::value& value, std::string_view detail);
  void NotSupported(std::string field, const boost::json::value& value,
                    const std::vector<std::string_view>& supported);
  void Duplicate(std::string field, const boost::json::value& value);
  void Forbidden(std::string field, std::string_view detail);
  void NotFound(std::string field, const boost::json::value& value);
  void TooLong(std::string field, size_t max_bytes);
  // Invalid, once per message (the shape of the name and key rules).
  void InvalidEach(const std::string& field, const boost::json::value& value,
                   const std::vector<std::string>& messages);

  bool empty() const { return causes_.empty(); }
  std::vector<StatusCause> Take() { return std::move(causes_); }

 private:
  void Add(std::string reason, std::string body, std::string field);
  std::vector<StatusCause> causes_;
};

}  // namespace skiff::api
