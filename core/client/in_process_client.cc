#include "core/client/in_process_client.h"

#include <boost/json/parse.hpp>

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

class RegistryWatch final : public WatchHandle {
 public:
  explicit RegistryWatch(std::unique_ptr<store::WatchHandle> h) : handle_(std::move(h)) {}

 private:
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
    auto handle = registry_.Watch(
        kind, ns, q, [cb = std::move(on_event)](std::vector<apiserver::WatchEvent> events) {
          for (auto& ev : events) {
            cb(WatchEvent{std::move(ev.type), json::parse(*ev.object).as_object()});
          }
        });
    if (!handle.ok()) return handle.error();
    return std::unique_ptr<WatchHandle>(std::make_unique<RegistryWatch>(std::move(handle.value())));
  }

 private:
  apiserver::ObjectRegistry& registry_;
};

}  // namespace

std::unique_ptr<Client> NewInProcessClient(apiserver::ObjectRegistry& registry) {
  return std::make_unique<InProcessClient>(registry);
}

}  // namespace skiff::client
