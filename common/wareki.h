// Japanese era dates (和暦, 令和8年4月1日) and fiscal years (年度).
//
// Municipal documents date things in the Japanese era calendar and plan by
// fiscal year, which runs from April 1 to the following March 31. This unit
// converts between those forms and CivilDate:
//   - ParseDate reads a date the way people write it in documents and on the
//     command line: ISO (2026-04-01, 2026/4/1), 2026年4月1日, wareki with
//     half-width, full-width or kanji numerals (令和8年4月1日, 令和８年３月27日,
//     令和九年七月一日, 令和元年5月1日) and the abbreviated form (R8.4.1).
//   - FormatWareki / FormatWarekiShort write 令和8年4月1日 / R8.4.1.
//   - FiscalYearOf, FiscalYearStart/End, FormatFiscalYear and ParseFiscalYear
//     handle 年度 (令和8年度 = fiscal year 2026 = 2026-04-01 .. 2027-03-31).
//
// A fiscal year is identified by the Gregorian year in which it begins.
//
// One range for every function here: dates are those of civil_date.h
// (0001-01-01 .. 9999-12-31), fiscal years those whose every day is such a
// date (kMinCivilFiscalYear .. kMaxCivilFiscalYear: fiscal 1 .. fiscal 9998,
// which ends on 9999-03-31). Parsing accepts exactly that range and
// formatting writes only it, so whatever is formatted parses back to the
// same value (format ∘ parse = identity, tested over the whole range).
//
// The era table covers 明治 to 令和. 明治 is counted from 1868-01-25 (明治元年
// 1月1日 of the old lunisolar calendar, to which the era was applied
// retroactively); Japan used the lunisolar calendar until 明治5年, so wareki
// dates before 1873-01-01 (明治6年) are proleptic Gregorian approximations.
// Dates before 明治 have no wareki here.
//
// Thread-safety: the era table is immutable static data; all functions are
// stateless and safe to call from any thread.
#ifndef SECCOORD_COMMON_WAREKI_H_
#define SECCOORD_COMMON_WAREKI_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/civil_date.h"

