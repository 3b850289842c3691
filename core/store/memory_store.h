#pragma once

#include <memory>

#include "core/store/store.h"

namespace skiff::store {

// A Store kept only in memory, with the same semantics as the durable ones. For tests.
std::unique_ptr<Store> NewMemoryStore();

}  // namespace skiff::store
