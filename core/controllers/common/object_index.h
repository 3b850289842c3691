#pragma once

// ObjectIndex: object keys ("namespace/name") grouped by values computed from each object,
// e.g. the uid of its controller or "orphans in namespace X". Fed from informer handlers so a
// controller can find its dependents without copying the whole informer cache. Thread-safe.

#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/client/client.h"
#include "core/client/informer.h"

namespace skiff::controllers {

class ObjectIndex {
 public:
  using IndexFunc = std::function<std::vector<std::string>(const client::Object& obj)>;
  explicit ObjectIndex(IndexFunc index);

  // Adds or re-indexes obj (call on add and update).
  void Upsert(const client::Object& obj);
  void Remove(const client::Object& obj);
  std::vector<std::string> Keys(const std::string& value) const;

 private:
  const IndexFunc index_;
  mutable std::mutex mu_;
  std::map<std::string, std::set<std::string>> by_value_;
  std::map<std::string, std::vector<std::string>> values_of_;  // object key -> its values
};

// The index most controllers keep of their dependents, as ClaimDependents takes them:
// "owner/<uid>" for an object with a controller reference, "orphan/<namespace>" for the others.
std::string OwnerIndexKey(std::string_view uid);
std::string OrphanIndexKey(std::string_view ns);
std::vector<std::string> IndexByController(const client::Object& obj);

// The cached objects behind keys (those still in the informer), shared with its cache.
std::vector<client::ObjectPtr> GetAll(const client::Informer& informer,
                                      const std::vector<std::string>& keys);
// Splits "namespace/name" (or "name").
std::pair<std::string, std::string> SplitKey(const std::string& key);

}  // namespace skiff::controllers
