// Civil dates: a year, month and day with no time of day and no time zone.
//
// seccoord stores and exchanges dates (effective dates of policy revisions,
// remediation due dates, disposal dates) as civil dates in the proleptic
// Gregorian calendar. This unit validates, parses and formats them in ISO
// 8601 form ("2026-04-01"), converts them to and from a day count so that
// callers can add days and compute differences, and reads "today" in Japan.
// Japanese era dates (令和8年4月1日) and fiscal years (年度) live in
// common/wareki.h and build on this unit.
//
// The supported range is years kMinCivilYear..kMaxCivilYear (0001-01-01 to
// 9999-12-31), which every ISO date with a four-digit year covers.
//
// Thread-safety: CivilDate is a plain value; all functions are stateless and
// safe to call from any thread.
#ifndef SECCOORD_COMMON_CIVIL_DATE_H_
#define SECCOORD_COMMON_CIVIL_DATE_H_

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace seccoord {

inline constexpr int kMinCivilYear = 1;
inline constexpr int kMaxCivilYear = 9999;

// A day in the proleptic Gregorian calendar. A default-constructed CivilDate
// (0000-00-00) is not a valid date; see IsValidCivilDate.
struct CivilDate {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..DaysInMonth(year, month)
};

// Dates order chronologically (year, then month, then day).
bool operator==(const CivilDate& a, const CivilDate& b);
bool operator!=(const CivilDate& a, const CivilDate& b);
bool operator<(const CivilDate& a, const CivilDate& b);
bool operator<=(const CivilDate& a, const CivilDate& b);
bool operator>(const CivilDate& a, const CivilDate& b);
bool operator>=(const CivilDate& a, const CivilDate& b);

// Writes the ISO form ("2026-04-01"); used by test failure messages and logs.
std::ostream& operator<<(std::ostream& os, const CivilDate& date);

// True for Gregorian leap years: divisible by 4, except centuries not
// divisible by 400 (2000 is a leap year, 1900 and 2100 are not).
bool IsLeapYear(int year);

// Number of days in the month (28..31); 0 if month is not in 1..12.
int DaysInMonth(int year, int month);

// True if year is in kMinCivilYear..kMaxCivilYear, month in 1..12 and day
// exists in that month (2024-02-29 yes, 2026-02-29 no).
bool IsValidCivilDate(int year, int month, int day);
bool IsValidCivilDate(const CivilDate& date);

// Parses exactly "YYYY-MM-DD" (four-digit year, two-digit month and day).
// Returns INVALID_ARGUMENT naming the reason: wrong shape, month out of range
// ("2026-13-01"), or a day the month does not have ("2026-02-30"). For the
// lenient forms people type (2026/4/1, 令和8年4月1日, R8.4.1) use
// seccoord::ParseDate in common/wareki.h.
absl::StatusOr<CivilDate> ParseIsoDate(std::string_view text);

// Formats as "YYYY-MM-DD" (zero-padded). Does not validate the date.
std::string FormatIsoDate(const CivilDate& date);

// Days since 1970-01-01 (negative before it). The date must be valid.
int64_t DaysSinceEpoch(const CivilDate& date);

// The date `days` days after 1970-01-01. The result is only meaningful
// (IsValidCivilDate) for days within the supported range of years.
CivilDate CivilDateFromDaysSinceEpoch(int64_t days);

// The date `days` days after (or, if negative, before) `date`.
CivilDate AddDays(const CivilDate& date, int64_t days);

// Number of days from `from` to `to` (positive if `to` is later).
int64_t DaysBetween(const CivilDate& from, const CivilDate& to);

// The civil date in Japan (Asia/Tokyo, UTC+9 all year: Japan has no daylight
// saving time) at the given instant.
CivilDate JapanDateAt(std::chrono::system_clock::time_point instant);

// The civil date in Japan now, from the system clock.
CivilDate TodayInJapan();

}  // namespace seccoord

#endif  // SECCOORD_COMMON_CIVIL_DATE_H_
