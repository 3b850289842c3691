#pragma once

// The strategic-merge metadata of the built-in types (Kubernetes' patchStrategy and
// patchMergeKey struct tags): which lists merge by a key, which merge as sets of primitives;
// everything else is replaced whole. Static data; thread-safe.

#include <map>
#include <string>
#include <string_view>

#include "core/api/kinds.h"

namespace skiff::api {

struct PatchType;

struct PatchField {
  enum class List { kAtomic, kMergeByKey, kMergeSet };
  List list = List::kAtomic;
  std::string_view merge_key;       // for kMergeByKey
  const PatchType* type = nullptr;  // object value or list element type; null = no metadata
};

struct PatchType {
  std::map<std::string, PatchField, std::less<>> fields;

  // Metadata of a field; a default (atomic lists, untyped objects) for unknown fields.
  const PatchField& Field(std::string_view name) const;
};

// The root type of a kind's objects; kinds without list metadata of their own get ObjectMeta's.
const PatchType* PatchTypeFor(const Kind& kind);

}  // namespace skiff::api
