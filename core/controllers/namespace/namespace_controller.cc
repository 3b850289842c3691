#include "core/controllers/namespace/namespace_controller.h"

#include <spdlog/spdlog.h>

#include "core/api/json_fields.h"

namespace skiff::controllers {
namespace json = boost::json;

namespace {

const api::Kind& NamespaceKind() {
  return *api::KindRegistry::Builtin().ByResource("", "v1", "namespaces");
}

constexpr auto kRecheck = std::chrono::seconds(1);

}  // namespace

NamespaceController::NamespaceController(client::InformerFactory& informers)
    : client_(informers.client()), informer_(informers.For(NamespaceKind())) {}

NamespaceController::~NamespaceController() {
  handlers_.reset();
  queue_.ShutDown();
  if (worker_.joinable()) worker_.join();
}

void NamespaceController::Start() {
  auto changed = [this](const client::Object& o) {
    queue_.Add(std::string(api::GetString(o, "metadata.name")));
  };
  handlers_ = informer_.AddHandlers(client::InformerHandlers{
      changed, [changed](const client::Object&, const client::Object& o) { changed(o); }, nullptr});
  informer_.Start();
  worker_ = std::thread([this] { Work(); });
}

void NamespaceController::Work() {
  while (auto key = queue_.Get()) {
    bool done = Finalize(*key);
    queue_.Done(*key);
    if (done) {
      queue_.Forget(*key);
    } else {
      queue_.AddAfter(*key, kRecheck);
    }
  }
}

bool NamespaceController::Finalize(const std::string& name) {
  auto ns = informer_.Get("", name);
  if (!ns || api::GetString(*ns, "metadata.deletionTimestamp").empty()) return true;
  std::size_t remaining = 0;
  for (const api::Kind& kind : api::KindRegistry::Builtin().All()) {
    if (!kind.namespaced) continue;
    auto list = client_.List(kind, name);
    if (!list.ok()) {
      spdlog::warn("namespace controller: list {} in {}: {}", kind.resource, name,
                   list.error().message);
      return false;
    }
    for (const auto& obj : list->items) {
      ++remaining;
      if (!api::GetString(obj, "metadata.deletionTimestamp").empty()) continue;
      auto r = client_.Delete(kind, name, api::GetString(obj, "metadata.name"));
      if (!r.ok() && r.error().code != 404) {
        spdlog::warn("namespace controller: delete {}/{} in {}: {}", kind.resource,
                     api::GetString(obj, "metadata.name"), name, r.error().message);
      }
    }
  }
  if (remaining > 0) return false;  // look again once the deletions have landed
  auto r = client_.Patch(NamespaceKind(), "", name, client::PatchType::kMerge,
                         json::value{{"spec", {{"finalizers", json::array()}}}});
  if (!r.ok() && r.error().code != 404) {
    spdlog::warn("namespace controller: finalize {}: {}", name, r.error().message);
    return false;
  }
  spdlog::info("namespace controller: namespace {} is empty and deleted", name);
  return true;
}

}  // namespace skiff::controllers
