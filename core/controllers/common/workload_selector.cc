#include "core/controllers/common/workload_selector.h"

#include "core/api/json_fields.h"

namespace skiff::controllers {
namespace json = boost::json;

std::optional<api::LabelSelector> WorkloadSelector(const client::Object& obj,
                                                   const api::Kind& kind) {
  json::value selector;
  if (kind.group.empty()) {
    const json::object* m = api::FindObject(obj, "spec.selector");
    if (!m || m->empty()) m = api::FindObject(obj, "spec.template.metadata.labels");
    if (!m || m->empty()) return std::nullopt;
    selector = json::object{{"matchLabels", *m}};
  } else {
    const json::value* s = api::FindPath(obj, "spec.selector");
    if (!s || !s->is_object()) return std::nullopt;
    selector = *s;
  }
  auto parsed = api::LabelSelector::FromJson(selector);
  if (!parsed.ok() || parsed.value().Empty()) return std::nullopt;
  return std::move(parsed.value());
}

}  // namespace skiff::controllers
