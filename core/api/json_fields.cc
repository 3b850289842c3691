#include "core/api/json_fields.h"

#include <cmath>

namespace skiff::api {

namespace json = boost::json;

const json::value* FindPath(const json::object& obj, std::string_view path) {
  const json::object* cur = &obj;
  while (true) {
    size_t dot = path.find('.');
    std::string_view key = path.substr(0, dot);
    const json::value* v = cur->if_contains(key);
    if (v == nullptr || dot == std::string_view::npos) return v;
    cur = v->if_object();
    if (cur == nullptr) return nullptr;
    path.remove_prefix(dot + 1);
  }
}

const json::object* FindObject(const json::object& obj, std::string_view path) {
  const json::value* v = FindPath(obj, path);
  return v ? v->if_object() : nullptr;
}

const json::array* FindArray(const json::object& obj, std::string_view path) {
  const json::value* v = FindPath(obj, path);
  return v ? v->if_array() : nullptr;
}

std::string_view GetString(const json::object& obj, std::string_view path) {
  const json::value* v = FindPath(obj, path);
  if (v == nullptr || !v->is_string()) return {};
  return v->get_string();
}

std::optional<int64_t> GetInt(const json::object& obj, std::string_view path) {
  const json::value* v = FindPath(obj, path);
  if (v == nullptr) return std::nullopt;
  return AsInt(*v);
}

bool GetBool(const json::object& obj, std::string_view path) {
  const json::value* v = FindPath(obj, path);
  return v != nullptr && v->is_bool() && v->get_bool();
}

void SetDefault(json::object& obj, std::string_view key, json::value v) {
  const json::value* cur = obj.if_contains(key);
  if (cur == nullptr || cur->is_null()) obj[key] = std::move(v);
}

json::object& ChildObject(json::object& obj, std::string_view key) {
  json::value& v = obj[key];
  if (!v.is_object()) v = json::object();
  return v.get_object();
}

std::optional<int64_t> AsInt(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    uint64_t u = v.get_uint64();
    if (u > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (v.is_double()) {
    double d = v.get_double();
    if (std::trunc(d) == d && std::fabs(d) < 9.2e18) return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

namespace {

bool IsNumber(const json::value& v) { return v.is_int64() || v.is_uint64() || v.is_double(); }

bool NumbersEqual(const json::value& a, const json::value& b) {
  if (a.is_double() || b.is_double()) return a.to_number<double>() == b.to_number<double>();
  if (a.is_int64() && b.is_int64()) return a.get_int64() == b.get_int64();
  if (a.is_uint64() && b.is_uint64()) return a.get_uint64() == b.get_uint64();
  const json::value& s = a.is_int64() ? a : b;  // one signed, one unsigned
  const json::value& u = a.is_int64() ? b : a;
  return s.get_int64() >= 0 && static_cast<uint64_t>(s.get_int64()) == u.get_uint64();
}

}  // namespace

bool JsonEqual(const json::value& a, const json::value& b) {
  if (IsNumber(a) && IsNumber(b)) return NumbersEqual(a, b);
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto& x = a.get_array();
    const auto& y = b.get_array();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!JsonEqual(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    const auto& x = a.get_object();
    const auto& y = b.get_object();
    if (x.size() != y.size()) return false;
    for (const auto& kv : x) {
      const json::value* other = y.if_contains(kv.key());
      if (other == nullptr || !JsonEqual(kv.value(), *other)) return false;
    }
    return true;
  }
  return a == b;
}

const json::object* FindCondition(const json::object& obj, std::string_view type) {
  if (const json::array* conditions = FindArray(obj, "status.conditions")) {
    for (const auto& c : *conditions) {
      if (c.is_object() && GetString(c.get_object(), "type") == type) return &c.get_object();
    }
  }
  return nullptr;
}

bool ConditionIsTrue(const json::object& obj, std::string_view type) {
  const json::object* c = FindCondition(obj, type);
  return c != nullptr && GetString(*c, "status") == "True";
}

}  // namespace skiff::api
