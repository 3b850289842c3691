#pragma once

// Container log files in the CRI format the kubelet reads:
//   2016-10-06T00:17:09.669794202Z stdout F a full line

#include <skiff/sdk/status.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace skiff::mock {

// RFC 3339 in UTC with nanoseconds, e.g. "2024-05-01T12:00:00.000000001Z".
std::string FormatRfc3339Nano(int64_t unix_nanos);

// Appends one full ("F") line per '\n'-separated line of `text` to `path`.
sdk::Status AppendCriLog(const std::string& path, std::string_view stream, std::string_view text,
                         int64_t unix_nanos);

}  // namespace skiff::mock
