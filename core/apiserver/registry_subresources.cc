// The pods/binding and <workload>/scale subresources of ObjectRegistry.

#include <algorithm>
#include <boost/json/parse.hpp>

#include "core/api/api_time.h"
#include "core/api/json_fields.h"
#include "core/api/patch.h"
#include "core/apiserver/object_codec.h"
#include "core/apiserver/registry.h"

namespace skiff::apiserver {
namespace json = boost::json;
using api::ApiError;
using api::ApiResult;
using api::Kind;
using Object = ObjectRegistry::Object;

namespace {

// spec.selector as the string a Scale reports: "app=web,tier in (a,b)".
std::string SelectorString(const json::object& obj) {
  const json::object* spec = api::FindObject(obj, "spec");
  const json::object* sel = spec ? api::FindObject(*spec, "selector") : nullptr;
  if (!sel) return "";
  std::string out;
  auto add = [&out](const std::string& part) {
    if (!out.empty()) out += ",";
    out += part;
  };
  const json::object* labels = api::FindObject(*sel, "matchLabels");
  bool plain_map = !labels && !sel->contains("matchExpressions");
  if (plain_map) labels = sel;  // ReplicationController: a plain map
  if (labels) {
    for (const auto& [k, v] : *labels) {
      if (v.is_string()) add(std::string(k) + "=" + std::string(v.as_string()));
    }
  }
  if (const json::value* exprs = sel->if_contains("matchExpressions"); exprs && exprs->is_array()) {
    for (const auto& e : exprs->as_array()) {
      if (!e.is_object()) continue;
      const json::object& eo = e.as_object();
      std::string key(api::GetString(eo, "key")), op(api::GetString(eo, "operator"));
      std::string values;
      if (const json::value* vs = eo.if_contains("values"); vs && vs->is_array()) {
        for (const auto& v : vs->as_array()) {
          if (!values.empty()) values += ",";
          if (v.is_string()) values += std::string(v.as_string());
        }
      }
      if (op == "In") add(key + " in (" + values + ")");
      if (op == "NotIn") add(key + " notin (" + values + ")");
      if (op == "Exists") add(key);
      if (op == "DoesNotExist") add("!" + key);
    }
  }
  return out;
}

Object ScaleOf(const Object& obj) {
  const json::object& meta = *api::FindObject(obj, "metadata");
  json::object scale_meta;
  for (const char* f : {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
    if (const json::value* v = meta.if_contains(f)) scale_meta[f] = *v;
  }
  std::int64_t spec_replicas = 0, status_replicas = 0;
  if (const json::object* spec = api::FindObject(obj, "spec")) {
    if (const json::value* r = spec->if_contains("replicas"); r && r->is_int64()) {
      spec_replicas = r->as_int64();
    }
  }
  if (const json::object* status = api::FindObject(obj, "status")) {
    if (const json::value* r = status->if_contains("replicas"); r && r->is_int64()) {
      status_replicas = r->as_int64();
    }
  }
  return Object{{"kind", "Scale"},
                {"apiVersion", "autoscaling/v1"},
                {"metadata", std::move(scale_meta)},
                {"spec", {{"replicas", spec_replicas}}},
                {"status", {{"replicas", status_replicas}, {"selector", SelectorString(obj)}}}};
}

}  // namespace

ApiResult<Object> ObjectRegistry::Bind(std::string_view ns, std::string_view name,
                                       const Object& binding, const WriteOptions& options) {
  const Kind& pods = *kinds_.ByResource("", "v1", "pods");
  const json::object* target = api::FindObject(binding, "target");
  std::string node(target ? api::GetString(*target, "name") : "");
  if (node.empty()) {
    return ApiError::Invalid("", "Binding", std::string(name),
                             {{"FieldValueRequired", "Required value", "target.name"}});
  }
  const std::string key = ObjectKey(pods, ns, name);
  auto lock = key_locks_.Lock(key);
  for (;;) {
    auto kv = store_.Get(key);
    if (!kv.ok()) return ApiError::NotFound("", "pods", std::string(name));
    Object pod = DecodeObject(*kv);
    if (!api::GetString(pod, "metadata.deletionTimestamp").empty()) {
      return ApiError::Conflict(
          "", "pods/binding", std::string(name),
          "pod " + std::string(name) + " is being deleted, cannot be assigned to a host");
    }
    json::value& spec = pod["spec"];
    if (!spec.is_object()) spec = json::object();
    if (std::string_view cur = api::GetString(spec.as_object(), "nodeName"); !cur.empty()) {
      return ApiError::Conflict(
          "", "pods/binding", std::string(name),
          "pod " + std::string(name) + " is already assigned to node \"" + std::string(cur) + "\"");
    }
    spec.as_object()["nodeName"] = node;
    json::value& status = pod["status"];
    if (!status.is_object()) status = json::object();
    json::value& conds = status.as_object()["conditions"];
    if (!conds.is_array()) conds = json::array();
    json::array& arr = conds.as_array();
    arr.erase(std::remove_if(arr.begin(), arr.end(),
                             [](const json::value& c) {
                               return c.is_object() &&
                                      api::GetString(c.as_object(), "type") == "PodScheduled";
                             }),
              arr.end());
    arr.push_back(json::object{{"type", "PodScheduled"},
                               {"status", "True"},
                               {"lastProbeTime", nullptr},
                               {"lastTransitionTime", api::NowApiTime()}});
    if (options.dry_run) return pod;
    auto rev = store_.Update(key, EncodeObject(pod), kv->mod_revision);
    if (rev.ok()) {
      api::ChildObject(pod, "metadata")["resourceVersion"] = std::to_string(*rev);
      return pod;
    }
    if (rev.status().code() != Status::Code::kConflict) {
      return ApiError::Internal(rev.status().ToString());
    }
  }
}

ApiResult<Object> ObjectRegistry::GetScale(const Kind& kind, std::string_view ns,
                                           std::string_view name) const {
  auto obj = Get(kind, ns, name);
  if (!obj.ok()) return obj.error();
  return ScaleOf(*obj);
}

ApiResult<Object> ObjectRegistry::UpdateScale(const Kind& kind, std::string_view ns,
                                              std::string_view name, const Object& scale,
                                              const WriteOptions& options) {
  const json::object* spec = api::FindObject(scale, "spec");
  const json::value* replicas = spec ? spec->if_contains("replicas") : nullptr;
  if (!replicas || !replicas->is_int64() || replicas->as_int64() < 0) {
    return ApiError::Invalid(
        "autoscaling", "Scale", std::string(name),
        {{"FieldValueInvalid", "must be greater than or equal to 0", "spec.replicas"}});
  }
  std::string pinned(api::GetString(scale, "metadata.resourceVersion"));
  auto updated = GuaranteedUpdate(kind, ns, name, Subresource::kNone, options,
                                  [&](const Object& current) -> ApiResult<Object> {
                                    Object next = current;
                                    api::ChildObject(next, "metadata")["resourceVersion"] = pinned;
                                    json::value& s = next["spec"];
                                    if (!s.is_object()) s = json::object();
                                    s.as_object()["replicas"] = replicas->as_int64();
                                    return next;
                                  });
  if (!updated.ok()) return updated.error();
  return ScaleOf(*updated);
}

ApiResult<Object> ObjectRegistry::PatchScale(const Kind& kind, std::string_view ns,
                                             std::string_view name, PatchType type,
                                             const json::value& patch,
                                             const WriteOptions& options) {
  auto scale = GetScale(kind, ns, name);
  if (!scale.ok()) return scale.error();
  json::value target = std::move(scale.value());
  Result<json::value> patched = type == PatchType::kJson ? api::ApplyJsonPatch(target, patch)
                                                         : api::ApplyMergePatch(target, patch);
  if (!patched.ok()) return ApiError::BadRequest(patched.status().message());
  if (!patched->is_object()) return ApiError::BadRequest("the patch result is not an object");
  if (!PatchPinsVersion(type, patch))
    api::ChildObject(patched->as_object(), "metadata").erase("resourceVersion");
  return UpdateScale(kind, ns, name, patched->as_object(), options);
}

}  // namespace skiff::apiserver
