#include <algorithm>
#include <boost/json/value.hpp>
#include <cctype>

#include "core/api/name_rules.h"
#include "core/api/selectors.h"

namespace skiff::api {
namespace {

namespace json = boost::json;
using Op = LabelSelector::Requirement::Op;

enum class Tok { kEnd, kIdent, kIn, kNotIn, kEq, kDoubleEq, kNotEq, kBang, kOpen, kClose, kComma };

struct Token {
  Tok kind;
  std::string text;
};

bool IsSpecial(char c) {
  return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '<' || c == '>';
}

// Splits the selector text into tokens; "in"/"notin" are reported as keywords and the parser
// turns them back into identifiers where a value is expected.
Result<std::vector<Token>> Lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '=' || c == '!') {
      bool eq_next = i + 1 < s.size() && s[i + 1] == '=';
      if (c == '=') {
        out.push_back({eq_next ? Tok::kDoubleEq : Tok::kEq, eq_next ? "==" : "="});
      } else {
        out.push_back({eq_next ? Tok::kNotEq : Tok::kBang, eq_next ? "!=" : "!"});
      }
      i += eq_next ? 2 : 1;
    } else if (c == '(' || c == ')' || c == ',') {
      out.push_back({c == '(' ? Tok::kOpen : c == ')' ? Tok::kClose : Tok::kComma, {c}});
      ++i;
    } else if (c == '<' || c == '>') {
      return Status::InvalidArgument(std::string("unsupported label selector operator '") + c +
                                     "'");
    } else {
      size_t start = i;
      while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])) && !IsSpecial(s[i])) {
        ++i;
      }
      std::string word(s.substr(start, i - start));
      Tok kind = word == "in" ? Tok::kIn : word == "notin" ? Tok::kNotIn : Tok::kIdent;
      out.push_back({kind, std::move(word)});
    }
  }
  out.push_back({Tok::kEnd, ""});
  return out;
}

Status Unexpected(const Token& t, std::string_view expected) {
  return Status::InvalidArgument("unable to parse requirement: found '" + t.text +
                                 "', expected: " + std::string(expected));
}

