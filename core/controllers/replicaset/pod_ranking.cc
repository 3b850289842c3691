#include "core/controllers/replicaset/pod_ranking.h"

#include <algorithm>

#include "core/api/json_fields.h"
#include "core/controllers/common/pod_status.h"

namespace skiff::controllers {

namespace {

int PhaseRank(std::string_view phase) {
  if (phase == "Pending" || phase.empty()) return 0;
  if (phase == "Unknown") return 1;
  if (phase == "Running") return 2;
  return 3;
}

std::int64_t Restarts(const client::Object& pod) {
  std::int64_t n = 0;
  if (const auto* statuses = api::FindArray(pod, "status.containerStatuses")) {
    for (const auto& s : *statuses) {
      if (s.is_object()) n = std::max(n, api::GetInt(s.get_object(), "restartCount").value_or(0));
    }
  }
  return n;
}

}  // namespace

bool DeleteBefore(const client::Object& a, const client::Object& b) {
  bool a_bound = !api::GetString(a, "spec.nodeName").empty();
  bool b_bound = !api::GetString(b, "spec.nodeName").empty();
  if (a_bound != b_bound) return !a_bound;
  int pa = PhaseRank(api::GetString(a, "status.phase"));
  int pb = PhaseRank(api::GetString(b, "status.phase"));
  if (pa != pb) return pa < pb;
  bool ra = IsPodReady(a), rb = IsPodReady(b);
  if (ra != rb) return !ra;
  if (ra) {
    auto sa = PodReadySince(a), sb = PodReadySince(b);
    if (sa && sb && *sa != *sb) return *sa > *sb;
  }
  auto ca = Restarts(a), cb = Restarts(b);
  if (ca != cb) return ca > cb;
  // RFC 3339 timestamps in UTC order as strings.
  std::string_view ta = api::GetString(a, "metadata.creationTimestamp");
  std::string_view tb = api::GetString(b, "metadata.creationTimestamp");
  if (ta != tb) return ta > tb;
  return api::GetString(a, "metadata.name") > api::GetString(b, "metadata.name");
}

void SortForDeletion(std::vector<client::ObjectPtr>& pods) {
  std::sort(pods.begin(), pods.end(), [](const client::ObjectPtr& a, const client::ObjectPtr& b) {
    return DeleteBefore(*a, *b);
  });
}

}  // namespace skiff::controllers
