#include "core/api/patch.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

// RFC 7386 section 2, MergePatch(Target, Patch).
json::value Merge(const json::value& target, const json::value& patch) {
  const json::object* p = patch.if_object();
  if (p == nullptr) return patch;
  json::object out = target.is_object() ? target.get_object() : json::object();
  for (const auto& kv : *p) {
    if (kv.value().is_null()) {
      out.erase(kv.key());
    } else {
      const json::value* cur = out.if_contains(kv.key());
      out[kv.key()] = Merge(cur ? *cur : json::value(), kv.value());
    }
  }
  return out;
}

}  // namespace

Result<json::value> ApplyMergePatch(const json::value& target, const json::value& patch) {
  return Merge(target, patch);
}

}  // namespace skiff::api
