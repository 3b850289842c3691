#include "core/controllers/common/pod_template.h"

#include "core/api/json_fields.h"
#include "core/controllers/common/owner_refs.h"

namespace skiff::controllers {
namespace json = boost::json;

const api::Kind& PodKind() {
  static const api::Kind& kind = *api::KindRegistry::Builtin().ByResource("", "v1", "pods");
  return kind;
}

client::Object PodFromTemplate(const json::object& tmpl, const client::Object& owner,
                               const api::Kind& owner_kind, std::string_view generate_name) {
  json::object meta;
  meta["generateName"] = generate_name;
  meta["namespace"] = api::GetString(owner, "metadata.namespace");
  if (const json::object* labels = api::FindObject(tmpl, "metadata.labels")) {
    meta["labels"] = *labels;
  }
  if (const json::object* annotations = api::FindObject(tmpl, "metadata.annotations")) {
    meta["annotations"] = *annotations;
  }
  if (const json::array* finalizers = api::FindArray(tmpl, "metadata.finalizers")) {
    meta["finalizers"] = *finalizers;
  }
  meta["ownerReferences"] = json::array{MakeControllerRef(owner, owner_kind)};
  json::object pod{{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", std::move(meta)}};
  const json::object* spec = api::FindObject(tmpl, "spec");
  pod["spec"] = spec ? *spec : json::object();
  return pod;
}

api::ApiResult<client::Object> CreatePodFromTemplate(client::Client& client,
                                                     const json::object& tmpl,
                                                     const client::Object& owner,
                                                     const api::Kind& owner_kind) {
  std::string prefix = std::string(api::GetString(owner, "metadata.name")) + "-";
  return client.Create(PodKind(), api::GetString(owner, "metadata.namespace"),
                       PodFromTemplate(tmpl, owner, owner_kind, prefix));
}

}  // namespace skiff::controllers
