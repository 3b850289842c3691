#pragma once

// ObjectFilter: the label and field selectors of one list or watch request, together.
// Immutable once parsed; thread-safe.

#include <boost/json/object.hpp>
#include <optional>
#include <string_view>

#include "core/api/api_result.h"
#include "core/api/selectors.h"

namespace skiff::apiserver {

class ObjectFilter {
 public:
  // 400 BadRequest for a selector that does not parse.
  static api::ApiResult<ObjectFilter> Parse(std::string_view label_selector,
                                            std::string_view field_selector);
  bool Empty() const;
  bool Matches(const boost::json::object& obj) const;

 private:
  std::optional<api::LabelSelector> labels_;
  std::optional<api::FieldSelector> fields_;
};

}  // namespace skiff::apiserver
