#pragma once

// Request bodies in Kubernetes' protobuf encoding ("k8s\0" + runtime.Unknown), which kubectl's
// typed commands send (`kubectl create namespace|configmap|secret`), turned into the JSON
// object the rest of the server speaks. Kinds without a decoder get 415 with a clear message.

#include <boost/json/object.hpp>
#include <string_view>

#include "core/api/api_result.h"

namespace skiff::apiserver {

api::ApiResult<boost::json::object> DecodeProtobufBody(std::string_view body);

}  // namespace skiff::apiserver
