#pragma once

// Resource amounts as the scheduler counts them: cpu in millicores, memory and
// ephemeral-storage in bytes, pods as a count, extended resources ("nvidia.com/gpu",
// "hugepages-2Mi") in whole units. Plain value type.

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <string>

namespace skiff::scheduler {

struct Resources {
  int64_t milli_cpu = 0;
  int64_t memory = 0;
  int64_t ephemeral_storage = 0;
  int64_t pods = 0;
  std::map<std::string, int64_t, std::less<>> scalar;

  void Add(const Resources& other);
  void Subtract(const Resources& other);
  // Each resource to the larger of the two (for init containers).
  void SetMax(const Resources& other);
  int64_t Scalar(std::string_view name) const;
};

// A ResourceList object ({"cpu": "100m", "memory": "1Gi", ...}); unparsable values count 0.
Resources ParseResourceList(const boost::json::object* list);

// What a pod asks for: max(sum(containers), max(initContainers)) + overhead, with
// restartable (sidecar) init containers added to both, as Kubernetes computes it. `pods`
// is left at 0; the caller counts the pod itself.
Resources PodRequests(const boost::json::object& pod);

// The same with Kubernetes' non-zero defaults for scoring (100m cpu, 200Mi memory for a
// container that requests none), so best-effort pods still spread.
Resources PodNonZeroRequests(const boost::json::object& pod);

inline constexpr int64_t kDefaultMilliCpuRequest = 100;
inline constexpr int64_t kDefaultMemoryRequest = 200 * 1024 * 1024;

}  // namespace skiff::scheduler
