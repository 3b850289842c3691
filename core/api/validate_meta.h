#pragma once

// ObjectMeta, labels, annotations and metav1.LabelSelector validation, shared by every kind.

#include <boost/json/object.hpp>
#include <string>

#include "core/api/field_errors.h"
#include "core/api/kinds.h"
#include "core/api/name_rules.h"

namespace skiff::api {

enum class NameRule { kDnsSubdomain, kDnsLabel, kDns1035Label };

// metadata of a top-level object: name (by rule), generateName, namespace (by scope),
// labels, annotations, ownerReferences, finalizers.
void ValidateObjectMeta(const Kind& kind, const boost::json::object& obj, NameRule rule,
                        FieldErrors& errs);
// metadata of an embedded template: labels and annotations only.
void ValidateTemplateMeta(const boost::json::object* meta, const std::string& path,
                          FieldErrors& errs);
void ValidateLabels(const boost::json::value* labels, const std::string& path, FieldErrors& errs);
void ValidateAnnotations(const boost::json::value* annotations, const std::string& path,
                         FieldErrors& errs);
void ValidateLabelSelector(const boost::json::value& selector, const std::string& path,
                           FieldErrors& errs);
Messages NameErrors(NameRule rule, std::string_view name);
// Required when absent and required; NotSupported unless one of `supported`.
void ValidateEnum(const boost::json::object& obj, std::string_view key, const std::string& path,
                  const std::vector<std::string_view>& supported, bool required, FieldErrors& errs);
// A port number: "must be between 1 and 65535, inclusive".
void ValidatePortNumber(const boost::json::value& port, const std::string& path, FieldErrors& errs);
// "must be greater than or equal to 0" when the integer at obj[key] is negative.
void ValidateNonNegative(const boost::json::object& obj, std::string_view key,
                         const std::string& path, FieldErrors& errs);

}  // namespace skiff::api
