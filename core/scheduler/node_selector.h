#pragma once

// v1.NodeSelector (required node affinity) and PreferredSchedulingTerm: terms ORed,
// requirements within a term ANDed; operators In, NotIn, Exists, DoesNotExist, Gt, Lt;
// matchFields on metadata.name. Immutable once parsed.

#include <boost/json/value.hpp>
#include <map>
#include <string>
#include <vector>

namespace skiff::scheduler {

using Labels = std::map<std::string, std::string, std::less<>>;

struct NodeSelectorRequirement {
  std::string key;
  std::string op;
  std::vector<std::string> values;

  bool Matches(const Labels& labels) const;
};

struct NodeSelectorTerm {
  std::vector<NodeSelectorRequirement> match_expressions;
  std::vector<NodeSelectorRequirement> match_fields;  // key "metadata.name"

  // A term with no requirements matches nothing, as in Kubernetes.
  bool Matches(const Labels& labels, std::string_view node_name) const;
};

struct NodeSelector {
  std::vector<NodeSelectorTerm> terms;
  bool Matches(const Labels& labels, std::string_view node_name) const;
};

struct PreferredTerm {
  int64_t weight = 0;
  NodeSelectorTerm term;
};

NodeSelectorTerm ParseNodeSelectorTerm(const boost::json::value& v);
NodeSelector ParseNodeSelector(const boost::json::value& v);
Labels ParseLabels(const boost::json::value* v);

}  // namespace skiff::scheduler
