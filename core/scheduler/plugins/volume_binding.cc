// VolumeBinding: a pod's PersistentVolumeClaims decide where it may run.
//  - A bound claim: its PV's node affinity must match the node.
//  - An unbound claim of a WaitForFirstConsumer StorageClass: the node needs an available
//    PV that fits (class, capacity, access modes, node affinity), or the class must be able
//    to provision (a provisioner other than kubernetes.io/no-provisioner, allowedTopologies
//    matching the node). PreBind then records the choice — claimRef on the chosen PV, or the
//    volume.kubernetes.io/selected-node annotation on the claim for provisioning — and waits
//    (bounded) for the volume controller to bind the claim.
//  - An unbound claim of an Immediate class: wait for the controller to bind it.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "core/api/json_fields.h"
#include "core/api/quantity.h"
#include "core/client/client.h"
#include "core/scheduler/plugins/plugins.h"

namespace skiff::scheduler::plugins {
namespace {

namespace json = boost::json;
using Object = json::object;

constexpr auto kBindTimeout = std::chrono::seconds(60);
constexpr auto kPollInterval = std::chrono::milliseconds(100);

struct DelayedClaim {
  Object claim;
  Object storage_class;
};

struct State : CycleState::Data {
  std::vector<NodeSelector> bound_pv_affinity;  // of the pod's bound PVs
  std::vector<DelayedClaim> delayed;            // WaitForFirstConsumer, unbound
  std::vector<Object> pvs;                      // PVs, listed once per cycle
};

int64_t Storage(const Object& obj, std::string_view path) {
  const json::value* v = api::FindPath(obj, path);
  if (!v) return 0;
  auto q = api::Quantity::FromJson(*v);
  return q.ok() ? q->Value() : 0;
}

bool PvNodeAffinityMatches(const Object& pv, const NodeSpec& node) {
  const json::value* req = api::FindPath(pv, "spec.nodeAffinity.required");
  return !req || ParseNodeSelector(*req).Matches(node.labels, node.name);
}

bool PvFitsClaim(const Object& pv, const Object& claim, std::string_view class_name) {
  if (api::FindObject(pv, "spec.claimRef")) return false;
  std::string_view phase = api::GetString(pv, "status.phase");
  if (!phase.empty() && phase != "Available") return false;
  if (api::GetString(pv, "spec.storageClassName") != class_name) return false;
  if (Storage(pv, "spec.capacity.storage") < Storage(claim, "spec.resources.requests.storage")) {
    return false;
  }
  const json::array* want = api::FindArray(claim, "spec.accessModes");
  const json::array* have = api::FindArray(pv, "spec.accessModes");
  if (want) {
    for (const auto& m : *want) {
      if (!have || std::find(have->begin(), have->end(), m) == have->end()) return false;
    }
  }
  return true;
}

bool ClassCanProvisionOn(const Object& sc, const NodeSpec& node) {
  std::string_view provisioner = api::GetString(sc, "provisioner");
  if (provisioner.empty() || provisioner == "kubernetes.io/no-provisioner") return false;
  const json::array* topologies = api::FindArray(sc, "allowedTopologies");
  if (!topologies || topologies->empty()) return true;
  for (const auto& t : *topologies) {
    if (!t.is_object()) continue;
    const json::array* exprs = api::FindArray(t.as_object(), "matchLabelExpressions");
    bool all = true;
    for (const auto& e : exprs ? *exprs : json::array{}) {
      if (!e.is_object()) continue;
      NodeSelectorRequirement r{std::string(api::GetString(e.as_object(), "key")), "In", {}};
      if (const json::array* vals = api::FindArray(e.as_object(), "values")) {
        for (const auto& v : *vals) {
          if (v.is_string()) r.values.emplace_back(v.as_string());
        }
      }
      if (!r.Matches(node.labels)) all = false;
    }
    if (all) return true;
  }
  return false;
}

// For each delayed claim, a PV on this node (or "" to provision); nullopt if one cannot be
// satisfied. PVs already chosen for an earlier claim of the pod are not reused.
std::optional<std::vector<std::string>> PlanDelayed(const State& s, const NodeSpec& node) {
  std::vector<std::string> plan;
  for (const auto& d : s.delayed) {
    std::string_view class_name = api::GetString(d.claim, "spec.storageClassName");
    const Object* best = nullptr;
    for (const auto& pv : s.pvs) {
      std::string_view name = api::GetString(pv, "metadata.name");
      if (std::find(plan.begin(), plan.end(), name) != plan.end()) continue;
      if (!PvFitsClaim(pv, d.claim, class_name) || !PvNodeAffinityMatches(pv, node)) continue;
      if (!best || Storage(pv, "spec.capacity.storage") < Storage(*best, "spec.capacity.storage")) {
        best = &pv;
      }
    }
    if (best) {
      plan.emplace_back(api::GetString(*best, "metadata.name"));
    } else if (ClassCanProvisionOn(d.storage_class, node)) {
      plan.emplace_back();
    } else {
      return std::nullopt;
    }
  }
  return plan;
}

class VolumeBinding final : public PreFilterPlugin, public FilterPlugin, public PreBindPlugin {
 public:
  explicit VolumeBinding(const PluginContext& ctx) : client_(ctx.client), lister_(ctx.lister) {}
  std::string_view Name() const override { return "VolumeBinding"; }