Status CheckRequirement(const LabelSelector::Requirement& r) {
  Messages key_errors = QualifiedNameErrors(r.key);
  if (!key_errors.empty()) {
    return Status::InvalidArgument("unable to parse requirement: key: Invalid value: \"" + r.key +
                                   "\": " + key_errors.front());
  }
  if ((r.op == Op::kIn || r.op == Op::kNotIn) && r.values.empty()) {
    return Status::InvalidArgument(
        "unable to parse requirement: for 'in', 'notin' operators, values set can't be empty");
  }
  for (size_t i = 0; i < r.values.size(); ++i) {
    Messages value_errors = LabelValueErrors(r.values[i]);
    if (!value_errors.empty()) {
      return Status::InvalidArgument("unable to parse requirement: values[" + std::to_string(i) +
                                     "][" + r.key + "]: Invalid value: \"" + r.values[i] +
                                     "\": " + value_errors.front());
    }
  }
  return Status::Ok();
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<std::vector<LabelSelector::Requirement>> Run() {
    std::vector<LabelSelector::Requirement> out;
    if (Peek().kind == Tok::kEnd) return out;
    while (true) {
      auto r = ParseRequirement();
      if (!r.ok()) return r.status();
      if (Status st = CheckRequirement(*r); !st.ok()) return st;
      out.push_back(std::move(*r));
      const Token& t = Next();
      if (t.kind == Tok::kEnd) return out;
      if (t.kind != Tok::kComma) return Unexpected(t, "',' or end of selector");
    }
  }

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  static bool EndsRequirement(Tok t) { return t == Tok::kComma || t == Tok::kEnd; }

  Result<LabelSelector::Requirement> ParseRequirement() {
    LabelSelector::Requirement r;
    bool negated = Peek().kind == Tok::kBang;
    if (negated) Next();
    const Token& key = Next();
    if (key.kind != Tok::kIdent) return Unexpected(key, "identifier");
    r.key = key.text;
    if (negated || EndsRequirement(Peek().kind)) {
      if (!EndsRequirement(Peek().kind)) return Unexpected(Peek(), "',' or end of selector");
      r.op = negated ? Op::kDoesNotExist : Op::kExists;
      return r;
    }
    const Token& op = Next();
    switch (op.kind) {
      case Tok::kEq:
      case Tok::kDoubleEq:
        r.op = Op::kEquals;
        break;
      case Tok::kNotEq:
        r.op = Op::kNotEquals;
        break;
      case Tok::kIn:
        r.op = Op::kIn;
        break;
      case Tok::kNotIn:
        r.op = Op::kNotIn;
        break;
      default:
        return Unexpected(op, "'=', '==', '!=', 'in', 'notin'");
    }
    if (r.op == Op::kIn || r.op == Op::kNotIn) {
      auto values = ParseSet();
      if (!values.ok()) return values.status();
      r.values = std::move(*values);
    } else {
      // "a=" selects the empty value.
      r.values.push_back(IsWord(Peek().kind) ? Next().text : "");
    }
    return r;
  }

  static bool IsWord(Tok t) { return t == Tok::kIdent || t == Tok::kIn || t == Tok::kNotIn; }

  Result<std::vector<std::string>> ParseSet() {
    const Token& open = Next();
    if (open.kind != Tok::kOpen) return Unexpected(open, "'('");
    std::vector<std::string> values;
    // "()" and empty entries stand for the empty value, as in Kubernetes.
    while (true) {
      std::string value = IsWord(Peek().kind) ? Next().text : "";
      if (std::find(values.begin(), values.end(), value) == values.end()) {
        values.push_back(std::move(value));
      }
      const Token& t = Next();
      if (t.kind == Tok::kClose) return values;
      if (t.kind != Tok::kComma) return Unexpected(t, "',', ')'");
    }
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

const char* OperatorName(Op op) {
  switch (op) {
    case Op::kEquals:
      return "=";
    case Op::kNotEquals:
      return "!=";
    case Op::kIn:
      return " in ";
    case Op::kNotIn:
      return " notin ";
    default:
      return "";
  }
}

}  // namespace

Result<LabelSelector> LabelSelector::Parse(std::string_view text) {
  auto tokens = Lex(text);
  if (!tokens.ok()) return tokens.status();
  auto reqs = Parser(std::move(*tokens)).Run();
  if (!reqs.ok()) return reqs.status();
  LabelSelector sel;
  sel.requirements_ = std::move(*reqs);
  return sel;
}

Result<LabelSelector> LabelSelector::FromJson(const json::value& selector) {
  LabelSelector sel;
  if (selector.is_null()) return sel;
  const json::object* obj = selector.if_object();
  if (obj == nullptr) return Status::InvalidArgument("label selector must be an object");
  if (const json::value* ml = obj->if_contains("matchLabels"); ml && !ml->is_null()) {
    if (!ml->is_object()) return Status::InvalidArgument("matchLabels must be an object");
    for (const auto& kv : ml->get_object()) {
      if (!kv.value().is_string()) {
        return Status::InvalidArgument("matchLabels values must be strings");
      }
      Requirement r{std::string(kv.key()), Op::kEquals, {std::string(kv.value().get_string())}};
      if (Status st = CheckRequirement(r); !st.ok()) return st;
      sel.requirements_.push_back(std::move(r));
    }
  }
  if (const json::value* me = obj->if_contains("matchExpressions"); me && !me->is_null()) {
    if (!me->is_array()) return Status::InvalidArgument("matchExpressions must be a list");
    for (const auto& item : me->get_array()) {
      const json::object* e = item.if_object();
      if (e == nullptr) return Status::InvalidArgument("matchExpressions items must be objects");
      Requirement r;
      if (const json::value* k = e->if_contains("key"); k && k->is_string()) {
        r.key = k->get_string();
      }
      std::string_view op;
      if (const json::value* o = e->if_contains("operator"); o && o->is_string()) {
        op = o->get_string();
      }
      if (const json::value* vs = e->if_contains("values"); vs && vs->is_array()) {
        for (const auto& v : vs->get_array()) {
          if (!v.is_string()) return Status::InvalidArgument("values must be strings");
          r.values.emplace_back(v.get_string());
        }
      }
      if (op == "In" || op == "NotIn") {
        r.op = op == "In" ? Op::kIn : Op::kNotIn;
      } else if (op == "Exists" || op == "DoesNotExist") {
        r.op = op == "Exists" ? Op::kExists : Op::kDoesNotExist;
        if (!r.values.empty()) {
          return Status::InvalidArgument(
              "values: Invalid value: values set must be empty for exists and does not exist");
        }
      } else {
        return Status::InvalidArgument("\"" + std::string(op) +
                                       "\" is not a valid label selector operator");
      }
      if (Status st = CheckRequirement(r); !st.ok()) return st;
      sel.requirements_.push_back(std::move(r));
    }
  }
  return sel;
}

bool LabelSelector::Matches(const json::value* labels) const {
  const json::object* obj = labels ? labels->if_object() : nullptr;
  for (const auto& r : requirements_) {
    const json::value* v = obj ? obj->if_contains(r.key) : nullptr;
    bool has = v != nullptr && v->is_string();
    std::string_view value = has ? std::string_view(v->get_string()) : std::string_view();
    bool in_set = has && std::find(r.values.begin(), r.values.end(), value) != r.values.end();
    bool ok = false;
    switch (r.op) {
      case Op::kEquals:
      case Op::kIn:
        ok = in_set;
        break;
      case Op::kNotEquals:
      case Op::kNotIn:
        ok = !in_set;
        break;
      case Op::kExists:
        ok = has;
        break;
      case Op::kDoesNotExist:
        ok = !has;
        break;
    }
    if (!ok) return false;
  }
  return true;
}

std::string LabelSelector::String() const {
  std::vector<Requirement> sorted = requirements_;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Requirement& a, const Requirement& b) { return a.key < b.key; });
  std::string out;
  for (auto& r : sorted) {
    if (!out.empty()) out += ",";
    if (r.op == Op::kDoesNotExist) out += "!";
    out += r.key;
    if (r.op == Op::kExists || r.op == Op::kDoesNotExist) continue;
    out += OperatorName(r.op);
    std::sort(r.values.begin(), r.values.end());
    if (r.op == Op::kIn || r.op == Op::kNotIn) {
      out += "(";
      for (size_t i = 0; i < r.values.size(); ++i) out += (i ? "," : "") + r.values[i];
      out += ")";
    } else {
      out += r.values.empty() ? "" : r.values.front();
    }
  }
  return out;
}

}  // namespace skiff::api
