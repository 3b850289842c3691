#pragma once

// ClaimDependents: the controller-reference bookkeeping every workload controller does before
// it counts its pods (or a Deployment its ReplicaSets). Of `owned` (objects whose controller
// reference is owner), those the selector matches are kept and the others released; of
// `orphans` (objects without a controller), those the selector matches are adopted — only
// after a live read shows the owner still exists with the same uid and is not being deleted.
// Objects being deleted are neither released nor adopted.

#include <optional>
#include <vector>

#include "core/api/selectors.h"
#include "core/client/client.h"

namespace skiff::controllers {

// metadata.deletionTimestamp is set.
bool BeingDeleted(const client::Object& obj);

struct Claimed {
  std::vector<client::ObjectPtr> objects;  // the dependents that are the owner's now
  bool ok = true;                          // false when a write failed (retry later)
};

Claimed ClaimDependents(client::Client& client, const api::Kind& dependent_kind,
                        const client::Object& owner, const api::Kind& owner_kind,
                        const std::optional<api::LabelSelector>& selector,
                        std::vector<client::ObjectPtr> owned,
                        const std::vector<client::ObjectPtr>& orphans);

}  // namespace skiff::controllers
