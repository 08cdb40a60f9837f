#include "common/wareki.h"

#include <array>
#include <cstddef>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/utf8.h"

namespace seccoord {
namespace {

// This Abseil is built with its own absl::string_view (not std::string_view);
// StrCat and the string matchers take only the former.
absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }

// The era table, oldest first. An era runs from its first_day to the day
// before the next era's first_day.
constexpr std::array<EraInfo, 5> kEras = {{
    {Era::kMeiji, "明治", "㍾", 'M', {1868, 1, 25}},
    {Era::kTaisho, "大正", "㍽", 'T', {1912, 7, 30}},
    {Era::kShowa, "昭和", "㍼", 'S', {1926, 12, 25}},
    {Era::kHeisei, "平成", "㍻", 'H', {1989, 1, 8}},
    {Era::kReiwa, "令和", "㋿", 'R', {2019, 5, 1}},
}};

// Dates and fiscal years are short; longer input is refused before parsing
// so that error messages can quote the input whole.
constexpr size_t kMaxInputBytes = 64;

const EraInfo* NextEra(const EraInfo& era) {
  const size_t index = static_cast<size_t>(&era - kEras.data());
  return index + 1 < kEras.size() ? &kEras[index + 1] : nullptr;
}

// "令和8年" or "令和元年".
std::string EraYearText(const EraInfo& era, int era_year) {
  if (era_year == 1) return absl::StrCat(AbslView(era.kanji), "元年");
  return absl::StrCat(AbslView(era.kanji), era_year, "年");
}

// ---------------------------------------------------------------------------
// Tokenizer shared by ParseDate and ParseFiscalYear. It runs on text already
// folded to half-width by FoldFullWidthAscii and skips whitespace between
// tokens.

struct Token {
  enum Kind {
    kNumber,         // ASCII digits or kanji numerals
    kGannen,         // 元 (first year of an era)
    kEra,            // 令和, ㋿ or an era initial such as R
    kYearMark,       // 年
    kMonthMark,      // 月
    kDayMark,        // 日
    kDoMark,         // 度, as in 年度
    kSeparator,      // . / -
    kFiscalPrefix,   // FY
  };
  Kind kind;
  int value = 0;         // kNumber
  int ascii_digits = 0;  // kNumber written in ASCII digits: how many; 0 if kanji
  char separator = 0;    // kSeparator
  const EraInfo* era = nullptr;  // kEra
};

struct KanjiNumeral {
  std::string_view text;
  int value;        // digit value, or the multiplier for 十百千
  bool multiplier;  // 十 百 千
};

constexpr std::array<KanjiNumeral, 14> kKanjiNumerals = {{
    {"〇", 0, false}, {"零", 0, false}, {"一", 1, false}, {"二", 2, false},
    {"三", 3, false}, {"四", 4, false}, {"五", 5, false}, {"六", 6, false},
    {"七", 7, false}, {"八", 8, false}, {"九", 9, false}, {"十", 10, true},
    {"百", 100, true}, {"千", 1000, true},
}};

const KanjiNumeral* MatchKanjiNumeral(std::string_view rest) {
  for (const KanjiNumeral& numeral : kKanjiNumerals) {
    if (absl::StartsWith(AbslView(rest), AbslView(numeral.text))) return &numeral;
  }
  return nullptr;
}

// Evaluates a run of kanji numerals: positional (二〇二六 = 2026) when it has
// no 十百千, otherwise additive (三十一 = 31, 二千二十六 = 2026, 十二 = 12).
// Returns nullopt for malformed runs such as 二三十, 十十 or 百千.
std::optional<int> EvaluateKanjiNumber(const std::vector<const KanjiNumeral*>& run) {
  bool has_multiplier = false;
  for (const KanjiNumeral* numeral : run) has_multiplier |= numeral->multiplier;
  int total = 0;
  if (!has_multiplier) {
    if (run.size() > 6) return std::nullopt;
    for (const KanjiNumeral* numeral : run) total = total * 10 + numeral->value;
    return total;
  }
  int pending_digit = -1;
  int last_multiplier = 10000;
  for (const KanjiNumeral* numeral : run) {
    if (!numeral->multiplier) {
      if (pending_digit != -1 || numeral->value == 0) return std::nullopt;
      pending_digit = numeral->value;
      continue;
    }
    if (numeral->value >= last_multiplier) return std::nullopt;
    last_multiplier = numeral->value;
    total += (pending_digit == -1 ? 1 : pending_digit) * numeral->value;
    pending_digit = -1;
  }
  if (pending_digit != -1) total += pending_digit;
  return total;
}

// The first code point of `rest`, for "unexpected ..." messages.
std::string_view FirstCharacter(std::string_view rest) {
  size_t pos = 0;
  char32_t ignored;
  DecodeUtf8(rest, &pos, &ignored);
  return rest.substr(0, pos);
}

// Splits `folded` into tokens. On failure returns the reason (without the
// quoted input, which the caller adds).
absl::StatusOr<std::vector<Token>> Tokenize(std::string_view folded) {
  struct Mark {
    std::string_view text;
    Token::Kind kind;
  };
  static constexpr std::array<Mark, 5> kMarks = {{
      {"年", Token::kYearMark},
      {"月", Token::kMonthMark},
      {"日", Token::kDayMark},
      {"度", Token::kDoMark},
      {"元", Token::kGannen},
  }};

  std::vector<Token> tokens;
  size_t pos = 0;
  while (pos < folded.size()) {
    const std::string_view rest = folded.substr(pos);
    const unsigned char c = static_cast<unsigned char>(rest[0]);
    if (absl::ascii_isspace(c)) {
      ++pos;
      continue;
    }
    if (absl::ascii_isdigit(c)) {
      Token token{Token::kNumber};
      while (pos < folded.size() &&
             absl::ascii_isdigit(static_cast<unsigned char>(folded[pos]))) {
        if (++token.ascii_digits > 6) {
          return absl::InvalidArgumentError("a number has too many digits");
        }
        token.value = token.value * 10 + (folded[pos] - '0');
        ++pos;
      }
      tokens.push_back(token);
      continue;
    }
    if (c == '.' || c == '/' || c == '-') {
      Token token{Token::kSeparator};
      token.separator = static_cast<char>(c);
      tokens.push_back(token);
      ++pos;
      continue;
    }
    if (absl::ascii_isalpha(c)) {
      size_t end = pos;
      while (end < folded.size() && absl::ascii_isalpha(static_cast<unsigned char>(folded[end]))) {
        ++end;
      }
      const std::string_view word = folded.substr(pos, end - pos);
      Token token{Token::kEra};
      if (word.size() == 1) {
        for (const EraInfo& era : kEras) {
          if (absl::ascii_toupper(c) == era.initial) token.era = &era;
        }
      }
      if (token.era == nullptr) {
        if (!absl::EqualsIgnoreCase(AbslView(word), "FY")) {
          return absl::InvalidArgumentError(absl::StrCat(
              "unexpected \"", AbslView(word), "\" (era initials are M, T, S, H and R)"));
        }
        token.kind = Token::kFiscalPrefix;
      }
      tokens.push_back(token);
      pos = end;
      continue;
    }
    bool matched = false;
    for (const EraInfo& era : kEras) {
      for (std::string_view name : {era.kanji, era.square_form}) {
        if (!matched && absl::StartsWith(AbslView(rest), AbslView(name))) {
          Token token{Token::kEra};
          token.era = &era;
          tokens.push_back(token);
          pos += name.size();
          matched = true;
        }
      }
    }
    for (const Mark& mark : kMarks) {
      if (!matched && absl::StartsWith(AbslView(rest), AbslView(mark.text))) {
        tokens.push_back(Token{mark.kind});
        pos += mark.text.size();
        matched = true;
      }
    }
    if (matched) continue;
    if (MatchKanjiNumeral(rest) != nullptr) {
      const size_t run_start = pos;
      std::vector<const KanjiNumeral*> run;
      while (const KanjiNumeral* numeral = MatchKanjiNumeral(folded.substr(pos))) {
        run.push_back(numeral);
        pos += numeral->text.size();
      }
      const std::optional<int> value = EvaluateKanjiNumber(run);
      if (!value.has_value()) {
        return absl::InvalidArgumentError(
            absl::StrCat("\"", AbslView(folded.substr(run_start, pos - run_start)),
                         "\" is not a well-formed kanji number"));
      }
      Token token{Token::kNumber};
      token.value = *value;
      tokens.push_back(token);
      continue;
    }
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected \"", AbslView(FirstCharacter(rest)), "\""));
  }
  return tokens;
}

