#include "core/client/in_process_client.h"

#include <array>
#include <boost/json/parse.hpp>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace skiff::client {
namespace json = boost::json;
using api::ApiResult;

namespace {

apiserver::PatchType ToRegistry(PatchType t) {
  switch (t) {
    case PatchType::kMerge:
      return apiserver::PatchType::kMerge;
    case PatchType::kJson:
      return apiserver::PatchType::kJson;
    case PatchType::kStrategic:
      return apiserver::PatchType::kStrategic;
  }
  return apiserver::PatchType::kMerge;
}

std::string_view MetaField(const Object& obj, std::string_view key) {
  const json::value* m = obj.if_contains("metadata");
  if (!m || !m->is_object()) return {};
  const json::value* v = m->as_object().if_contains(key);
  return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
}

// Each event's parsed object, shared by all of this client's watches that receive it. The
// registry hands every watcher of one event the same text (one shared string), so the text's
// address identifies the event; a slot keeps its text alive, so that address cannot be reused
// for another text while the slot holds it. Bounded: recent revisions hash into a fixed table,
// and a miss (a watch far behind, a collision) just parses again. An event the registry parsed
// for a selector brings its parsed value along: that one is used instead of parsing again.
// Thread-safe; the parse runs without the lock.
class ParsedEvents {
 public:
  ObjectPtr Get(const apiserver::WatchEvent& ev) {
    Slot& slot = slots_[static_cast<std::size_t>(ev.revision) & (kSlots - 1)];
    {
      std::lock_guard lock(mu_);
      if (slot.text == ev.object) return slot.parsed;
    }
    ObjectPtr parsed;
    if (ev.parsed && ev.parsed->is_object()) {
      parsed = ObjectPtr(ev.parsed, &ev.parsed->get_object());  // shares the registry's value
    } else {
      json::value v = json::parse(*ev.object);
      parsed = std::make_shared<const Object>(std::move(v.as_object()));
    }
    std::lock_guard lock(mu_);
    // Another watch may have parsed the same event meanwhile: all of them share its object.
    if (slot.text == ev.object) return slot.parsed;
    slot.text = ev.object;
    slot.parsed = parsed;
    return parsed;
  }

 private:
  static constexpr std::size_t kSlots = 4096;  // power of two
  struct Slot {
    std::shared_ptr<const std::string> text;
    ObjectPtr parsed;
  };
  std::mutex mu_;
  std::array<Slot, kSlots> slots_;
};

// Runs a watch's callback on a thread of its own, events in order. The store delivers every
// watch from one dispatch thread; parsing each event and running every in-process informer
// there, in turn, made that thread the serial bottleneck of a 10,000-pod Deployment.
class DeliveryThread {
 public:
  DeliveryThread(WatchCallback cb, std::shared_ptr<ParsedEvents> parsed)
      : cb_(std::move(cb)), parsed_(std::move(parsed)), thread_([this] { Run(); }) {}
  ~DeliveryThread() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  DeliveryThread(const DeliveryThread&) = delete;
  DeliveryThread& operator=(const DeliveryThread&) = delete;

  void Push(std::vector<apiserver::WatchEvent> events) {
    {
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(events));
    }
    cv_.notify_one();
  }

 private:
  void Run() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      std::vector<apiserver::WatchEvent> batch = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      for (auto& ev : batch) cb_(WatchEvent{std::move(ev.type), parsed_->Get(ev)});
      lock.lock();
    }
  }

  const WatchCallback cb_;
  const std::shared_ptr<ParsedEvents> parsed_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<apiserver::WatchEvent>> queue_;
  bool stop_ = false;
  std::thread thread_;  // last: starts once the rest is built
};

class RegistryWatch final : public WatchHandle {
 public:
  RegistryWatch(std::unique_ptr<DeliveryThread> delivery, std::unique_ptr<store::WatchHandle> h)
      : delivery_(std::move(delivery)), handle_(std::move(h)) {}

