#pragma once

// Informer: a local cache of one kind (optionally one namespace and selectors) kept current by
// list + watch. It resumes a broken watch from the last resourceVersion it saw and lists
// afresh after 410 Gone, turning the difference into add/update/delete callbacks.
// The cache holds shared immutable objects: Get and List hand out pointers to them, not
// copies (a caller that wants to change one copies it). Thread-safe. Handlers run on the watch's
// delivery thread, one event at a time for all handler sets: they must be quick, must not block
// on the API (enqueue work instead) and must not add or remove handlers. Several consumers can
// share one Informer (see InformerFactory), each with its own handlers. The Client must outlive
// the Informer.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
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

class Informer;

// Keeps a set of handlers on an Informer; destroying it removes them, after waiting for a
// running call of one of them to return. Must not outlive the Informer.
class InformerRegistration {
 public:
  InformerRegistration(Informer& informer, std::uint64_t id) : informer_(informer), id_(id) {}
  ~InformerRegistration();
  InformerRegistration(const InformerRegistration&) = delete;
  InformerRegistration& operator=(const InformerRegistration&) = delete;

 private:
  Informer& informer_;
  const std::uint64_t id_;
};

class Informer {
 public:
  // handlers: the owner's own, kept for the Informer's life (may be empty).
  Informer(Client& client, const api::Kind& kind, std::string ns, ListOptions selectors,
           InformerHandlers handlers = {});
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Adds a consumer's handlers: on_add for every object already cached (on the calling thread,
  // before it returns), then every change, as the owner's handlers get them.
  [[nodiscard]] std::unique_ptr<InformerRegistration> AddHandlers(InformerHandlers handlers);

  // Starts listing and watching; later calls do nothing.
  void Start();
  // True once the first list has been applied.
  bool WaitForSync(std::chrono::milliseconds timeout);

  // nullptr when absent.
  ObjectPtr Get(std::string_view ns, std::string_view name) const;
  std::vector<ObjectPtr> List() const;

 private:
  friend class InformerRegistration;
  void RemoveHandlers(std::uint64_t id);
  void Run();
  // Applies a full list: emits adds, updates and deletes against the cache.
  void Replace(std::vector<Object> items);
  void Apply(const WatchEvent& event);

  Client& client_;
  const api::Kind& kind_;
  const std::string ns_;
  const ListOptions selectors_;

  // Held while the cache changes and its handlers run, so every handler set sees the same
  // sequence and a new set's initial adds fit into it. Taken before mu_.
  std::mutex dispatch_mu_;
  std::map<std::uint64_t, InformerHandlers> handlers_;  // by registration id; 0 = the owner's
  std::uint64_t next_handlers_id_ = 1;

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
