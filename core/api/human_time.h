#pragma once

// Time as Kubernetes shows it: RFC 3339 timestamps in objects, and kubectl's short
// durations ("5s", "3m2s", "10m", "5h", "2d") for ages.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace skiff::api {

// "2024-05-01T10:00:00Z", with optional fractional seconds and a numeric offset.
std::optional<std::chrono::system_clock::time_point> ParseRfc3339(std::string_view text);
// apimachinery's duration.HumanDuration.
std::string HumanDuration(std::chrono::system_clock::duration d);
// HumanDuration(now - timestamp), or "<unknown>" when the timestamp is absent or bad.
std::string SinceTimestamp(std::string_view timestamp, std::chrono::system_clock::time_point now);
// A non-negative Go duration with units h, m, s, ms ("40s", "500ms", "1m30s", "1.5h"), to the
// millisecond; "0" alone is zero. nullopt when malformed.
std::optional<std::chrono::milliseconds> ParseGoDuration(std::string_view text);

}  // namespace skiff::api
