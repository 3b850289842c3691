#include "core/controllers/statefulset/stateful_pod.h"

#include <boost/json/array.hpp>
#include <charconv>

#include "core/api/json_fields.h"
#include "core/controllers/common/pod_template.h"

namespace skiff::controllers {
namespace json = boost::json;

std::string StatefulPodName(std::string_view set_name, int64_t ordinal) {
  return std::string(set_name) + "-" + std::to_string(ordinal);
}

std::optional<int64_t> StatefulPodOrdinal(std::string_view set_name, std::string_view pod_name) {
  if (pod_name.size() <= set_name.size() + 1 || pod_name.substr(0, set_name.size()) != set_name ||
      pod_name[set_name.size()] != '-') {
    return std::nullopt;
  }
  std::string_view digits = pod_name.substr(set_name.size() + 1);
  if (digits.size() > 1 && digits[0] == '0') return std::nullopt;
  int64_t ordinal = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), ordinal);
  if (ec != std::errc() || end != digits.data() + digits.size() || ordinal < 0) {
    return std::nullopt;
  }
  return ordinal;
}

std::string ClaimName(std::string_view claim_template, std::string_view set_name, int64_t ordinal) {
  return std::string(claim_template) + "-" + StatefulPodName(set_name, ordinal);
}

json::object NewStatefulPod(const api::Kind& set_kind, const json::object& set, int64_t ordinal,
                            const std::string& revision) {
  std::string set_name(api::GetString(set, "metadata.name"));
  std::string name = StatefulPodName(set_name, ordinal);
  const json::object* tmpl = api::FindObject(set, "spec.template");
  json::object pod = PodFromTemplate(tmpl ? *tmpl : json::object(), set, set_kind, "");
  json::object& meta = api::ChildObject(pod, "metadata");
  meta.erase("generateName");
  meta["name"] = name;
  json::object& labels = api::ChildObject(meta, "labels");
  labels[kPodNameLabel] = name;
  labels[kPodIndexLabel] = std::to_string(ordinal);
  labels[kRevisionLabel] = revision;

  json::object& spec = api::ChildObject(pod, "spec");
  spec["hostname"] = name;
  if (std::string_view service = api::GetString(set, "spec.serviceName"); !service.empty()) {
    spec["subdomain"] = service;
  }
  // Each claim template becomes the volume of the same name (replacing one the template has).
  if (const json::array* claims = api::FindArray(set, "spec.volumeClaimTemplates")) {
    json::value& volumes_value = spec["volumes"];
    if (!volumes_value.is_array()) volumes_value = json::array();
    json::array& volumes = volumes_value.get_array();
    for (const auto& c : *claims) {
      if (!c.is_object()) continue;
      std::string_view claim = api::GetString(c.get_object(), "metadata.name");
      json::object volume{
          {"name", claim},
          {"persistentVolumeClaim", {{"claimName", ClaimName(claim, set_name, ordinal)}}}};
      bool replaced = false;
      for (auto& v : volumes) {
        if (v.is_object() && api::GetString(v.get_object(), "name") == claim) {
          v = volume;
          replaced = true;
        }
      }
      if (!replaced) volumes.emplace_back(std::move(volume));
    }
  }
  return pod;
}

std::vector<json::object> NewStatefulClaims(const json::object& set, int64_t ordinal) {
  std::vector<json::object> out;
  const json::array* claims = api::FindArray(set, "spec.volumeClaimTemplates");
  if (!claims) return out;
  std::string_view set_name = api::GetString(set, "metadata.name");
  const json::object* match_labels = api::FindObject(set, "spec.selector.matchLabels");
  for (const auto& c : *claims) {
    if (!c.is_object()) continue;
    json::object claim;
    json::object& meta = claim["metadata"].emplace_object();
    if (const json::object* m = api::FindObject(c.get_object(), "metadata")) {
      for (const char* key : {"labels", "annotations"}) {
        if (const json::value* v = m->if_contains(key); v && v->is_object()) meta[key] = *v;
      }
    }
    // As Kubernetes does, the claim carries the set's selector labels.
    if (match_labels) {
      json::object& labels = api::ChildObject(meta, "labels");
      for (const auto& [k, v] : *match_labels) labels[k] = v;
    }
    meta["name"] = ClaimName(api::GetString(c.get_object(), "metadata.name"), set_name, ordinal);
    meta["namespace"] = api::GetString(set, "metadata.namespace");
    if (const json::object* spec = api::FindObject(c.get_object(), "spec")) claim["spec"] = *spec;
    out.push_back(std::move(claim));
  }
  return out;
}

}  // namespace skiff::controllers
