#pragma once

// Validation with Kubernetes' rules. Returns one StatusCause per bad field (empty = valid).
// Pure functions.

#include <boost/json/object.hpp>
#include <string_view>
#include <vector>

#include "core/api/errors.h"
#include "core/api/kinds.h"

namespace skiff::api {

// DNS-1123 subdomain (most object names), label (Namespace, Service names), and the
// label key/value rules.
bool IsDns1123Subdomain(std::string_view s);
bool IsDns1123Label(std::string_view s);
bool IsQualifiedName(std::string_view s);  // label/annotation keys
bool IsLabelValue(std::string_view s);

// A new object (after defaulting): metadata (name rules per kind, labels, annotations),
// required fields and value rules of the kind's spec.
std::vector<StatusCause> ValidateCreate(const Kind& kind, const boost::json::object& obj);
// An update: everything ValidateCreate checks plus immutable fields (e.g. Pod spec except
// the mutable parts, Service clusterIP, selector of apps/v1 workloads, PVC spec when bound).
std::vector<StatusCause> ValidateUpdate(const Kind& kind, const boost::json::object& updated,
                                        const boost::json::object& old);

}  // namespace skiff::api
