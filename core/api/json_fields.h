#pragma once

// Read access to fields of an untyped object by dotted path ("spec.template.spec"), the
// typed views the rest of core/api needs, and JSON equality where 1 == 1.0.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skiff::api {

// The value at a dotted path of object keys, or null when any step is missing.
const boost::json::value* FindPath(const boost::json::object& obj, std::string_view path);
const boost::json::object* FindObject(const boost::json::object& obj, std::string_view path);
const boost::json::array* FindArray(const boost::json::object& obj, std::string_view path);
// "" when absent or not a string.
std::string_view GetString(const boost::json::object& obj, std::string_view path);
// The integer at path, if it is one (a double with an integral value counts).
std::optional<int64_t> GetInt(const boost::json::object& obj, std::string_view path);
bool GetBool(const boost::json::object& obj, std::string_view path);

// The entry of obj's status.conditions with this type, or null; and whether its status is
// "True" (the shape every kind's conditions share).
const boost::json::object* FindCondition(const boost::json::object& obj, std::string_view type);
bool ConditionIsTrue(const boost::json::object& obj, std::string_view type);

// Sets obj[key] = v unless the key holds a value; null counts as absent, as when Kubernetes
// decodes into Go types (the shape of every defaulting rule).
void SetDefault(boost::json::object& obj, std::string_view key, boost::json::value v);
// The object at key, created (replacing any non-object) when needed.
boost::json::object& ChildObject(boost::json::object& obj, std::string_view key);

// The integer in v, if it is one.
std::optional<int64_t> AsInt(const boost::json::value& v);
// Structural equality with numbers compared by value.
bool JsonEqual(const boost::json::value& a, const boost::json::value& b);

}  // namespace skiff::api
