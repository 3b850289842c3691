#pragma once

// The two time formats of the Kubernetes API: Time ("2024-05-01T10:00:00Z", events, pod
// status) and MicroTime ("2024-05-01T10:00:00.123456Z", Lease renewTime), plus the CRI log
// timestamp (RFC 3339 with nanoseconds).

#include <chrono>
#include <cstdint>
#include <string>

namespace skiff::api {

std::string ApiTime(std::chrono::system_clock::time_point t);
std::string ApiTimeFromNanos(int64_t unix_nanos);
std::string ApiMicroTime(std::chrono::system_clock::time_point t);
std::string NowApiTime();

}  // namespace skiff::api
