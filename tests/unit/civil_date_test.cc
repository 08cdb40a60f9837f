#include "common/civil_date.h"

#include <chrono>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace seccoord {
namespace {

using ::testing::HasSubstr;

TEST(CivilDateTest, ComparesChronologically) {
  const CivilDate a{2026, 3, 31};
  const CivilDate b{2026, 4, 1};
  EXPECT_TRUE(a < b);
  EXPECT_TRUE(a <= b);
  EXPECT_TRUE(b > a);
  EXPECT_TRUE(b >= a);
  EXPECT_TRUE(a != b);
  EXPECT_FALSE(a == b);
  EXPECT_EQ(a, (CivilDate{2026, 3, 31}));
  EXPECT_TRUE((CivilDate{2025, 12, 31}) < (CivilDate{2026, 1, 1}));
  EXPECT_TRUE((CivilDate{2026, 1, 31}) < (CivilDate{2026, 2, 1}));
  EXPECT_FALSE(a < a);
  EXPECT_TRUE(a <= a);
}

TEST(CivilDateTest, StreamsIsoForm) {
  std::ostringstream os;
  os << CivilDate{2026, 4, 1};
  EXPECT_EQ(os.str(), "2026-04-01");
}

TEST(CivilDateTest, LeapYears) {
  EXPECT_TRUE(IsLeapYear(2024));
  EXPECT_TRUE(IsLeapYear(2000));
  EXPECT_FALSE(IsLeapYear(1900));
  EXPECT_FALSE(IsLeapYear(2100));
  EXPECT_FALSE(IsLeapYear(2026));
  EXPECT_EQ(DaysInMonth(2024, 2), 29);
  EXPECT_EQ(DaysInMonth(2026, 2), 28);
  EXPECT_EQ(DaysInMonth(2026, 4), 30);
  EXPECT_EQ(DaysInMonth(2026, 12), 31);
  EXPECT_EQ(DaysInMonth(2026, 13), 0);
  EXPECT_EQ(DaysInMonth(2026, 0), 0);
}

TEST(CivilDateTest, Validity) {
  EXPECT_TRUE(IsValidCivilDate(2026, 4, 1));
  EXPECT_TRUE(IsValidCivilDate(2024, 2, 29));
  EXPECT_FALSE(IsValidCivilDate(2026, 2, 29));
  EXPECT_FALSE(IsValidCivilDate(2026, 2, 30));
  EXPECT_FALSE(IsValidCivilDate(2100, 2, 29));
  EXPECT_TRUE(IsValidCivilDate(2000, 2, 29));
  EXPECT_FALSE(IsValidCivilDate(2026, 13, 1));
  EXPECT_FALSE(IsValidCivilDate(2026, 0, 1));
  EXPECT_FALSE(IsValidCivilDate(2026, 4, 31));
  EXPECT_FALSE(IsValidCivilDate(2026, 4, 0));
  EXPECT_FALSE(IsValidCivilDate(0, 1, 1));
  EXPECT_FALSE(IsValidCivilDate(10000, 1, 1));
  EXPECT_TRUE(IsValidCivilDate(CivilDate{1, 1, 1}));
  EXPECT_TRUE(IsValidCivilDate(CivilDate{9999, 12, 31}));
  EXPECT_FALSE(IsValidCivilDate(CivilDate{}));
}

TEST(ParseIsoDateTest, ParsesValidDates) {
  absl::StatusOr<CivilDate> date = ParseIsoDate("2026-04-01");
  ASSERT_TRUE(date.ok()) << date.status();
  EXPECT_EQ(*date, (CivilDate{2026, 4, 1}));
  date = ParseIsoDate("2024-02-29");
  ASSERT_TRUE(date.ok()) << date.status();
  EXPECT_EQ(*date, (CivilDate{2024, 2, 29}));
  date = ParseIsoDate("0001-01-01");
  ASSERT_TRUE(date.ok()) << date.status();
  EXPECT_EQ(*date, (CivilDate{1, 1, 1}));
}

TEST(ParseIsoDateTest, RejectsImpossibleDayNamingTheReason) {
  absl::StatusOr<CivilDate> date = ParseIsoDate("2026-02-30");
  ASSERT_FALSE(date.ok());
  EXPECT_EQ(date.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(date.status().message(), HasSubstr("2026-02-30"));
  EXPECT_THAT(date.status().message(), HasSubstr("day 30 is out of range"));
  EXPECT_THAT(date.status().message(), HasSubstr("28 days"));

  date = ParseIsoDate("2026-02-29");
  ASSERT_FALSE(date.ok());
  EXPECT_THAT(date.status().message(), HasSubstr("day 29"));

  date = ParseIsoDate("2026-04-31");
  ASSERT_FALSE(date.ok());
  EXPECT_THAT(date.status().message(), HasSubstr("30 days"));

  date = ParseIsoDate("2026-04-00");
  ASSERT_FALSE(date.ok());
  EXPECT_THAT(date.status().message(), HasSubstr("day 0"));
}

TEST(ParseIsoDateTest, RejectsMonthOutOfRange) {
  absl::StatusOr<CivilDate> date = ParseIsoDate("2026-13-01");
  ASSERT_FALSE(date.ok());
  EXPECT_EQ(date.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(date.status().message(), HasSubstr("month 13 is out of range 1..12"));
  date = ParseIsoDate("2026-00-10");
  ASSERT_FALSE(date.ok());
  EXPECT_THAT(date.status().message(), HasSubstr("month 0"));
}

TEST(ParseIsoDateTest, RejectsWrongShape) {
  for (const char* text : {"", "2026-4-1", "2026/04/01", "26-04-01", "2026-04-01T00:00",
                           " 2026-04-01", "2026-04-0a", "20260401", "+026-04-01",
                           "0000-01-01"}) {
    absl::StatusOr<CivilDate> date = ParseIsoDate(text);
    EXPECT_FALSE(date.ok()) << text;
    EXPECT_EQ(date.status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
  EXPECT_THAT(ParseIsoDate("2026/04/01").status().message(), HasSubstr("YYYY-MM-DD"));
  EXPECT_FALSE(ParseIsoDate(std::string(1000, '1')).ok());
}

TEST(FormatIsoDateTest, PadsWithZeros) {
  EXPECT_EQ(FormatIsoDate(CivilDate{2026, 4, 1}), "2026-04-01");
  EXPECT_EQ(FormatIsoDate(CivilDate{987, 12, 31}), "0987-12-31");
}

TEST(DaysSinceEpochTest, KnownValues) {
  EXPECT_EQ(DaysSinceEpoch(CivilDate{1970, 1, 1}), 0);
  EXPECT_EQ(DaysSinceEpoch(CivilDate{1970, 1, 2}), 1);
  EXPECT_EQ(DaysSinceEpoch(CivilDate{1969, 12, 31}), -1);
  EXPECT_EQ(DaysSinceEpoch(CivilDate{2000, 3, 1}), 11017);
  EXPECT_EQ(DaysSinceEpoch(CivilDate{2026, 4, 1}), 20544);
  EXPECT_EQ(CivilDateFromDaysSinceEpoch(20544), (CivilDate{2026, 4, 1}));
  EXPECT_EQ(CivilDateFromDaysSinceEpoch(-1), (CivilDate{1969, 12, 31}));
}

TEST(DaysSinceEpochTest, RoundTripsEveryDayOverCenturies) {
  CivilDate expected{1600, 1, 1};
  const int64_t first = DaysSinceEpoch(expected);
  for (int64_t days = first; days < first + 365 * 600; ++days) {
    const CivilDate date = CivilDateFromDaysSinceEpoch(days);
    ASSERT_EQ(date, expected) << days;
    ASSERT_TRUE(IsValidCivilDate(date)) << date;
    ASSERT_EQ(DaysSinceEpoch(date), days);
    // Advance `expected` by hand, independently of the day arithmetic.
    if (++expected.day > DaysInMonth(expected.year, expected.month)) {
      expected.day = 1;
      if (++expected.month > 12) {
        expected.month = 1;
        ++expected.year;
      }
    }
  }
}

TEST(AddDaysTest, CrossesMonthsYearsAndLeapDays) {
  EXPECT_EQ(AddDays(CivilDate{2026, 3, 31}, 1), (CivilDate{2026, 4, 1}));
  EXPECT_EQ(AddDays(CivilDate{2026, 4, 1}, -1), (CivilDate{2026, 3, 31}));
  EXPECT_EQ(AddDays(CivilDate{2024, 2, 28}, 1), (CivilDate{2024, 2, 29}));
  EXPECT_EQ(AddDays(CivilDate{2026, 2, 28}, 1), (CivilDate{2026, 3, 1}));
  EXPECT_EQ(AddDays(CivilDate{2026, 12, 31}, 1), (CivilDate{2027, 1, 1}));
  EXPECT_EQ(AddDays(CivilDate{2026, 4, 1}, 364), (CivilDate{2027, 3, 31}));
  EXPECT_EQ(AddDays(CivilDate{2026, 4, 1}, 0), (CivilDate{2026, 4, 1}));
  EXPECT_EQ(DaysBetween(CivilDate{2026, 4, 1}, CivilDate{2027, 4, 1}), 365);
  EXPECT_EQ(DaysBetween(CivilDate{2027, 4, 1}, CivilDate{2028, 4, 1}), 366);
  EXPECT_EQ(DaysBetween(CivilDate{2026, 4, 2}, CivilDate{2026, 4, 1}), -1);
}

TEST(JapanDateTest, UsesUtcPlusNine) {
  using std::chrono::hours;
  using std::chrono::seconds;
  using std::chrono::system_clock;
  // 2026-03-31T14:59:59Z is 23:59:59 in Tokyo; one second later it is April 1.
  const system_clock::time_point midnight_utc_april_1 =
      system_clock::time_point(seconds(DaysSinceEpoch(CivilDate{2026, 4, 1}) * 86400));
  EXPECT_EQ(JapanDateAt(midnight_utc_april_1 - hours(9) - seconds(1)),
            (CivilDate{2026, 3, 31}));
  EXPECT_EQ(JapanDateAt(midnight_utc_april_1 - hours(9)), (CivilDate{2026, 4, 1}));
  EXPECT_EQ(JapanDateAt(midnight_utc_april_1 + hours(14) + std::chrono::minutes(59)),
            (CivilDate{2026, 4, 1}));
  EXPECT_EQ(JapanDateAt(midnight_utc_april_1 + hours(15)), (CivilDate{2026, 4, 2}));
  // Before 1970 the division must round down, not toward zero.
  EXPECT_EQ(JapanDateAt(system_clock::time_point(-hours(10))), (CivilDate{1969, 12, 31}));
  EXPECT_EQ(JapanDateAt(system_clock::time_point(-hours(9))), (CivilDate{1970, 1, 1}));
}

TEST(JapanDateTest, TodayIsWithinADayOfUtcToday) {
  const CivilDate today = TodayInJapan();
  ASSERT_TRUE(IsValidCivilDate(today));
  const int64_t utc_days = std::chrono::floor<std::chrono::hours>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count() / 24;
  const int64_t difference = DaysSinceEpoch(today) - utc_days;
  EXPECT_GE(difference, 0);
  EXPECT_LE(difference, 1);
}

}  // namespace
}  // namespace seccoord
