#include "core/controllers/common/pod_writes.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <vector>

#include "core/api/json_fields.h"
#include "core/controllers/common/parallel.h"
#include "core/controllers/common/pod_template.h"

namespace skiff::controllers {

namespace {
constexpr int kParallelWrites = 64;  // API writes in flight
}  // namespace

PodWrites CreatePods(const PodWriter& w, const boost::json::object& tmpl, int n) {
  PodWrites result;
  if (n <= 0) return result;
  w.expectations.Expect(w.key, n, {});
  auto ref = client::ReferenceTo(w.owner, w.owner_kind);
  for (int batch = 1; result.done < n; batch *= 2) {
    int this_batch = std::min(batch, n - result.done);
    std::atomic<int> failed{0};
    ParallelFor(this_batch, kParallelWrites, [&](int) {
      auto r = CreatePodFromTemplate(w.client, tmpl, w.owner, w.owner_kind);
      if (r.ok()) {
        w.events.Record(ref, "Normal", "SuccessfulCreate",
                        "Created pod: " + std::string(api::GetString(*r, "metadata.name")));
        return;
      }
      ++failed;
      w.expectations.CreationObserved(w.key);
      w.events.Record(ref, "Warning", "FailedCreate", "Error creating: " + r.error().message);
      spdlog::warn("{} {}: create pod: {}", w.owner_kind.kind, w.key, r.error().message);
    });
    result.done += this_batch - failed;
    if (failed > 0) {
      // The batches never sent will not be observed either.
      for (int i = result.done + failed; i < n; ++i) w.expectations.CreationObserved(w.key);
      result.ok = false;
      break;
    }
  }
  return result;
}

PodWrites DeletePods(const PodWriter& w, std::span<const client::ObjectPtr> pods) {
  PodWrites result;
  if (pods.empty()) return result;
  std::vector<std::string> uids;
  for (const auto& p : pods) uids.emplace_back(api::GetString(*p, "metadata.uid"));
  w.expectations.Expect(w.key, 0, uids);
  auto ref = client::ReferenceTo(w.owner, w.owner_kind);
  std::atomic<int> deleted{0};
  std::atomic<bool> ok{true};
  ParallelFor(static_cast<int>(pods.size()), kParallelWrites, [&](int i) {
    const client::Object& pod = *pods[static_cast<std::size_t>(i)];
    std::string name(api::GetString(pod, "metadata.name"));
    auto r = w.client.Delete(PodKind(), api::GetString(pod, "metadata.namespace"), name);
    if (r.ok()) {
      ++deleted;
      w.events.Record(ref, "Normal", "SuccessfulDelete", "Deleted pod: " + name);
      return;
    }
    w.expectations.DeletionObserved(w.key, uids[static_cast<std::size_t>(i)]);
    if (r.error().code == 404) {
      ++deleted;
      return;
    }
    ok = false;
    w.events.Record(ref, "Warning", "FailedDelete", "Error deleting: " + r.error().message);
    spdlog::warn("{} {}: delete pod: {}", w.owner_kind.kind, w.key, r.error().message);
  });
  result.done = deleted;
  result.ok = ok;
  return result;
}

}  // namespace skiff::controllers
