#pragma once

#include <atomic>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/store.h"

namespace skiff::store {

// The current value of every live key and the store revision: the in-memory copy that Get and
// List are served from. Thread-safe: reads share a lock; Apply takes it exclusively.
class Keyspace {
 public:
  explicit Keyspace(Revision revision = 0, std::vector<KeyValue> kvs = {});

  std::optional<KeyValue> Get(std::string_view key) const;
  ListResult List(std::string_view prefix, const ListOptions& options) const;
  Revision revision() const { return revision_.load(std::memory_order_acquire); }

  // Applies committed events, which carry consecutive revisions after revision().
  void Apply(const std::vector<Event>& events);

 private:
  struct Entry {
    std::string value;
    Revision create_revision = 0;
    Revision mod_revision = 0;
  };
  static KeyValue ToKeyValue(const std::string& key, const Entry& entry);

  mutable std::shared_mutex mu_;
  std::map<std::string, Entry, std::less<>> entries_;
  std::atomic<Revision> revision_;
};

}  // namespace skiff::store
