#include <string>

#include "core/api/base64.h"
#include "core/api/json_fields.h"
#include "core/api/validate_kinds.h"
#include "core/api/validate_meta.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

constexpr size_t kMaxDataBytes = 1024 * 1024;

json::value Str(std::string_view s) { return json::string(s); }

// Keys of the map at obj[field]; string values whose size `size_of` reports are summed.
template <typename SizeOf>
size_t ValidateDataMap(const json::object& obj, std::string_view field, SizeOf size_of,
                       FieldErrors& errs) {
  const json::object* data = FindObject(obj, field);
  if (data == nullptr) return 0;
  size_t total = 0;
  for (const auto& kv : *data) {
    std::string at = Key(field, kv.key());
    errs.InvalidEach(at, Str(kv.key()), ConfigMapKeyErrors(kv.key()));
    if (!kv.value().is_string()) {
      errs.Invalid(at, kv.value(), "must be a string");
      continue;
    }
    total += size_of(at, kv.value().get_string());
  }
  return total;
}

}  // namespace

void ValidateConfigMap(const json::object& obj, FieldErrors& errs) {
  auto plain = [](const std::string&, std::string_view v) { return v.size(); };
  auto decoded = [&errs](const std::string& at, std::string_view v) -> size_t {
    auto n = Base64DecodedSize(v);
    if (!n) errs.Invalid(at, Str("<binary data>"), "must be base64-encoded");
    return n.value_or(0);
  };
  size_t total =
      ValidateDataMap(obj, "data", plain, errs) + ValidateDataMap(obj, "binaryData", decoded, errs);
  const json::object* data = FindObject(obj, "data");
  const json::object* binary = FindObject(obj, "binaryData");
  if (data != nullptr && binary != nullptr) {
    for (const auto& kv : *binary) {
      if (data->contains(kv.key())) {
        errs.Invalid(Key("binaryData", kv.key()), Str(kv.key()),
                     "duplicate of key present in data");
      }
    }
  }
  if (total > kMaxDataBytes) errs.TooLong("", kMaxDataBytes);
}

void ValidateSecret(const json::object& obj, FieldErrors& errs) {
  auto decoded = [&errs](const std::string& at, std::string_view v) -> size_t {
    auto n = Base64DecodedSize(v);
    if (!n) errs.Invalid(at, Str("<secret contents redacted>"), "must be base64-encoded");
    return n.value_or(0);
  };
  // stringData was folded into data by defaulting.
  if (ValidateDataMap(obj, "data", decoded, errs) > kMaxDataBytes) {
    errs.TooLong("data", kMaxDataBytes);
  }
  const json::object* data = FindObject(obj, "data");
  auto has = [data](std::string_view key) { return data != nullptr && data->contains(key); };
  auto require = [&](std::string_view key) {
    if (!has(key)) errs.Required(Key("data", key));
  };
  std::string_view type = GetString(obj, "type");
  if (type == "kubernetes.io/service-account-token") {
    const json::object* ann = FindObject(obj, "metadata.annotations");
    if (ann == nullptr || !ann->contains("kubernetes.io/service-account.name")) {
      errs.Required("metadata.annotations[kubernetes.io/service-account.name]");
    }
  } else if (type == "kubernetes.io/dockercfg") {
    require(".dockercfg");
  } else if (type == "kubernetes.io/dockerconfigjson") {
    require(".dockerconfigjson");
  } else if (type == "kubernetes.io/basic-auth") {
    if (!has("username") && !has("password")) {
      errs.Required("data[username]");
      errs.Required("data[password]");
    }
  } else if (type == "kubernetes.io/ssh-auth") {
    require("ssh-privatekey");
  } else if (type == "kubernetes.io/tls") {
    require("tls.crt");
    require("tls.key");
  }
}

}  // namespace skiff::api