// A cursor over tokens with the small lookahead the grammars need.
class TokenCursor {
 public:
  explicit TokenCursor(const std::vector<Token>& tokens) : tokens_(tokens) {}

  bool AtEnd() const { return index_ >= tokens_.size(); }
  const Token* Peek() const { return AtEnd() ? nullptr : &tokens_[index_]; }
  // Consumes and returns the next token if it is of `kind`.
  const Token* Take(Token::Kind kind) {
    if (AtEnd() || tokens_[index_].kind != kind) return nullptr;
    return &tokens_[index_++];
  }
  const Token* TakeSeparator(char separator) {
    if (AtEnd() || tokens_[index_].kind != Token::kSeparator ||
        tokens_[index_].separator != separator) {
      return nullptr;
    }
    return &tokens_[index_++];
  }

 private:
  const std::vector<Token>& tokens_;
  size_t index_ = 0;
};

// Checks the input before tokenizing; `what` is "date" or "fiscal year".
absl::Status CheckInput(std::string_view text, absl::string_view what) {
  if (!IsValidUtf8(text)) {
    return absl::InvalidArgumentError(absl::StrCat(what, " is not valid UTF-8"));
  }
  if (text.size() > kMaxInputBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " is too long (over ", kMaxInputBytes, " bytes)"));
  }
  if (absl::StripAsciiWhitespace(FoldFullWidthAscii(text)).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(what, " is empty"));
  }
  return absl::OkStatus();
}

