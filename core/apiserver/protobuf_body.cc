#include "core/apiserver/protobuf_body.h"

#include <google/protobuf/util/json_util.h>

#include <boost/json/parse.hpp>
#include <memory>

#include "proto/k8s_objects.pb.h"

namespace skiff::apiserver {
namespace {

constexpr std::string_view kMagic{"k8s\0", 4};

api::ApiError Unsupported(std::string message) {
  api::ApiError e = api::ApiError::UnsupportedMediaType("application/vnd.kubernetes.protobuf");
  e.message = std::move(message);
  return e;
}

std::unique_ptr<google::protobuf::Message> MessageFor(std::string_view api_version,
                                                      std::string_view kind) {
  if (api_version != "v1") return nullptr;
  if (kind == "Namespace") return std::make_unique<k8s::Namespace>();
  if (kind == "ConfigMap") return std::make_unique<k8s::ConfigMap>();
  if (kind == "Secret") return std::make_unique<k8s::Secret>();
  return nullptr;
}

}  // namespace

api::ApiResult<boost::json::object> DecodeProtobufBody(std::string_view body) {
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
    return Unsupported("protobuf bodies are only decoded for v1 Namespace, ConfigMap and Secret (" +
                       api_version + " " + kind +
                       " is not); send application/json or application/yaml");
  }
  if (!message->ParseFromString(unknown.raw())) {
    return api::ApiError::BadRequest("malformed protobuf " + kind);
  }
  std::string text;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(*message, &text, options).ok()) {
    return api::ApiError::BadRequest("cannot convert protobuf " + kind + " to JSON");
  }
  boost::json::object obj = boost::json::parse(text).as_object();
  obj["apiVersion"] = api_version;
  obj["kind"] = kind;
  return obj;
}

}  // namespace skiff::apiserver
