#include "common/civil_date.h"

#include <ostream>
#include <tuple>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace seccoord {
namespace {

constexpr int64_t kSecondsPerDay = 24 * 60 * 60;
constexpr int64_t kJapanUtcOffsetSeconds = 9 * 60 * 60;

// This Abseil is built with its own absl::string_view (not std::string_view);
// StrCat takes only the former.
absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }

auto AsTuple(const CivilDate& d) { return std::tie(d.year, d.month, d.day); }

absl::Status InvalidDate(std::string_view text, std::string_view reason) {
  return absl::InvalidArgumentError(
      absl::StrCat("\"", AbslView(text), "\" is not a valid date: ", AbslView(reason)));
}

// Reads a run of exactly `n` ASCII digits starting at text[pos].
bool ReadFixedDigits(std::string_view text, size_t pos, size_t n, int* value) {
  if (pos + n > text.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) return false;
    v = v * 10 + (text[i] - '0');
  }
  *value = v;
  return true;
}

}  // namespace

bool operator==(const CivilDate& a, const CivilDate& b) { return AsTuple(a) == AsTuple(b); }
bool operator!=(const CivilDate& a, const CivilDate& b) { return !(a == b); }
bool operator<(const CivilDate& a, const CivilDate& b) { return AsTuple(a) < AsTuple(b); }
bool operator<=(const CivilDate& a, const CivilDate& b) { return !(b < a); }
bool operator>(const CivilDate& a, const CivilDate& b) { return b < a; }
bool operator>=(const CivilDate& a, const CivilDate& b) { return !(a < b); }

std::ostream& operator<<(std::ostream& os, const CivilDate& date) {
  return os << FormatIsoDate(date);
}

bool IsLeapYear(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

bool IsValidCivilDate(int year, int month, int day) {
  if (year < kMinCivilYear || year > kMaxCivilYear) return false;
  if (month < 1 || month > 12) return false;
  return day >= 1 && day <= DaysInMonth(year, month);
}

bool IsValidCivilDate(const CivilDate& date) {
  return IsValidCivilDate(date.year, date.month, date.day);
}

absl::StatusOr<CivilDate> ParseIsoDate(std::string_view text) {
  // Long input is not echoed back whole into the message.
  if (text.size() > 32) {
    return absl::InvalidArgumentError(
        "not a valid date: too long for YYYY-MM-DD");
  }
  CivilDate date;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !ReadFixedDigits(text, 0, 4, &date.year) ||
      !ReadFixedDigits(text, 5, 2, &date.month) ||
      !ReadFixedDigits(text, 8, 2, &date.day)) {
    return InvalidDate(text, "expected YYYY-MM-DD, e.g. 2026-04-01");
  }
  if (date.year < kMinCivilYear) {
    return InvalidDate(text, "year 0000 does not exist");
  }
  if (date.month < 1 || date.month > 12) {
    return InvalidDate(text, absl::StrCat("month ", date.month,
                                          " is out of range 1..12"));
  }
  if (date.day < 1 || date.day > DaysInMonth(date.year, date.month)) {
    return InvalidDate(
        text, absl::StrCat("day ", date.day, " is out of range for ",
                           absl::Dec(date.year, absl::kZeroPad4), "-",
                           absl::Dec(date.month, absl::kZeroPad2), ", which has ",
                           DaysInMonth(date.year, date.month), " days"));
  }
  return date;
}

std::string FormatIsoDate(const CivilDate& date) {
  return absl::StrCat(absl::Dec(date.year, absl::kZeroPad4), "-",
                      absl::Dec(date.month, absl::kZeroPad2), "-",
                      absl::Dec(date.day, absl::kZeroPad2));
}

// Day counting after Howard Hinnant's "chrono-compatible low-level date
// algorithms" (days_from_civil / civil_from_days), exact for the proleptic
// Gregorian calendar.
int64_t DaysSinceEpoch(const CivilDate& date) {
  const int64_t y = static_cast<int64_t>(date.year) - (date.month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t year_of_era = y - era * 400;                           // [0, 399]
  const int64_t month_from_march = date.month > 2 ? date.month - 3 : date.month + 9;
  const int64_t day_of_year = (153 * month_from_march + 2) / 5 + date.day - 1;  // [0, 365]
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 -
                             year_of_era / 100 + day_of_year;          // [0, 146096]
  return era * 146097 + day_of_era - 719468;
}

CivilDate CivilDateFromDaysSinceEpoch(int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t day_of_era = z - era * 146097;
  const int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 -
                               day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t mp = (5 * day_of_year + 2) / 153;
  CivilDate date;
  date.day = static_cast<int>(day_of_year - (153 * mp + 2) / 5 + 1);
  date.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  date.year = static_cast<int>(year_of_era + era * 400 + (date.month <= 2 ? 1 : 0));
  return date;
}

CivilDate AddDays(const CivilDate& date, int64_t days) {
  return CivilDateFromDaysSinceEpoch(DaysSinceEpoch(date) + days);
}

int64_t DaysBetween(const CivilDate& from, const CivilDate& to) {
  return DaysSinceEpoch(to) - DaysSinceEpoch(from);
}

CivilDate JapanDateAt(std::chrono::system_clock::time_point instant) {
  const int64_t seconds =
      std::chrono::floor<std::chrono::seconds>(instant.time_since_epoch()).count();
  int64_t local = seconds + kJapanUtcOffsetSeconds;
  int64_t days = local / kSecondsPerDay;
  if (local % kSecondsPerDay < 0) --days;  // floor division for instants before 1970
  return CivilDateFromDaysSinceEpoch(days);
}

CivilDate TodayInJapan() { return JapanDateAt(std::chrono::system_clock::now()); }

}  // namespace seccoord
