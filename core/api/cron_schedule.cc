#include "core/api/cron_schedule.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <vector>

namespace skiff::api {
namespace {

using namespace std::chrono;

struct FieldSpec {
  const char* name;
  int min, max;
  const char* const* names;  // names for min.. (months from 1, weekdays from 0), or null
};

constexpr const char* kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                   "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr const char* kWeekdays[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    std::size_t at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + 1);
  }
}

std::optional<int> Value(std::string_view text, const FieldSpec& f) {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc() && end == text.data() + text.size()) return v;
  if (f.names == nullptr || text.size() != 3) return std::nullopt;
  std::string upper(text);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  int count = f.max - f.min + 1 - (f.names == kWeekdays ? 1 : 0);  // weekday 7 has no name
  for (int i = 0; i < count; ++i) {
    if (upper == f.names[i]) return f.min + i;
  }
  return std::nullopt;
}

// Sets the values `field` names in bits (index = value); *any when it is * or ?.
template <std::size_t N>
bool ParseField(std::string_view field, const FieldSpec& f, std::bitset<N>& bits, bool* any,
                std::string* error) {
  auto fail = [&](std::string_view what) {
    *error = std::string(what) + " in " + f.name + " field \"" + std::string(field) + "\"";
    return false;
  };
  *any = field == "*" || field == "?";
  for (std::string_view item : Split(field, ',')) {
    int step = 1;
    if (std::size_t slash = item.find('/'); slash != std::string_view::npos) {
      auto s = Value(item.substr(slash + 1), FieldSpec{f.name, 1, f.max, nullptr});
      if (!s || *s <= 0) return fail("bad step");
      step = *s;
      item = item.substr(0, slash);
    }
    int lo = f.min, hi = f.max;
    if (item != "*" && item != "?") {
      std::size_t dash = item.find('-');
      auto a = Value(item.substr(0, dash), f);
      auto b = dash == std::string_view::npos ? a : Value(item.substr(dash + 1), f);
      if (!a || !b) return fail("bad value");
      if (*a < f.min || *b > f.max || *a > *b) return fail("value out of range");
      lo = *a;
      // "5/15" means from 5 to the end by 15, as cron reads it.
      hi = dash == std::string_view::npos && step == 1 ? *a : *b;
      if (dash == std::string_view::npos && step > 1) hi = f.max;
    }
    for (int v = lo; v <= hi; v += step) bits.set(static_cast<std::size_t>(v));
  }
  return true;
}

std::string_view Macro(std::string_view text) {
  if (text == "@yearly" || text == "@annually") return "0 0 1 1 *";
  if (text == "@monthly") return "0 0 1 * *";
  if (text == "@weekly") return "0 0 * * 0";
  if (text == "@daily" || text == "@midnight") return "0 0 * * *";
  if (text == "@hourly") return "0 * * * *";
  return text;
}

}  // namespace

std::optional<CronSchedule> CronSchedule::Parse(std::string_view text, std::string* error) {
  text = Macro(text);
  std::vector<std::string_view> fields;
  for (std::string_view f : Split(text, ' ')) {
    if (!f.empty()) fields.push_back(f);
  }
  if (fields.size() != 5) {
    *error = "expected exactly 5 fields, found " + std::to_string(fields.size()) + ": \"" +
             std::string(text) + "\"";
    return std::nullopt;
  }
  CronSchedule s;
  bool unused = false;
  std::bitset<8> weekdays;  // 7 folds onto 0
  if (!ParseField(fields[0], {"minute", 0, 59, nullptr}, s.minutes_, &unused, error) ||
      !ParseField(fields[1], {"hour", 0, 23, nullptr}, s.hours_, &unused, error) ||
      !ParseField(fields[2], {"day-of-month", 1, 31, nullptr}, s.days_, &s.any_day_, error) ||
      !ParseField(fields[3], {"month", 1, 12, kMonths}, s.months_, &unused, error) ||
      !ParseField(fields[4], {"day-of-week", 0, 7, kWeekdays}, weekdays, &s.any_weekday_, error)) {
    return std::nullopt;
  }
  for (std::size_t d = 0; d < 7; ++d) s.weekdays_[d] = weekdays[d] || (d == 0 && weekdays[7]);
  return s;
}

bool CronSchedule::DayMatches(sys_days day) const {
  year_month_day ymd{day};
  bool dom = days_[static_cast<unsigned>(ymd.day())];
  bool dow = weekdays_[weekday{day}.c_encoding()];
  if (any_day_ || any_weekday_) return dom && dow;
  return dom || dow;
}

std::optional<CronSchedule::Time> CronSchedule::Next(Time t) const {
  auto at = floor<minutes>(t) + minutes(1);
  const auto limit = at + years(5);
  while (at < limit) {
    sys_days day = floor<days>(at);
    year_month_day ymd{day};
    if (!months_[static_cast<unsigned>(ymd.month())]) {
      at = sys_days{(ymd.year() / ymd.month() / 1) + months(1)};
      continue;
    }
    if (!DayMatches(day)) {
      at = day + days(1);
      continue;
    }
    hh_mm_ss hms{at - day};
    if (!hours_[static_cast<std::size_t>(hms.hours().count())]) {
      at = day + hms.hours() + hours(1);
      continue;
    }
    if (!minutes_[static_cast<std::size_t>(hms.minutes().count())]) {
      at += minutes(1);
      continue;
    }
    return time_point_cast<seconds>(at);
  }
  return std::nullopt;
}

}  // namespace skiff::api
