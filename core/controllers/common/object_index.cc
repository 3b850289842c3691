#include "core/controllers/common/object_index.h"

#include "core/api/json_fields.h"
#include "core/controllers/common/owner_refs.h"

namespace skiff::controllers {

ObjectIndex::ObjectIndex(IndexFunc index) : index_(std::move(index)) {}

void ObjectIndex::Upsert(const client::Object& obj) {
  std::string key = client::ObjectKey(obj);
  std::vector<std::string> values = index_(obj);
  std::lock_guard lock(mu_);
  auto it = values_of_.find(key);
  if (it != values_of_.end()) {
    if (it->second == values) return;
    for (const auto& v : it->second) {
      auto b = by_value_.find(v);
      if (b == by_value_.end()) continue;
      b->second.erase(key);
      if (b->second.empty()) by_value_.erase(b);
    }
  }
  for (const auto& v : values) by_value_[v].insert(key);
  values_of_[key] = std::move(values);
}

void ObjectIndex::Remove(const client::Object& obj) {
  std::string key = client::ObjectKey(obj);
  std::lock_guard lock(mu_);
  auto it = values_of_.find(key);
  if (it == values_of_.end()) return;
  for (const auto& v : it->second) {
    auto b = by_value_.find(v);
    if (b == by_value_.end()) continue;
    b->second.erase(key);
    if (b->second.empty()) by_value_.erase(b);
  }
  values_of_.erase(it);
}

std::vector<std::string> ObjectIndex::Keys(const std::string& value) const {
  std::lock_guard lock(mu_);
  auto it = by_value_.find(value);
  if (it == by_value_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

std::pair<std::string, std::string> SplitKey(const std::string& key) {
  auto slash = key.find('/');
  if (slash == std::string::npos) return {"", key};
  return {key.substr(0, slash), key.substr(slash + 1)};
}

std::vector<client::ObjectPtr> GetAll(const client::Informer& informer,
                                      const std::vector<std::string>& keys) {
  std::vector<client::ObjectPtr> out;
  out.reserve(keys.size());
  for (const auto& k : keys) {
    auto [ns, name] = SplitKey(k);
    if (auto o = informer.Get(ns, name)) out.push_back(std::move(o));
  }
  return out;
}

std::string OwnerIndexKey(std::string_view uid) { return "owner/" + std::string(uid); }
std::string OrphanIndexKey(std::string_view ns) { return "orphan/" + std::string(ns); }

std::vector<std::string> IndexByController(const client::Object& obj) {
  if (auto ref = ControllerRef(obj)) return {OwnerIndexKey(ref->uid)};
  return {OrphanIndexKey(api::GetString(obj, "metadata.namespace"))};
}

}  // namespace skiff::controllers
