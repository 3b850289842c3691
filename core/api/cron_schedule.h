#pragma once

// CronSchedule: a CronJob's spec.schedule, in the standard five-field cron format Kubernetes
// accepts: minute hour day-of-month month day-of-week, each `*` (or `?` for the days), a
// number, a range `a-b`, a step `*/n` or `a-b/n`, or a comma list of these; month and weekday
// names (JAN, MON); weekday 7 is Sunday; and the macros @yearly (@annually), @monthly, @weekly,
// @daily (@midnight), @hourly. As in cron, when both day fields are restricted a day matching
// either runs. Times are UTC, to the minute.

#include <bitset>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace skiff::api {

class CronSchedule {
 public:
  using Time = std::chrono::sys_seconds;

  // The schedule, or nullopt with *error saying what is wrong.
  static std::optional<CronSchedule> Parse(std::string_view text, std::string* error);

  // The first time strictly after t that the schedule names; nullopt when none comes within
  // five years (e.g. "0 0 30 2 *").
  std::optional<Time> Next(Time t) const;

 private:
  bool DayMatches(std::chrono::sys_days day) const;

  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;     // 1..31
  std::bitset<13> months_;   // 1..12
  std::bitset<7> weekdays_;  // 0 = Sunday
  bool any_day_ = false;     // day-of-month is * (or ?)
  bool any_weekday_ = false;
};

}  // namespace skiff::api
