// ObjectRegistry::Watch: store events turned into Kubernetes watch events, filtered by
// selectors the way the API server does (an object that stops matching is DELETED for that
// watcher, one that starts matching is ADDED). Each event's text (and, for selectors, its
// parsed value) is computed once and shared by every watcher that receives it; the parsed value
// travels with the event, so in-process watchers reuse it.

#include <boost/json/parse.hpp>

#include "core/apiserver/object_codec.h"
#include "core/apiserver/object_filter.h"
#include "core/apiserver/registry.h"

namespace skiff::apiserver {
namespace json = boost::json;
using api::ApiError;
using api::ApiResult;

namespace {

// A KeyValue's value is the same text wherever its mod_revision appears (the event at that
// revision, the previous state of a later event, an item of a list), so it keys the memos.
std::shared_ptr<const std::string> SharedText(RevisionMemo<std::string>& memo,
                                              const store::KeyValue& kv) {
  return memo.Get(kv.mod_revision, 0, [&] { return StoredText(kv); });
}

bool MatchesText(const ObjectFilter& filter, const std::string& stored) {
  if (filter.Empty()) return true;
  json::value v = json::parse(stored);
  return v.is_object() && filter.Matches(v.as_object());
}

// kv's watch text parsed (resourceVersion included, as watchers receive it).
std::shared_ptr<const json::value> Parsed(RevisionMemo<std::string>& texts,
                                          RevisionMemo<json::value>& values,
                                          const store::KeyValue& kv) {
  return values.Get(kv.mod_revision, 0, [&] { return json::parse(*SharedText(texts, kv)); });
}

bool Matches(const ObjectFilter& filter, const std::shared_ptr<const json::value>& v) {
  return filter.Empty() || (v->is_object() && filter.Matches(v->as_object()));
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
      // Not memoized: a list would only evict the recent events the memos are for.
      if (MatchesText(*filter, kv.value)) {
        added.push_back(WatchEvent{"ADDED", std::make_shared<const std::string>(StoredText(kv)),
                                   kv.mod_revision, nullptr});
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
  auto convert = [f = std::move(filter.value()),
                  memos = watch_memos_](const store::Event& ev) -> std::optional<WatchEvent> {
    // Parsed only for a selector.
    std::shared_ptr<const json::value> parsed =
        f.Empty() ? nullptr : Parsed(memos->text, memos->value, ev.kv);
    bool now = Matches(f, parsed);
    if (ev.type == store::Event::Type::kDelete) {
      if (!now) return std::nullopt;
      return WatchEvent{"DELETED", SharedText(memos->text, ev.kv), ev.revision(), parsed};
    }
    bool before =
        ev.prev && Matches(f, f.Empty() ? nullptr : Parsed(memos->text, memos->value, *ev.prev));
    const char* type = nullptr;
    if (now && before)
      type = "MODIFIED";
    else if (now)
      type = "ADDED";
    else if (before)
      type = "DELETED";
    else
      return std::nullopt;
    return WatchEvent{type, SharedText(memos->text, ev.kv), ev.revision(), parsed};
  };
  auto handle = store_.Watch(prefix, after,
                             [convert = std::move(convert),
                              sink = std::move(sink)](const std::vector<store::SharedEvent>& evs) {
                               std::vector<WatchEvent> out;
                               out.reserve(evs.size());
                               for (const auto& ev : evs) {
                                 if (auto we = convert(*ev)) out.push_back(std::move(*we));
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
