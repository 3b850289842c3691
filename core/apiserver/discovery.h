#pragma once

// The discovery and OpenAPI documents kubectl and client libraries read before anything else:
// /version, /api, /apis, /api/v1, /apis/<group>[/<version>], /openapi/v3[/<gv>].
// Built from the KindRegistry; pure functions.

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/api/kinds.h"

namespace skiff::apiserver {

boost::json::object VersionInfo();
boost::json::object ApiVersions(std::string_view server_address);
boost::json::object ApiGroupList(const api::KindRegistry& kinds);
std::optional<boost::json::object> ApiGroup(const api::KindRegistry& kinds, std::string_view group);
std::optional<boost::json::object> ApiResourceList(const api::KindRegistry& kinds,
                                                   std::string_view group,
                                                   std::string_view version);
// /openapi/v3: the index of group-version documents.
boost::json::object OpenApiV3Index(const api::KindRegistry& kinds);
// /openapi/v3/<api/v1 | apis/<group>/<version>>: paths with their operations, enough for
// kubectl to learn that PATCH supports server-side field validation.
std::optional<boost::json::object> OpenApiV3Document(const api::KindRegistry& kinds,
                                                     std::string_view gv_path);

}  // namespace skiff::apiserver
