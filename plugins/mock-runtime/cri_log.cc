#include "plugins/mock-runtime/cri_log.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>

namespace skiff::mock {

std::string FormatRfc3339Nano(int64_t unix_nanos) {
  std::time_t seconds = static_cast<std::time_t>(unix_nanos / 1'000'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[48];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<long long>(unix_nanos % 1'000'000'000));
  return text;
}

sdk::Status AppendCriLog(const std::string& path, std::string_view stream, std::string_view text,
                         int64_t unix_nanos) {
  std::ofstream out(path, std::ios::app);
  if (!out) return sdk::Status::Internal("open log " + path + ": " + std::strerror(errno));
  std::string stamp = FormatRfc3339Nano(unix_nanos);
  std::string_view rest = text;
  if (!rest.empty() && rest.back() == '\n') rest.remove_suffix(1);
  while (true) {
    size_t newline = rest.find('\n');
    out << stamp << ' ' << stream << " F " << rest.substr(0, newline) << '\n';
    if (newline == std::string_view::npos) break;
    rest.remove_prefix(newline + 1);
  }
  out.flush();
  if (!out) return sdk::Status::Internal("write log " + path);
  return sdk::Status::Ok();
}

}  // namespace skiff::mock
