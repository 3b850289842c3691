#include "core/api/api_time.h"

#include <cstdio>
#include <ctime>

namespace skiff::api {
namespace {

std::string Format(int64_t seconds, const char* fraction) {
  std::time_t tt = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  return std::string(buf) + fraction + "Z";
}

}  // namespace

std::string ApiTime(std::chrono::system_clock::time_point t) {
  return Format(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count(), "");
}

std::string ApiTimeFromNanos(int64_t unix_nanos) { return Format(unix_nanos / 1'000'000'000, ""); }

std::string ApiMicroTime(std::chrono::system_clock::time_point t) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  char frac[16];
  std::snprintf(frac, sizeof(frac), ".%06lld", static_cast<long long>(us % 1'000'000));
  return Format(us / 1'000'000, frac);
}

std::string NowApiTime() { return ApiTime(std::chrono::system_clock::now()); }

}  // namespace skiff::api
