#pragma once

// Which PersistentVolume a claim binds to, by Kubernetes' rules for static volumes: same
// storageClassName ("" only matches ""), same volumeMode, every access mode the claim asks for,
// capacity at least the request, the claim's label selector; not bound to another claim, not
// Released or Failed, not being deleted. A volume pre-bound to the claim (claimRef naming it)
// wins; otherwise the smallest that fits. Pure functions.

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

namespace skiff::controllers {

// spec.resources.requests.storage (claim) or spec.capacity.storage (volume) in bytes.
std::optional<double> ClaimRequestBytes(const boost::json::object& claim);
std::optional<double> VolumeCapacityBytes(const boost::json::object& volume);

// True when the volume's claimRef names this claim (and, once set, its uid).
bool ClaimRefMatches(const boost::json::object& volume, const boost::json::object& claim);

// The name of the volume to bind, or nullopt.
std::optional<std::string> FindMatchingVolume(const boost::json::object& claim,
                                              const std::vector<boost::json::object>& volumes);

}  // namespace skiff::controllers
