#pragma once

// Field-by-field == for the SDK's plain structs, for tests only. It lives in skiff::sdk so that
// argument-dependent lookup finds it for every SDK aggregate, including ones nested inside
// vectors, optionals and other structs. A field added to an SDK struct is compared without
// touching the tests, so a translation that forgets it fails the round trips.

#include <skiff/sdk/types.h>

#include <boost/pfr/ops_fields.hpp>
#include <type_traits>

namespace skiff::sdk {

template <typename T>
requires std::is_aggregate_v<T> && std::is_class_v<T>
bool operator==(const T& a, const T& b) { return boost::pfr::eq_fields(a, b); }

}  // namespace skiff::sdk
