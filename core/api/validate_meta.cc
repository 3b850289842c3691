#include "core/api/validate_meta.h"

#include <boost/json/array.hpp>
#include <cctype>

#include "core/api/json_fields.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

constexpr size_t kAnnotationsMaxBytes = 256 * 1024;

void ValidateOwnerReferences(const json::value* refs, const std::string& path, FieldErrors& errs) {
  if (refs == nullptr || !refs->is_array()) return;
  int controllers = 0;
  for (const auto& ref : refs->get_array()) {
    const json::object* r = ref.if_object();
    if (r == nullptr) continue;
    std::string_view api_version = GetString(*r, "apiVersion");
    std::string_view version = api_version.substr(api_version.find('/') + 1);
    if (version.empty()) {
      errs.Invalid(Child(path, "apiVersion"), json::string(api_version),
                   "version must not be empty");
    }
    for (const char* field : {"kind", "name", "uid"}) {
      if (GetString(*r, field).empty()) {
        errs.Invalid(Child(path, field), json::string(GetString(*r, field)),
                     std::string(field) + " must not be empty");
      }
    }
    if (GetBool(*r, "controller")) ++controllers;
  }
  if (controllers > 1) {
    errs.Invalid(path, *refs, "Only one reference can have Controller set to true");
  }
}

void ValidateFinalizers(const json::value* finalizers, const std::string& path, FieldErrors& errs) {
  if (finalizers == nullptr || !finalizers->is_array()) return;
  for (const auto& f : finalizers->get_array()) {
    std::string_view name = f.is_string() ? std::string_view(f.get_string()) : "";
    Messages bad = QualifiedNameErrors(name);
    errs.InvalidEach(path, f, bad);
    bool standard = name == "kubernetes" || name == "orphan" || name == "foregroundDeletion";
    if (bad.empty() && name.find('/') == std::string_view::npos && !standard) {
      errs.Invalid(path, f, "name is neither a standard finalizer name nor is it fully qualified");
    }
  }
}

}  // namespace

Messages NameErrors(NameRule rule, std::string_view name) {
  switch (rule) {
    case NameRule::kDnsLabel:
      return Dns1123LabelErrors(name);
    case NameRule::kDns1035Label:
      return Dns1035LabelErrors(name);
    case NameRule::kDnsSubdomain:
      break;
  }
  return Dns1123SubdomainErrors(name);
}

void ValidateEnum(const json::object& obj, std::string_view key, const std::string& path,
                  const std::vector<std::string_view>& supported, bool required,
                  FieldErrors& errs) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr || v->is_null() || *v == "") {
    if (required) errs.Required(path);
    return;
  }
  for (std::string_view s : supported) {
    if (v->is_string() && v->get_string() == s) return;
  }
  errs.NotSupported(path, *v, supported);
}

void ValidatePortNumber(const json::value& port, const std::string& path, FieldErrors& errs) {
  auto n = AsInt(port);
  if (!n || *n < 1 || *n > 65535)
    errs.Invalid(path, port, "must be between 1 and 65535, inclusive");
}

void ValidateNonNegative(const json::object& obj, std::string_view key, const std::string& path,
                         FieldErrors& errs) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr || v->is_null()) return;
  auto n = AsInt(*v);
  if (!n) {
    errs.Invalid(path, *v, "must be an integer");
  } else if (*n < 0) {
    errs.Invalid(path, *v, "must be greater than or equal to 0");
  }
}

void ValidateLabels(const json::value* labels, const std::string& path, FieldErrors& errs) {
  if (labels == nullptr || labels->is_null()) return;
  if (!labels->is_object()) {
    errs.Invalid(path, *labels, "must be a map of string keys to string values");
    return;
  }
  for (const auto& kv : labels->get_object()) {
    errs.InvalidEach(path, json::string(kv.key()), QualifiedNameErrors(kv.key()));
    if (!kv.value().is_string()) {
      errs.Invalid(path, kv.value(), "must be a string");
      continue;
    }
    errs.InvalidEach(path, kv.value(), LabelValueErrors(kv.value().get_string()));
  }
}

