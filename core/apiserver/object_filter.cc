#include "core/apiserver/object_filter.h"

#include "core/api/json_fields.h"

namespace skiff::apiserver {

api::ApiResult<ObjectFilter> ObjectFilter::Parse(std::string_view label_selector,
                                                 std::string_view field_selector) {
  ObjectFilter f;
  if (!label_selector.empty()) {
    auto r = api::LabelSelector::Parse(label_selector);
    if (!r.ok()) return api::ApiError::BadRequest(r.status().message());
    f.labels_ = std::move(r.value());
  }
  if (!field_selector.empty()) {
    auto r = api::FieldSelector::Parse(field_selector);
    if (!r.ok()) return api::ApiError::BadRequest(r.status().message());
    f.fields_ = std::move(r.value());
  }
  return f;
}

bool ObjectFilter::Empty() const {
  return (!labels_ || labels_->Empty()) && (!fields_ || fields_->Empty());
}

bool ObjectFilter::Matches(const boost::json::object& obj) const {
  if (labels_ && !labels_->Empty()) {
    const boost::json::object* m = api::FindObject(obj, "metadata");
    if (!labels_->Matches(m ? m->if_contains("labels") : nullptr)) return false;
  }
  return !fields_ || fields_->Empty() || fields_->Matches(obj);
}

}  // namespace skiff::apiserver
