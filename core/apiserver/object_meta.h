#pragma once

// Values the server stamps on objects: uids, RFC 3339 timestamps, generateName suffixes.
// Thread-safe.

#include <chrono>
#include <string>

namespace skiff::apiserver {

std::string NewUid();                                             // random UUID v4
std::string FormatTime(std::chrono::system_clock::time_point t);  // "2026-11-23T08:45:00Z"
std::string NowRfc3339();
std::string GenerateNameSuffix();  // 5 chars from Kubernetes' alphabet

}  // namespace skiff::apiserver