  PluginStatus PreFilter(CycleState& state, const PodInfo& pod, const Snapshot&) override {
    if (pod.pvc_names.empty()) return PluginStatus::Skip();
    if (!lister_) return PluginStatus::Error("VolumeBinding has no lister");
    auto s = std::make_unique<State>();
    for (const auto& name : pod.pvc_names) {
      auto claim = lister_->Get("persistentvolumeclaims", pod.ns, name);
      if (!claim) {
        return PluginStatus::UnschedulableAndUnresolvable("persistentvolumeclaim \"" + name +
                                                          "\" not found");
      }
      if (!api::GetString(*claim, "metadata.deletionTimestamp").empty()) {
        return PluginStatus::UnschedulableAndUnresolvable("persistentvolumeclaim \"" + name +
                                                          "\" is being deleted");
      }
      std::string_view volume = api::GetString(*claim, "spec.volumeName");
      if (!volume.empty()) {
        auto pv = lister_->Get("persistentvolumes", "", volume);
        if (!pv) {
          return PluginStatus::UnschedulableAndUnresolvable(
              "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)");
        }
        if (const json::value* req = api::FindPath(*pv, "spec.nodeAffinity.required")) {
          s->bound_pv_affinity.push_back(ParseNodeSelector(*req));
        }
        continue;
      }
      std::string_view class_name = api::GetString(*claim, "spec.storageClassName");
      auto sc = class_name.empty() ? std::nullopt : lister_->Get("storageclasses", "", class_name);
      if (!sc || api::GetString(*sc, "volumeBindingMode") != "WaitForFirstConsumer") {
        return PluginStatus::UnschedulableAndUnresolvable(
            "pod has unbound immediate PersistentVolumeClaims");
      }
      s->delayed.push_back({std::move(*claim), std::move(*sc)});
    }
    if (!s->delayed.empty()) s->pvs = lister_->List("persistentvolumes");
    state.Write(this, std::move(s));
    return PluginStatus::Success();
  }

  PluginStatus Filter(const CycleState& state, const PodInfo&,
                      const NodeInfo& node) const override {
    const auto* s = state.Read<State>(this);
    if (!s) return PluginStatus::Error("VolumeBinding: no PreFilter state");
    for (const auto& sel : s->bound_pv_affinity) {
      if (!sel.Matches(node.node->labels, node.name())) {
        return PluginStatus::UnschedulableAndUnresolvable(
            "node(s) had volume node affinity conflict");
      }
    }
    if (!s->delayed.empty() && !PlanDelayed(*s, *node.node)) {
      return PluginStatus::UnschedulableAndUnresolvable(
          "node(s) didn't find available persistent volumes to bind");
    }
    return PluginStatus::Success();
  }

  PluginStatus PreBind(CycleState& state, const PodInfo& pod, const std::string& node) override {
    auto* s = state.Read<State>(this);
    if (!s || s->delayed.empty()) return PluginStatus::Success();
    if (!client_) return PluginStatus::Error("VolumeBinding has no client");
    const auto& kinds = api::KindRegistry::Builtin();
    const api::Kind& nodes = *kinds.ByResource("", "v1", "nodes");
    const api::Kind& pvs = *kinds.ByResource("", "v1", "persistentvolumes");
    const api::Kind& pvcs = *kinds.ByResource("", "v1", "persistentvolumeclaims");
    auto node_obj = client_->Get(nodes, "", node);
    if (!node_obj.ok())
      return PluginStatus::Error("node " + node + ": " + node_obj.error().message);
    auto plan = PlanDelayed(*s, *NewNodeSpec(*node_obj));
    if (!plan) return PluginStatus::Error("volumes for " + pod.key + " no longer fit " + node);
    for (std::size_t i = 0; i < s->delayed.size(); ++i) {
      const Object& claim = s->delayed[i].claim;
      std::string claim_name(api::GetString(claim, "metadata.name"));
      api::ApiResult<Object> r = Object{};
      if ((*plan)[i].empty()) {
        json::value patch = {
            {"metadata", {{"annotations", {{"volume.kubernetes.io/selected-node", node}}}}}};
        r = client_->Patch(pvcs, pod.ns, claim_name, client::PatchType::kMerge, patch);
      } else {
        json::value patch = {
            {"metadata", {{"annotations", {{"pv.kubernetes.io/bound-by-controller", "yes"}}}}},
            {"spec",
             {{"claimRef",
               {{"kind", "PersistentVolumeClaim"},
                {"apiVersion", "v1"},
                {"namespace", pod.ns},
                {"name", claim_name},
                {"uid", api::GetString(claim, "metadata.uid")}}}}}};
        r = client_->Patch(pvs, "", (*plan)[i], client::PatchType::kMerge, patch);
      }
      if (!r.ok()) return PluginStatus::Error("binding volumes: " + r.error().message);
    }
    // The volume controller completes the binding; the pod must not start before it.
    auto deadline = std::chrono::steady_clock::now() + kBindTimeout;
    for (const auto& d : s->delayed) {
      std::string claim_name(api::GetString(d.claim, "metadata.name"));
      for (;;) {
        auto claim = lister_->Get("persistentvolumeclaims", pod.ns, claim_name);
        if (!claim) return PluginStatus::Error("persistentvolumeclaim " + claim_name + " is gone");
        if (!api::GetString(*claim, "spec.volumeName").empty()) break;
        if (std::chrono::steady_clock::now() > deadline) {
          return PluginStatus::Error("timed out waiting for persistentvolumeclaim " + claim_name +
                                     " to be bound");
        }
        std::this_thread::sleep_for(kPollInterval);
      }
    }
    return PluginStatus::Success();
  }

 private:
  client::Client* const client_;
  const ObjectLister* const lister_;
};

}  // namespace

std::unique_ptr<Plugin> NewVolumeBinding(const PluginContext& context) {
  return std::make_unique<VolumeBinding>(context);
}

}  // namespace skiff::scheduler::plugins