absl::Status NotADate(std::string_view text, absl::string_view reason) {
  return absl::InvalidArgumentError(
      absl::StrCat("\"", AbslView(text), "\" is not a valid date: ", reason));
}

absl::Status NotAFiscalYear(std::string_view text, absl::string_view reason) {
  return absl::InvalidArgumentError(
      absl::StrCat("\"", AbslView(text), "\" is not a valid fiscal year: ", reason));
}

absl::Status FiscalYearOutOfRange(int fiscal_year) {
  return absl::InvalidArgumentError(absl::StrCat("fiscal year ", fiscal_year,
                                                 " is out of range ", kMinCivilFiscalYear, "..",
                                                 kMaxCivilFiscalYear));
}

constexpr char kExpectedDateForms[] =
    "expected a date such as 2026-04-01, 2026/4/1, 2026年4月1日, 令和8年4月1日 "
    "or R8.4.1";
constexpr char kExpectedFiscalYearForms[] =
    "expected a fiscal year such as 令和8年度, R8, 2026 or 2026年度";

// Month and day as parsed, before validation against the calendar.
struct DateParts {
  const EraInfo* era = nullptr;  // nullptr for a Gregorian year
  int year = 0;                  // Gregorian year, or era year (元 = 1)
  int month = 0;
  int day = 0;
};

