#include "core/controllers/common/claim.h"

#include "core/api/json_fields.h"
#include "core/controllers/common/owner_refs.h"

namespace skiff::controllers {

bool BeingDeleted(const client::Object& obj) {
  return !api::GetString(obj, "metadata.deletionTimestamp").empty();
}

Claimed ClaimDependents(client::Client& client, const api::Kind& dependent_kind,
                        const client::Object& owner, const api::Kind& owner_kind,
                        const std::optional<api::LabelSelector>& selector,
                        std::vector<client::ObjectPtr> owned,
                        const std::vector<client::ObjectPtr>& orphans) {
  Claimed out;
  std::string_view uid = api::GetString(owner, "metadata.uid");
  for (auto& obj : owned) {
    if (selector && selector->Matches(api::FindPath(*obj, "metadata.labels"))) {
      out.objects.push_back(std::move(obj));
    } else if (!BeingDeleted(*obj)) {
      auto r = Release(client, dependent_kind, *obj, uid);
      if (!r.ok() && r.error().code != 404) out.ok = false;
    }
  }
  if (!selector || BeingDeleted(owner)) return out;
  bool checked = false;
  for (const auto& obj : orphans) {
    if (BeingDeleted(*obj) || !selector->Matches(api::FindPath(*obj, "metadata.labels"))) continue;
    if (!checked) {  // adopt only for a live, current owner
      auto fresh = client.Get(owner_kind, api::GetString(owner, "metadata.namespace"),
                              api::GetString(owner, "metadata.name"));
      if (!fresh.ok() || api::GetString(*fresh, "metadata.uid") != uid || BeingDeleted(*fresh))
        break;
      checked = true;
    }
    auto r = Adopt(client, dependent_kind, *obj, owner, owner_kind);
    if (r.ok()) {
      out.objects.push_back(std::make_shared<const client::Object>(std::move(r.value())));
    } else if (r.error().code != 404) {
      out.ok = false;
    }
  }
  return out;
}

}  // namespace skiff::controllers
