#pragma once

// A write before it has a revision, and the one place the compare-and-swap rules live.

#include <string>

#include "core/base/status.h"
#include "core/store/store.h"

namespace skiff::store {

struct Mutation {
  enum class Kind { kCreate, kUpdate, kDelete };
  Kind kind = Kind::kCreate;
  std::string key;
  std::string value;      // kCreate and kUpdate
  Revision expected = 0;  // kUpdate: required mod_revision; kDelete: same, 0 = unconditional
};

// Checks `mutation` against the key's current state (nullptr when absent). When the check
// holds, returns the event the mutation produces at `revision`; otherwise AlreadyExists,
// NotFound or Conflict.
Result<Event> Evaluate(Mutation mutation, const KeyValue* current, Revision revision);

}  // namespace skiff::store
