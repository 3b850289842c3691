#include "core/apiserver/protobuf_body.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/reflection.h>
#include <google/protobuf/unknown_field_set.h>

#include <memory>
#include <optional>

#include "core/api/api_time.h"
#include "core/api/base64.h"
#include "proto/k8s_objects.pb.h"

namespace skiff::apiserver {
namespace {

namespace json = boost::json;
namespace pb = google::protobuf;

constexpr std::string_view kMagic{"k8s\0", 4};

api::ApiError Unsupported(std::string message) {
  api::ApiError e = api::ApiError::UnsupportedMediaType("application/vnd.kubernetes.protobuf");
  e.message = std::move(message);
  return e;
}

std::unique_ptr<pb::Message> MessageFor(std::string_view api_version, std::string_view kind) {
  if (api_version == "v1") {
    if (kind == "Namespace") return std::make_unique<k8s::Namespace>();
    if (kind == "ConfigMap") return std::make_unique<k8s::ConfigMap>();
    if (kind == "Secret") return std::make_unique<k8s::Secret>();
    if (kind == "Service") return std::make_unique<k8s::Service>();
  }
  if (api_version == "apps/v1" && kind == "Deployment") return std::make_unique<k8s::Deployment>();
  if (api_version == "batch/v1" && kind == "Job") return std::make_unique<k8s::Job>();
  if (api_version == "batch/v1" && kind == "CronJob") return std::make_unique<k8s::CronJob>();
  return nullptr;
}

// The first field of `message` (or of a message in it) that this build does not declare, as
// "Type field N", or nullopt. Such a field would be lost in the conversion.
std::optional<std::string> FirstUndeclaredField(const pb::Message& message) {
  const pb::Reflection& reflection = *message.GetReflection();
  const pb::UnknownFieldSet& unknown = reflection.GetUnknownFields(message);
  if (!unknown.empty()) {
    return message.GetDescriptor()->name() + " field " + std::to_string(unknown.field(0).number());
  }
  std::vector<const pb::FieldDescriptor*> fields;
  reflection.ListFields(message, &fields);
  for (const pb::FieldDescriptor* field : fields) {
    if (field->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    int count = field->is_repeated() ? reflection.FieldSize(message, field) : 1;
    for (int i = 0; i < count; ++i) {
      const pb::Message& inner = field->is_repeated()
                                     ? reflection.GetRepeatedMessage(message, field, i)
                                     : reflection.GetMessage(message, field);
      if (auto found = FirstUndeclaredField(inner)) return found;
    }
  }
  return std::nullopt;
}

json::value MessageToJson(const pb::Message& message);

// One value of `field` (element `index` when repeated) as JSON; nullopt for a zero value that
// Go's JSON would leave out.
std::optional<json::value> FieldValue(const pb::Message& message, const pb::FieldDescriptor* field,
                                      int index) {
  const pb::Reflection& r = *message.GetReflection();
  const bool repeated = field->is_repeated();
  const bool keep_zero = repeated || field->options().GetExtension(k8s::set_when_zero);
  auto kept = [&](auto value, bool zero) -> std::optional<json::value> {
    if (zero && !keep_zero) return std::nullopt;
    return json::value(value);
  };
  switch (field->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32: {
      auto v = repeated ? r.GetRepeatedInt32(message, field, index) : r.GetInt32(message, field);
      return kept(v, v == 0);
    }
    case pb::FieldDescriptor::CPPTYPE_INT64: {
      auto v = repeated ? r.GetRepeatedInt64(message, field, index) : r.GetInt64(message, field);
      return kept(v, v == 0);
    }
    case pb::FieldDescriptor::CPPTYPE_BOOL: {
      bool v = repeated ? r.GetRepeatedBool(message, field, index) : r.GetBool(message, field);
      return kept(v, !v);
    }
    case pb::FieldDescriptor::CPPTYPE_STRING: {
      std::string v =
          repeated ? r.GetRepeatedString(message, field, index) : r.GetString(message, field);
      if (field->type() == pb::FieldDescriptor::TYPE_BYTES) v = api::Base64Encode(v);
      return kept(json::string(v), v.empty());
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE: {
      const pb::Message& inner =
          repeated ? r.GetRepeatedMessage(message, field, index) : r.GetMessage(message, field);
      json::value v = MessageToJson(inner);
      bool zero = v.is_null() || (v.is_object() && v.as_object().empty());
      if (zero && !keep_zero) return std::nullopt;
      return v.is_null() ? json::value(json::object{}) : v;
    }
    default:
      return std::nullopt;  // no other field types are declared
  }
}

// A map field's entries (key, value) as a JSON object.
json::object MapToJson(const pb::Message& message, const pb::FieldDescriptor* field) {
  const pb::Reflection& r = *message.GetReflection();
  json::object out;
  for (int i = 0; i < r.FieldSize(message, field); ++i) {
    const pb::Message& entry = r.GetRepeatedMessage(message, field, i);
    const pb::FieldDescriptor* key = entry.GetDescriptor()->map_key();
    const pb::FieldDescriptor* value = entry.GetDescriptor()->map_value();
    // A map value is kept even when zero: "a": "" is data.
    json::value v = value->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE
                        ? MessageToJson(entry.GetReflection()->GetMessage(entry, value))
                        : FieldValue(entry, value, 0).value_or(json::string());
    out[entry.GetReflection()->GetString(entry, key)] = std::move(v);
  }
  return out;
}

// The JSON form Kubernetes gives the object; null for a zero Time.
json::value MessageToJson(const pb::Message& message) {
  const pb::Descriptor* type = message.GetDescriptor();
  if (type == k8s::Time::descriptor()) {
    const auto& t = static_cast<const k8s::Time&>(message);
    if (t.seconds() == 0 && t.nanos() == 0) return nullptr;
    return json::string(api::ApiTimeFromNanos(t.seconds() * 1'000'000'000 + t.nanos()));
  }
  if (type == k8s::IntOrString::descriptor()) {
    const auto& v = static_cast<const k8s::IntOrString&>(message);
    if (v.type() == 1) return json::string(v.strval());
    return v.intval();
  }
  if (type == k8s::Quantity::descriptor()) {
    return json::string(static_cast<const k8s::Quantity&>(message).string());
  }
  const pb::Reflection& r = *message.GetReflection();
  std::vector<const pb::FieldDescriptor*> fields;
  r.ListFields(message, &fields);
  json::object out;
  for (const pb::FieldDescriptor* field : fields) {
    if (field->is_map()) {
      json::object map = MapToJson(message, field);
      if (!map.empty()) out[field->name()] = std::move(map);
    } else if (field->is_repeated()) {
      json::array items;
      for (int i = 0; i < r.FieldSize(message, field); ++i) {
        items.push_back(FieldValue(message, field, i).value_or(nullptr));
      }
      out[field->name()] = std::move(items);
    } else if (auto v = FieldValue(message, field, 0)) {
      out[field->name()] = std::move(*v);
    }
  }
  return out;
}

}  // namespace

api::ApiResult<json::object> DecodeProtobufBody(std::string_view body) {
  if (body.substr(0, kMagic.size()) != kMagic) {
    return api::ApiError::BadRequest("protobuf body without the k8s envelope");
  }
  body.remove_prefix(kMagic.size());
  k8s::Unknown unknown;
  if (!unknown.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return api::ApiError::BadRequest("malformed protobuf body");
  }
  const std::string& api_version = unknown.typemeta().apiversion();
  const std::string& kind = unknown.typemeta().kind();
  auto message = MessageFor(api_version, kind);
  if (!message) {
    return Unsupported(
        "protobuf bodies are decoded for v1 Namespace, ConfigMap, Secret and Service, apps/v1 "
        "Deployment and batch/v1 Job and CronJob (" +
        api_version + " " + kind + " is not); send application/json or application/yaml");
  }
  if (!message->ParseFromString(unknown.raw())) {
    return api::ApiError::BadRequest("malformed protobuf " + kind);
  }
  if (auto field = FirstUndeclaredField(*message)) {
    return Unsupported("protobuf " + kind + " carries " + *field +
                       ", which this server does not decode; send application/json or "
                       "application/yaml");
  }
  json::value converted = MessageToJson(*message);
  json::object obj = converted.is_object() ? std::move(converted.as_object()) : json::object{};
  obj["apiVersion"] = api_version;
  obj["kind"] = kind;
  return obj;
}

}  // namespace skiff::apiserver