 private:
  // Destroyed in reverse: the store stops calling Push before the delivery thread stops.
  std::unique_ptr<DeliveryThread> delivery_;
  std::unique_ptr<store::WatchHandle> handle_;
};

class InProcessClient final : public Client {
 public:
  explicit InProcessClient(apiserver::ObjectRegistry& registry) : registry_(registry) {}

  ApiResult<Object> Get(const api::Kind& kind, std::string_view ns,
                        std::string_view name) override {
    return registry_.Get(kind, ns, name);
  }

  ApiResult<ObjectList> List(const api::Kind& kind, std::string_view ns,
                             const ListOptions& options) override {
    apiserver::ListQuery q{options.label_selector, options.field_selector, options.limit,
                           options.continue_token};
    auto raw = registry_.List(kind, ns, q);
    if (!raw.ok()) return raw.error();
    ObjectList out;
    out.items.reserve(raw->items.size());
    for (const auto& text : raw->items) out.items.push_back(json::parse(text).as_object());
    out.resource_version = std::to_string(raw->revision);
    out.continue_token = raw->continue_token;
    return out;
  }

  ApiResult<Object> Create(const api::Kind& kind, std::string_view ns, const Object& obj) override {
    return registry_.Create(kind, ns, obj);
  }

  ApiResult<Object> Update(const api::Kind& kind, const Object& obj, bool status) override {
    return registry_.Update(
        kind, MetaField(obj, "namespace"), MetaField(obj, "name"), obj,
        status ? apiserver::Subresource::kStatus : apiserver::Subresource::kNone);
  }

  ApiResult<Object> Patch(const api::Kind& kind, std::string_view ns, std::string_view name,
                          PatchType type, const json::value& patch, bool status) override {
    return registry_.Patch(
        kind, ns, name, ToRegistry(type), patch,
        status ? apiserver::Subresource::kStatus : apiserver::Subresource::kNone);
  }

  ApiResult<Object> Delete(const api::Kind& kind, std::string_view ns, std::string_view name,
                           const DeleteOptions& options) override {
    apiserver::DeleteOptions d;
    d.grace_period_seconds = options.grace_period_seconds;
    d.precondition_uid = options.precondition_uid;
    d.propagation_policy = options.propagation_policy;
    return registry_.Delete(kind, ns, name, d);
  }

  ApiResult<Object> Bind(std::string_view ns, std::string_view pod,
                         std::string_view node) override {
    Object binding{{"apiVersion", "v1"},
                   {"kind", "Binding"},
                   {"metadata", {{"name", pod}, {"namespace", ns}}},
                   {"target", {{"apiVersion", "v1"}, {"kind", "Node"}, {"name", node}}}};
    return registry_.Bind(ns, pod, binding);
  }

  ApiResult<std::unique_ptr<WatchHandle>> Watch(const api::Kind& kind, std::string_view ns,
                                                const WatchOptions& options, WatchCallback on_event,
                                                WatchClosed /*on_closed*/) override {
    apiserver::WatchQuery q;
    q.label_selector = options.label_selector;
    q.field_selector = options.field_selector;
    q.resource_version = options.resource_version;
    auto delivery = std::make_unique<DeliveryThread>(std::move(on_event), parsed_);
    auto handle = registry_.Watch(kind, ns, q,
                                  [d = delivery.get()](std::vector<apiserver::WatchEvent> events) {
                                    d->Push(std::move(events));
                                  });
    if (!handle.ok()) return handle.error();
    return std::unique_ptr<WatchHandle>(
        std::make_unique<RegistryWatch>(std::move(delivery), std::move(handle.value())));
  }

 private:
  apiserver::ObjectRegistry& registry_;
  // Shared with the delivery threads: a WatchHandle may outlive its client.
  const std::shared_ptr<ParsedEvents> parsed_ = std::make_shared<ParsedEvents>();
};

}  // namespace

std::unique_ptr<Client> NewInProcessClient(apiserver::ObjectRegistry& registry) {
  return std::make_unique<InProcessClient>(registry);
}

}  // namespace skiff::client
