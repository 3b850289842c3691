#include "core/controllers/volume/volume_matching.h"

#include <algorithm>

#include "core/api/json_fields.h"
#include "core/api/quantity.h"
#include "core/api/selectors.h"

namespace skiff::controllers {
namespace json = boost::json;

namespace {

std::optional<double> QuantityAt(const json::object& obj, std::string_view path) {
  const json::value* v = api::FindPath(obj, path);
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) return api::ParseQuantity(v->get_string());
  if (auto n = api::AsInt(*v)) return static_cast<double>(*n);
  return std::nullopt;
}

std::string_view VolumeModeOf(const json::object& obj) {
  std::string_view mode = api::GetString(obj, "spec.volumeMode");
  return mode.empty() ? "Filesystem" : mode;
}

bool HasAccessModes(const json::object& volume, const json::object& claim) {
  const json::array* want = api::FindArray(claim, "spec.accessModes");
  const json::array* have = api::FindArray(volume, "spec.accessModes");
  if (want == nullptr) return true;
  for (const auto& mode : *want) {
    if (have == nullptr || std::find(have->begin(), have->end(), mode) == have->end()) {
      return false;
    }
  }
  return true;
}

bool SelectorMatches(const json::object& volume, const json::object& claim) {
  const json::value* selector = api::FindPath(claim, "spec.selector");
  if (selector == nullptr || selector->is_null()) return true;
  auto parsed = api::LabelSelector::FromJson(*selector);
  return parsed.ok() && parsed->Matches(api::FindPath(volume, "metadata.labels"));
}

}  // namespace

std::optional<double> ClaimRequestBytes(const json::object& claim) {
  return QuantityAt(claim, "spec.resources.requests.storage");
}

std::optional<double> VolumeCapacityBytes(const json::object& volume) {
  return QuantityAt(volume, "spec.capacity.storage");
}

bool ClaimRefMatches(const json::object& volume, const json::object& claim) {
  const json::object* ref = api::FindObject(volume, "spec.claimRef");
  if (ref == nullptr) return false;
  if (api::GetString(*ref, "name") != api::GetString(claim, "metadata.name") ||
      api::GetString(*ref, "namespace") != api::GetString(claim, "metadata.namespace")) {
    return false;
  }
  std::string_view uid = api::GetString(*ref, "uid");
  return uid.empty() || uid == api::GetString(claim, "metadata.uid");
}

std::optional<std::string> FindMatchingVolume(const json::object& claim,
                                              const std::vector<json::object>& volumes) {
  double request = ClaimRequestBytes(claim).value_or(0);
  std::optional<std::string> best;
  double best_size = 0;
  for (const json::object& pv : volumes) {
    if (!api::GetString(pv, "metadata.deletionTimestamp").empty()) continue;
    std::string_view phase = api::GetString(pv, "status.phase");
    if (phase == "Released" || phase == "Failed") continue;
    bool prebound = ClaimRefMatches(pv, claim);
    if (!prebound && api::FindObject(pv, "spec.claimRef") != nullptr) continue;
    if (api::GetString(pv, "spec.storageClassName") !=
        api::GetString(claim, "spec.storageClassName")) {
      continue;
    }
    if (VolumeModeOf(pv) != VolumeModeOf(claim)) continue;
    if (!HasAccessModes(pv, claim) || !SelectorMatches(pv, claim)) continue;
    double size = VolumeCapacityBytes(pv).value_or(0);
    if (size < request) continue;
    std::string name(api::GetString(pv, "metadata.name"));
    if (prebound) return name;
    if (!best || size < best_size || (size == best_size && name < *best)) {
      best = name;
      best_size = size;
    }
  }
  return best;
}

}  // namespace skiff::controllers
