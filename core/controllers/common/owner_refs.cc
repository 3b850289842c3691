#include "core/controllers/common/owner_refs.h"

#include "core/api/json_fields.h"

namespace skiff::controllers {
namespace json = boost::json;

namespace {

OwnerRef FromJson(const json::object& r) {
  OwnerRef o;
  o.api_version = std::string(api::GetString(r, "apiVersion"));
  o.kind = std::string(api::GetString(r, "kind"));
  o.name = std::string(api::GetString(r, "name"));
  o.uid = std::string(api::GetString(r, "uid"));
  o.controller = api::GetBool(r, "controller");
  o.block_owner_deletion = api::GetBool(r, "blockOwnerDeletion");
  return o;
}

api::ApiResult<client::Object> WriteRefs(client::Client& client, const api::Kind& kind,
                                         const client::Object& dependent, json::array refs) {
  client::Object copy = dependent;
  json::object& meta = api::ChildObject(copy, "metadata");
  if (refs.empty()) {
    meta.erase("ownerReferences");
  } else {
    meta["ownerReferences"] = std::move(refs);
  }
  return client.Update(kind, copy);
}

}  // namespace

std::vector<OwnerRef> OwnerRefs(const client::Object& obj) {
  std::vector<OwnerRef> out;
  if (const json::array* refs = api::FindArray(obj, "metadata.ownerReferences")) {
    for (const auto& r : *refs) {
      if (r.is_object()) out.push_back(FromJson(r.get_object()));
    }
  }
  return out;
}

std::optional<OwnerRef> ControllerRef(const client::Object& obj) {
  if (const json::array* refs = api::FindArray(obj, "metadata.ownerReferences")) {
    for (const auto& r : *refs) {
      if (r.is_object() && api::GetBool(r.get_object(), "controller")) {
        return FromJson(r.get_object());
      }
    }
  }
  return std::nullopt;
}

json::object MakeControllerRef(const client::Object& owner, const api::Kind& owner_kind) {
  return json::object{{"apiVersion", owner_kind.ApiVersion()},
                      {"kind", owner_kind.kind},
                      {"name", api::GetString(owner, "metadata.name")},
                      {"uid", api::GetString(owner, "metadata.uid")},
                      {"controller", true},
                      {"blockOwnerDeletion", true}};
}

api::ApiResult<client::Object> Adopt(client::Client& client, const api::Kind& dependent_kind,
                                     const client::Object& dependent, const client::Object& owner,
                                     const api::Kind& owner_kind) {
  json::array refs;
  if (const json::array* old = api::FindArray(dependent, "metadata.ownerReferences")) refs = *old;
  refs.push_back(MakeControllerRef(owner, owner_kind));
  return WriteRefs(client, dependent_kind, dependent, std::move(refs));
}

api::ApiResult<client::Object> Release(client::Client& client, const api::Kind& dependent_kind,
                                       const client::Object& dependent,
                                       std::string_view owner_uid) {
  json::array refs;
  if (const json::array* old = api::FindArray(dependent, "metadata.ownerReferences")) {
    for (const auto& r : *old) {
      if (r.is_object() && api::GetString(r.get_object(), "uid") == owner_uid) continue;
      refs.push_back(r);
    }
  }
  return WriteRefs(client, dependent_kind, dependent, std::move(refs));
}

}  // namespace skiff::controllers
