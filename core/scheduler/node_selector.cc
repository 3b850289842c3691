#include "core/scheduler/node_selector.h"

#include <charconv>

#include "core/api/json_fields.h"

namespace skiff::scheduler {
namespace json = boost::json;

namespace {

bool ParseInt(std::string_view s, int64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::vector<NodeSelectorRequirement> ParseRequirements(const json::object& term,
                                                       std::string_view field) {
  std::vector<NodeSelectorRequirement> out;
  const json::value* arr = term.if_contains(field);
  if (!arr || !arr->is_array()) return out;
  for (const auto& r : arr->as_array()) {
    if (!r.is_object()) continue;
    NodeSelectorRequirement req;
    req.key = api::GetString(r.as_object(), "key");
    req.op = api::GetString(r.as_object(), "operator");
    if (const auto* vals = api::FindArray(r.as_object(), "values")) {
      for (const auto& v : *vals) {
        if (v.is_string()) req.values.emplace_back(v.as_string());
      }
    }
    out.push_back(std::move(req));
  }
  return out;
}

}  // namespace

bool NodeSelectorRequirement::Matches(const Labels& labels) const {
  auto it = labels.find(key);
  const bool has = it != labels.end();
  auto in_values = [&] {
    for (const auto& v : values) {
      if (v == it->second) return true;
    }
    return false;
  };
  if (op == "In") return has && in_values();
  if (op == "NotIn") return !has || !in_values();
  if (op == "Exists") return has;
  if (op == "DoesNotExist") return !has;
  if (op == "Gt" || op == "Lt") {
    int64_t have = 0, want = 0;
    if (!has || values.size() != 1 || !ParseInt(it->second, have) || !ParseInt(values[0], want)) {
      return false;
    }
    return op == "Gt" ? have > want : have < want;
  }
  return false;
}

bool NodeSelectorTerm::Matches(const Labels& labels, std::string_view node_name) const {
  if (match_expressions.empty() && match_fields.empty()) return false;
  for (const auto& r : match_expressions) {
    if (!r.Matches(labels)) return false;
  }
  if (!match_fields.empty()) {
    Labels fields{{"metadata.name", std::string(node_name)}};
    for (const auto& r : match_fields) {
      if (r.key != "metadata.name" || !r.Matches(fields)) return false;
    }
  }
  return true;
}

bool NodeSelector::Matches(const Labels& labels, std::string_view node_name) const {
  for (const auto& t : terms) {
    if (t.Matches(labels, node_name)) return true;
  }
  return false;
}

NodeSelectorTerm ParseNodeSelectorTerm(const json::value& v) {
  NodeSelectorTerm term;
  if (!v.is_object()) return term;
  term.match_expressions = ParseRequirements(v.as_object(), "matchExpressions");
  term.match_fields = ParseRequirements(v.as_object(), "matchFields");
  return term;
}

NodeSelector ParseNodeSelector(const json::value& v) {
  NodeSelector sel;
  if (!v.is_object()) return sel;
  if (const auto* terms = api::FindArray(v.as_object(), "nodeSelectorTerms")) {
    for (const auto& t : *terms) sel.terms.push_back(ParseNodeSelectorTerm(t));
  }
  return sel;
}

Labels ParseLabels(const json::value* v) {
  Labels out;
  if (!v || !v->is_object()) return out;
  for (const auto& [k, val] : v->as_object()) {
    if (val.is_string()) out.emplace(std::string(k), std::string(val.as_string()));
  }
  return out;
}

}  // namespace skiff::scheduler
