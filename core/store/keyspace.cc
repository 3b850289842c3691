#include "core/store/keyspace.h"

#include <mutex>
#include <utility>

namespace skiff::store {

Keyspace::Keyspace(Revision revision, std::vector<KeyValue> kvs) : revision_(revision) {
  for (KeyValue& kv : kvs) {
    entries_.insert_or_assign(std::move(kv.key),
                              Entry{std::move(kv.value), kv.create_revision, kv.mod_revision});
  }
}

KeyValue Keyspace::ToKeyValue(const std::string& key, const Entry& entry) {
  return KeyValue{key, entry.value, entry.create_revision, entry.mod_revision};
}

std::optional<KeyValue> Keyspace::Get(std::string_view key) const {
  std::shared_lock lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return ToKeyValue(it->first, it->second);
}

ListResult Keyspace::List(std::string_view prefix, const ListOptions& options) const {
  ListResult result;
  std::shared_lock lock(mu_);
  result.revision = revision_.load(std::memory_order_relaxed);
  auto it = entries_.lower_bound(prefix);
  if (!options.start_after.empty() && options.start_after >= prefix) {
    it = entries_.upper_bound(options.start_after);
  }
  // Size the result first: growing a large vector step by step costs more than this walk.
  std::size_t count = 0;
  auto end = it;
  for (; end != entries_.end() && end->first.starts_with(prefix); ++end) {
    if (options.limit != 0 && count == options.limit) {
      result.more = true;
      break;
    }
    ++count;
  }
  result.items.reserve(count);
  for (; it != end; ++it) result.items.push_back(ToKeyValue(it->first, it->second));
  return result;
}

void Keyspace::Apply(const std::vector<Event>& events) {
  if (events.empty()) return;
  std::unique_lock lock(mu_);
  for (const Event& event : events) {
    if (event.type == Event::Type::kPut) {
      entries_.insert_or_assign(
          event.kv.key, Entry{event.kv.value, event.kv.create_revision, event.kv.mod_revision});
    } else {
      entries_.erase(event.kv.key);
    }
  }
  revision_.store(events.back().revision(), std::memory_order_release);
}

}  // namespace skiff::store
