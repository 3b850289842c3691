#pragma once

// Label and field selectors in the Kubernetes query-string syntax. Immutable once parsed;
// thread-safe.

#include <boost/json/fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/api/errors.h"
#include "core/api/kinds.h"
#include "core/base/status.h"

namespace skiff::api {

class LabelSelector {
 public:
  struct Requirement {
    enum class Op { kEquals, kNotEquals, kIn, kNotIn, kExists, kDoesNotExist };
    std::string key;
    Op op = Op::kEquals;
    std::vector<std::string> values;
  };

  // "a=b,c!=d,e in (x,y),f notin (z),g,!h" (also "==").
  static Result<LabelSelector> Parse(std::string_view text);
  // A metav1.LabelSelector object {matchLabels, matchExpressions}.
  static Result<LabelSelector> FromJson(const boost::json::value& selector);

  bool Empty() const { return requirements_.empty(); }
  // labels: the object's metadata.labels (may be null/absent).
  bool Matches(const boost::json::value* labels) const;
  const std::vector<Requirement>& requirements() const { return requirements_; }
  // Canonical text as Kubernetes prints it: requirements sorted by key, set values sorted
  // ("app=web,tier in (a,b)"); "" for the empty selector.
  std::string String() const;

 private:
  std::vector<Requirement> requirements_;
};

class FieldSelector {
 public:
  struct Requirement {
    std::string field;   // "metadata.name", "metadata.namespace", "spec.nodeName", "status.phase"
    bool equals = true;  // "=" / "==" vs "!="
    std::string value;
  };

  // Fails with InvalidArgument for an unsupported field (message names it). Accepts the
  // fields any built-in kind supports.
  static Result<FieldSelector> Parse(std::string_view text);
  // Accepts only the fields Kubernetes supports for this kind (metadata.name and
  // metadata.namespace everywhere; pods: spec.nodeName, status.phase, ...; events:
  // involvedObject.*, reason, source, type, ...; secrets: type; nodes: spec.unschedulable).
  static Result<FieldSelector> ParseFor(const Kind& kind, std::string_view text);
  bool Empty() const { return requirements_.empty(); }
  bool Matches(const boost::json::object& obj) const;
  const std::vector<Requirement>& requirements() const { return requirements_; }

 private:
  std::vector<Requirement> requirements_;
};

}  // namespace skiff::api