namespace seccoord {

// The modern Japanese eras, in chronological order.
enum class Era {
  kMeiji,   // 明治 M, from 1868-01-25
  kTaisho,  // 大正 T, from 1912-07-30
  kShowa,   // 昭和 S, from 1926-12-25
  kHeisei,  // 平成 H, from 1989-01-08
  kReiwa,   // 令和 R, from 2019-05-01
};

// One row of the era table.
struct EraInfo {
  Era era;
  std::string_view kanji;        // "令和"
  std::string_view square_form;  // the one-character ligature, "㋿"
  char initial;                  // 'R', as in R8.4.1
  CivilDate first_day;           // 元年 begins on this day
};

// The era table, oldest first.
absl::Span<const EraInfo> AllEras();

// The row for `era`.
const EraInfo& GetEraInfo(Era era);

// The era in force on `date`, or nullptr if the date is before 明治.
const EraInfo* EraOn(const CivilDate& date);

// A date as written in the era calendar: 令和8年4月1日 is
// {Era::kReiwa, 8, 4, 1}. era_year 1 is 元年.
struct WarekiDate {
  Era era = Era::kReiwa;
  int era_year = 0;
  int month = 0;
  int day = 0;
};

// The wareki form of a valid date; INVALID_ARGUMENT if the date is invalid
// or before 明治.
absl::StatusOr<WarekiDate> ToWareki(const CivilDate& date);

// The civil date of a wareki date. INVALID_ARGUMENT naming the reason if
// era_year is below 1 (令和0年), the month or day does not exist
// (令和8年2月30日), or the day falls outside the era: before it began
// (令和元年4月30日 is 平成31年4月30日) or after it ended (平成32年).
absl::StatusOr<CivilDate> FromWareki(const WarekiDate& wareki);

// Parses a date in any of these forms (full-width digits and letters and
// stray spaces between the parts are accepted throughout):
//   2026-04-01  2026/4/1  2026.4.1           Gregorian, four-digit year
//   2026年4月1日  二〇二六年四月一日             Gregorian with 年月日
//   令和8年4月1日  令和８年４月１日  令和九年七月一日  令和元年5月1日  ㋿8年4月1日
//   R8.4.1  R08.04.01  r8.4.1  R8/4/1  H31.4.30   era initial M/T/S/H/R
// Kanji numerals may be positional (二〇二六) or with 十百千 (三十一).
// Returns INVALID_ARGUMENT naming the reason for anything else, including
// impossible days (2026-02-30, 2026-13-01), 令和0年, and wareki dates outside
// their era (令和元年4月30日).
absl::StatusOr<CivilDate> ParseDate(std::string_view text);

// "令和8年4月1日"; year 1 as 元年: "令和元年5月1日". Dates before 明治 are
// written in ISO form. The date must be valid.
std::string FormatWareki(const CivilDate& date);

// "R8.4.1" (year 1 as "R1.5.1"). Dates before 明治 are written in ISO form.
std::string FormatWarekiShort(const CivilDate& date);

// The range of fiscal years (see the top of this file).
inline constexpr int kMinCivilFiscalYear = kMinCivilYear;
inline constexpr int kMaxCivilFiscalYear = kMaxCivilYear - 1;

// True when fiscal_year is in kMinCivilFiscalYear..kMaxCivilFiscalYear.
bool IsValidFiscalYear(int fiscal_year);

// The fiscal year (年度) containing `date`, named by the year it begins in:
// 2026-03-31 -> 2025, 2026-04-01 -> 2026.
int FiscalYearOf(const CivilDate& date);

// April 1 of `fiscal_year`, and March 31 of the following year
// (`fiscal_year` must be valid: IsValidFiscalYear).
CivilDate FiscalYearStart(int fiscal_year);
CivilDate FiscalYearEnd(int fiscal_year);

// The era a fiscal year is named in. This is the era in force at the end of
// the fiscal year (2019-04-01 .. 2020-03-31 is 令和元年度, although it began
// under 平成), except when that era began only in the January–March part of
// the year, where the era year would be 0: fiscal 1988 ends on 1989-03-31
// under 平成 but is 昭和63年度 (平成元年度 is fiscal 1989). Equivalently: the era
// in force on December 31 of the year the fiscal year begins in. nullptr for
// fiscal years before 明治.
const EraInfo* EraOfFiscalYear(int fiscal_year);

// "令和8年度" for 2026, "令和元年度" for 2019, "平成30年度" for 2018; fiscal
// years before 明治 with four digits, as ParseFiscalYear reads them:
// "1867年度", "0226年度". INVALID_ARGUMENT naming the range outside it
// (fiscal 9999 ends on 10000-03-31, past the last date).
absl::StatusOr<std::string> FormatFiscalYear(int fiscal_year);

// FormatFiscalYear for display of a year that was checked before (by the
// caller, or by the server that sent it); a year outside the range is
// written as its bare number, which ParseFiscalYear refuses like the year.
std::string FormatFiscalYearOrNumber(int fiscal_year);

// Parses a fiscal year: "令和8年度", "令和八年度", "令和元年度", "R8", "R8年度",
// "2026", "2026年度", "FY2026", with full-width digits and stray spaces
// accepted. An era fiscal year is accepted if the era was in force on some
// day of it, so "平成31年度" (fiscal 2019, begun under 平成) is 2019 too.
// A Gregorian year always has four digits ("0226" is fiscal 226; "226" is
// refused, as is "226年度"). INVALID_ARGUMENT naming the reason otherwise
// (令和0年度, 昭和64年度, fiscal years outside the range such as 令和7981年度
// = 9999, ...).
absl::StatusOr<int> ParseFiscalYear(std::string_view text);

}  // namespace seccoord

#endif  // SECCOORD_COMMON_WAREKI_H_
