#include "core/apiserver/discovery.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <functional>
#include <map>

namespace skiff::apiserver {
namespace json = boost::json;

namespace {

constexpr const char* kKubeVersion = "v1.32.0";

json::array Verbs(std::initializer_list<const char*> verbs) {
  json::array a;
  for (const char* v : verbs) a.emplace_back(v);
  return a;
}

json::array Strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

json::object GroupEntry(const std::string& group, const std::string& version) {
  json::object gv{{"groupVersion", group + "/" + version}, {"version", version}};
  return json::object{{"name", group}, {"versions", json::array{gv}}, {"preferredVersion", gv}};
}

// "api/v1" or "apis/<group>/<version>" for a kind.
std::string GvPath(const api::Kind& k) {
  return k.group.empty() ? "api/" + k.version : "apis/" + k.group + "/" + k.version;
}

}  // namespace

json::object VersionInfo() {
  return json::object{{"major", "1"},
                      {"minor", "32"},
                      {"gitVersion", std::string(kKubeVersion) + "+skiff"},
                      {"gitCommit", "skiff"},
                      {"gitTreeState", "clean"},
                      {"buildDate", "2026-11-23T00:00:00Z"},
                      {"goVersion", "n/a (C++)"},
                      {"compiler", "gcc"},
                      {"platform", "linux/amd64"}};
}

json::object ApiVersions(std::string_view server_address) {
  return json::object{
      {"kind", "APIVersions"},
      {"versions", json::array{"v1"}},
      {"serverAddressByClientCIDRs",
       json::array{json::object{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", server_address}}}}};
}

json::object ApiGroupList(const api::KindRegistry& kinds) {
  json::array groups;
  for (const std::string& gv : kinds.GroupVersions()) {
    auto slash = gv.find('/');
    groups.push_back(GroupEntry(gv.substr(0, slash), gv.substr(slash + 1)));
  }
  return json::object{
      {"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", std::move(groups)}};
}

std::optional<json::object> ApiGroup(const api::KindRegistry& kinds, std::string_view group) {
  for (const std::string& gv : kinds.GroupVersions()) {
    auto slash = gv.find('/');
    if (gv.substr(0, slash) == group) {
      json::object g = GroupEntry(gv.substr(0, slash), gv.substr(slash + 1));
      g["kind"] = "APIGroup";
      g["apiVersion"] = "v1";
      return g;
    }
  }
  return std::nullopt;
}

std::optional<json::object> ApiResourceList(const api::KindRegistry& kinds, std::string_view group,
                                            std::string_view version) {
  json::array resources;
  for (const api::Kind& k : kinds.All()) {
    if (k.group != group || k.version != version) continue;
    json::object r{{"name", k.resource},
                   {"singularName", k.singular},
                   {"namespaced", k.namespaced},
                   {"kind", k.kind},
                   {"verbs", Verbs({"create", "delete", "deletecollection", "get", "list", "patch",
                                    "update", "watch"})}};
    if (!k.short_names.empty()) r["shortNames"] = Strings(k.short_names);
    if (!k.categories.empty()) r["categories"] = Strings(k.categories);
    resources.push_back(std::move(r));
    auto sub = [&](const std::string& name, const char* kind, json::array verbs,
                   const char* sub_group = nullptr, const char* sub_version = nullptr) {
      json::object s{{"name", k.resource + "/" + name},
                     {"singularName", ""},
                     {"namespaced", k.namespaced},
                     {"kind", kind},
                     {"verbs", std::move(verbs)}};
      if (sub_group) s["group"] = sub_group;
      if (sub_version) s["version"] = sub_version;
      resources.push_back(std::move(s));
    };
    if (k.has_status) sub("status", k.kind.c_str(), Verbs({"get", "patch", "update"}));
    if (k.has_scale) {
      sub("scale", "Scale", Verbs({"get", "patch", "update"}), "autoscaling", "v1");
    }
    if (k.has_binding) sub("binding", "Binding", Verbs({"create"}));
  }
  if (resources.empty()) return std::nullopt;
  std::string gv =
      group.empty() ? std::string(version) : std::string(group) + "/" + std::string(version);
  return json::object{{"kind", "APIResourceList"},
                      {"apiVersion", "v1"},
                      {"groupVersion", gv},
                      {"resources", std::move(resources)}};
}

json::object OpenApiV3Index(const api::KindRegistry& kinds) {
  json::object paths;
  for (const api::Kind& k : kinds.All()) {
    std::string p = GvPath(k);
    if (paths.contains(p)) continue;
    // The hash only has to change when the document does; the documents are fixed per build.
    std::size_t h = std::hash<std::string>{}(json::serialize(*OpenApiV3Document(kinds, p)));
    paths[p] =
        json::object{{"serverRelativeURL", "/openapi/v3/" + p + "?hash=" + std::to_string(h)}};
  }
  return json::object{{"paths", std::move(paths)}};
}

std::optional<json::object> OpenApiV3Document(const api::KindRegistry& kinds,
                                              std::string_view gv_path) {
  json::object paths;
  for (const api::Kind& k : kinds.All()) {
    if (GvPath(k) != gv_path) continue;
    json::object gvk{{"group", k.group}, {"version", k.version}, {"kind", k.kind}};
    json::array params{
        json::object{
            {"name", "fieldValidation"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
        json::object{{"name", "fieldManager"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
        json::object{{"name", "dryRun"}, {"in", "query"}, {"schema", {{"type", "string"}}}}};
    json::object op{{"operationId", "patch" + k.kind},
                    {"x-kubernetes-action", "patch"},
                    {"x-kubernetes-group-version-kind", gvk},
                    {"parameters", params}};
    json::object post = op;
    post["operationId"] = "create" + k.kind;
    post["x-kubernetes-action"] = "post";
    std::string base = "/" + std::string(gv_path) + "/" +
                       (k.namespaced ? "namespaces/{namespace}/" : "") + k.resource;
    paths[base] = json::object{{"post", std::move(post)}};
    json::object put = op;
    put["operationId"] = "replace" + k.kind;
    put["x-kubernetes-action"] = "put";
    paths[base + "/{name}"] = json::object{{"patch", std::move(op)}, {"put", std::move(put)}};
  }
  if (paths.empty()) return std::nullopt;
  return json::object{{"openapi", "3.0.0"},
                      {"info", {{"title", "Kubernetes"}, {"version", kKubeVersion}}},
                      {"paths", std::move(paths)},
                      {"components", {{"schemas", json::object()}}}};
}

}  // namespace skiff::apiserver
