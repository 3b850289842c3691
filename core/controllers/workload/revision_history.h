#pragma once

// The ControllerRevision history of a DaemonSet or StatefulSet, kept as Kubernetes keeps it:
// one revision per distinct pod template, named SET-HASH (the hash of the template), owned by
// the set, labelled with the template's labels plus controller-revision-hash=HASH, holding as
// `data` the strategic merge patch that restores the template
// ({"spec":{"template":{...,"$patch":"replace"}}}, what `kubectl rollout undo` applies) and a
// `revision` number. A template that comes back gets its old revision renumbered to the next
// number instead of a duplicate; unused revisions beyond spec.revisionHistoryLimit (default
// 10) are deleted, oldest first. PlanHistory is pure; ApplyHistory writes the plan.

#include <boost/json/object.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/api/kinds.h"
#include "core/api/selectors.h"
#include "core/client/client.h"

namespace skiff::controllers {

inline constexpr char kRevisionHashLabel[] = "controller-revision-hash";

const api::Kind& ControllerRevisionKind();

// {"spec":{"template":{<set's spec.template>,"$patch":"replace"}}}.
boost::json::object RevisionData(const boost::json::object& set);

// The ControllerRevision (not yet created) named name for set's current template.
boost::json::object NewControllerRevision(const api::Kind& set_kind, const boost::json::object& set,
                                          const std::string& name, const std::string& hash,
                                          int64_t number);

struct HistoryPlan {
  std::optional<boost::json::object> to_create;    // the update revision, when it is new
  std::optional<boost::json::object> to_renumber;  // the update revision, when it is older
  int64_t renumber_to = 0;
  std::vector<boost::json::object> to_delete;  // as observed (name and uid)
  int64_t update_number = 0;  // the update revision's number once the plan is applied
};

// update_name: "SET-HASH" for the set's current template, hash: HASH. revisions: the set's
// ControllerRevisions (controlled by it). live: names of the revisions still in use (by pods,
// or as the StatefulSet's currentRevision); they are never deleted.
HistoryPlan PlanHistory(const api::Kind& set_kind, const boost::json::object& set,
                        const std::string& update_name, const std::string& hash,
                        const std::vector<boost::json::object>& revisions,
                        const std::set<std::string, std::less<>>& live);

// Writes the plan in set's namespace; false when a write failed (retry later). key names the
// set in logs.
bool ApplyHistory(client::Client& client, const HistoryPlan& plan, std::string_view ns,
                  std::string_view key);

// What a controller calls once per sync: claims the set's revisions among `cached` (every
// cached ControllerRevision; orphans the selector matches are adopted), then plans and applies.
// False when a write failed (retry later).
bool SyncHistory(client::Client& client, const api::Kind& set_kind, const client::Object& set,
                 const std::optional<api::LabelSelector>& selector,
                 const std::vector<client::ObjectPtr>& cached, const std::string& update_name,
                 const std::string& hash, const std::set<std::string, std::less<>>& live,
                 std::string_view key);

}  // namespace skiff::controllers
