#include <algorithm>
#include <boost/json/serialize.hpp>
#include <string>

#include "core/api/json_fields.h"
#include "core/api/patch.h"
#include "core/api/patch_schema.h"

namespace skiff::api {
namespace {

namespace json = boost::json;
using List = PatchField::List;

constexpr std::string_view kPatch = "$patch";
constexpr std::string_view kRetainKeys = "$retainKeys";
constexpr std::string_view kSetOrder = "$setElementOrder/";
constexpr std::string_view kDeleteFromList = "$deleteFromPrimitiveList/";

Status Bad(std::string msg) { return Status::InvalidArgument(std::move(msg)); }

bool IsDirectiveKey(std::string_view k) {
  return k == kPatch || k == kRetainKeys || k.starts_with(kSetOrder) ||
         k.starts_with(kDeleteFromList);
}

Result<json::object> MergeMap(json::object original, const json::object& patch,
                              const PatchType* type);

// The merge-key value of a list item (null when the item has none).
const json::value* KeyOf(const json::value& item, const PatchField& f) {
  const json::object* o = item.if_object();
  return o ? o->if_contains(f.merge_key) : nullptr;
}

// Position of item in list, comparing merge keys (maps) or whole values (primitives).
int IndexIn(const json::array& list, const json::value& item, const PatchField& f) {
  const json::value* key = f.list == List::kMergeByKey ? KeyOf(item, f) : &item;
  if (key == nullptr) return -1;
  for (size_t i = 0; i < list.size(); ++i) {
    const json::value* other = f.list == List::kMergeByKey ? KeyOf(list[i], f) : &list[i];
    if (other != nullptr && JsonEqual(*key, *other)) return static_cast<int>(i);
  }
  return -1;
}

// Orders a merged list as Kubernetes does: items named by `order` (the patch list or its
// $setElementOrder) sorted by it, server-only items in their live order, the two interleaved
// by their live positions, an item the live list lacks going before the server-only one it
// is compared with.
json::array Normalize(const json::array& merged, const json::array& order,
                      const json::array& server, const PatchField& f) {
  json::array patch_items, server_items;
  for (const auto& v : merged)
    (IndexIn(order, v, f) >= 0 ? patch_items : server_items).push_back(v);
  auto by = [&f](const json::array& ref) {
    return [&f, &ref](const json::value& a, const json::value& b) {
      return IndexIn(ref, a, f) < IndexIn(ref, b, f);
    };
  };
  std::stable_sort(patch_items.begin(), patch_items.end(), by(order));
  std::stable_sort(server_items.begin(), server_items.end(), by(server));
  json::array out;
  size_t i = 0, j = 0;
  while (i < server_items.size() || j < patch_items.size()) {
    bool take_server = j >= patch_items.size();
    if (!take_server && i < server_items.size()) {
      int si = IndexIn(server, server_items[i], f);
      int pi = IndexIn(server, patch_items[j], f);
      take_server = si >= 0 && pi >= 0 && si < pi;
    }
    out.push_back(take_server ? server_items[i++] : patch_items[j++]);
  }
  return out;
}

Status ApplyRetainKeys(json::object& original, const json::object& patch) {
  const json::value* retain = patch.if_contains(kRetainKeys);
  if (retain == nullptr) return Status::Ok();
  const json::array* keys = retain->if_array();
  if (keys == nullptr) return Bad("invalid patch: $retainKeys must be a list of strings");
  auto listed = [keys](std::string_view k) {
    return std::any_of(keys->begin(), keys->end(),
                       [k](const json::value& v) { return v.is_string() && v.get_string() == k; });
  };
  for (const auto& kv : patch) {
    if (kv.value().is_null() || IsDirectiveKey(kv.key())) continue;
    if (!listed(kv.key())) {
      return Bad("invalid patch: key " + std::string(kv.key()) + " is not in $retainKeys");
    }
  }
  for (auto it = original.begin(); it != original.end();) {
    it = listed(it->key()) ? std::next(it) : original.erase(it);
  }
  return Status::Ok();
}

Result<json::array> MergeKeyedList(json::array original, const json::array& patch,
                                   const PatchField& field) {
  json::array plain;
  bool replace = false;
  for (const auto& item : patch) {
    const json::object* o = item.if_object();
    if (o == nullptr) {
      return Bad("invalid patch: items of a list merged by " + std::string(field.merge_key) +
                 " must be objects");
    }
    const json::value* directive = o->if_contains(kPatch);
    if (directive == nullptr) {
      plain.push_back(item);
      continue;
    }
    if (*directive == "delete") {
      if (KeyOf(item, field) == nullptr) {
        return Bad("map: " + json::serialize(item) +
                   " does not contain declared merge key: " + std::string(field.merge_key));
      }
      original.erase(std::remove_if(original.begin(), original.end(),
                                    [&](const json::value& v) {
                                      const json::value* k = KeyOf(v, field);
                                      return k && JsonEqual(*k, *KeyOf(item, field));
                                    }),
                     original.end());
    } else if (*directive == "replace") {
      replace = true;
    } else {
      return Bad("Unknown patch type: " + json::serialize(*directive) + " in list item " +
                 json::serialize(item));
    }
  }
  if (replace) original.clear();
  for (const auto& item : plain) {
    const json::value* key = KeyOf(item, field);
    if (key == nullptr) {
      return Bad("map: " + json::serialize(item) +
                 " does not contain declared merge key: " + std::string(field.merge_key));
    }
    int at = IndexIn(original, item, field);
    json::object base = at >= 0 ? original[at].as_object() : json::object();
    auto merged = MergeMap(std::move(base), item.get_object(), field.type);
    if (!merged.ok()) return merged.status();
    if (at >= 0) {
      original[at] = std::move(*merged);
    } else {
      original.push_back(std::move(*merged));
    }
  }
  return original;
}

Result<json::array> MergeList(const json::array& original, const json::array& patch,
                              const PatchField& field, const json::array* order) {
  json::array merged;
  if (field.list == List::kMergeByKey) {
    auto r = MergeKeyedList(original, patch, field);
    if (!r.ok()) return r.status();
    merged = std::move(*r);
  } else {
    merged = original;
    for (const auto& v : patch) {
      if (IndexIn(merged, v, field) < 0) merged.push_back(v);
    }
  }
  return Normalize(merged, order ? *order : patch, original, field);
}

Result<json::value> MergeValue(const json::value* original, const json::value& patch,
                               const PatchField& field) {
  if (const json::object* p = patch.if_object()) {
    const json::object* o = original ? original->if_object() : nullptr;
    auto r = MergeMap(o ? *o : json::object(), *p, field.type);
    if (!r.ok()) return r.status();
    return json::value(std::move(*r));
  }
  if (const json::array* p = patch.if_array()) {
    if (field.list == List::kAtomic) return patch;
    const json::array* o = original ? original->if_array() : nullptr;
    auto r = MergeList(o ? *o : json::array(), *p, field, nullptr);
    if (!r.ok()) return r.status();
    return json::value(std::move(*r));
  }
  return patch;
}

Result<json::object> MergeMap(json::object original, const json::object& patch,
                              const PatchType* type) {
  static const PatchType kUntyped;
  const PatchType& t = type ? *type : kUntyped;
  if (const json::value* directive = patch.if_contains(kPatch)) {
    if (*directive == "delete") return json::object();
    if (*directive != "replace") {
      return Bad("Unknown patch type: " + json::serialize(*directive) +
                 " in map: " + json::serialize(patch));
    }
    json::object rest = patch;
    rest.erase(kPatch);
    return MergeMap(json::object(), rest, type);
  }
  if (Status st = ApplyRetainKeys(original, patch); !st.ok()) return st;

  std::vector<std::string> ordered;  // list fields already merged through $setElementOrder
  for (const auto& kv : patch) {
    std::string_view key = kv.key();
    if (key.starts_with(kDeleteFromList)) {
      std::string_view name = key.substr(kDeleteFromList.size());
      const json::array* drop = kv.value().if_array();
      if (drop == nullptr) return Bad("invalid patch: " + std::string(key) + " must be a list");
      if (json::array* list = original.contains(name) ? original[name].if_array() : nullptr) {
        list->erase(std::remove_if(list->begin(), list->end(),
                                   [drop](const json::value& v) {
                                     return std::any_of(
                                         drop->begin(), drop->end(),
                                         [&v](const json::value& d) { return JsonEqual(v, d); });
                                   }),
                    list->end());
      }
      continue;
    }
    if (!key.starts_with(kSetOrder)) continue;
    std::string name(key.substr(kSetOrder.size()));
    const json::array* order = kv.value().if_array();
    if (order == nullptr) return Bad("invalid patch: " + std::string(key) + " must be a list");
    const PatchField& field = t.Field(name);
    if (field.list == List::kAtomic) continue;  // an atomic list keeps the patch's order
    const json::value* live = original.if_contains(name);
    const json::value* change = patch.if_contains(name);
    if (live == nullptr && change == nullptr) continue;
    const json::array* live_list = live ? live->if_array() : nullptr;
    const json::array* change_list = change ? change->if_array() : nullptr;
    if ((live && !live_list) || (change && !change_list)) {
      return Bad("invalid patch: " + std::string(key) + " names a field that is not a list");
    }
    auto merged = MergeList(live_list ? *live_list : json::array(),
                            change_list ? *change_list : json::array(), field, order);
    if (!merged.ok()) return merged.status();
    original[name] = std::move(*merged);
    ordered.push_back(std::move(name));
  }

  for (const auto& kv : patch) {
    std::string_view key = kv.key();
    if (IsDirectiveKey(key)) continue;
    if (std::find(ordered.begin(), ordered.end(), key) != ordered.end()) continue;
    if (kv.value().is_null()) {
      original.erase(key);
      continue;
    }
    const PatchField& field = t.Field(key);
    const json::value* live = original.if_contains(key);
    // A value of another JSON type than the live one replaces it, cleaned of directives.
    bool same_kind = live && live->is_object() == kv.value().is_object() &&
                     live->is_array() == kv.value().is_array();
    auto merged = MergeValue(same_kind ? live : nullptr, kv.value(), field);
    if (!merged.ok()) return merged.status();
    original[key] = std::move(*merged);
  }
  return original;
}

}  // namespace

Result<json::value> ApplyStrategicMergePatch(const Kind& kind, const json::value& target,
                                             const json::value& patch) {
  const json::object* p = patch.if_object();
  if (p == nullptr) return Bad("strategic merge patch must be a JSON object");
  const json::object* t = target.if_object();
  auto merged = MergeMap(t ? *t : json::object(), *p, PatchTypeFor(kind));
  if (!merged.ok()) return merged.status();
  return json::value(std::move(*merged));
}

}  // namespace skiff::api
