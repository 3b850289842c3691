#pragma once

// Request bodies in Kubernetes' protobuf encoding ("k8s\0" + runtime.Unknown), which kubectl's
// typed commands send (`kubectl create namespace|configmap|secret|service|deployment|job|cronjob`),
// turned into the JSON object the rest of the server speaks, as Kubernetes writes it (Go's zero
// values left out, Time/IntOrString/Quantity as text or number). Kinds without a decoder, and
// bodies with a field the decoder does not declare, get 415 with a clear message: nothing is
// dropped.

#include <boost/json/object.hpp>
#include <string_view>

#include "core/api/api_result.h"

namespace skiff::apiserver {

api::ApiResult<boost::json::object> DecodeProtobufBody(std::string_view body);

}  // namespace skiff::apiserver
