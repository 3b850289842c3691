#include "core/scheduler/informer_lister.h"

namespace skiff::scheduler {

InformerLister::InformerLister(client::InformerFactory& informers, std::function<void()> on_change)
    : on_change_(std::move(on_change)) {
  const auto& kinds = api::KindRegistry::Builtin();
  for (const auto& [group, resource] :
       {std::pair{"", "persistentvolumeclaims"}, std::pair{"", "persistentvolumes"},
        std::pair{"storage.k8s.io", "storageclasses"}}) {
    informers_.emplace(resource, &informers.For(*kinds.ByResource(group, "v1", resource)));
  }
}

void InformerLister::Start() {
  for (auto& [_, informer] : informers_) {
    handlers_.push_back(informer->AddHandlers(client::InformerHandlers{
        [this](const client::Object&) { on_change_(); },
        [this](const client::Object&, const client::Object&) { on_change_(); },
        [this](const client::Object&) { on_change_(); }}));
    informer->Start();
  }
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
