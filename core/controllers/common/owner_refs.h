#pragma once

// metadata.ownerReferences helpers shared by the workload controllers and the garbage
// collector: the controller reference of an object, making one, and adopting / releasing a
// dependent. Adopt and Release write with the dependent's resourceVersion, so they fail with
// 409 when the cached copy is stale (the caller retries from a fresh cache).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/client/client.h"

namespace skiff::controllers {

struct OwnerRef {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string uid;
  bool controller = false;
  bool block_owner_deletion = false;
};

// The ownerReference with controller=true, if any.
std::optional<OwnerRef> ControllerRef(const client::Object& obj);
// Every ownerReference of obj.
std::vector<OwnerRef> OwnerRefs(const client::Object& obj);
// {apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true} for owner.
boost::json::object MakeControllerRef(const client::Object& owner, const api::Kind& owner_kind);

// Makes owner the controller of dependent (an orphan): appends the controller reference.
api::ApiResult<client::Object> Adopt(client::Client& client, const api::Kind& dependent_kind,
                                     const client::Object& dependent, const client::Object& owner,
                                     const api::Kind& owner_kind);
// Removes every ownerReference with owner_uid from dependent.
api::ApiResult<client::Object> Release(client::Client& client, const api::Kind& dependent_kind,
                                       const client::Object& dependent, std::string_view owner_uid);

}  // namespace skiff::controllers