// Parses the shape of a date; calendar checks come after.
absl::StatusOr<DateParts> ParseDateShape(const std::vector<Token>& tokens) {
  TokenCursor cursor(tokens);
  DateParts parts;
  if (const Token* era = cursor.Take(Token::kEra)) parts.era = era->era;

  const Token* year = cursor.Take(Token::kNumber);
  if (year == nullptr) {
    if (cursor.Take(Token::kGannen) == nullptr) {
      return absl::InvalidArgumentError(kExpectedDateForms);
    }
    if (parts.era == nullptr) {
      return absl::InvalidArgumentError("元年 needs an era name, as in 令和元年");
    }
    parts.year = 1;
  } else {
    parts.year = year->value;
    const bool four_digits = year->ascii_digits == 0
                                 ? year->value >= 1000 && year->value <= 9999
                                 : year->ascii_digits == 4;
    if (parts.era == nullptr && !four_digits) {
      return absl::InvalidArgumentError(
          "a Gregorian year must have four digits, as in 2026");
    }
  }

  const Token* month = nullptr;
  const Token* day = nullptr;
  if (cursor.Take(Token::kYearMark) != nullptr) {  // 8年4月1日
    month = cursor.Take(Token::kNumber);
    if (month == nullptr || cursor.Take(Token::kMonthMark) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          kExpectedDateForms, " (a month followed by 月 must come after 年)"));
    }
    day = cursor.Take(Token::kNumber);
    if (day == nullptr || cursor.Take(Token::kDayMark) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          kExpectedDateForms, " (a day followed by 日 must come after 月)"));
    }
  } else if (const Token* separator = cursor.Take(Token::kSeparator)) {  // 8.4.1
    month = cursor.Take(Token::kNumber);
    if (month != nullptr && cursor.TakeSeparator(separator->separator) != nullptr) {
      day = cursor.Take(Token::kNumber);
    }
    if (day == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          kExpectedDateForms, " (year, month and day separated by the same \"",
          std::string(1, separator->separator), "\")"));
    }
  } else {
    return absl::InvalidArgumentError(kExpectedDateForms);
  }
  if (!cursor.AtEnd()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kExpectedDateForms, " (unexpected text after the day)"));
  }
  if (month->ascii_digits > 2 || day->ascii_digits > 2) {
    return absl::InvalidArgumentError("a month or day has more than two digits");
  }
  parts.month = month->value;
  parts.day = day->value;
  return parts;
}

// Calendar checks for a Gregorian date, with the reason if it is invalid.
absl::Status CheckGregorian(int year, int month, int day) {
  if (year < kMinCivilYear || year > kMaxCivilYear) {
    return absl::InvalidArgumentError(absl::StrCat(
        "year ", year, " is out of range ", kMinCivilYear, "..", kMaxCivilYear));
  }
  if (month < 1 || month > 12) {
    return absl::InvalidArgumentError(
        absl::StrCat("month ", month, " is out of range 1..12"));
  }
  if (day < 1 || day > DaysInMonth(year, month)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "day ", day, " is out of range for ", absl::Dec(year, absl::kZeroPad4), "-",
        absl::Dec(month, absl::kZeroPad2), ", which has ", DaysInMonth(year, month),
        " days"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Span<const EraInfo> AllEras() { return absl::MakeConstSpan(kEras); }

const EraInfo& GetEraInfo(Era era) { return kEras[static_cast<size_t>(era)]; }

const EraInfo* EraOn(const CivilDate& date) {
  const EraInfo* found = nullptr;
  for (const EraInfo& era : kEras) {
    if (era.first_day <= date) found = &era;
  }
  return found;
}

absl::StatusOr<WarekiDate> ToWareki(const CivilDate& date) {
  if (!IsValidCivilDate(date)) {
    return absl::InvalidArgumentError(
        absl::StrCat(FormatIsoDate(date), " is not a valid date"));
  }
  const EraInfo* era = EraOn(date);
  if (era == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        FormatIsoDate(date), " is before 明治 (", FormatIsoDate(kEras[0].first_day),
        ") and has no Japanese era"));
  }
  WarekiDate wareki;
  wareki.era = era->era;
  wareki.era_year = date.year - era->first_day.year + 1;
  wareki.month = date.month;
  wareki.day = date.day;
  return wareki;
}

