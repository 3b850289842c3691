#pragma once

// spec.persistentVolumeClaimRetentionPolicy of a StatefulSet, carried out as Kubernetes does:
// through the ownerReferences of the claims, so the garbage collector deletes them.
// whenDeleted=Delete makes the set an owner of its claims (they go with the set);
// whenScaled=Delete makes a pod beyond `replicas` the owner of its claims before the pod is
// removed (they go with the pod). Retain (the default for both) removes such references.
// References to other owners are kept. Pure functions.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "core/api/kinds.h"

namespace skiff::controllers {

// The ordinal of claim name CLAIM-SET-i for one of set's volumeClaimTemplates, or nullopt.
std::optional<int64_t> StatefulClaimOrdinal(const boost::json::object& set,
                                            std::string_view claim_name);

// True when whenScaled=Delete: a scaled-down pod's claims go with it.
bool ScaledDownClaimsGo(const boost::json::object& set);

// The ownerReferences the claim of ordinal should have; nullopt when it already has them.
// pod: that ordinal's pod, when it exists.
std::optional<boost::json::array> RetainedClaimOwners(const api::Kind& set_kind,
                                                      const boost::json::object& set,
                                                      const boost::json::object& claim,
                                                      int64_t ordinal,
                                                      const boost::json::object* pod);

}  // namespace skiff::controllers
