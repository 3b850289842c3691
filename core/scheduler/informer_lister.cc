#include "core/scheduler/informer_lister.h"

namespace skiff::scheduler {

InformerLister::InformerLister(client::Client& client, std::function<void()> on_change) {
  client::InformerHandlers h;
  h.on_add = [on_change](const client::Object&) { on_change(); };
  h.on_update = [on_change](const client::Object&, const client::Object&) { on_change(); };
  h.on_delete = [on_change](const client::Object&) { on_change(); };
  const auto& kinds = api::KindRegistry::Builtin();
  for (const auto& [group, resource] :
       {std::pair{"", "persistentvolumeclaims"}, std::pair{"", "persistentvolumes"},
        std::pair{"storage.k8s.io", "storageclasses"}}) {
    informers_.emplace(resource, std::make_unique<client::Informer>(
                                     client, *kinds.ByResource(group, "v1", resource), "",
                                     client::ListOptions{}, h));
  }
}

void InformerLister::Start() {
  for (auto& [_, inf] : informers_) inf->Start();
}

bool InformerLister::WaitForSync(std::chrono::milliseconds timeout) {
  for (auto& [_, inf] : informers_) {
    if (!inf->WaitForSync(timeout)) return false;
  }
  return true;
}

std::optional<boost::json::object> InformerLister::Get(std::string_view resource,
                                                       std::string_view ns,
                                                       std::string_view name) const {
  auto it = informers_.find(resource);
  if (it == informers_.end()) return std::nullopt;
  // Copies: ObjectLister hands out values (volume binding only, a handful of objects).
  if (auto obj = it->second->Get(ns, name)) return *obj;
  return std::nullopt;
}

std::vector<boost::json::object> InformerLister::List(std::string_view resource) const {
  auto it = informers_.find(resource);
  if (it == informers_.end()) return {};
  std::vector<boost::json::object> out;
  for (const auto& obj : it->second->List()) out.push_back(*obj);
  return out;
}

}  // namespace skiff::scheduler