void ValidateAnnotations(const json::value* annotations, const std::string& path,
                         FieldErrors& errs) {
  if (annotations == nullptr || annotations->is_null()) return;
  if (!annotations->is_object()) {
    errs.Invalid(path, *annotations, "must be a map of string keys to string values");
    return;
  }
  size_t total = 0;
  for (const auto& kv : annotations->get_object()) {
    std::string lower(kv.key());
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    errs.InvalidEach(path, json::string(kv.key()), QualifiedNameErrors(lower));
    total += kv.key().size();
    if (kv.value().is_string()) {
      total += kv.value().get_string().size();
    } else {
      errs.Invalid(path, kv.value(), "must be a string");
    }
  }
  if (total > kAnnotationsMaxBytes) errs.TooLong(path, kAnnotationsMaxBytes);
}

void ValidateLabelSelector(const json::value& selector, const std::string& path,
                           FieldErrors& errs) {
  const json::object* sel = selector.if_object();
  if (sel == nullptr) {
    if (!selector.is_null()) errs.Invalid(path, selector, "must be a label selector object");
    return;
  }
  ValidateLabels(sel->if_contains("matchLabels"), Child(path, "matchLabels"), errs);
  const json::array* exprs = FindArray(*sel, "matchExpressions");
  if (exprs == nullptr) return;
  for (size_t i = 0; i < exprs->size(); ++i) {
    std::string at = Index(Child(path, "matchExpressions"), i);
    const json::object* e = (*exprs)[i].if_object();
    if (e == nullptr) {
      errs.Invalid(at, (*exprs)[i], "must be a label selector requirement");
      continue;
    }
    std::string_view op = GetString(*e, "operator");
    const json::array* values = FindArray(*e, "values");
    bool has_values = values != nullptr && !values->empty();
    if (op == "In" || op == "NotIn") {
      if (!has_values) {
        errs.Required(Child(at, "values"), "must be specified when `operator` is 'In' or 'NotIn'");
      }
    } else if (op == "Exists" || op == "DoesNotExist") {
      if (has_values) {
        errs.Forbidden(Child(at, "values"),
                       "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
      }
    } else {
      errs.Invalid(Child(at, "operator"), json::string(op), "not a valid selector operator");
    }
    std::string_view key = GetString(*e, "key");
    errs.InvalidEach(Child(at, "key"), json::string(key), QualifiedNameErrors(key));
    if (values == nullptr) continue;
    for (size_t j = 0; j < values->size(); ++j) {
      const json::value& v = (*values)[j];
      Messages bad =
          v.is_string() ? LabelValueErrors(v.get_string()) : Messages{"must be a string"};
      errs.InvalidEach(Index(Child(at, "values"), j), v, bad);
    }
  }
}

void ValidateTemplateMeta(const json::object* meta, const std::string& path, FieldErrors& errs) {
  if (meta == nullptr) return;
  ValidateLabels(meta->if_contains("labels"), Child(path, "labels"), errs);
  ValidateAnnotations(meta->if_contains("annotations"), Child(path, "annotations"), errs);
}

void ValidateObjectMeta(const Kind& kind, const json::object& obj, NameRule rule,
                        FieldErrors& errs) {
  static const json::object kEmpty;
  const json::object* found = FindObject(obj, "metadata");
  const json::object& meta = found ? *found : kEmpty;
  std::string_view generate_name = GetString(meta, "generateName");
  if (!generate_name.empty()) {
    // A prefix may end in '-': check it as if a generated suffix followed.
    std::string masked(generate_name);
    if (masked.size() > 1 && masked.back() == '-') masked.back() = 'a';
    errs.InvalidEach("metadata.generateName", json::string(generate_name),
                     NameErrors(rule, masked));
  }
  std::string_view name = GetString(meta, "name");
  if (name.empty()) {
    errs.Required("metadata.name", "name or generateName is required");
  } else {
    errs.InvalidEach("metadata.name", json::string(name), NameErrors(rule, name));
  }
  std::string_view ns = GetString(meta, "namespace");
  if (kind.namespaced) {
    if (ns.empty()) {
      errs.Required("metadata.namespace");
    } else {
      errs.InvalidEach("metadata.namespace", json::string(ns), Dns1123LabelErrors(ns));
    }
  } else if (!ns.empty()) {
    errs.Forbidden("metadata.namespace", "not allowed on this type");
  }
  ValidateNonNegative(meta, "generation", "metadata.generation", errs);
  ValidateLabels(meta.if_contains("labels"), "metadata.labels", errs);
  ValidateAnnotations(meta.if_contains("annotations"), "metadata.annotations", errs);
  ValidateOwnerReferences(meta.if_contains("ownerReferences"), "metadata.ownerReferences", errs);
  ValidateFinalizers(meta.if_contains("finalizers"), "metadata.finalizers", errs);
}

}  // namespace skiff::api
