#include <boost/json/serialize.hpp>
#include <string>
#include <vector>

#include "core/api/json_fields.h"
#include "core/api/patch.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

Status Bad(std::string msg) { return Status::InvalidArgument(std::move(msg)); }

// RFC 6901: "/a~1b/0" -> {"a/b", "0"}.
Result<std::vector<std::string>> ParsePointer(std::string_view ptr) {
  std::vector<std::string> tokens;
  if (ptr.empty()) return tokens;
  if (ptr.front() != '/')
    return Bad("JSON pointer must start with '/': \"" + std::string(ptr) + "\"");
  ptr.remove_prefix(1);
  while (true) {
    size_t slash = ptr.find('/');
    std::string_view raw = ptr.substr(0, slash);
    std::string token;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '~') {
        token.push_back(raw[i]);
      } else if (i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
        token.push_back(raw[++i] == '0' ? '~' : '/');
      } else {
        return Bad("invalid escape in JSON pointer \"" + std::string(ptr) + "\"");
      }
    }
    tokens.push_back(std::move(token));
    if (slash == std::string_view::npos) return tokens;
    ptr.remove_prefix(slash + 1);
  }
}

// An array index token: decimal without leading zeros, below `limit` (inclusive when
// `allow_end`); "-" means the end when allow_end.
Result<size_t> ParseIndex(const std::string& token, size_t size, bool allow_end) {
  if (token == "-" && allow_end) return size;
  bool digits = !token.empty() && token.size() <= 18 &&
                token.find_first_not_of("0123456789") == std::string::npos &&
                (token.size() == 1 || token[0] != '0');
  if (!digits) return Bad("invalid array index \"" + token + "\"");
  size_t i = std::stoull(token);
  if (i > size || (i == size && !allow_end)) {
    return Bad("array index " + token + " out of bounds (size " + std::to_string(size) + ")");
  }
  return i;
}

std::string Join(const std::vector<std::string>& tokens, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += "/" + tokens[i];
  return out;
}

// The value the first n tokens point at.
Result<json::value*> Resolve(json::value& doc, const std::vector<std::string>& tokens, size_t n) {
  json::value* cur = &doc;
  for (size_t i = 0; i < n; ++i) {
    const std::string& t = tokens[i];
    if (json::object* o = cur->if_object()) {
      cur = o->if_contains(t);
    } else if (json::array* a = cur->if_array()) {
      auto idx = ParseIndex(t, a->size(), false);
      if (!idx.ok()) return idx.status();
      cur = &(*a)[*idx];
    } else {
      cur = nullptr;
    }
    if (cur == nullptr) return Bad("doc is missing path: \"" + Join(tokens, i + 1) + "\"");
  }
  return cur;
}

Status Add(json::value& doc, const std::vector<std::string>& path, json::value v) {
  if (path.empty()) {
    doc = std::move(v);
    return Status::Ok();
  }
  auto parent = Resolve(doc, path, path.size() - 1);
  if (!parent.ok()) return parent.status();
  const std::string& last = path.back();
  if (json::object* o = (*parent)->if_object()) {
    (*o)[last] = std::move(v);
  } else if (json::array* a = (*parent)->if_array()) {
    auto idx = ParseIndex(last, a->size(), true);
    if (!idx.ok()) return idx.status();
    a->insert(a->begin() + static_cast<std::ptrdiff_t>(*idx), std::move(v));
  } else {
    return Bad("doc is missing path: \"" + Join(path, path.size()) + "\"");
  }
  return Status::Ok();
}

Result<json::value> Remove(json::value& doc, const std::vector<std::string>& path) {
  if (path.empty()) return Bad("cannot remove the whole document");
  auto parent = Resolve(doc, path, path.size() - 1);
  if (!parent.ok()) return parent.status();
  const std::string& last = path.back();
  if (json::object* o = (*parent)->if_object()) {
    auto it = o->find(last);
    if (it == o->end()) return Bad("doc is missing path: \"" + Join(path, path.size()) + "\"");
    json::value removed = std::move(it->value());
    o->erase(it);
    return removed;
  }
  if (json::array* a = (*parent)->if_array()) {
    auto idx = ParseIndex(last, a->size(), false);
    if (!idx.ok()) return idx.status();
    json::value removed = std::move((*a)[*idx]);
    a->erase(a->begin() + static_cast<std::ptrdiff_t>(*idx));
    return removed;
  }
  return Bad("doc is missing path: \"" + Join(path, path.size()) + "\"");
}

Result<std::vector<std::string>> PointerField(const json::object& op, std::string_view name) {
  const json::value* v = op.if_contains(name);
  if (v == nullptr || !v->is_string()) {
    return Bad("operation " + json::serialize(op) + " is missing the string field \"" +
               std::string(name) + "\"");
  }
  return ParsePointer(v->get_string());
}

Status Apply(json::value& doc, const json::object& op) {
  const json::value* name = op.if_contains("op");
  if (name == nullptr || !name->is_string()) {
    return Bad("operation " + json::serialize(op) + " is missing \"op\"");
  }
  std::string_view kind = name->get_string();
  auto path = PointerField(op, "path");
  if (!path.ok()) return path.status();
  const json::value* value = op.if_contains("value");
  bool needs_value = kind == "add" || kind == "replace" || kind == "test";
  if (needs_value && value == nullptr) {
    return Bad(std::string(kind) + " operation is missing \"value\"");
  }
  if (kind == "add") return Add(doc, *path, *value);
  if (kind == "remove") return Remove(doc, *path).status();
  if (kind == "replace") {
    auto target = Resolve(doc, *path, path->size());
    if (!target.ok()) return Bad("replace operation does not apply: " + target.status().message());
    **target = *value;
    return Status::Ok();
  }
  if (kind == "test") {
    auto target = Resolve(doc, *path, path->size());
    if (!target.ok()) return target.status();
    if (!JsonEqual(**target, *value)) {
      return Bad("testing value " + Join(*path, path->size()) + " failed: test failed");
    }
    return Status::Ok();
  }
  if (kind == "move" || kind == "copy") {
    auto from = PointerField(op, "from");
    if (!from.ok()) return from.status();
    if (kind == "move") {
      bool into_itself =
          path->size() > from->size() && std::equal(from->begin(), from->end(), path->begin());
      if (into_itself) return Bad("move operation cannot move a value into one of its children");
      auto moved = Remove(doc, *from);
      if (!moved.ok()) return moved.status();
      return Add(doc, *path, std::move(*moved));
    }
    auto source = Resolve(doc, *from, from->size());
    if (!source.ok()) return source.status();
    json::value copy = **source;
    return Add(doc, *path, std::move(copy));
  }
  return Bad("Unexpected kind: " + std::string(kind));
}

}  // namespace

Result<json::value> ApplyJsonPatch(const json::value& target, const json::value& patch) {
  const json::array* ops = patch.if_array();
  if (ops == nullptr) return Bad("json patch must be a list of operations");
  json::value doc = target;
  for (const auto& op : *ops) {
    if (!op.is_object()) return Bad("json patch operation must be an object");
    if (Status st = Apply(doc, op.get_object()); !st.ok()) return st;
  }
  return doc;
}

}  // namespace skiff::api
