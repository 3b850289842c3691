#pragma once

// Null-safe access to the fields of API objects held as Boost.JSON.

#include <boost/json/object.hpp>
#include <string_view>

namespace skiff::apiserver {

// obj["metadata"], created as {} when absent or not an object.
inline boost::json::object& Meta(boost::json::object& obj) {
  boost::json::value& m = obj["metadata"];
  if (!m.is_object()) m = boost::json::object();
  return m.as_object();
}

inline std::string_view Str(const boost::json::object& obj, std::string_view key) {
  const boost::json::value* v = obj.if_contains(key);
  return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
}

inline const boost::json::object* Obj(const boost::json::object& obj, std::string_view key) {
  const boost::json::value* v = obj.if_contains(key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

inline std::string_view MetaStr(const boost::json::object& obj, std::string_view key) {
  const boost::json::object* m = Obj(obj, "metadata");
  return m ? Str(*m, key) : std::string_view();
}

}  // namespace skiff::apiserver
