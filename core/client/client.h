#pragma once

// Client: the only way the scheduler, controllers and node agent talk to the API. Two
// implementations with the same behaviour: in-process (straight onto the registry, inside
// `skiff server`) and HTTP (a separate process, e.g. `skiff agent --kubeconfig`).
// Implementations are thread-safe. A WatchHandle stops its watch when destroyed (no callback
// runs after the destructor returns); destroy it outside its own callback.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/api/api_result.h"
#include "core/api/kinds.h"

namespace skiff::client {

using Object = boost::json::object;
// An object shared read-only between caches and their readers (no copy per reader).
using ObjectPtr = std::shared_ptr<const Object>;

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  std::size_t limit = 0;
  std::string continue_token;
};

struct ObjectList {
  std::vector<Object> items;
  std::string resource_version;
  std::string continue_token;
};

enum class PatchType { kMerge, kJson, kStrategic };

struct DeleteOptions {
  std::optional<std::int64_t> grace_period_seconds;
  std::string precondition_uid;
  std::string propagation_policy;
};

struct WatchOptions {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;  // events after this; "" = current state as ADDED first
  bool bookmarks = true;
};

struct WatchEvent {
  std::string type;  // ADDED, MODIFIED, DELETED, BOOKMARK, ERROR
  // Never null; for ERROR a Status (code 410 when the version was compacted). Immutable and
  // possibly shared with other watches of the same event (in-process) and with informer caches.
  ObjectPtr object;
};

using WatchCallback = std::function<void(const WatchEvent& event)>;
// Called once when the watch ends without being cancelled (stream closed, server gone).
using WatchClosed = std::function<void(const api::ApiError& why)>;

class WatchHandle {
 public:
  virtual ~WatchHandle() = default;
};

class Client {
 public:
  virtual ~Client() = default;

  virtual api::ApiResult<Object> Get(const api::Kind& kind, std::string_view ns,
                                     std::string_view name) = 0;
  virtual api::ApiResult<ObjectList> List(const api::Kind& kind, std::string_view ns,
                                          const ListOptions& options = {}) = 0;
  virtual api::ApiResult<Object> Create(const api::Kind& kind, std::string_view ns,
                                        const Object& obj) = 0;
  // Name and namespace come from obj.metadata; status = the /status subresource.
  virtual api::ApiResult<Object> Update(const api::Kind& kind, const Object& obj,
                                        bool status = false) = 0;
  virtual api::ApiResult<Object> Patch(const api::Kind& kind, std::string_view ns,
                                       std::string_view name, PatchType type,
                                       const boost::json::value& patch, bool status = false) = 0;
  virtual api::ApiResult<Object> Delete(const api::Kind& kind, std::string_view ns,
                                        std::string_view name,
                                        const DeleteOptions& options = {}) = 0;
  // pods/binding.
  virtual api::ApiResult<Object> Bind(std::string_view ns, std::string_view pod,
                                      std::string_view node) = 0;
  virtual api::ApiResult<std::unique_ptr<WatchHandle>> Watch(const api::Kind& kind,
                                                             std::string_view ns,
                                                             const WatchOptions& options,
                                                             WatchCallback on_event,
                                                             WatchClosed on_closed) = 0;
};

}  // namespace skiff::client
