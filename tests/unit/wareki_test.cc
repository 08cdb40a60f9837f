#include "common/wareki.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace seccoord {
namespace {

using ::testing::HasSubstr;

// Parses `text` and returns the ISO form, or "error: <message>".
std::string ParsedIso(std::string_view text) {
  absl::StatusOr<CivilDate> date = ParseDate(text);
  if (!date.ok()) return "error: " + std::string(date.status().message());
  return FormatIsoDate(*date);
}

// The message of the INVALID_ARGUMENT that ParseDate must return for `text`.
std::string RejectionOf(std::string_view text) {
  absl::StatusOr<CivilDate> date = ParseDate(text);
  if (date.ok()) return "unexpectedly parsed as " + FormatIsoDate(*date);
  EXPECT_EQ(date.status().code(), absl::StatusCode::kInvalidArgument) << text;
  return std::string(date.status().message());
}

TEST(EraTableTest, HasTheModernErasInOrder) {
  const absl::Span<const EraInfo> eras = AllEras();
  ASSERT_EQ(eras.size(), 5u);
  EXPECT_EQ(eras[0].kanji, "明治");
  EXPECT_EQ(eras[0].initial, 'M');
  EXPECT_EQ(eras[1].kanji, "大正");
  EXPECT_EQ(eras[1].first_day, (CivilDate{1912, 7, 30}));
  EXPECT_EQ(eras[2].kanji, "昭和");
  EXPECT_EQ(eras[2].first_day, (CivilDate{1926, 12, 25}));
  EXPECT_EQ(eras[3].kanji, "平成");
  EXPECT_EQ(eras[3].initial, 'H');
  EXPECT_EQ(eras[3].first_day, (CivilDate{1989, 1, 8}));
  EXPECT_EQ(eras[4].kanji, "令和");
  EXPECT_EQ(eras[4].initial, 'R');
  EXPECT_EQ(eras[4].first_day, (CivilDate{2019, 5, 1}));
  for (size_t i = 0; i < eras.size(); ++i) {
    EXPECT_EQ(static_cast<size_t>(eras[i].era), i);
    EXPECT_EQ(&GetEraInfo(eras[i].era), &eras[i]);
    if (i > 0) {
      EXPECT_LT(eras[i - 1].first_day, eras[i].first_day);
    }
  }
}

TEST(EraTableTest, EraOnBoundaries) {
  EXPECT_EQ(EraOn(CivilDate{2019, 4, 30})->era, Era::kHeisei);
  EXPECT_EQ(EraOn(CivilDate{2019, 5, 1})->era, Era::kReiwa);
  EXPECT_EQ(EraOn(CivilDate{1989, 1, 7})->era, Era::kShowa);
  EXPECT_EQ(EraOn(CivilDate{1989, 1, 8})->era, Era::kHeisei);
  EXPECT_EQ(EraOn(CivilDate{1868, 1, 25})->era, Era::kMeiji);
  EXPECT_EQ(EraOn(CivilDate{1868, 1, 24}), nullptr);
}

TEST(WarekiConversionTest, ToAndFrom) {
  absl::StatusOr<WarekiDate> wareki = ToWareki(CivilDate{2026, 4, 1});
  ASSERT_TRUE(wareki.ok()) << wareki.status();
  EXPECT_EQ(wareki->era, Era::kReiwa);
  EXPECT_EQ(wareki->era_year, 8);
  EXPECT_EQ(wareki->month, 4);
  EXPECT_EQ(wareki->day, 1);

  absl::StatusOr<CivilDate> date = FromWareki(WarekiDate{Era::kReiwa, 8, 4, 1});
  ASSERT_TRUE(date.ok()) << date.status();
  EXPECT_EQ(*date, (CivilDate{2026, 4, 1}));

  EXPECT_FALSE(ToWareki(CivilDate{1800, 1, 1}).ok());
  EXPECT_FALSE(ToWareki(CivilDate{2026, 2, 30}).ok());
}

TEST(WarekiConversionTest, FromWarekiRejectsWithReasons) {
  absl::StatusOr<CivilDate> date = FromWareki(WarekiDate{Era::kReiwa, 0, 1, 1});
  ASSERT_FALSE(date.ok());
  EXPECT_THAT(date.status().message(), HasSubstr("令和0年 does not exist"));

  date = FromWareki(WarekiDate{Era::kReiwa, 1, 4, 30});
  ASSERT_FALSE(date.ok());
  EXPECT_THAT(date.status().message(), HasSubstr("令和 began on 2019-05-01"));
  EXPECT_THAT(date.status().message(), HasSubstr("平成31年4月30日"));

  date = FromWareki(WarekiDate{Era::kHeisei, 32, 1, 1});
  ASSERT_FALSE(date.ok());
  EXPECT_THAT(date.status().message(), HasSubstr("平成 ended on 2019-04-30"));
  EXPECT_THAT(date.status().message(), HasSubstr("令和2年1月1日"));

  date = FromWareki(WarekiDate{Era::kShowa, 64, 1, 8});
  ASSERT_FALSE(date.ok());
  EXPECT_THAT(date.status().message(), HasSubstr("昭和 ended on 1989-01-07"));

  date = FromWareki(WarekiDate{Era::kShowa, 64, 1, 7});
  ASSERT_TRUE(date.ok()) << date.status();
  EXPECT_EQ(*date, (CivilDate{1989, 1, 7}));

  date = FromWareki(WarekiDate{Era::kReiwa, 8, 2, 29});
  ASSERT_FALSE(date.ok());
  EXPECT_THAT(date.status().message(), HasSubstr("day 29 is out of range"));
}

TEST(ParseDateTest, IsoForms) {
  EXPECT_EQ(ParsedIso("2026-04-01"), "2026-04-01");
  EXPECT_EQ(ParsedIso("2026/4/1"), "2026-04-01");
  EXPECT_EQ(ParsedIso("2026/04/01"), "2026-04-01");
  EXPECT_EQ(ParsedIso("2026.4.1"), "2026-04-01");
  EXPECT_EQ(ParsedIso("  2026-04-01 "), "2026-04-01");
  EXPECT_EQ(ParsedIso("２０２６－０４－０１"), "2026-04-01");
  EXPECT_EQ(ParsedIso("２０２６／４／１"), "2026-04-01");
  EXPECT_EQ(ParsedIso("2026年4月1日"), "2026-04-01");
  EXPECT_EQ(ParsedIso("二〇二六年四月一日"), "2026-04-01");
  EXPECT_EQ(ParsedIso("二千二十六年十二月三十一日"), "2026-12-31");
}

TEST(ParseDateTest, WarekiHalfWidth) {
  EXPECT_EQ(ParsedIso("令和8年4月1日"), "2026-04-01");
  EXPECT_EQ(ParsedIso("令和8年12月31日"), "2026-12-31");
  EXPECT_EQ(ParsedIso("平成31年4月30日"), "2019-04-30");
  EXPECT_EQ(ParsedIso("平成元年1月8日"), "1989-01-08");
  EXPECT_EQ(ParsedIso("昭和64年1月7日"), "1989-01-07");
  EXPECT_EQ(ParsedIso("大正元年7月30日"), "1912-07-30");
  EXPECT_EQ(ParsedIso("明治45年7月29日"), "1912-07-29");
  EXPECT_EQ(ParsedIso("令和6年2月29日"), "2024-02-29");
}

TEST(ParseDateTest, WarekiFullWidthAndMixed) {
  EXPECT_EQ(ParsedIso("令和８年４月１日"), "2026-04-01");
  EXPECT_EQ(ParsedIso("令和８年３月27日"), "2026-03-27");
  EXPECT_EQ(ParsedIso("令和１０年１０月１０日"), "2028-10-10");
}

TEST(ParseDateTest, WarekiKanjiNumerals) {
  EXPECT_EQ(ParsedIso("令和九年七月一日"), "2027-07-01");
  EXPECT_EQ(ParsedIso("令和八年十二月三十一日"), "2026-12-31");
  EXPECT_EQ(ParsedIso("令和八年十月十日"), "2026-10-10");
  EXPECT_EQ(ParsedIso("令和八年十一月二十日"), "2026-11-20");
  EXPECT_EQ(ParsedIso("平成三十一年四月三十日"), "2019-04-30");
  EXPECT_EQ(ParsedIso("令和元年五月一日"), "2019-05-01");
}

TEST(ParseDateTest, Gannen) {
  EXPECT_EQ(ParsedIso("令和元年5月1日"), "2019-05-01");
  EXPECT_EQ(ParsedIso("令和元年５月１日"), "2019-05-01");
  EXPECT_EQ(ParsedIso("令和1年5月1日"), "2019-05-01");
}

TEST(ParseDateTest, StraySpaces) {
  EXPECT_EQ(ParsedIso("令和 8年 4月 1日"), "2026-04-01");
  EXPECT_EQ(ParsedIso(" 令和８年　４月　１日 "), "2026-04-01");  // ideographic spaces
  EXPECT_EQ(ParsedIso("R 8.4.1"), "2026-04-01");
}

TEST(ParseDateTest, AbbreviatedForms) {
  EXPECT_EQ(ParsedIso("R8.4.1"), "2026-04-01");
  EXPECT_EQ(ParsedIso("R08.04.01"), "2026-04-01");
  EXPECT_EQ(ParsedIso("r8.4.1"), "2026-04-01");
  EXPECT_EQ(ParsedIso("R8/4/1"), "2026-04-01");
  EXPECT_EQ(ParsedIso("Ｒ８．４．１"), "2026-04-01");
  EXPECT_EQ(ParsedIso("H31.4.30"), "2019-04-30");
  EXPECT_EQ(ParsedIso("S64.1.7"), "1989-01-07");
  EXPECT_EQ(ParsedIso("T15.12.24"), "1926-12-24");
  EXPECT_EQ(ParsedIso("M45.7.29"), "1912-07-29");
  EXPECT_EQ(ParsedIso("R1.5.1"), "2019-05-01");
  EXPECT_EQ(ParsedIso("㋿8年4月1日"), "2026-04-01");
  EXPECT_EQ(ParsedIso("㍻31年4月30日"), "2019-04-30");
}

TEST(ParseDateTest, RejectsYearZeroOfAnEra) {
  EXPECT_THAT(RejectionOf("令和0年4月1日"), HasSubstr("令和0年 does not exist"));
  EXPECT_THAT(RejectionOf("R0.4.1"), HasSubstr("令和0年 does not exist"));
  EXPECT_THAT(RejectionOf("令和〇年四月一日"), HasSubstr("令和0年 does not exist"));
}

TEST(ParseDateTest, RejectsDatesBeforeTheEraBegan) {
  const std::string message = RejectionOf("令和元年4月30日");
  EXPECT_THAT(message, HasSubstr("\"令和元年4月30日\" is not a valid date"));
  EXPECT_THAT(message, HasSubstr("令和 began on 2019-05-01"));
  EXPECT_THAT(message, HasSubstr("2019-04-30 is 平成31年4月30日"));
  EXPECT_THAT(RejectionOf("R1.1.1"), HasSubstr("令和 began on 2019-05-01"));
  EXPECT_THAT(RejectionOf("平成元年1月7日"), HasSubstr("平成 began on 1989-01-08"));
}

TEST(ParseDateTest, RejectsDatesAfterTheEraEnded) {
  EXPECT_THAT(RejectionOf("平成31年5月1日"), HasSubstr("平成 ended on 2019-04-30"));
  EXPECT_THAT(RejectionOf("平成32年1月1日"), HasSubstr("2020-01-01 is 令和2年1月1日"));
  EXPECT_THAT(RejectionOf("H32.1.1"), HasSubstr("平成 ended on"));
  EXPECT_THAT(RejectionOf("昭和64年1月8日"), HasSubstr("昭和 ended on 1989-01-07"));
}

TEST(ParseDateTest, RejectsImpossibleDays) {
  EXPECT_THAT(RejectionOf("2026-02-30"), HasSubstr("day 30 is out of range for 2026-02"));
  EXPECT_THAT(RejectionOf("2026/2/29"), HasSubstr("28 days"));
  EXPECT_THAT(RejectionOf("2026-13-01"), HasSubstr("month 13 is out of range 1..12"));
  EXPECT_THAT(RejectionOf("2026-00-01"), HasSubstr("month 0 is out of range"));
  EXPECT_THAT(RejectionOf("2026-04-31"), HasSubstr("30 days"));
  EXPECT_THAT(RejectionOf("2026-04-00"), HasSubstr("day 0 is out of range"));
  EXPECT_THAT(RejectionOf("令和8年2月30日"), HasSubstr("day 30 is out of range for 令和8年2月"));
  EXPECT_THAT(RejectionOf("令和8年13月1日"), HasSubstr("month 13 is out of range"));
  EXPECT_THAT(RejectionOf("R8.2.29"), HasSubstr("28 days"));
  EXPECT_THAT(RejectionOf("令和八年二月三十日"), HasSubstr("day 30"));
}

TEST(ParseDateTest, RejectsMalformedText) {
  EXPECT_THAT(RejectionOf(""), HasSubstr("date is empty"));
  EXPECT_THAT(RejectionOf("   "), HasSubstr("date is empty"));
  EXPECT_THAT(RejectionOf("tomorrow"), HasSubstr("unexpected \"tomorrow\""));
  EXPECT_THAT(RejectionOf("26/4/1"), HasSubstr("four digits"));
  EXPECT_THAT(RejectionOf("2026-04/01"), HasSubstr("separated by the same"));
  EXPECT_THAT(RejectionOf("2026-04"), HasSubstr("expected a date"));
  EXPECT_THAT(RejectionOf("2026年4月1"), HasSubstr("日"));
  EXPECT_THAT(RejectionOf("令和8年4月"), HasSubstr("日"));
  EXPECT_THAT(RejectionOf("令和8年4月1日です"), HasSubstr("unexpected \"で\""));
  EXPECT_THAT(RejectionOf("元年5月1日"), HasSubstr("元年 needs an era name"));
  EXPECT_THAT(RejectionOf("X8.4.1"), HasSubstr("era initials"));
  EXPECT_THAT(RejectionOf("令和8年4月1日 2026"), HasSubstr("after the day"));
  EXPECT_THAT(RejectionOf("令和二三十年一月一日"), HasSubstr("\"二三十\" is not a well-formed kanji number"));
  EXPECT_THAT(RejectionOf("令和十百年一月一日"), HasSubstr("kanji number"));
  EXPECT_THAT(RejectionOf("令和八年十月〇日"), HasSubstr("day 0"));
  EXPECT_THAT(RejectionOf("令和十十年一月一日"), HasSubstr("kanji number"));
  EXPECT_THAT(RejectionOf("R8.004.1"), HasSubstr("more than two digits"));
  EXPECT_THAT(RejectionOf("2026-04-01-02"), HasSubstr("after the day"));
  EXPECT_THAT(RejectionOf("99999999999-1-1"), HasSubstr("too many digits"));
  EXPECT_THAT(RejectionOf(std::string(100, '1')), HasSubstr("too long"));
  EXPECT_THAT(RejectionOf("2026-04-0\xff"), HasSubstr("not valid UTF-8"));
  EXPECT_THAT(RejectionOf("令和8年度"), HasSubstr("expected a date"));
}

TEST(FormatWarekiTest, LongForm) {
  EXPECT_EQ(FormatWareki(CivilDate{2026, 4, 1}), "令和8年4月1日");
  EXPECT_EQ(FormatWareki(CivilDate{2019, 5, 1}), "令和元年5月1日");
  EXPECT_EQ(FormatWareki(CivilDate{2019, 4, 30}), "平成31年4月30日");
  EXPECT_EQ(FormatWareki(CivilDate{1989, 1, 7}), "昭和64年1月7日");
  EXPECT_EQ(FormatWareki(CivilDate{1989, 1, 8}), "平成元年1月8日");
  EXPECT_EQ(FormatWareki(CivilDate{1912, 7, 30}), "大正元年7月30日");
  EXPECT_EQ(FormatWareki(CivilDate{1800, 1, 1}), "1800-01-01");
}

TEST(FormatWarekiTest, ShortForm) {
  EXPECT_EQ(FormatWarekiShort(CivilDate{2026, 4, 1}), "R8.4.1");
  EXPECT_EQ(FormatWarekiShort(CivilDate{2019, 5, 1}), "R1.5.1");
  EXPECT_EQ(FormatWarekiShort(CivilDate{2019, 4, 30}), "H31.4.30");
  EXPECT_EQ(FormatWarekiShort(CivilDate{1800, 1, 1}), "1800-01-01");
}

TEST(FormatWarekiTest, RoundTripsEveryDayFromMeijiTo2100) {
  for (CivilDate date{1868, 1, 25}; date <= CivilDate{2100, 12, 31}; date = AddDays(date, 1)) {
    absl::StatusOr<CivilDate> parsed = ParseDate(FormatWareki(date));
    ASSERT_TRUE(parsed.ok()) << date << ": " << parsed.status();
    ASSERT_EQ(*parsed, date) << FormatWareki(date);
    parsed = ParseDate(FormatWarekiShort(date));
    ASSERT_TRUE(parsed.ok()) << date << ": " << parsed.status();
    ASSERT_EQ(*parsed, date) << FormatWarekiShort(date);
  }
}

TEST(FiscalYearTest, FiscalYearOf) {
  EXPECT_EQ(FiscalYearOf(CivilDate{2026, 3, 31}), 2025);
  EXPECT_EQ(FiscalYearOf(CivilDate{2026, 4, 1}), 2026);
  EXPECT_EQ(FiscalYearOf(CivilDate{2026, 12, 31}), 2026);
  EXPECT_EQ(FiscalYearOf(CivilDate{2027, 1, 1}), 2026);
  EXPECT_EQ(FiscalYearOf(CivilDate{2027, 3, 31}), 2026);
}

TEST(FiscalYearTest, StartAndEnd) {
  EXPECT_EQ(FiscalYearStart(2026), (CivilDate{2026, 4, 1}));
  EXPECT_EQ(FiscalYearEnd(2026), (CivilDate{2027, 3, 31}));
  // 令和8年度 = 2026-04-01 … 2027-03-31.
  absl::StatusOr<int> fiscal_year = ParseFiscalYear("令和8年度");
  ASSERT_TRUE(fiscal_year.ok()) << fiscal_year.status();
  EXPECT_EQ(FormatIsoDate(FiscalYearStart(*fiscal_year)), "2026-04-01");
  EXPECT_EQ(FormatIsoDate(FiscalYearEnd(*fiscal_year)), "2027-03-31");
  EXPECT_EQ(FiscalYearOf(FiscalYearStart(2026)), 2026);
  EXPECT_EQ(FiscalYearOf(FiscalYearEnd(2026)), 2026);
  EXPECT_EQ(FiscalYearOf(AddDays(FiscalYearEnd(2026), 1)), 2027);
}

TEST(FiscalYearTest, Format) {
  EXPECT_EQ(*FormatFiscalYear(2026), "令和8年度");
  EXPECT_EQ(*FormatFiscalYear(2019), "令和元年度");  // began under 平成 on 2019-04-01
  EXPECT_EQ(*FormatFiscalYear(2020), "令和2年度");
  EXPECT_EQ(*FormatFiscalYear(2018), "平成30年度");
  EXPECT_EQ(*FormatFiscalYear(1989), "平成元年度");
  EXPECT_EQ(*FormatFiscalYear(1988), "昭和63年度");  // ended under 平成, but no 平成0年度
  EXPECT_EQ(*FormatFiscalYear(1926), "昭和元年度");
  EXPECT_EQ(*FormatFiscalYear(1868), "明治元年度");
  EXPECT_EQ(*FormatFiscalYear(1867), "1867年度");
  EXPECT_EQ(*FormatFiscalYear(226), "0226年度");  // four digits, as it is parsed
  EXPECT_EQ(*FormatFiscalYear(1), "0001年度");
  EXPECT_EQ(*FormatFiscalYear(9998), "令和7980年度");
  // Outside the range nothing is written that a parser would refuse.
  for (int outside : {0, -1, 9999, 10000}) {
    absl::StatusOr<std::string> text = FormatFiscalYear(outside);
    EXPECT_EQ(text.status().code(), absl::StatusCode::kInvalidArgument) << outside;
    EXPECT_THAT(std::string(text.status().message()), HasSubstr("out of range 1..9998"));
  }
  EXPECT_EQ(FormatFiscalYearOrNumber(2026), "令和8年度");
  EXPECT_EQ(FormatFiscalYearOrNumber(9999), "9999");
  EXPECT_EQ(EraOfFiscalYear(2019)->era, Era::kReiwa);
  EXPECT_EQ(EraOfFiscalYear(1988)->era, Era::kShowa);
  EXPECT_EQ(EraOfFiscalYear(1867), nullptr);
}

TEST(FiscalYearTest, ParseAcceptedForms) {
  const std::pair<const char*, int> cases[] = {
      {"令和8年度", 2026},   {"令和８年度", 2026}, {"令和八年度", 2026},
      {"R8", 2026},          {"r8", 2026},         {"R08", 2026},
      {"R8年度", 2026},      {"Ｒ８", 2026},       {"2026", 2026},
      {"2026年度", 2026},    {"２０２６", 2026},   {"２０２６年度", 2026},
      {"FY2026", 2026},      {" 令和 8 年度 ", 2026}, {"令和8", 2026},
      {"令和元年度", 2019},  {"R1", 2019},         {"平成31年度", 2019},
      {"平成30年度", 2018},  {"H30", 2018},        {"平成元年度", 1989},
      {"昭和63年度", 1988},  {"二〇二六年度", 2026}, {"令和十年度", 2028},
  };
  for (const auto& [text, expected] : cases) {
    absl::StatusOr<int> fiscal_year = ParseFiscalYear(text);
    ASSERT_TRUE(fiscal_year.ok()) << text << ": " << fiscal_year.status();
    EXPECT_EQ(*fiscal_year, expected) << text;
  }
}

// format ∘ parse is the identity over the whole range, in the era form and
// in the four-digit Gregorian forms; just outside it both refuse.
TEST(FiscalYearTest, FormatParseRoundTripOverTheWholeRange) {
  for (int fiscal_year = kMinCivilFiscalYear; fiscal_year <= kMaxCivilFiscalYear; ++fiscal_year) {
    absl::StatusOr<std::string> text = FormatFiscalYear(fiscal_year);
    ASSERT_TRUE(text.ok()) << fiscal_year << ": " << text.status();
    absl::StatusOr<int> parsed = ParseFiscalYear(*text);
    ASSERT_TRUE(parsed.ok()) << *text << ": " << parsed.status();
    ASSERT_EQ(*parsed, fiscal_year) << *text;
    const std::string digits = absl::StrCat(absl::Dec(fiscal_year, absl::kZeroPad4));
    for (const std::string& gregorian : {digits, digits + "年度", "FY" + digits}) {
      absl::StatusOr<int> again = ParseFiscalYear(gregorian);
      ASSERT_TRUE(again.ok()) << gregorian << ": " << again.status();
      ASSERT_EQ(*again, fiscal_year) << gregorian;
      ASSERT_EQ(*FormatFiscalYear(*again), *text) << gregorian;
    }
  }
  EXPECT_FALSE(ParseFiscalYear("0000").ok());
  EXPECT_FALSE(ParseFiscalYear("9999").ok());
  EXPECT_FALSE(ParseFiscalYear("令和7981年度").ok());
  EXPECT_THAT(std::string(ParseFiscalYear("令和7981年度").status().message()),
              HasSubstr("the last fiscal year is 令和7980年度 (9998)"));
  EXPECT_TRUE(ParseFiscalYear("令和7980年度").ok());
  // A Gregorian year has four digits in every form: "226" and "226年度"
  // are refused alike, "0226" and "0226年度" are fiscal 226.
  EXPECT_EQ(*ParseFiscalYear("0226"), 226);
  EXPECT_EQ(*ParseFiscalYear("0226年度"), 226);
  EXPECT_FALSE(ParseFiscalYear("226").ok());
  EXPECT_FALSE(ParseFiscalYear("226年度").ok());
}

// Every date of the range written in wareki (long and short) and ISO form
// parses back to itself: every day from 明治 to 2200, and every 7th day
// over the rest of 0001-01-01 .. 9999-12-31, with both ends.
TEST(FormatWarekiTest, RoundTripsOverTheWholeDateRange) {
  const CivilDate first{kMinCivilYear, 1, 1};
  const CivilDate last{kMaxCivilYear, 12, 31};
  auto check = [](const CivilDate& date) {
    for (const std::string& text :
         {FormatWareki(date), FormatWarekiShort(date), FormatIsoDate(date)}) {
      absl::StatusOr<CivilDate> parsed = ParseDate(text);
      ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status();
      ASSERT_EQ(FormatIsoDate(*parsed), FormatIsoDate(date)) << text;
    }
  };
  for (CivilDate d = first; d <= last; d = AddDays(d, d.year >= 1868 && d.year <= 2200 ? 1 : 7)) {
    check(d);
    if (::testing::Test::HasFatalFailure()) return;
  }
  check(last);
  EXPECT_EQ(FormatWareki(last), "令和7981年12月31日");
}

TEST(FiscalYearTest, ParseRejectsWithReasons) {
  const auto rejection = [](std::string_view text) {
    absl::StatusOr<int> fiscal_year = ParseFiscalYear(text);
    if (fiscal_year.ok()) return "unexpectedly parsed as " + std::to_string(*fiscal_year);
    EXPECT_EQ(fiscal_year.status().code(), absl::StatusCode::kInvalidArgument) << text;
    return std::string(fiscal_year.status().message());
  };
  EXPECT_THAT(rejection("令和0年度"), HasSubstr("令和0年度 does not exist"));
  EXPECT_THAT(rejection("R0"), HasSubstr("does not exist"));
  EXPECT_THAT(rejection("昭和64年度"), HasSubstr("昭和 ended on 1989-01-07"));
  EXPECT_THAT(rejection("昭和64年度"), HasSubstr("fiscal 1989 is 平成元年度"));
  EXPECT_THAT(rejection("平成32年度"), HasSubstr("平成 ended on 2019-04-30"));
  EXPECT_THAT(rejection("26"), HasSubstr("four digits"));
  EXPECT_THAT(rejection("2026年"), HasSubstr("年 must be followed by 度"));
  EXPECT_THAT(rejection("2026-04-01"), HasSubstr("expected a fiscal year"));
  EXPECT_THAT(rejection("元年度"), HasSubstr("expected a fiscal year"));
  EXPECT_THAT(rejection(""), HasSubstr("fiscal year is empty"));
  EXPECT_THAT(rejection("next year"), HasSubstr("unexpected"));
  EXPECT_THAT(rejection("FYR8"), HasSubstr("unexpected"));
}

}  // namespace
}  // namespace seccoord
