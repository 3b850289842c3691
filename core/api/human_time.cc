#include "core/api/human_time.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <ctime>

namespace skiff::api {
namespace {

using Clock = std::chrono::system_clock;

// Parses exactly n digits at s[pos].
std::optional<int> Digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

std::optional<Clock::time_point> ParseRfc3339(std::string_view s) {
  auto year = Digits(s, 0, 4), month = Digits(s, 5, 2), day = Digits(s, 8, 2);
  auto hour = Digits(s, 11, 2), minute = Digits(s, 14, 2), second = Digits(s, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || s[4] != '-' || s[7] != '-' ||
      (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  size_t pos = 19;
  std::chrono::nanoseconds fraction{0};
  if (pos < s.size() && s[pos] == '.') {
    int64_t scale = 100000000;
    for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, scale /= 10) {
      fraction += std::chrono::nanoseconds((s[pos] - '0') * scale);
    }
  }
  int offset_minutes = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    auto oh = Digits(s, pos + 1, 2), om = Digits(s, pos + 4, 2);
    if (!oh || !om || s[pos + 3] != ':') return std::nullopt;
    offset_minutes = (*oh * 60 + *om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = *year - 1900;
  tm.tm_mon = *month - 1;
  tm.tm_mday = *day;
  tm.tm_hour = *hour;
  tm.tm_min = *minute;
  tm.tm_sec = *second;
  std::time_t t = timegm(&tm);
  return Clock::from_time_t(t) - std::chrono::minutes(offset_minutes) +
         std::chrono::duration_cast<Clock::duration>(fraction);
}

std::string HumanDuration(Clock::duration d) {
  using std::to_string;
  int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  // Up to a second or so of clock skew reads as "now".
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return to_string(seconds) + "s";
  int64_t minutes = seconds / 60;
  if (minutes < 10) {
    int64_t s = seconds % 60;
    return to_string(minutes) + "m" + (s == 0 ? "" : to_string(s) + "s");
  }
  if (minutes < 180) return to_string(minutes) + "m";
  int64_t hours = minutes / 60;
  if (hours < 8) {
    int64_t m = minutes % 60;
    return to_string(hours) + "h" + (m == 0 ? "" : to_string(m) + "m");
  }
  if (hours < 48) return to_string(hours) + "h";
  if (hours < 24 * 8) {
    int64_t h = hours % 24;
    return to_string(hours / 24) + "d" + (h == 0 ? "" : to_string(h) + "h");
  }
  if (hours < 24 * 365 * 2) return to_string(hours / 24) + "d";
  if (hours < 24 * 365 * 8) {
    int64_t days = (hours / 24) % 365;
    return to_string(hours / 24 / 365) + "y" + (days == 0 ? "" : to_string(days) + "d");
  }
  return to_string(hours / 24 / 365) + "y";
}

std::string SinceTimestamp(std::string_view timestamp, Clock::time_point now) {
  auto t = ParseRfc3339(timestamp);
  if (!t) return "<unknown>";
  return HumanDuration(now - *t);
}

std::optional<std::chrono::milliseconds> ParseGoDuration(std::string_view text) {
  if (text == "0") return std::chrono::milliseconds(0);
  if (text.empty()) return std::nullopt;
  double total_ms = 0;
  while (!text.empty()) {
    double n = 0;
    auto [end, ec] =
        std::from_chars(text.data(), text.data() + text.size(), n, std::chars_format::fixed);
    if (ec != std::errc() || n < 0) return std::nullopt;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    std::size_t unit_size = 0;
    while (unit_size < text.size() && std::isalpha(static_cast<unsigned char>(text[unit_size]))) {
      ++unit_size;
    }
    std::string_view unit = text.substr(0, unit_size);
    text.remove_prefix(unit_size);
    double scale = unit == "ms"  ? 1
                   : unit == "s" ? 1e3
                   : unit == "m" ? 6e4
                   : unit == "h" ? 3.6e6
                                 : 0;
    if (scale == 0) return std::nullopt;
    total_ms += n * scale;
  }
  return std::chrono::milliseconds(std::llround(total_ms));
}

}  // namespace skiff::api
