#include "core/store/memory_store.h"

#include "core/store/kv_store.h"

namespace skiff::store {

std::unique_ptr<Store> NewMemoryStore() {
  return std::make_unique<KvStore>(nullptr, RecoveredState{}, /*memory_history_limit=*/0);
}

}  // namespace skiff::store
