#include "core/apiserver/object_codec.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace skiff::apiserver {
namespace json = boost::json;

namespace {
constexpr std::string_view kMetadataOpen = "{\"metadata\":{";
}

std::string KeyPrefix(const api::Kind& kind, std::string_view ns) {
  std::string key = "/";
  key += kind.group.empty() ? "core" : kind.group;
  key += '/';
  key += kind.resource;
  key += '/';
  if (kind.namespaced && !ns.empty()) {
    key += ns;
    key += '/';
  }
  return key;
}

std::string ObjectKey(const api::Kind& kind, std::string_view ns, std::string_view name) {
  std::string key = KeyPrefix(kind, ns);
  key += name;
  return key;
}

std::string EncodeObject(const json::object& obj) {
  json::object out;
  out.reserve(obj.size());
  json::object metadata;
  if (auto* m = obj.if_contains("metadata"); m && m->is_object()) metadata = m->as_object();
  metadata.erase("resourceVersion");
  out["metadata"] = std::move(metadata);
  for (const auto& [k, v] : obj) {
    if (k != "metadata") out[k] = v;
  }
  return json::serialize(out);
}

std::string StoredText(const store::KeyValue& kv) {
  const std::string& v = kv.value;
  std::string rv = std::to_string(kv.mod_revision);
  std::string out;
  out.reserve(v.size() + rv.size() + 24);
  if (v.compare(0, kMetadataOpen.size(), kMetadataOpen) == 0) {
    out.append(kMetadataOpen);
    out.append("\"resourceVersion\":\"").append(rv).append("\"");
    if (v.size() > kMetadataOpen.size() && v[kMetadataOpen.size()] != '}') out.push_back(',');
    out.append(v, kMetadataOpen.size());
    return out;
  }
  // Not written by EncodeObject: parse and set.
  json::object obj = json::parse(v).as_object();
  obj["metadata"].as_object()["resourceVersion"] = rv;
  return json::serialize(obj);
}

json::object DecodeObject(const store::KeyValue& kv) {
  json::object obj = json::parse(kv.value).as_object();
  json::value& metadata = obj["metadata"];
  if (!metadata.is_object()) metadata = json::object();
  metadata.as_object()["resourceVersion"] = std::to_string(kv.mod_revision);
  return obj;
}

}  // namespace skiff::apiserver
