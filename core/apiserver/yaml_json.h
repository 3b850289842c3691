#pragma once

// Request bodies sent as YAML (Content-Type application/yaml), converted to the JSON the rest
// of the server speaks. Plain scalars get YAML 1.2 core-schema types (null, bool, int, float);
// quoted scalars stay strings.

#include <boost/json/value.hpp>
#include <string_view>

#include "core/base/status.h"

namespace skiff::apiserver {

Result<boost::json::value> YamlToJson(std::string_view yaml);

}  // namespace skiff::apiserver
