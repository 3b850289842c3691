#pragma once

// Pod state as the workload controllers judge it.

#include <chrono>
#include <optional>

#include "core/client/client.h"

namespace skiff::controllers {

// Not terminal (Succeeded/Failed) and not being deleted: counts toward replicas.
bool IsPodActive(const client::Object& pod);
// The Ready condition is True.
bool IsPodReady(const client::Object& pod);
// Ready for at least min_ready_seconds (by the Ready condition's lastTransitionTime) at now.
bool IsPodAvailable(const client::Object& pod, std::int64_t min_ready_seconds,
                    std::chrono::system_clock::time_point now);
// When the Ready condition last turned True; nullopt when not ready or unparseable.
std::optional<std::chrono::system_clock::time_point> PodReadySince(const client::Object& pod);

}  // namespace skiff::controllers
