#pragma once

// Informer: a local cache of one kind (optionally one namespace and selectors) kept current by
// list + watch. It resumes a broken watch from the last resourceVersion it saw and lists
// afresh after 410 Gone, turning the difference into add/update/delete callbacks.
// The cache holds shared immutable objects: Get and List hand out pointers to them, not
// copies (a caller that wants to change one copies it). Thread-safe. Handlers run on the watch's
// delivery thread: they must be quick and must not block on the API (enqueue work instead). The
// Client must outlive the Informer.

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/client/client.h"

namespace skiff::client {

struct InformerHandlers {
  std::function<void(const Object& obj)> on_add;
  std::function<void(const Object& old_obj, const Object& new_obj)> on_update;
  std::function<void(const Object& obj)> on_delete;
};

class Informer {
 public:
  Informer(Client& client, const api::Kind& kind, std::string ns, ListOptions selectors,
           InformerHandlers handlers);
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  void Start();
  // True once the first list has been applied.
  bool WaitForSync(std::chrono::milliseconds timeout);

  // nullptr when absent.
  ObjectPtr Get(std::string_view ns, std::string_view name) const;
  std::vector<ObjectPtr> List() const;

 private:
  void Run();
  // Applies a full list: emits adds, updates and deletes against the cache.
  void Replace(std::vector<Object> items);
  void Apply(const WatchEvent& event);

  Client& client_;
  const api::Kind& kind_;
  const std::string ns_;
  const ListOptions selectors_;
  const InformerHandlers handlers_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, ObjectPtr> cache_;  // "namespace/name"
  std::string resource_version_;
  bool synced_ = false;
  bool stop_ = false;
  bool watch_broken_ = false;
  bool relist_ = false;
  std::thread thread_;
};

// "namespace/name" (or "name" for cluster-scoped objects).
std::string ObjectKey(const Object& obj);

}  // namespace skiff::client
