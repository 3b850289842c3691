#include "core/controllers/endpoints/endpoints_controller.h"

#include <spdlog/spdlog.h>

#include "core/api/json_fields.h"
#include "core/controllers/common/enqueue_keys.h"
#include "core/controllers/endpoints/endpoint_subsets.h"

namespace skiff::controllers {
namespace json = boost::json;

namespace {

const api::Kind& KindOf(const char* resource) {
  return *api::KindRegistry::Builtin().ByResource("", "v1", resource);
}

}  // namespace

EndpointsController::EndpointsController(client::InformerFactory& informers)
    : client_(informers.client()),
      services_(informers.For(KindOf("services"))),
      pods_(informers.For(KindOf("pods"))),
      workers_(queue_, [this](const std::string& key) { return Sync(key); }) {}

EndpointsController::~EndpointsController() { workers_.Stop(); }

void EndpointsController::Start() {
  handlers_.push_back(services_.AddHandlers(EnqueueKeys(queue_)));
  handlers_.push_back(pods_.AddHandlers(
      client::InformerHandlers{[this](const client::Object& o) { PodChanged(o); },
                               [this](const client::Object& old, const client::Object& o) {
                                 PodChanged(old);
                                 PodChanged(o);
                               },
                               [this](const client::Object& o) { PodChanged(o); }}));
  services_.Start();
  pods_.Start();
  // Pods the informer has not listed yet would read as "no endpoints" and empty them.
  pods_.WaitForSync(std::chrono::seconds(30));
  services_.WaitForSync(std::chrono::seconds(30));
  workers_.Start(1);
}

void EndpointsController::PodChanged(const client::Object& pod) {
  std::string_view ns = api::GetString(pod, "metadata.namespace");
  for (const client::ObjectPtr& svc : services_.List()) {
    if (api::GetString(*svc, "metadata.namespace") == ns && ServiceSelects(*svc, pod)) {
      queue_.Add(client::ObjectKey(*svc));
    }
  }
}

bool EndpointsController::Sync(const std::string& key) {
  auto slash = key.find('/');
  std::string ns = key.substr(0, slash);
  std::string name = key.substr(slash + 1);
  const api::Kind& endpoints_kind = KindOf("endpoints");
  auto svc = services_.Get(ns, name);
  if (!svc) {
    auto r = client_.Delete(endpoints_kind, ns, name);
    if (!r.ok() && r.error().code != 404) {
      spdlog::warn("endpoints controller: delete {}: {}", key, r.error().message);
      return false;
    }
    return true;
  }
  const json::object* selector = api::FindObject(*svc, "spec.selector");
  if (selector == nullptr || selector->empty()) return true;  // user-managed Endpoints

  // EndpointSubsets is pure and takes values: copies of the namespace's pods.
  std::vector<client::Object> pods;
  for (const client::ObjectPtr& pod : pods_.List()) {
    if (api::GetString(*pod, "metadata.namespace") == ns) pods.push_back(*pod);
  }
  json::array subsets = EndpointSubsets(*svc, pods);
  json::object labels;
  if (const json::object* svc_labels = api::FindObject(*svc, "metadata.labels")) {
    labels = *svc_labels;
  }

  auto current = client_.Get(endpoints_kind, ns, name);
  if (!current.ok() && current.error().code != 404) {
    spdlog::warn("endpoints controller: get {}: {}", key, current.error().message);
    return false;
  }
  if (!current.ok()) {
    json::object ep{{"apiVersion", "v1"},
                    {"kind", "Endpoints"},
                    {"metadata", {{"name", name}, {"namespace", ns}, {"labels", labels}}},
                    {"subsets", subsets}};
    auto r = client_.Create(endpoints_kind, ns, ep);
    if (!r.ok() && r.error().code != 409) {
      spdlog::warn("endpoints controller: create {}: {}", key, r.error().message);
    }
    return r.ok();
  }
  const json::value* old_subsets = current->if_contains("subsets");
  const json::object* old_labels = api::FindObject(*current, "metadata.labels");
  bool same_subsets = old_subsets && !old_subsets->is_null() ? api::JsonEqual(*old_subsets, subsets)
                                                             : subsets.empty();
  bool same_labels = old_labels ? api::JsonEqual(*old_labels, labels) : labels.empty();
  if (same_subsets && same_labels) return true;
  client::Object updated = *current;
  updated["subsets"] = subsets;
  json::object& meta = api::ChildObject(updated, "metadata");
  meta["labels"] = labels;
  auto r = client_.Update(endpoints_kind, updated);
  if (!r.ok()) {
    if (r.error().code != 409) {
      spdlog::warn("endpoints controller: update {}: {}", key, r.error().message);
    }
    return false;
  }
  return true;
}

}  // namespace skiff::controllers
