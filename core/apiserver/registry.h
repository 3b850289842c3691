#pragma once

// ObjectRegistry: the API's object semantics over a Store — what Kubernetes calls the
// registry. Sets uid, timestamps, resourceVersion, generation and generateName; defaults and
// validates; enforces optimistic concurrency; splits spec from the status subresource; runs
// graceful deletion and finalizers; filters lists and watches by selectors.
// Thread-safe; holds references to a Store and a KindRegistry that must outlive it.

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
#include "core/apiserver/admission.h"
#include "core/apiserver/key_locks.h"
#include "core/apiserver/revision_memo.h"
#include "core/store/store.h"

namespace skiff::apiserver {

enum class Subresource { kNone, kStatus };
enum class PatchType { kMerge, kJson, kStrategic };
// The patch itself sets metadata.resourceVersion (a precondition); otherwise a patch is
// retried on a concurrent write, as in Kubernetes.
bool PatchPinsVersion(PatchType type, const boost::json::value& patch);

struct WriteOptions {
  bool dry_run = false;
};

struct ListQuery {
  std::string label_selector;
  std::string field_selector;
  std::size_t limit = 0;
  std::string continue_token;
};

struct RawList {
  std::vector<std::string> items;  // JSON text of each object, resourceVersion set
  store::Revision revision = 0;
  std::string continue_token;
};

struct DeleteOptions {
  std::optional<std::int64_t> grace_period_seconds;
  std::string precondition_uid;
  std::string precondition_resource_version;
  // "Orphan" / "Foreground" add the orphan / foregroundDeletion finalizer for the garbage
  // collector; "Background" (or "") leaves dependents to it after the owner is gone.
  std::string propagation_policy;
  bool dry_run = false;
};

struct WatchQuery {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;  // "" or "0": current state as ADDED events first
  bool send_initial_events = false;
};

struct WatchEvent {
  std::string type;  // ADDED, MODIFIED, DELETED
  // JSON text, resourceVersion set; shared by every watcher that receives this event.
  std::shared_ptr<const std::string> object;
  store::Revision revision = 0;
  // That text parsed, when the registry parsed it to match a selector (null otherwise); shared
  // like the text, so an in-process watcher need not parse it again.
  std::shared_ptr<const boost::json::value> parsed;
};

using WatchSink = std::function<void(std::vector<WatchEvent> events)>;

class ObjectRegistry {
 public:
  using Object = boost::json::object;

  ObjectRegistry(store::Store& store, const api::KindRegistry& kinds);

  api::ApiResult<Object> Create(const api::Kind& kind, std::string_view ns, Object obj,
                                const WriteOptions& options = {});
  api::ApiResult<std::string> GetText(const api::Kind& kind, std::string_view ns,
                                      std::string_view name) const;
  api::ApiResult<Object> Get(const api::Kind& kind, std::string_view ns,
                             std::string_view name) const;
  api::ApiResult<RawList> List(const api::Kind& kind, std::string_view ns,
                               const ListQuery& query) const;
  api::ApiResult<Object> Update(const api::Kind& kind, std::string_view ns, std::string_view name,
                                Object obj, Subresource sub, const WriteOptions& options = {});
  api::ApiResult<Object> Patch(const api::Kind& kind, std::string_view ns, std::string_view name,
                               PatchType type, const boost::json::value& patch, Subresource sub,
                               const WriteOptions& options = {});
  api::ApiResult<Object> Delete(const api::Kind& kind, std::string_view ns, std::string_view name,
                                const DeleteOptions& options);
  // Deletes every object the selectors match; returns the list of what was deleted.
  api::ApiResult<std::vector<Object>> DeleteCollection(const api::Kind& kind, std::string_view ns,
                                                       const ListQuery& query,
                                                       const DeleteOptions& options);
  // pods/binding: sets spec.nodeName once (409 if already bound).
  api::ApiResult<Object> Bind(std::string_view ns, std::string_view name, const Object& binding,
                              const WriteOptions& options = {});
  // <workload>/scale as an autoscaling/v1 Scale.
  api::ApiResult<Object> GetScale(const api::Kind& kind, std::string_view ns,
                                  std::string_view name) const;
  api::ApiResult<Object> UpdateScale(const api::Kind& kind, std::string_view ns,
                                     std::string_view name, const Object& scale,
                                     const WriteOptions& options = {});
  api::ApiResult<Object> PatchScale(const api::Kind& kind, std::string_view ns,
                                    std::string_view name, PatchType type,
                                    const boost::json::value& patch,
                                    const WriteOptions& options = {});

  api::ApiResult<std::unique_ptr<store::WatchHandle>> Watch(const api::Kind& kind,
                                                            std::string_view ns,
                                                            const WatchQuery& query,
                                                            WatchSink sink);

  // Before serving: the mutating admission plugins' settings.
  void SetAdmissionConfig(const AdmissionConfig& config) { admission_ = config; }

  store::Store& store() { return store_; }
  const api::KindRegistry& kinds() const { return kinds_; }

 private:
  using Mutation = std::function<api::ApiResult<Object>(const Object& current)>;
  // Read-modify-write under the key's lock with compare-and-swap, retried on conflict unless
  // the caller pinned a resourceVersion.
  api::ApiResult<Object> GuaranteedUpdate(const api::Kind& kind, std::string_view ns,
                                          std::string_view name, Subresource sub,
                                          const WriteOptions& options, const Mutation& mutate);
  api::ApiResult<Object> DeleteNow(const api::Kind& kind, std::string_view ns,
                                   std::string_view name, store::Revision expected, Object last,
                                   bool dry_run);
  std::optional<api::ApiError> CheckNamespace(const api::Kind& kind, std::string_view ns) const;
  api::ApiResult<std::string> AllocateClusterIp() const;

  // What watch events turn into, computed once per event for all watchers. Shared with the
  // store watch callbacks, so they never see it destroyed.
  struct WatchMemos {
    RevisionMemo<std::string> text;          // stored text with resourceVersion set
    RevisionMemo<boost::json::value> value;  // that text parsed, for selectors
  };

  store::Store& store_;
  const api::KindRegistry& kinds_;
  AdmissionConfig admission_;
  KeyLocks key_locks_;  // read-modify-write cycles on one object take turns
  const std::shared_ptr<WatchMemos> watch_memos_ = std::make_shared<WatchMemos>();
};

}  // namespace skiff::apiserver
