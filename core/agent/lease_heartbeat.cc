#include "core/agent/lease_heartbeat.h"

#include <boost/json.hpp>

#include "core/api/api_time.h"

namespace skiff::agent {

namespace json = boost::json;

LeaseHeartbeat::LeaseHeartbeat(client::Client& client, std::string node_name, std::string node_uid,
                               int duration_seconds)
    : client_(client),
      node_name_(std::move(node_name)),
      node_uid_(std::move(node_uid)),
      duration_seconds_(duration_seconds) {}

api::ApiResult<client::Object> LeaseHeartbeat::Beat() {
  static const api::Kind& kind =
      *api::KindRegistry::Builtin().ByResource("coordination.k8s.io", "v1", "leases");
  std::string now = api::ApiMicroTime(std::chrono::system_clock::now());
  if (exists_) {
    // A merge patch, not an update: nobody else writes this Lease, and it skips a GET.
    auto r = client_.Patch(kind, "kube-node-lease", node_name_, client::PatchType::kMerge,
                           json::object{{"spec", {{"renewTime", now}}}});
    if (r.ok() || r.error().code != 404) return r;
    exists_ = false;
  }
  json::object lease{
      {"apiVersion", "coordination.k8s.io/v1"},
      {"kind", "Lease"},
      {"metadata",
       {{"name", node_name_},
        {"namespace", "kube-node-lease"},
        {"ownerReferences",
         json::array{json::object{
             {"apiVersion", "v1"}, {"kind", "Node"}, {"name", node_name_}, {"uid", node_uid_}}}}}},
      {"spec",
       {{"holderIdentity", node_name_},
        {"leaseDurationSeconds", duration_seconds_},
        {"renewTime", now}}}};
  auto r = client_.Create(kind, "kube-node-lease", lease);
  if (!r.ok() && r.error().code == 409) {
    exists_ = true;
    return Beat();
  }
  if (r.ok()) exists_ = true;
  return r;
}

}  // namespace skiff::agent
