#include "core/client/informer.h"

#include <spdlog/spdlog.h>

namespace skiff::client {
namespace json = boost::json;

namespace {

std::string_view MetaField(const Object& obj, std::string_view key) {
  const json::value* m = obj.if_contains("metadata");
  if (!m || !m->is_object()) return {};
  const json::value* v = m->as_object().if_contains(key);
  return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
}

constexpr auto kRetryDelay = std::chrono::milliseconds(500);

}  // namespace

std::string ObjectKey(const Object& obj) {
  std::string_view ns = MetaField(obj, "namespace");
  std::string_view name = MetaField(obj, "name");
  return ns.empty() ? std::string(name) : std::string(ns) + "/" + std::string(name);
}

InformerRegistration::~InformerRegistration() { informer_.RemoveHandlers(id_); }

Informer::Informer(Client& client, const api::Kind& kind, std::string ns, ListOptions selectors,
                   InformerHandlers handlers)
    : client_(client), kind_(kind), ns_(std::move(ns)), selectors_(std::move(selectors)) {
  handlers_.emplace(0, std::move(handlers));
}

Informer::~Informer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::unique_ptr<InformerRegistration> Informer::AddHandlers(InformerHandlers handlers) {
  std::lock_guard dispatch(dispatch_mu_);
  if (handlers.on_add) {
    for (const ObjectPtr& obj : List()) handlers.on_add(*obj);
  }
  std::uint64_t id = next_handlers_id_++;
  handlers_.emplace(id, std::move(handlers));
  return std::make_unique<InformerRegistration>(*this, id);
}

void Informer::RemoveHandlers(std::uint64_t id) {
  std::lock_guard dispatch(dispatch_mu_);
  handlers_.erase(id);
}

void Informer::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Run(); });
}

bool Informer::WaitForSync(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [this] { return synced_; });
}

ObjectPtr Informer::Get(std::string_view ns, std::string_view name) const {
  std::string key = ns.empty() ? std::string(name) : std::string(ns) + "/" + std::string(name);
  std::lock_guard lock(mu_);
  auto it = cache_.find(key);
  if (it == cache_.end()) return nullptr;
  return it->second;
}

std::vector<ObjectPtr> Informer::List() const {
  std::lock_guard lock(mu_);
  std::vector<ObjectPtr> out;
  out.reserve(cache_.size());
  for (const auto& [k, v] : cache_) out.push_back(v);
  return out;
}

void Informer::Replace(std::vector<Object> items) {
  std::lock_guard dispatch(dispatch_mu_);
  std::map<std::string, ObjectPtr> fresh;
  for (auto& o : items) {
    std::string key = ObjectKey(o);
    fresh.emplace(std::move(key), std::make_shared<const Object>(std::move(o)));
  }
  std::vector<ObjectPtr> added, deleted;
  std::vector<std::pair<ObjectPtr, ObjectPtr>> updated;
  {
    std::lock_guard lock(mu_);
    for (const auto& [k, v] : fresh) {
      auto it = cache_.find(k);
      if (it == cache_.end()) {
        added.push_back(v);
      } else if (MetaField(*it->second, "resourceVersion") != MetaField(*v, "resourceVersion")) {
        updated.emplace_back(it->second, v);
      }
    }
    for (const auto& [k, v] : cache_) {
      if (!fresh.count(k)) deleted.push_back(v);
    }
    cache_ = std::move(fresh);
  }
  for (const auto& [id, h] : handlers_) {
    for (const auto& o : added) {
      if (h.on_add) h.on_add(*o);
    }
    for (const auto& [o, n] : updated) {
      if (h.on_update) h.on_update(*o, *n);
    }
    for (const auto& o : deleted) {
      if (h.on_delete) h.on_delete(*o);
    }
  }
}

void Informer::Apply(const WatchEvent& ev) {
  if (ev.type == "ERROR") {
    std::lock_guard lock(mu_);
    const json::value* code = ev.object->if_contains("code");
    relist_ = code && code->is_int64() && code->as_int64() == 410;
    watch_broken_ = true;
    cv_.notify_all();
    return;
  }
  std::string_view rv = MetaField(*ev.object, "resourceVersion");
  if (ev.type == "BOOKMARK") {
    std::lock_guard lock(mu_);
    if (!rv.empty()) resource_version_ = rv;
    return;
  }
  std::string key = ObjectKey(*ev.object);
  bool deleted = ev.type == "DELETED";
  std::lock_guard dispatch(dispatch_mu_);
  // The event's object itself goes into the cache: no copy (it is immutable).
  const ObjectPtr& obj = ev.object;
  ObjectPtr old;
  {
    std::lock_guard lock(mu_);
    if (!rv.empty()) resource_version_ = rv;
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      old = std::move(it->second);
      if (deleted) {
        cache_.erase(it);
      } else {
        it->second = obj;
      }
    } else if (!deleted) {
      cache_.emplace(std::move(key), obj);
    }
  }
  for (const auto& [id, h] : handlers_) {
    if (deleted) {
      if (h.on_delete) h.on_delete(*obj);
    } else if (old) {
      if (h.on_update) h.on_update(*old, *obj);
    } else if (h.on_add) {
      h.on_add(*obj);
    }
  }
}

void Informer::Run() {
  bool need_list = true;
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
    }
    if (need_list) {
      auto list = client_.List(kind_, ns_, selectors_);
      if (!list.ok()) {
        spdlog::warn("informer {}: list failed: {}", kind_.resource, list.error().message);
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, kRetryDelay, [this] { return stop_; });
        continue;
      }
      Replace(std::move(list->items));
      std::lock_guard lock(mu_);
      resource_version_ = list->resource_version;
      synced_ = true;
      cv_.notify_all();
      need_list = false;
    }
    WatchOptions wo;
    wo.label_selector = selectors_.label_selector;
    wo.field_selector = selectors_.field_selector;
    {
      std::lock_guard lock(mu_);
      wo.resource_version = resource_version_;
      watch_broken_ = false;
      relist_ = false;
    }
    auto handle = client_.Watch(
        kind_, ns_, wo, [this](const WatchEvent& ev) { Apply(ev); },
        [this](const api::ApiError&) {
          std::lock_guard lock(mu_);
          watch_broken_ = true;
          cv_.notify_all();
        });
    if (!handle.ok()) {
      need_list = handle.error().code == 410;
      if (!need_list) {
        spdlog::warn("informer {}: watch failed: {}", kind_.resource, handle.error().message);
      }
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, need_list ? std::chrono::milliseconds(0) : kRetryDelay,
                   [this] { return stop_; });
      continue;
    }
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return stop_ || watch_broken_; });
    need_list = relist_;
    lock.unlock();
    handle.value().reset();  // outside the lock: cancelling waits for callbacks to finish
  }
}

}  // namespace skiff::client