absl::StatusOr<CivilDate> FromWareki(const WarekiDate& wareki) {
  const EraInfo& era = GetEraInfo(wareki.era);
  if (wareki.era_year < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        AbslView(era.kanji), wareki.era_year, "年 does not exist: the first year of an era is 元年 (1)"));
  }
  if (wareki.era_year > kMaxCivilYear) {
    return absl::InvalidArgumentError(absl::StrCat(
        AbslView(era.kanji), wareki.era_year, "年 is out of range"));
  }
  const int year = era.first_day.year + wareki.era_year - 1;
  if (wareki.month < 1 || wareki.month > 12) {
    return absl::InvalidArgumentError(
        absl::StrCat("month ", wareki.month, " is out of range 1..12"));
  }
  if (wareki.day < 1 || wareki.day > DaysInMonth(year, wareki.month)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "day ", wareki.day, " is out of range for ", EraYearText(era, wareki.era_year),
        wareki.month, "月 (", year, "-", absl::Dec(wareki.month, absl::kZeroPad2),
        "), which has ", DaysInMonth(year, wareki.month), " days"));
  }
  if (!IsValidCivilDate(year, wareki.month, wareki.day)) {
    return absl::InvalidArgumentError(absl::StrCat(
        EraYearText(era, wareki.era_year), " is out of range"));
  }
  const CivilDate date{year, wareki.month, wareki.day};
  if (date < era.first_day) {
    return absl::InvalidArgumentError(absl::StrCat(
        AbslView(era.kanji), " began on ", FormatIsoDate(era.first_day), " (",
        FormatWareki(era.first_day), "); ", FormatIsoDate(date), " is ",
        FormatWareki(date)));
  }
  if (const EraInfo* next = NextEra(era); next != nullptr && date >= next->first_day) {
    const CivilDate last_day = AddDays(next->first_day, -1);
    return absl::InvalidArgumentError(absl::StrCat(
        AbslView(era.kanji), " ended on ", FormatIsoDate(last_day), " (", FormatWareki(last_day),
        "); ", FormatIsoDate(date), " is ", FormatWareki(date)));
  }
  return date;
}

absl::StatusOr<CivilDate> ParseDate(std::string_view text) {
  if (absl::Status status = CheckInput(text, "date"); !status.ok()) return status;
  const std::string folded = FoldFullWidthAscii(text);
  absl::StatusOr<std::vector<Token>> tokens = Tokenize(folded);
  if (!tokens.ok()) return NotADate(text, tokens.status().message());
  absl::StatusOr<DateParts> parts = ParseDateShape(*tokens);
  if (!parts.ok()) return NotADate(text, parts.status().message());

  if (parts->era != nullptr) {
    absl::StatusOr<CivilDate> date =
        FromWareki(WarekiDate{parts->era->era, parts->year, parts->month, parts->day});
    if (!date.ok()) return NotADate(text, date.status().message());
    return *date;
  }
  if (absl::Status status = CheckGregorian(parts->year, parts->month, parts->day);
      !status.ok()) {
    return NotADate(text, status.message());
  }
  return CivilDate{parts->year, parts->month, parts->day};
}

std::string FormatWareki(const CivilDate& date) {
  const EraInfo* era = EraOn(date);
  if (era == nullptr) return FormatIsoDate(date);
  const int era_year = date.year - era->first_day.year + 1;
  return absl::StrCat(EraYearText(*era, era_year), date.month, "月", date.day, "日");
}

std::string FormatWarekiShort(const CivilDate& date) {
  const EraInfo* era = EraOn(date);
  if (era == nullptr) return FormatIsoDate(date);
  const int era_year = date.year - era->first_day.year + 1;
  return absl::StrCat(std::string(1, era->initial), era_year, ".", date.month, ".",
                      date.day);
}

int FiscalYearOf(const CivilDate& date) {
  return date.month >= 4 ? date.year : date.year - 1;
}

CivilDate FiscalYearStart(int fiscal_year) { return CivilDate{fiscal_year, 4, 1}; }

CivilDate FiscalYearEnd(int fiscal_year) { return CivilDate{fiscal_year + 1, 3, 31}; }

const EraInfo* EraOfFiscalYear(int fiscal_year) {
  return EraOn(CivilDate{fiscal_year, 12, 31});
}

bool IsValidFiscalYear(int fiscal_year) {
  return fiscal_year >= kMinCivilFiscalYear && fiscal_year <= kMaxCivilFiscalYear;
}

