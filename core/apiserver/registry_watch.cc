// ObjectRegistry::Watch: store events turned into Kubernetes watch events, filtered by
// selectors the way the API server does (an object that stops matching is DELETED for that
// watcher, one that starts matching is ADDED).

#include <boost/json/parse.hpp>

#include "core/apiserver/object_codec.h"
#include "core/apiserver/object_filter.h"
#include "core/apiserver/registry.h"

namespace skiff::apiserver {
namespace json = boost::json;
using api::ApiError;
using api::ApiResult;

namespace {

bool Matches(const ObjectFilter& filter, const std::string& stored) {
  if (filter.Empty()) return true;
  json::value v = json::parse(stored);
  return v.is_object() && filter.Matches(v.as_object());
}

std::optional<WatchEvent> Convert(const ObjectFilter& filter, const store::Event& ev) {
  if (ev.type == store::Event::Type::kDelete) {
    if (!Matches(filter, ev.kv.value)) return std::nullopt;
    return WatchEvent{"DELETED", StoredText(ev.kv), ev.revision()};
  }
  bool now = Matches(filter, ev.kv.value);
  bool before = ev.prev && Matches(filter, ev.prev->value);
  const char* type = nullptr;
  if (now && before)
    type = "MODIFIED";
  else if (now)
    type = "ADDED";
  else if (before)
    type = "DELETED";
  else
    return std::nullopt;
  return WatchEvent{type, StoredText(ev.kv), ev.revision()};
}

ApiError TooOld(store::Revision asked, store::Revision compacted) {
  return ApiError::Gone("too old resource version: " + std::to_string(asked) + " (" +
                        std::to_string(compacted) + ")");
}

}  // namespace

ApiResult<std::unique_ptr<store::WatchHandle>> ObjectRegistry::Watch(const api::Kind& kind,
                                                                     std::string_view ns,
                                                                     const WatchQuery& query,
                                                                     WatchSink sink) {
  auto filter = ObjectFilter::Parse(query.label_selector, query.field_selector);
  if (!filter.ok()) return filter.error();
  const std::string prefix = KeyPrefix(kind, ns);
  const std::string& rv = query.resource_version;
  const bool initial = query.send_initial_events || rv.empty() || rv == "0";
  store::Revision after = 0;
  if (initial) {
    store::ListResult list = store_.List(prefix);
    std::vector<WatchEvent> added;
    for (const auto& kv : list.items) {
      if (Matches(*filter, kv.value)) {
        added.push_back(WatchEvent{"ADDED", StoredText(kv), kv.mod_revision});
      }
    }
    after = list.revision;
    if (!added.empty()) sink(std::move(added));
  } else {
    try {
      std::size_t used = 0;
      after = std::stoll(rv, &used);
      if (used != rv.size() || after < 0) throw std::invalid_argument(rv);
    } catch (...) {
      return ApiError::BadRequest("invalid resource version: " + rv);
    }
    if (after < store_.CompactedRevision()) return TooOld(after, store_.CompactedRevision());
  }
  auto handle = store_.Watch(prefix, after,
                             [f = std::move(filter.value()),
                              sink = std::move(sink)](const std::vector<store::Event>& evs) {
                               std::vector<WatchEvent> out;
                               out.reserve(evs.size());
                               for (const auto& ev : evs) {
                                 if (auto we = Convert(f, ev)) out.push_back(std::move(*we));
                               }
                               if (!out.empty()) sink(std::move(out));
                             });
  if (!handle.ok()) {
    if (handle.status().code() == Status::Code::kCompacted) {
      return TooOld(after, store_.CompactedRevision());
    }
    return ApiError::Internal(handle.status().ToString());
  }
  return std::move(handle.value());
}

}  // namespace skiff::apiserver
