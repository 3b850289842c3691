#include "core/controllers/statefulset/claim_retention.h"

#include <algorithm>

#include "core/api/json_fields.h"
#include "core/controllers/statefulset/stateful_pod.h"

namespace skiff::controllers {
namespace json = boost::json;

namespace {

bool IsDelete(const json::object& set, const char* when) {
  return api::GetString(set, std::string("spec.persistentVolumeClaimRetentionPolicy.") + when) ==
         "Delete";
}

json::object Ref(std::string_view api_version, std::string_view kind, const json::object& owner) {
  return json::object{{"apiVersion", api_version},
                      {"kind", kind},
                      {"name", api::GetString(owner, "metadata.name")},
                      {"uid", api::GetString(owner, "metadata.uid")}};
}

}  // namespace

std::optional<int64_t> StatefulClaimOrdinal(const json::object& set, std::string_view claim_name) {
  const json::array* templates = api::FindArray(set, "spec.volumeClaimTemplates");
  if (!templates) return std::nullopt;
  std::string_view set_name = api::GetString(set, "metadata.name");
  for (const auto& t : *templates) {
    if (!t.is_object()) continue;
    std::string_view prefix = api::GetString(t.get_object(), "metadata.name");
    if (claim_name.size() > prefix.size() + 1 && claim_name.substr(0, prefix.size()) == prefix &&
        claim_name[prefix.size()] == '-') {
      if (auto ordinal = StatefulPodOrdinal(set_name, claim_name.substr(prefix.size() + 1))) {
        return ordinal;
      }
    }
  }
  return std::nullopt;
}

bool ScaledDownClaimsGo(const json::object& set) { return IsDelete(set, "whenScaled"); }

std::optional<json::array> RetainedClaimOwners(const api::Kind& set_kind, const json::object& set,
                                               const json::object& claim, int64_t ordinal,
                                               const json::object* pod) {
  const int64_t start = api::GetInt(set, "spec.ordinals.start").value_or(0);
  const int64_t replicas = std::max<int64_t>(api::GetInt(set, "spec.replicas").value_or(1), 0);
  const bool scaled_down = ordinal < start || ordinal >= start + replicas;
  const bool delete_when_scaled = ScaledDownClaimsGo(set);
  // Beyond replicas with whenScaled=Delete the pod owns the claim (it goes when the pod does);
  // otherwise the set does when whenDeleted=Delete.
  const bool pod_owns = delete_when_scaled && scaled_down && pod != nullptr;
  const bool set_owns = IsDelete(set, "whenDeleted") && !(delete_when_scaled && scaled_down);

  const std::string_view set_uid = api::GetString(set, "metadata.uid");
  const std::string pod_name = StatefulPodName(api::GetString(set, "metadata.name"), ordinal);
  const json::array* current = api::FindArray(claim, "metadata.ownerReferences");
  json::array out;
  bool has_set = false, has_pod = false;
  if (current) {
    for (const auto& r : *current) {
      const json::object* ref = r.if_object();
      if (ref && api::GetString(*ref, "uid") == set_uid) {
        if (!set_owns) continue;
        has_set = true;
      } else if (ref && api::GetString(*ref, "kind") == "Pod" &&
                 api::GetString(*ref, "name") == pod_name) {
        // With a pod of that name, only its own reference stays (one to an earlier pod would
        // have the claim collected as soon as the collector notices that pod is gone). With
        // none, a scaled-down claim keeps its gone pod's reference: the collector takes it.
        bool keep = pod != nullptr ? pod_owns && api::GetString(*ref, "uid") ==
                                                     api::GetString(*pod, "metadata.uid")
                                   : delete_when_scaled && scaled_down;
        if (!keep) continue;
        has_pod = true;
      }
      out.push_back(r);
    }
  }
  if (set_owns && !has_set) out.push_back(Ref(set_kind.ApiVersion(), set_kind.kind, set));
  if (pod_owns && !has_pod) out.push_back(Ref("v1", "Pod", *pod));
  const json::array empty;
  if (api::JsonEqual(json::value(out), json::value(current ? *current : empty))) {
    return std::nullopt;
  }
  return out;
}

}  // namespace skiff::controllers
