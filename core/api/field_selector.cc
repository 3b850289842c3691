#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/api/json_fields.h"
#include "core/api/selectors.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

struct FieldSet {
  const char* resource;  // "" for every kind
  std::vector<std::string_view> fields;
};

const std::vector<FieldSet>& SupportedFields() {
  static const std::vector<FieldSet> kSets = {
      {"", {"metadata.name", "metadata.namespace"}},
      {"pods",
       {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
        "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"}},
      {"events",
       {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
        "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
        "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"}},
      {"secrets", {"type"}},
      {"nodes", {"spec.unschedulable"}},
      {"namespaces", {"status.phase"}},
      {"replicasets", {"status.replicas"}},
      {"replicationcontrollers", {"status.replicas"}},
  };
  return kSets;
}

// kind == nullptr: the union over all kinds.
bool Supported(const Kind* kind, std::string_view field) {
  for (const auto& set : SupportedFields()) {
    bool applies = set.resource[0] == '\0' || kind == nullptr ||
                   (kind->group.empty() && kind->resource == set.resource);
    if (applies && std::find(set.fields.begin(), set.fields.end(), field) != set.fields.end()) {
      return true;
    }
  }
  return false;
}

// Undoes the escapes Kubernetes allows in values: "\\", "\,", "\=" and "\!".
Result<std::string> Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 1 >= s.size() || std::string_view("\\,=!").find(s[i + 1]) == std::string_view::npos) {
      return Status::InvalidArgument("invalid field selector: invalid escape sequence in '" +
                                     std::string(s) + "'");
    }
    out.push_back(s[++i]);
  }
  return out;
}

std::vector<std::string_view> SplitTerms(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == ',') {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(s.substr(start));
  return out;
}

Result<FieldSelector::Requirement> ParseTerm(std::string_view selector, std::string_view term) {
  for (size_t i = 0; i < term.size(); ++i) {
    if (term[i] == '\\') {
      ++i;
      continue;
    }
    for (std::string_view op : {"!=", "==", "="}) {
      if (term.substr(i).starts_with(op)) {
        auto value = Unescape(term.substr(i + op.size()));
        if (!value.ok()) return value.status();
        return FieldSelector::Requirement{std::string(term.substr(0, i)),
                                          op != "!=", std::move(*value)};
      }
    }
  }
  return Status::InvalidArgument("invalid selector: '" + std::string(selector) +
                                 "'; can't understand '" + std::string(term) + "'");
}

// The field's value as the selector compares it: strings as-is, other scalars printed,
// absent as "".
std::string FieldValue(const json::object& obj, const std::string& field) {
  const json::value* v = FindPath(obj, field == "source" ? "source.component" : field);
  if (v == nullptr || v->is_null()) {
    if (field == "spec.hostNetwork" || field == "spec.unschedulable") return "false";
    return "";
  }
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_bool()) return v->get_bool() ? "true" : "false";
  if (auto i = AsInt(*v)) return std::to_string(*i);
  return json::serialize(*v);
}

Status ParseInto(const Kind* kind, std::string_view text,
                 std::vector<FieldSelector::Requirement>& out) {
  if (text.find_first_not_of(" \t") == std::string_view::npos) return Status::Ok();
  for (std::string_view term : SplitTerms(text)) {
    if (term.empty()) continue;  // "a=b," is fine, as in Kubernetes
    auto r = ParseTerm(text, term);
    if (!r.ok()) return r.status();
    if (!Supported(kind, r->field)) {
      return Status::InvalidArgument("field label not supported: " + r->field);
    }
    out.push_back(std::move(*r));
  }
  return Status::Ok();
}

}  // namespace

Result<FieldSelector> FieldSelector::Parse(std::string_view text) {
  FieldSelector sel;
  if (Status st = ParseInto(nullptr, text, sel.requirements_); !st.ok()) return st;
  return sel;
}

Result<FieldSelector> FieldSelector::ParseFor(const Kind& kind, std::string_view text) {
  FieldSelector sel;
  if (Status st = ParseInto(&kind, text, sel.requirements_); !st.ok()) return st;
  return sel;
}

bool FieldSelector::Matches(const json::object& obj) const {
  for (const auto& r : requirements_) {
    if ((FieldValue(obj, r.field) == r.value) != r.equals) return false;
  }
  return true;
}

}  // namespace skiff::api