absl::StatusOr<std::string> FormatFiscalYear(int fiscal_year) {
  if (!IsValidFiscalYear(fiscal_year)) return FiscalYearOutOfRange(fiscal_year);
  const EraInfo* era = EraOfFiscalYear(fiscal_year);
  if (era == nullptr) return absl::StrCat(absl::Dec(fiscal_year, absl::kZeroPad4), "年度");
  const int era_year = fiscal_year - era->first_day.year + 1;
  if (era_year == 1) return absl::StrCat(AbslView(era->kanji), "元年度");
  return absl::StrCat(AbslView(era->kanji), era_year, "年度");
}

std::string FormatFiscalYearOrNumber(int fiscal_year) {
  absl::StatusOr<std::string> text = FormatFiscalYear(fiscal_year);
  return text.ok() ? *std::move(text) : absl::StrCat(fiscal_year);
}

absl::StatusOr<int> ParseFiscalYear(std::string_view text) {
  if (absl::Status status = CheckInput(text, "fiscal year"); !status.ok()) {
    return status;
  }
  const std::string folded = FoldFullWidthAscii(text);
  absl::StatusOr<std::vector<Token>> tokens = Tokenize(folded);
  if (!tokens.ok()) return NotAFiscalYear(text, tokens.status().message());

  TokenCursor cursor(*tokens);
  const bool fy_prefix = cursor.Take(Token::kFiscalPrefix) != nullptr;
  const Token* era_token = fy_prefix ? nullptr : cursor.Take(Token::kEra);
  int year = 0;
  if (const Token* number = cursor.Take(Token::kNumber)) {
    year = number->value;
    const bool four_digits = number->ascii_digits == 0
                                 ? number->value >= 1000 && number->value <= 9999
                                 : number->ascii_digits == 4;
    if (era_token == nullptr && !four_digits) {
      return NotAFiscalYear(text, "a Gregorian year must have four digits, as in 2026");
    }
  } else if (era_token != nullptr && cursor.Take(Token::kGannen) != nullptr) {
    year = 1;
  } else {
    return NotAFiscalYear(text, kExpectedFiscalYearForms);
  }
  if (cursor.Take(Token::kYearMark) != nullptr && cursor.Take(Token::kDoMark) == nullptr) {
    return NotAFiscalYear(text, absl::StrCat(kExpectedFiscalYearForms,
                                             " (年 must be followed by 度)"));
  }
  if (!cursor.AtEnd()) {
    return NotAFiscalYear(text, kExpectedFiscalYearForms);
  }

  if (era_token == nullptr) {
    if (!IsValidFiscalYear(year)) {
      return NotAFiscalYear(text, FiscalYearOutOfRange(year).message());
    }
    return year;
  }
  const EraInfo& era = *era_token->era;
  if (year < 1) {
    return NotAFiscalYear(text, absl::StrCat(AbslView(era.kanji), year,
                                             "年度 does not exist: the first year of an "
                                             "era is 元年度 (1)"));
  }
  if (year > kMaxCivilFiscalYear - era.first_day.year + 1) {
    return NotAFiscalYear(
        text, absl::StrCat(AbslView(era.kanji), year, "年度 is out of range: the last fiscal year is ",
                           AbslView(era.kanji), kMaxCivilFiscalYear - era.first_day.year + 1,
                           "年度 (", kMaxCivilFiscalYear, ")"));
  }
  const int fiscal_year = era.first_day.year + year - 1;
  // The era must have been in force on some day of the fiscal year; it began
  // before the fiscal year ended because year >= 1.
  if (const EraInfo* next = NextEra(era);
      next != nullptr && next->first_day <= FiscalYearStart(fiscal_year)) {
    return NotAFiscalYear(
        text, absl::StrCat(AbslView(era.kanji), " ended on ",
                           FormatIsoDate(AddDays(next->first_day, -1)),
                           ", before fiscal ", fiscal_year, " began on ",
                           FormatIsoDate(FiscalYearStart(fiscal_year)), "; fiscal ",
                           fiscal_year, " is ", FormatFiscalYearOrNumber(fiscal_year)));
  }
  return fiscal_year;
}

}  // namespace seccoord
