#include <boost/json/array.hpp>
#include <string>

#include "core/api/json_fields.h"
#include "core/api/validate_kinds.h"
#include "core/api/validate_meta.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

json::value Str(std::string_view s) { return json::string(s); }

void ValidateTaints(const json::object& spec, FieldErrors& errs) {
  const json::array* taints = FindArray(spec, "taints");
  if (taints == nullptr) return;
  for (size_t i = 0; i < taints->size(); ++i) {
    std::string at = Index("spec.taints", i);
    const json::object* t = (*taints)[i].if_object();
    if (t == nullptr) continue;
    std::string_view key = GetString(*t, "key");
    errs.InvalidEach(Child(at, "key"), Str(key), QualifiedNameErrors(key));
    std::string_view value = GetString(*t, "value");
    errs.InvalidEach(Child(at, "value"), Str(value), LabelValueErrors(value));
    ValidateEnum(*t, "effect", Child(at, "effect"), {"NoExecute", "NoSchedule", "PreferNoSchedule"},
                 true, errs);
  }
}

}  // namespace

void ValidateNamespace(const json::object& obj, FieldErrors& errs) {
  const json::array* finalizers = FindArray(obj, "spec.finalizers");
  if (finalizers == nullptr) return;
  for (const auto& f : *finalizers) {
    std::string_view name = f.is_string() ? std::string_view(f.get_string()) : "";
    errs.InvalidEach("spec.finalizers", f, QualifiedNameErrors(name));
  }
}

void ValidateNode(const json::object& obj, FieldErrors& errs) {
  if (const json::object* spec = FindObject(obj, "spec")) ValidateTaints(*spec, errs);
}

void ValidateEvent(const json::object& obj, FieldErrors& errs) {
  // Events of the core/v1 shape: the involved object lives in the event's namespace; one
  // about a cluster-scoped object goes to "default".
  std::string_view ns = GetString(obj, "metadata.namespace");
  std::string_view involved = GetString(obj, "involvedObject.namespace");
  bool ok = involved.empty() ? (ns.empty() || ns == "default") : ns == involved;
  if (!ok)
    errs.Invalid("involvedObject.namespace", Str(involved), "does not match event.namespace");
}

void ValidateLease(const json::object& obj, FieldErrors& errs) {
  const json::object* spec = FindObject(obj, "spec");
  if (spec == nullptr) return;
  if (auto d = GetInt(*spec, "leaseDurationSeconds"); d && *d <= 0) {
    errs.Invalid("spec.leaseDurationSeconds", spec->at("leaseDurationSeconds"),
                 "must be greater than 0");
  }
  ValidateNonNegative(*spec, "leaseTransitions", "spec.leaseTransitions", errs);
}

}  // namespace skiff::api
