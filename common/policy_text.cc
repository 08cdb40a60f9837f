#include "common/policy_text.h"

#include <openssl/sha.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/csv.h"
#include "common/status.h"
#include "common/utf8.h"

namespace seccoord {
namespace {

// This Abseil is built with its own absl::string_view (not std::string_view),
// so std::string_view arguments to absl::StrCat and friends are converted.
absl::string_view ToAbsl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
constexpr std::string_view kNoBreakSpace = "\xC2\xA0";
constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";

// Item titles such as "（３）情報システム全体の強靭化の向上" are at most this
// many characters after the marker; a longer line is running text.
constexpr size_t kMaxItemTitleChars = 20;

// ---------------------------------------------------------------------------
// UTF-8 and whitespace.

// Offset of the first byte that is not part of a well-formed UTF-8 sequence
// (no overlongs, no surrogates, nothing above U+10FFFF), or npos.
size_t FindInvalidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char lead = static_cast<unsigned char>(s[i]);
    size_t length;
    char32_t min_value;
    char32_t value;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2, min_value = 0x80, value = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, min_value = 0x800, value = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, min_value = 0x10000, value = lead & 0x07;
    } else {
      return i;
    }
    if (s.size() - i < length) return i;
    for (size_t k = 1; k < length; ++k) {
      const unsigned char next = static_cast<unsigned char>(s[i + k]);
      if ((next & 0xC0) != 0x80) return i;
      value = (value << 6) | (next & 0x3F);
    }
    if (value < min_value || value > 0x10FFFF ||
        (value >= 0xD800 && value <= 0xDFFF)) {
      return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

// Decodes the code point at s[pos] of well-formed UTF-8 and stores its byte
// length in *length. Callers validate the text first (FindInvalidUtf8).
char32_t DecodeAt(std::string_view s, size_t pos, size_t* length) {
  const unsigned char lead = static_cast<unsigned char>(s[pos]);
  if (lead < 0x80) {
    *length = 1;
    return lead;
  }
  size_t n;
  char32_t value;
  if ((lead & 0xE0) == 0xC0) {
    n = 2, value = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    n = 3, value = lead & 0x0F;
  } else {
    n = 4, value = lead & 0x07;
  }
  n = std::min(n, s.size() - pos);  // Defensive: never read past the end.
  for (size_t k = 1; k < n; ++k) {
    value = (value << 6) | (static_cast<unsigned char>(s[pos + k]) & 0x3F);
  }
  *length = n;
  return value;
}

// The first code point of `s` (0 when empty); its byte length in *length.
char32_t FirstCodePoint(std::string_view s, size_t* length) {
  if (s.empty()) {
    *length = 0;
    return 0;
  }
  return DecodeAt(s, 0, length);
}

// The last code point of well-formed UTF-8 `s` (0 when empty); its byte
// length in *length.
char32_t LastCodePoint(std::string_view s, size_t* length) {
  if (s.empty()) {
    *length = 0;
    return 0;
  }
  size_t start = s.size() - 1;
  while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) {
    --start;
  }
  return DecodeAt(s, start, length);
}

size_t CountCodePoints(std::string_view s) {
  size_t count = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

bool IsAsciiWhitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
         c == '\r';
}

// Byte length of the whitespace character at s[pos], or 0 if there is none.
size_t WhitespaceLengthAt(std::string_view s, size_t pos) {
  if (pos >= s.size()) return 0;
  if (IsAsciiWhitespace(s[pos])) return 1;
  const std::string_view rest = s.substr(pos);
  if (rest.substr(0, kNoBreakSpace.size()) == kNoBreakSpace) {
    return kNoBreakSpace.size();
  }
  if (rest.substr(0, kIdeographicSpace.size()) == kIdeographicSpace) {
    return kIdeographicSpace.size();
  }
  return 0;
}

// Byte length of the whitespace character that ends `s`, or 0.
size_t TrailingWhitespaceLength(std::string_view s) {
  if (s.empty()) return 0;
  if (IsAsciiWhitespace(s.back())) return 1;
  for (std::string_view space : {kNoBreakSpace, kIdeographicSpace}) {
    if (s.size() >= space.size() && s.substr(s.size() - space.size()) == space) {
      return space.size();
    }
  }
  return 0;
}

std::string_view TrimLeadingWhitespace(std::string_view s) {
  while (size_t n = WhitespaceLengthAt(s, 0)) s.remove_prefix(n);
  return s;
}

std::string_view TrimTrailingWhitespace(std::string_view s) {
  while (size_t n = TrailingWhitespaceLength(s)) s.remove_suffix(n);
  return s;
}

std::string_view TrimWhitespace(std::string_view s) {
  return TrimTrailingWhitespace(TrimLeadingWhitespace(s));
}

bool IsUnicodeWhitespace(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
         c == '\r' || c == 0x00A0 || c == 0x3000;
}

// Splits on "\r\n", "\r" and "\n". A final line terminator does not produce
// an extra empty line.
std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n' && text[i] != '\r') continue;
    lines.push_back(text.substr(start, i - start));
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

// ---------------------------------------------------------------------------
// Article labels: 第１, 第 10, 第十, 附則, 附 則.

// 0-9 for ASCII and full-width digits, -1 otherwise.
int ArabicDigitValue(char32_t c) {
  if (c >= U'0' && c <= U'9') return static_cast<int>(c - U'0');
  if (c >= U'０' && c <= U'９') return static_cast<int>(c - U'０');
  return -1;
}

// 0-9 for the kanji digits 〇 一 … 九, -1 otherwise.
int KanjiDigitValue(char32_t c) {
  switch (c) {
    case U'〇': case U'零': return 0;
    case U'一': return 1;
    case U'二': return 2;
    case U'三': return 3;
    case U'四': return 4;
    case U'五': return 5;
    case U'六': return 6;
    case U'七': return 7;
    case U'八': return 8;
    case U'九': return 9;
    default: return -1;
  }
}

// 10, 100, 1000 for 十 百 千, 0 otherwise.
int KanjiUnitValue(char32_t c) {
  switch (c) {
    case U'十': return 10;
    case U'百': return 100;
    case U'千': return 1000;
    default: return 0;
  }
}

constexpr int kMaxArticleNumber = 9999;

// Reads an article number at s[*pos] — ASCII or full-width digits ("１０"),
// or kanji in the counting form ("十", "二十三", "百五") — and advances *pos
// past it. False if there is none or it is 0 or above kMaxArticleNumber.
bool ReadArticleNumber(std::string_view s, size_t* pos, int* value) {
  size_t p = *pos;
  size_t length = 0;

  int arabic = 0;
  int arabic_digits = 0;
  while (p < s.size()) {
    const int digit = ArabicDigitValue(DecodeAt(s, p, &length));
    if (digit < 0) break;
    if (++arabic_digits > 4) return false;
    arabic = arabic * 10 + digit;
    p += length;
  }
  if (arabic_digits > 0) {
    if (arabic == 0) return false;
    *pos = p;
    *value = arabic;
    return true;
  }

  int total = 0;
  int pending_digit = -1;  // A digit waiting for its unit, or the ones place.
  int last_unit = kMaxArticleNumber + 1;
  bool any = false;
  while (p < s.size()) {
    const char32_t c = DecodeAt(s, p, &length);
    const int digit = KanjiDigitValue(c);
    const int unit = KanjiUnitValue(c);
    if (digit >= 0) {
      if (pending_digit >= 0) return false;  // "一二": not a counting form.
      pending_digit = digit;
    } else if (unit > 0) {
      if (unit >= last_unit || pending_digit == 0) return false;
      total += (pending_digit < 0 ? 1 : pending_digit) * unit;
      pending_digit = -1;
      last_unit = unit;
    } else {
      break;
    }
    any = true;
    p += length;
  }
  if (!any) return false;
  if (pending_digit > 0) total += pending_digit;
  if (total <= 0 || total > kMaxArticleNumber) return false;
  *pos = p;
  *value = total;
  return true;
}

std::string_view SkipWhitespaceFrom(std::string_view s, size_t* pos) {
  while (size_t n = WhitespaceLengthAt(s, *pos)) *pos += n;
  return s.substr(*pos);
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

constexpr std::string_view kDai = "第";
constexpr std::string_view kFu = "附";
constexpr std::string_view kSoku = "則";
constexpr std::string_view kNo = "の";
constexpr std::string_view kFullStop = "。";
constexpr std::string_view kSupplementaryNumber = "附則";
constexpr std::string_view kPreambleNumber = "前文";
constexpr std::string_view kContentsNumber = "目次";

bool IsOpenBracket(char32_t c) { return c == U'（' || c == U'('; }
bool IsCloseBracket(char32_t c) { return c == U'）' || c == U')'; }

// Headings such as "目的", "情報セキュリティ対策基準の策定" are at most this
// many characters; a longer text after a number is a sentence.
constexpr size_t kMaxHeadingChars = 30;
// A 例規 article line "第1条 目的" carries a heading only when the text after
// the label is this short; "第1条　この方針は、…" carries the first paragraph.
constexpr size_t kMaxInlineHeadingChars = 20;
// A title line is at most this many characters.
constexpr size_t kMaxTitleLineChars = 60;
// Running headers are short lines.
constexpr size_t kMaxRunningHeaderChars = 60;

bool HasClauseMark(std::string_view s) {
  return s.find("、") != std::string_view::npos || s.find("，") != std::string_view::npos ||
         s.find(kFullStop) != std::string_view::npos;
}

// A short text without clause marks: the shape of a heading.
bool IsHeadingLike(std::string_view s, size_t max_chars) {
  return !s.empty() && CountCodePoints(s) <= max_chars && !HasClauseMark(s) &&
         s.find("．") == std::string_view::npos;
}

// What a 第 label counts: articles of the seed form (第１), articles (条),
// chapters (章) or sections of a chapter (節, only recognised in a 目次).
enum class DaiUnit { kNone, kArticle, kChapter, kSection };

// A label at the start of a line: 第１, 第２条の２, 第１章, 附則, 1, (1).
struct LabelMatch {
  DaiUnit unit = DaiUnit::kNone;
  int number = 0;
  int branch = 0;  // の2 → 2; 0 when none
  size_t end = 0;  // byte offset just past the label
};

// Whether the text after a label is separated from it: the end of the line,
// whitespace, or a bracket ("第1条（目的）", "附則（令和８年告示第１号）").
bool SeparatedAt(std::string_view line, size_t end) {
  if (end >= line.size()) return true;
  size_t length = 0;
  const char32_t next = DecodeAt(line, end, &length);
  return IsUnicodeWhitespace(next) || IsOpenBracket(next);
}

// 第 [ws] number [ws] [条|章|節] [の number], separated from what follows.
// "第156条の2第1項" and "第一に" are not labels: the label runs into the
// sentence.
std::optional<LabelMatch> MatchDaiLabel(std::string_view line) {
  if (!StartsWith(line, kDai)) return std::nullopt;
  size_t pos = kDai.size();
  SkipWhitespaceFrom(line, &pos);
  LabelMatch match;
  if (!ReadArticleNumber(line, &pos, &match.number)) return std::nullopt;
  size_t after_number = pos;
  size_t unit_pos = pos;
  SkipWhitespaceFrom(line, &unit_pos);  // "第 9 条": PDF spaces
  size_t length = 0;
  const char32_t unit = unit_pos < line.size() ? DecodeAt(line, unit_pos, &length) : 0;
  if (unit == U'条') {
    match.unit = DaiUnit::kArticle;
  } else if (unit == U'章') {
    match.unit = DaiUnit::kChapter;
  } else if (unit == U'節') {
    match.unit = DaiUnit::kSection;
  }
  pos = match.unit == DaiUnit::kNone ? after_number : unit_pos + length;
  if (match.unit == DaiUnit::kNone || match.unit == DaiUnit::kArticle) {
    if (line.substr(pos, kNo.size()) == kNo) {
      size_t branch_pos = pos + kNo.size();
      SkipWhitespaceFrom(line, &branch_pos);
      int branch = 0;
      if (ReadArticleNumber(line, &branch_pos, &branch)) {
        match.branch = branch;
        pos = branch_pos;
      }
    }
  }
  if (!SeparatedAt(line, pos)) return std::nullopt;
  match.end = pos;
  return match;
}

// 附 [ws] 則, alone or followed by whitespace or a bracket. Not
// "附則第２項の規定にかかわらず", which refers to one.
std::optional<LabelMatch> MatchSupplementary(std::string_view line) {
  if (!StartsWith(line, kFu)) return std::nullopt;
  size_t pos = kFu.size();
  const std::string_view rest = SkipWhitespaceFrom(line, &pos);
  if (!StartsWith(rest, kSoku)) return std::nullopt;
  pos += kSoku.size();
  if (!SeparatedAt(line, pos)) return std::nullopt;
  LabelMatch match;
  match.end = pos;
  return match;
}

// How a numbered section is marked; a document keeps one style, so that
// "(1)" items inside "1 目的" sections are not taken for sections.
enum class SectionStyle { kPlain, kDot, kBracket };

struct SectionMatch {
  SectionStyle style = SectionStyle::kPlain;
  int number = 0;
  size_t end = 0;
};

// "1 …", "１　…", "1. …", "1．…", "(1) …", "（１）…", or "1" alone.
std::optional<SectionMatch> MatchSectionLabel(std::string_view line) {
  size_t pos = 0;
  size_t length = 0;
  SectionMatch match;
  const char32_t first = FirstCodePoint(line, &length);
  const bool bracket = IsOpenBracket(first);
  if (bracket) pos = length;
  int digits = 0;
  while (pos < line.size()) {
    const int digit = ArabicDigitValue(DecodeAt(line, pos, &length));
    if (digit < 0) break;
    match.number = match.number * 10 + digit;
    ++digits;
    pos += length;
  }
  if (digits == 0 || digits > 3 || match.number == 0) return std::nullopt;
  if (bracket) {
    if (pos >= line.size() || !IsCloseBracket(DecodeAt(line, pos, &length))) return std::nullopt;
    match.style = SectionStyle::kBracket;
    match.end = pos + length;
    return match;
  }
  if (pos >= line.size()) {
    match.end = pos;
    return match;
  }
  const char32_t after = DecodeAt(line, pos, &length);
  if (IsUnicodeWhitespace(after)) {
    match.end = pos;
    return match;
  }
  if (after == U'．' || after == U'.') {
    size_t m = 0;
    const char32_t following = FirstCodePoint(line.substr(pos + length), &m);
    if (m != 0 && ArabicDigitValue(following) >= 0) return std::nullopt;  // "1.5倍"
    match.style = SectionStyle::kDot;
    match.end = pos + length;
    return match;
  }
  return std::nullopt;
}

bool IsContentsLine(std::string_view line) {
  return line == kContentsNumber || WithoutWhitespace(line) == kContentsNumber;
}

// ---------------------------------------------------------------------------
// Items and mid-sentence breaks.

bool IsItemKatakana(char32_t c) {
  static constexpr std::u32string_view kKatakana =
      U"アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホ"
      U"マミムメモヤユヨラリルレロワヲン";
  return kKatakana.find(c) != std::u32string_view::npos;
}

bool IsFullWidthLatin(char32_t c) {
  return (c >= U'ａ' && c <= U'ｚ') || (c >= U'Ａ' && c <= U'Ｚ');
}

// "・" starts an item at once; ● ○ ■ □ ◆ ◇ only when a space follows,
// because "○○町" and "◇◇村" stand for names.
bool IsBullet(char32_t c) { return c == U'・'; }
bool IsSpacedBullet(char32_t c) {
  switch (c) {
    case U'●': case U'○': case U'■': case U'□': case U'◆': case U'◇':
      return true;
    default:
      return false;
  }
}

// Circled and parenthesised numbers and letters that are item markers on
// their own: ① … ⑳, ⑴ … ⒇, ⒜ … ⒵, ㋐ … ㋾.
bool IsSelfContainedMarker(char32_t c) {
  return (c >= U'①' && c <= U'⑳') || (c >= 0x2474 && c <= 0x2487) ||
         (c >= 0x249C && c <= 0x24B5) || (c >= 0x32D0 && c <= 0x32FE);
}

// Byte length of the item marker that starts `line` (trimmed), 0 if none:
// （１） (1) （ア） (ａ) (a) （一） ① ⑴ ア␣ ａ␣ 一␣ ・ 1␣ 1． "2" alone.
size_t ItemMarkerLength(std::string_view line) {
  size_t length = 0;
  const char32_t first = FirstCodePoint(line, &length);
  if (length == 0) return 0;

  if (IsOpenBracket(first)) {
    size_t pos = length;
    int chars = 0;
    while (pos < line.size()) {
      size_t n = 0;
      const char32_t c = DecodeAt(line, pos, &n);
      if (ArabicDigitValue(c) < 0 && KanjiDigitValue(c) < 0 && KanjiUnitValue(c) == 0) break;
      ++chars;
      pos += n;
    }
    if (chars == 0 && pos < line.size()) {
      size_t inner = 0;
      const char32_t c = DecodeAt(line, pos, &inner);
      if (IsItemKatakana(c) || IsFullWidthLatin(c) || (c >= U'a' && c <= U'z')) {
        pos += inner, chars = 1;
      }
    }
    if (chars == 0 || chars > 3 || pos >= line.size()) return 0;
    size_t n = 0;
    if (!IsCloseBracket(DecodeAt(line, pos, &n))) return 0;
    return pos + n;
  }

  if (IsSelfContainedMarker(first) || IsBullet(first)) return length;

  const std::string_view rest = line.substr(length);
  size_t next_length = 0;
  const char32_t next = FirstCodePoint(rest, &next_length);
  if (IsSpacedBullet(first)) {
    return !rest.empty() && IsUnicodeWhitespace(next) ? length : 0;
  }
  if (IsItemKatakana(first) || IsFullWidthLatin(first)) {
    // "ア ネットワーク…", "イ　インターネット…", "ア）…"; not "アクセス…".
    if (rest.empty() || IsUnicodeWhitespace(next)) return length;
    if (IsCloseBracket(next)) return length + next_length;
    return 0;
  }

  if (KanjiDigitValue(first) > 0 || first == U'十') {
    // 例規 items (号): "一　情報資産 …", "十一　…"; not "一部の…".
    size_t pos = 0;
    while (pos < line.size()) {
      size_t n = 0;
      const char32_t c = DecodeAt(line, pos, &n);
      if (KanjiDigitValue(c) < 0 && KanjiUnitValue(c) == 0) break;
      pos += n;
    }
    if (pos < line.size() && WhitespaceLengthAt(line, pos) > 0) return pos;
    return 0;
  }

  if (ArabicDigitValue(first) >= 0) {
    size_t pos = 0;
    int digits = 0;
    while (pos < line.size()) {
      size_t n = 0;
      if (ArabicDigitValue(DecodeAt(line, pos, &n)) < 0) break;
      ++digits;
      pos += n;
    }
    if (digits > 3) return 0;
    if (pos >= line.size()) return pos;  // A number alone: a paragraph number
    size_t n = 0;
    const char32_t after = DecodeAt(line, pos, &n);
    if (IsUnicodeWhitespace(after)) return pos;
    if (after == U'．' || after == U'.') {
      // "1．概要" is an item; "1.5倍" is not.
      size_t m = 0;
      const char32_t following = FirstCodePoint(line.substr(pos + n), &m);
      if (m == 0 || ArabicDigitValue(following) < 0) return pos + n;
    }
    return 0;
  }
  return 0;
}

// "（１）ネットワーク": a marker and a short name, whose text follows on the
// next line and must not be run into it.
bool IsItemTitle(std::string_view line) {
  const size_t marker = ItemMarkerLength(line);
  if (marker == 0) return false;
  const std::string_view name = TrimWhitespace(line.substr(marker));
  if (name.size() > kMaxItemTitleChars * 4) return false;  // bounded work
  return CountCodePoints(name) <= kMaxItemTitleChars && !HasClauseMark(name);
}

bool IsClosingPunctuation(char32_t c) {
  switch (c) {
    case U'）': case U')': case U'」': case U'』': case U'】': case U'〕':
    case U']': case U'］': case U'”': case U'"':
      return true;
    default:
      return false;
  }
}

bool IsSentenceEnd(char32_t c) {
  switch (c) {
    case U'。': case U'．': case U'.': case U'：': case U':': case U'？':
    case U'！': case U'?': case U'!':
      return true;
    default:
      return false;
  }
}

// True if `line` (trimmed) ends a sentence: "…をいう。", "次のとおり：",
// "…を含む。）". Closing brackets alone do not: "（以下「基本方針」" runs on.
bool EndsSentence(std::string_view line) {
  while (!line.empty()) {
    size_t length = 0;
    const char32_t last = LastCodePoint(line, &length);
    if (IsSentenceEnd(last)) return true;
    if (!IsClosingPunctuation(last)) return false;
    line.remove_suffix(length);
  }
  return false;
}

// "令和７年４月１日", "2026年4月1日" alone on a line, as a declaration or a
// 附則 dates itself: the signature that follows is not part of it.
bool IsDateLine(std::string_view line) {
  if (line.size() > 40 || !EndsWith(line, "日")) return false;
  size_t length = 0;
  return StartsWith(line, "令和") || StartsWith(line, "平成") || StartsWith(line, "昭和") ||
         ArabicDigitValue(FirstCodePoint(line, &length)) >= 0;
}

// "第２項の規定により…", "第３条に定める…": a line that starts with a
// reference to a paragraph, article or item, not with a label.
bool StartsReference(std::string_view line) {
  if (!StartsWith(line, kDai) || MatchDaiLabel(line)) return false;
  size_t pos = kDai.size();
  SkipWhitespaceFrom(line, &pos);
  int number = 0;
  if (!ReadArticleNumber(line, &pos, &number)) return false;
  SkipWhitespaceFrom(line, &pos);
  return StartsWith(line.substr(pos), "項") || StartsWith(line.substr(pos), "条") ||
         StartsWith(line.substr(pos), "号");
}

// "第", "第１", "第 十 ": only the start of a reference, whose rest PDF
// extraction put on the next line ("第" / "１項の規定により").
bool IsReferenceStart(std::string_view text) {
  if (!StartsWith(text, kDai)) return false;
  size_t pos = kDai.size();
  SkipWhitespaceFrom(text, &pos);
  int number = 0;
  ReadArticleNumber(text, &pos, &number);  // none yet is a start too
  SkipWhitespaceFrom(text, &pos);
  return pos == text.size();
}

// The label a line starts with: 第N, 第N条, 第N章, 第N節 or 附則. A line that
// starts like a heading (第N …, 附則 …: a label and more) starts a body line
// of its own even when it is body text, so that a rendering puts it where it
// was. Decided by the start of the line alone, which a join never changes:
// a label alone on its line ("第２" / "項の規定により") does not count, as
// the join makes it "第２項の規定により".
std::optional<LabelMatch> MatchHeadingLabel(std::string_view line) {
  std::optional<LabelMatch> label = MatchDaiLabel(line);
  if (!label) label = MatchSupplementary(line);
  return label;
}

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
         (c >= 'a' && c <= 'z');
}

// Appends a continuation without a separator, except between two ASCII
// words, where the break replaced a space.
void AppendContinuation(std::string* previous, std::string_view piece) {
  if (!previous->empty() && !piece.empty() && IsAsciiAlnum(previous->back()) &&
      IsAsciiAlnum(piece.front())) {
    previous->push_back(' ');
  }
  previous->append(piece);
}

// The body of one provision, line by line, joining mid-sentence breaks. Each
// line's item-title and date status is decided when the line starts (a join
// only makes a line longer, which never makes it an item title), so adding a
// piece costs its own length: linear time for a run-on paragraph.
class BodyBuilder {
 public:
  void Add(std::string_view line, bool force_new_line) {
    const std::optional<LabelMatch> label = MatchHeadingLabel(line);
    const bool starts_like_heading = label.has_value() && label->end < line.size();
    const bool continues = !lines_.empty() && !force_new_line && !no_join_ &&
                           ItemMarkerLength(line) == 0 && !starts_like_heading &&
                           !EndsSentence(lines_.back());
    if (continues) {
      AppendContinuation(&lines_.back(), line);
      return;
    }
    lines_.emplace_back(line);
    // A heading-like line kept as body text ("第２章 組織" out of sequence,
    // "第2条の2" alone, "目次" after the first article) takes no
    // continuation either, so that it never grows into one that a rendering
    // would read otherwise ("2" / "目次" / "続く" must not come back as the
    // section "2" headed "目次続く").
    no_join_ = IsItemTitle(line) || IsDateLine(line) || label.has_value() ||
               IsContentsLine(line);
  }
  bool empty() const { return lines_.empty(); }
  size_t line_count() const { return lines_.size(); }
  std::string Join() const {
    std::string body;
    for (size_t i = 0; i < lines_.size(); ++i) {
      if (i > 0) body.push_back('\n');
      body.append(lines_[i]);
    }
    return body;
  }

 private:
  std::vector<std::string> lines_;
  bool no_join_ = false;
};

// ---------------------------------------------------------------------------
// The parser.

bool IsZeroWidth(char32_t c) {
  return c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF;
}

// Opening minus closing round brackets (full- and half-width) in `s`.
int BracketBalance(std::string_view s) {
  int balance = 0;
  for (std::string_view open : {"（", "("}) {
    for (size_t p = s.find(open); p != std::string_view::npos; p = s.find(open, p + 1)) ++balance;
  }
  for (std::string_view close : {"）", ")"}) {
    for (size_t p = s.find(close); p != std::string_view::npos; p = s.find(close, p + 1)) --balance;
  }
  return balance;
}

// A line of the source after cleaning: trimmed, zero-width characters gone.
struct SourceLine {
  int number = 0;                  // 1-based physical line
  std::string text;                // trimmed; empty for a blank line
  bool page_break_before = false;  // a form feed since the previous non-blank line
  bool dropped = false;            // page furniture
  // Why it was dropped: "page number", "running header or footer".
  std::string_view drop_reason;
  bool bare_page_number = false;   // dropped as a number alone on its line
};

// "- 2 -", "－２－", "— 3 —", "2/10", "2 / 10": page numbers in any form but
// a bare number (which may be a section or paragraph number).
bool IsDecoratedPageNumber(std::string_view line) {
  const std::string folded = WithoutWhitespace(FoldFullWidthAscii(line));
  size_t pos = 0;
  auto is_dash = [](char32_t c) {
    return c == U'-' || c == U'−' || c == U'—' || c == U'―' || c == U'‐' || c == U'ー' ||
           c == U'–';
  };
  auto digits = [&](size_t* p) {
    size_t count = 0;
    while (*p < folded.size() && folded[*p] >= '0' && folded[*p] <= '9') ++*p, ++count;
    return count;
  };
  size_t length = 0;
  const char32_t first = FirstCodePoint(folded, &length);
  if (is_dash(first)) {
    pos = length;
    if (digits(&pos) == 0 || pos >= folded.size()) return false;
    const char32_t last = DecodeAt(folded, pos, &length);
    return is_dash(last) && pos + length == folded.size();
  }
  if (digits(&pos) == 0 || pos >= folded.size() || folded[pos] != '/') return false;
  ++pos;
  return digits(&pos) > 0 && pos == folded.size();
}

// A number alone on a line (half- or full-width); its value in *value.
bool IsBareNumber(std::string_view line, int* value) {
  const std::string folded = FoldFullWidthAscii(line);
  if (folded.empty() || folded.size() > 4) return false;
  int v = 0;
  for (char c : folded) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *value = v;
  return true;
}

// The number written by a label, normalised: 第1, 第2条の2, 1.
std::string NumberOf(const LabelMatch& label) {
  std::string number = absl::StrCat(ToAbsl(kDai), label.number);
  if (label.unit == DaiUnit::kArticle) number.append("条");
  if (label.branch > 0) absl::StrAppend(&number, ToAbsl(kNo), label.branch);
  return number;
}

// Whether a line could start the structure (a heading of any form).
bool LooksStructural(std::string_view line) {
  if (MatchSupplementary(line) || IsContentsLine(line)) return true;
  if (std::optional<LabelMatch> label = MatchDaiLabel(line)) {
    return label->unit != DaiUnit::kNone ||
           !EndsWith(TrimWhitespace(line.substr(label->end)), kFullStop);
  }
  if (std::optional<SectionMatch> section = MatchSectionLabel(line)) {
    const std::string_view rest = TrimWhitespace(line.substr(section->end));
    return section->number == 1 && IsHeadingLike(rest, kMaxHeadingChars);
  }
  return false;
}

// The heading of a numbered section on the line after its number ("1" /
// "目的", as PDF extraction leaves it): a short line that is not an item, not
// in brackets and not the start of other structure.
bool IsHeadingOnNextLine(std::string_view next) {
  size_t bracket_length = 0;
  return IsHeadingLike(next, kMaxHeadingChars) && ItemMarkerLength(next) == 0 &&
         !IsOpenBracket(FirstCodePoint(next, &bracket_length)) && !LooksStructural(next);
}

enum class ArticleForm { kSeed, kReiki, kSection };

std::string_view FormName(ArticleForm form) {
  switch (form) {
    case ArticleForm::kSeed: return "第N";
    case ArticleForm::kReiki: return "第N条";
    case ArticleForm::kSection: return "numbered section";
  }
  return "";
}

// The start of an article found on a line.
struct ArticleStart {
  ArticleForm form = ArticleForm::kSeed;
  SectionStyle style = SectionStyle::kPlain;
  int number = 0;
  int branch = 0;
  std::string normalized;
  std::string label;       // as written
  std::string heading;
  std::string first_body;  // text after the heading on the article's line
  bool heading_on_next_line = false;  // "1" / "目的"
};

class Parser {
 public:
  absl::StatusOr<ParsedPolicy> Parse(std::string_view text);

 private:
  absl::Status ReadLines(std::string_view text);
  void DropPageFurniture();
  // Gives back the bare numbers that DropPageFurniture took for page numbers
  // but that are the next number of the numbered sections with a heading
  // after them ("\f" / "3" / "見直し"): the numbering sequence decides, as
  // it does for headings. `nonblank`: the indices of the non-blank lines.
  void KeepSectionNumbers(const std::vector<size_t>& nonblank);
  void Warn(size_t k, std::string message) {
    result_.warnings.push_back({LineOf(k), std::move(message)});
  }
  int LineOf(size_t k) const { return lines_[sig_[k]].number; }
  const std::string& Text(size_t k) const { return lines_[sig_[k]].text; }
  bool BlankBefore(size_t k) const { return blank_before_[k]; }

  // Title lines from sig line 0; returns the first sig line after them.
  size_t ReadTitle();
  // The 目次 starting at sig line k: the first sig line after it.
  size_t ContentsEnd(size_t k) const;
  // An article starting at sig line k, in `form` (any form when null),
  // given whether a bracketed heading stands on the line above.
  std::optional<ArticleStart> MatchArticle(size_t k, const ArticleForm* form,
                                           const SectionStyle* style, bool heading_above) const;
  bool IsBracketHeadingLine(std::string_view line) const;
  // A 附則 line at sig line k that starts a supplementary provision; not a
  // reference broken after its 附則 ("附則" / "第２項の規定により…"), however
  // the rest of the reference is broken ("附則" / "第" / "２項の…").
  std::optional<LabelMatch> SupplementaryAt(size_t k) const;
  // The text after sig line k as the lines read joined, as far as needed to
  // tell a reference: lines are joined while they are only its start
  // ("第" / "１" / "項の規定…" reads "第１項の規定…"). The same whether the
  // lines come from the source or from a rendering that joined them.
  std::string TextAfter(size_t k) const;
  // The first 附則 outside the 目次 from sig line `from`: its sig line, or
  // sig_.size().
  size_t FirstSupplementary(size_t from, size_t contents_begin, size_t contents_end) const;
  // The first article between sig lines `from` and `end` (the first 附則),
  // outside the 目次: its sig line, or npos.
  size_t FindFirstArticle(size_t from, size_t end, size_t contents_begin,
                          size_t contents_end) const;
  bool IsNextNumber(int number, int branch) const {
    if (number == last_number_ + 1 && branch == 0) return true;
    return number == last_number_ && branch == (last_branch_ == 0 ? 2 : last_branch_ + 1);
  }

  Article& StartProvision(size_t k, std::string number, std::string label);
  void AddBody(std::string_view line, bool force_new_line) {
    bodies_.back().Add(line, force_new_line);
  }
  // A chapter or section heading that no article followed is body text of
  // the provision before, with a warning.
  void FlushPendingChapter();
  void FinishProvisions();

  std::vector<SourceLine> lines_;
  std::vector<size_t> sig_;  // indices into lines_ of non-blank, kept lines
  std::vector<bool> blank_before_;
  ParsedPolicy result_;
  std::vector<BodyBuilder> bodies_;

  ArticleForm form_ = ArticleForm::kSeed;
  SectionStyle style_ = SectionStyle::kPlain;
  int last_number_ = 0;
  int last_branch_ = 0;
  int chapter_number_ = 0;
  std::string chapter_;
  std::optional<std::pair<size_t, std::string>> pending_chapter_;
  // The section (節) of the chapter: numbered from 1 in each chapter.
  int section_number_ = 0;
  std::string section_;
  std::optional<std::pair<size_t, std::string>> pending_section_;
  int supplementary_count_ = 0;
  int preamble_count_ = 0;
};

absl::Status Parser::ReadLines(std::string_view text) {
  int number = 1;
  bool page_break = false;
  std::string current;
  size_t line_start = 0;
  auto finish_segment = [&]() {
    SourceLine line;
    line.number = number;
    line.text = std::string(TrimWhitespace(current));
    if (!line.text.empty()) {
      line.page_break_before = page_break;
      page_break = false;
    }
    lines_.push_back(std::move(line));
    current.clear();
  };
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\n' || c == '\r') {
      finish_segment();
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++i;
      ++number;
      line_start = i;
      continue;
    }
    if (c == '\f') {
      finish_segment();
      page_break = true;
      ++i;
      continue;
    }
    size_t length = 0;
    const char32_t cp = DecodeAt(text, i, &length);
    const bool control = (cp < 0x20 && cp != '\t' && cp != '\v') || cp == 0x7F ||
                         (cp >= 0x80 && cp <= 0x9F);
    if (control) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "policy text: line %d, character %d: control character U+%04X (%s) is not "
          "text; remove it and import again",
          number, static_cast<int>(CountCodePoints(text.substr(line_start, i - line_start))) + 1,
          static_cast<unsigned>(cp), cp == 0 ? "NUL" : "control"));
    }
    if (!IsZeroWidth(cp)) current.append(text.substr(i, length));
    i += length;
  }
  if (!current.empty() || text.empty() || (text.back() != '\n' && text.back() != '\r')) {
    finish_segment();
  }
  return absl::OkStatus();
}

void Parser::DropPageFurniture() {
  std::vector<size_t> nonblank;
  bool any_break = false;
  for (size_t i = 0; i < lines_.size(); ++i) {
    if (lines_[i].text.empty()) continue;
    nonblank.push_back(i);
    any_break = any_break || lines_[i].page_break_before;
  }
  auto drop = [&](size_t i, std::string_view why) {
    lines_[i].dropped = true;
    lines_[i].drop_reason = why;
  };
  // Page numbers; they and form feeds divide the pages.
  int last_page = 0;
  std::vector<bool> page_starts(nonblank.size(), false);
  for (size_t n = 0; n < nonblank.size(); ++n) {
    SourceLine& line = lines_[nonblank[n]];
    if (line.page_break_before) page_starts[n] = true;
    int value = 0;
    const bool next_starts_page =
        n + 1 < nonblank.size() ? lines_[nonblank[n + 1]].page_break_before : any_break;
    if (IsDecoratedPageNumber(line.text)) {
      drop(nonblank[n], "page number");
      if (n + 1 < nonblank.size()) page_starts[n + 1] = true;
    } else if (IsBareNumber(line.text, &value) && n > 0 &&
               (next_starts_page ||
                (line.page_break_before && (last_page > 0 ? value == last_page + 1 : value >= 2)))) {
      drop(nonblank[n], "page number");
      line.bare_page_number = true;
      last_page = value;
      if (n + 1 < nonblank.size()) page_starts[n + 1] = true;
    }
  }
  // Running headers and footers: the same short line first or last on
  // several pages.
  std::vector<std::vector<size_t>> pages(1);
  for (size_t n = 0; n < nonblank.size(); ++n) {
    if (page_starts[n] && !pages.back().empty()) pages.emplace_back();
    if (!lines_[nonblank[n]].dropped) pages.back().push_back(nonblank[n]);
  }
  if (pages.size() >= 2) {
    std::map<std::string, std::vector<size_t>> edges;
    for (const std::vector<size_t>& page : pages) {
      if (page.empty()) continue;
      edges[lines_[page.front()].text].push_back(page.front());
      if (page.size() > 1) edges[lines_[page.back()].text].push_back(page.back());
    }
    for (const auto& [text, where] : edges) {
      const size_t chars = CountCodePoints(text);
      if (where.size() < 2 || chars < 3 || chars > kMaxRunningHeaderChars || EndsSentence(text)) {
        continue;
      }
      for (size_t i : where) {
        if (!nonblank.empty() && i == nonblank.front()) continue;  // the title
        drop(i, "running header or footer");
      }
    }
  }
  KeepSectionNumbers(nonblank);
  for (const SourceLine& line : lines_) {
    if (!line.dropped) continue;
    result_.dropped.push_back(
        {line.number, absl::StrCat(line.text, " (", ToAbsl(line.drop_reason), ")")});
  }
  bool blank = false;
  for (size_t i = 0; i < lines_.size(); ++i) {
    if (lines_[i].text.empty() || lines_[i].page_break_before) blank = true;
    if (lines_[i].text.empty() || lines_[i].dropped) continue;
    sig_.push_back(i);
    blank_before_.push_back(blank || sig_.size() == 1);
    blank = false;
  }
}

void Parser::KeepSectionNumbers(const std::vector<size_t>& nonblank) {
  // Articles of the 第N forms come before numbered sections (see
  // FindFirstArticle): such a document has no sections to keep. A label
  // alone ("第１" / "項の規定…") is the start of a reference, not an article.
  for (size_t i : nonblank) {
    std::optional<LabelMatch> label = MatchDaiLabel(lines_[i].text);
    if (label && label->end < lines_[i].text.size() && label->number == 1 && label->branch == 0 &&
        (label->unit == DaiUnit::kNone || label->unit == DaiUnit::kArticle)) {
      return;
    }
  }
  auto next_kept = [&](size_t n) -> const std::string* {
    for (++n; n < nonblank.size(); ++n) {
      if (!lines_[nonblank[n]].dropped) return &lines_[nonblank[n]].text;
    }
    return nullptr;
  };
  int last_section = 0;
  std::optional<SectionStyle> style;
  for (size_t n = 0; n < nonblank.size(); ++n) {
    SourceLine& line = lines_[nonblank[n]];
    if (line.dropped && !line.bare_page_number) continue;
    std::optional<SectionMatch> section = MatchSectionLabel(line.text);
    if (!section || section->number != last_section + 1 ||
        (style.has_value() && *style != section->style)) {
      continue;
    }
    const std::string_view rest = TrimWhitespace(std::string_view(line.text).substr(section->end));
    const std::string* next = rest.empty() ? next_kept(n) : nullptr;
    if (rest.empty() ? next == nullptr || !IsHeadingOnNextLine(*next)
                     : !IsHeadingLike(rest, kMaxHeadingChars)) {
      continue;
    }
    line.dropped = false;  // a section heading, not a page number
    last_section = section->number;
    style = section->style;
  }
}

std::optional<LabelMatch> Parser::SupplementaryAt(size_t k) const {
  std::optional<LabelMatch> match = MatchSupplementary(Text(k));
  if (match && match->end == Text(k).size() && StartsReference(TextAfter(k))) {
    return std::nullopt;
  }
  return match;
}

std::string Parser::TextAfter(size_t k) const {
  std::string text;
  for (size_t e = k + 1; e < sig_.size(); ++e) {
    AppendContinuation(&text, Text(e));
    if (!IsReferenceStart(text)) break;
  }
  return text;
}

bool Parser::IsBracketHeadingLine(std::string_view line) const {
  size_t length = 0;
  if (!IsOpenBracket(FirstCodePoint(line, &length))) return false;
  size_t last_length = 0;
  if (!IsCloseBracket(LastCodePoint(line, &last_length))) return false;
  if (ItemMarkerLength(line) == line.size()) return false;  // "（１）"
  const std::string_view inner =
      line.substr(length, line.size() >= length + last_length ? line.size() - length - last_length : 0);
  return IsHeadingLike(inner, kMaxHeadingChars) && inner.find("（") == std::string_view::npos &&
         inner.find("(") == std::string_view::npos;
}

std::optional<ArticleStart> Parser::MatchArticle(size_t k, const ArticleForm* form,
                                                 const SectionStyle* style,
                                                 bool heading_above) const {
  const std::string_view line = Text(k);
  ArticleStart start;
  if (std::optional<LabelMatch> label = MatchDaiLabel(line)) {
    if (label->unit == DaiUnit::kChapter || label->unit == DaiUnit::kSection) return std::nullopt;
    start.form = label->unit == DaiUnit::kArticle ? ArticleForm::kReiki : ArticleForm::kSeed;
    if (form != nullptr && *form != start.form) return std::nullopt;
    start.number = label->number;
    start.branch = label->branch;
    start.normalized = NumberOf(*label);
    start.label = std::string(TrimWhitespace(line.substr(0, label->end)));
    const std::string_view rest = TrimWhitespace(line.substr(label->end));
    if (heading_above) {
      start.first_body = std::string(rest);
    } else if (start.form == ArticleForm::kSeed) {
      // "第２ 項の規定により…。" is a sentence that happens to start like a heading.
      if (EndsWith(rest, kFullStop)) return std::nullopt;
      start.heading = std::string(rest);
    } else {
      size_t length = 0;
      if (IsOpenBracket(FirstCodePoint(rest, &length))) {
        const size_t close = std::min(rest.find("）"), rest.find(")"));
        if (close != std::string_view::npos) {
          const size_t close_length = rest[close] == ')' ? 1 : std::string_view("）").size();
          start.heading = std::string(rest.substr(0, close + close_length));
          start.first_body = std::string(TrimWhitespace(rest.substr(close + close_length)));
        } else {
          start.first_body = std::string(rest);
        }
      } else if (IsHeadingLike(rest, kMaxInlineHeadingChars)) {
        start.heading = std::string(rest);
      } else {
        start.first_body = std::string(rest);
      }
    }
    return start;
  }
  if (heading_above || (form != nullptr && *form != ArticleForm::kSection)) return std::nullopt;
  std::optional<SectionMatch> section = MatchSectionLabel(line);
  if (!section) return std::nullopt;
  if (style != nullptr && *style != section->style) return std::nullopt;
  start.form = ArticleForm::kSection;
  start.style = section->style;
  start.number = section->number;
  start.normalized = absl::StrCat(section->number);
  start.label = std::string(TrimWhitespace(line.substr(0, section->end)));
  const std::string_view rest = TrimWhitespace(line.substr(section->end));
  if (rest.empty()) {
    // "1" / "目的": the heading on the next line, as PDF extraction leaves it.
    if (k + 1 >= sig_.size()) return std::nullopt;
    const std::string_view next = Text(k + 1);
    if (!IsHeadingOnNextLine(next)) return std::nullopt;
    start.heading = std::string(next);
    start.heading_on_next_line = true;
    return start;
  }
  if (!IsHeadingLike(rest, kMaxHeadingChars)) return std::nullopt;
  start.heading = std::string(rest);
  return start;
}

size_t Parser::ReadTitle() {
  if (sig_.empty()) return 0;
  const std::string_view first = Text(0);
  // A line opening with a bracket is a heading or an item, never a title.
  size_t bracket_length = 0;
  if (LooksStructural(first) || IsOpenBracket(FirstCodePoint(first, &bracket_length))) {
    return 0;
  }
  if (EndsSentence(first) || CountCodePoints(first) > kMaxTitleLineChars) {
    Warn(0, "no title: the text starts with a sentence, kept as the preamble (前文)");
    return 0;
  }
  result_.policy.title = std::string(first);
  if (sig_.size() < 2 || BlankBefore(1)) return 1;
  const std::string_view second = Text(1);
  if (EndsSentence(second) || CountCodePoints(second) > kMaxTitleLineChars ||
      LooksStructural(second) || IsBracketHeadingLine(second) || ItemMarkerLength(second) > 0) {
    return 1;
  }
  std::string joined = result_.policy.title;
  AppendContinuation(&joined, second);
  // "第" / "十 見" must not come back from a rendering as an article heading.
  if (LooksStructural(joined)) return 1;
  result_.policy.title = std::move(joined);
  return 2;
}

size_t Parser::ContentsEnd(size_t k) const {
  std::set<std::string> keys;
  size_t e = k + 1;
  int open_brackets = 0;
  for (; e < sig_.size(); ++e) {
    const std::string_view line = Text(e);
    if (open_brackets > 0) {  // an entry broken inside its brackets
      open_brackets += BracketBalance(line);
      continue;
    }
    std::string key;
    if (std::optional<LabelMatch> label = MatchDaiLabel(line)) {
      key = absl::StrCat(static_cast<int>(label->unit), ":", label->number, ":", label->branch);
    } else if (MatchSupplementary(line)) {
      key = std::string(kSupplementaryNumber);
    } else if (StartsWith(line, kPreambleNumber)) {
      key = std::string(kPreambleNumber);
    } else {
      break;
    }
    if (!keys.insert(key).second) break;  // the real chapter 1 after its entry
    open_brackets = BracketBalance(line);
  }
  return e;
}

size_t Parser::FirstSupplementary(size_t from, size_t contents_begin, size_t contents_end) const {
  for (size_t k = from; k < sig_.size(); ++k) {
    if ((k < contents_begin || k >= contents_end) && SupplementaryAt(k)) return k;
  }
  return sig_.size();
}

size_t Parser::FindFirstArticle(size_t from, size_t end, size_t contents_begin,
                                size_t contents_end) const {
  auto in_contents = [&](size_t k) { return k >= contents_begin && k < contents_end; };
  auto above = [&](size_t k) { return k > from && IsBracketHeadingLine(Text(k - 1)); };
  size_t any_dai = std::string_view::npos;
  size_t any_section = std::string_view::npos;
  size_t first_section = std::string_view::npos;
  for (size_t k = from; k < end; ++k) {
    if (in_contents(k)) continue;
    std::optional<ArticleStart> start = MatchArticle(k, nullptr, nullptr, above(k));
    if (!start && above(k)) start = MatchArticle(k, nullptr, nullptr, false);
    if (!start) continue;
    if (start->form != ArticleForm::kSection) {
      if (start->number == 1 && start->branch == 0) return k;
      if (any_dai == std::string_view::npos) any_dai = k;
    } else {
      if (start->number == 1 && first_section == std::string_view::npos) first_section = k;
      if (any_section == std::string_view::npos) any_section = k;
    }
  }
  if (first_section != std::string_view::npos) return first_section;
  if (any_dai != std::string_view::npos) return any_dai;
  return any_section;
}

Article& Parser::StartProvision(size_t k, std::string number, std::string label) {
  result_.policy.articles.emplace_back();
  Article& article = result_.policy.articles.back();
  article.number = std::move(number);
  article.label = std::move(label);
  result_.article_lines.push_back(LineOf(k));
  bodies_.emplace_back();
  return article;
}

void Parser::FlushPendingChapter() {
  for (auto* pending : {&pending_chapter_, &pending_section_}) {
    if (!pending->has_value()) continue;
    Warn((*pending)->first,
         absl::StrCat(pending == &pending_chapter_ ? "chapter \"" : "section \"", (*pending)->second,
                      "\" is not followed by an article; kept as body text"));
    if (!bodies_.empty()) AddBody((*pending)->second, /*force_new_line=*/true);
    pending->reset();
  }
}

void Parser::FinishProvisions() {
  for (size_t i = 0; i < result_.policy.articles.size(); ++i) {
    Article& article = result_.policy.articles[i];
    article.body = bodies_[i].Join();
    if (article.body.empty() && article.number != kContentsNumber &&
        article.heading.find("削除") == std::string::npos &&
        article.number.rfind(kSupplementaryNumber, 0) != 0) {
      result_.warnings.push_back(
          {result_.article_lines[i], absl::StrCat(article.number, " has no text")});
    }
  }
  std::stable_sort(result_.warnings.begin(), result_.warnings.end(),
                   [](const PolicyTextNote& a, const PolicyTextNote& b) { return a.line < b.line; });
}

absl::StatusOr<ParsedPolicy> Parser::Parse(std::string_view text) {
  if (StartsWith(text, kByteOrderMark)) text.remove_prefix(kByteOrderMark.size());
  if (const size_t bad = FindInvalidUtf8(text); bad != std::string_view::npos) {
    const size_t line = 1 + std::count(text.begin(), text.begin() + bad, '\n');
    return absl::InvalidArgumentError(absl::StrCat(
        "policy text: line ", line, ": not valid UTF-8 at byte offset ", bad));
  }
  SECCOORD_RETURN_IF_ERROR(ReadLines(text));
  DropPageFurniture();
  if (sig_.empty()) {
    return absl::InvalidArgumentError(
        result_.dropped.empty() ? "policy text: empty"
                                : "policy text: empty apart from page numbers and headers");
  }

  const size_t after_title = ReadTitle();
  size_t contents_begin = sig_.size();
  size_t contents_end = sig_.size();
  for (size_t k = after_title; k < sig_.size(); ++k) {
    if (IsContentsLine(Text(k))) {
      contents_begin = k;
      contents_end = ContentsEnd(k);
      break;
    }
  }
  size_t first_supplementary = FirstSupplementary(after_title, contents_begin, contents_end);
  size_t first = FindFirstArticle(after_title, first_supplementary, contents_begin, contents_end);
  if (first != std::string_view::npos && contents_begin < sig_.size() && first < contents_begin) {
    contents_begin = contents_end = sig_.size();  // a 目次 after the first article is text
    first_supplementary = FirstSupplementary(after_title, contents_begin, contents_end);
    first = FindFirstArticle(after_title, first_supplementary, contents_begin, contents_end);
  }
  if (first == std::string_view::npos) first = first_supplementary;

  bool declaration = false;
  if (first == sig_.size()) {
    for (size_t k = after_title; k < sig_.size(); ++k) {
      if (ItemMarkerLength(Text(k)) > 0) declaration = true;
    }
    if (!declaration) {
      return absl::InvalidArgumentError(absl::StrCat(
          "policy text: no article heading found (expected lines such as \"第１ 目的\", "
          "\"（目的）\" / \"第１条 …\", \"1 目的\" or \"附則\")",
          after_title < sig_.size()
              ? absl::StrCat("; the text after the title, lines ", LineOf(after_title), "-",
                             LineOf(sig_.size() - 1), ", has neither headings nor items")
              : absl::StrCat("; there is only the title on line ", LineOf(0))));
    }
  }

  // The lines just above the first article: its bracketed heading, then its
  // chapter.
  size_t preamble_end = first;
  size_t heading_above_line = std::string_view::npos;
  if (!declaration && first < first_supplementary) {
    if (preamble_end > after_title && IsBracketHeadingLine(Text(preamble_end - 1)) &&
        MatchArticle(first, nullptr, nullptr, true).has_value()) {
      heading_above_line = --preamble_end;
    }
    // "第１章　総則" / "第１節　通則" / first article: the section, then
    // its chapter.
    if (preamble_end > after_title + 1 && preamble_end != contents_end &&
        preamble_end - 1 != contents_end) {
      std::optional<LabelMatch> section = MatchDaiLabel(Text(preamble_end - 1));
      std::optional<LabelMatch> chapter = MatchDaiLabel(Text(preamble_end - 2));
      if (section && section->unit == DaiUnit::kSection && chapter &&
          chapter->unit == DaiUnit::kChapter) {
        --preamble_end;
        pending_section_.emplace(preamble_end, Text(preamble_end));
        section_number_ = section->number;
      }
    }
    if (preamble_end > after_title && preamble_end != contents_end) {
      std::optional<LabelMatch> label = MatchDaiLabel(Text(preamble_end - 1));
      if (label && label->unit == DaiUnit::kChapter) {
        --preamble_end;
        pending_chapter_.emplace(preamble_end, Text(preamble_end));
        chapter_number_ = label->number;
      }
    }
  }

  // Preamble and 目次.
  for (size_t k = after_title; k < preamble_end; ++k) {
    if (k == contents_begin) {
      StartProvision(k, std::string(kContentsNumber), std::string(Text(k)));
      size_t end = std::min(contents_end, preamble_end);
      std::string entry;
      for (size_t e = k + 1; e < end; ++e) {
        if (!entry.empty() && BracketBalance(entry) > 0) {  // an entry broken in its brackets
          AppendContinuation(&entry, Text(e));
          continue;
        }
        if (!entry.empty()) AddBody(entry, true);
        entry = Text(e);
      }
      if (!entry.empty()) AddBody(entry, true);
      k = end - 1;
      continue;
    }
    if (result_.policy.articles.empty() ||
        result_.policy.articles.back().number == kContentsNumber) {
      ++preamble_count_;
      StartProvision(k, preamble_count_ == 1 ? std::string(kPreambleNumber)
                                              : absl::StrCat(ToAbsl(kPreambleNumber), preamble_count_),
                     "");
      AddBody(Text(k), true);
      continue;
    }
    AddBody(Text(k), false);
  }
  if (declaration) {
    FinishProvisions();
    return std::move(result_);
  }

  bool in_supplementary = false;
  bool first_article = true;
  size_t pending_heading = heading_above_line;
  for (size_t k = first; k < sig_.size(); ++k) {
    const std::string_view line = Text(k);
    if (std::optional<LabelMatch> supplementary = SupplementaryAt(k)) {
      FlushPendingChapter();
      ++supplementary_count_;
      Article& article = StartProvision(
          k,
          supplementary_count_ == 1 ? std::string(kSupplementaryNumber)
                                    : absl::StrCat(ToAbsl(kSupplementaryNumber), supplementary_count_),
          std::string(TrimWhitespace(line.substr(0, supplementary->end))));
      article.heading = std::string(TrimWhitespace(line.substr(supplementary->end)));
      in_supplementary = true;
      continue;
    }
    if (in_supplementary) {
      AddBody(line, false);
      continue;
    }
    const bool above = pending_heading != std::string_view::npos && pending_heading + 1 == k;
    std::optional<ArticleStart> start =
        MatchArticle(k, first_article ? nullptr : &form_,
                     first_article || form_ != ArticleForm::kSection ? nullptr : &style_, above);
    if (start && (first_article || IsNextNumber(start->number, start->branch))) {
      if (first_article) {
        form_ = start->form;
        style_ = start->style;
        if (start->number != 1 || start->branch != 0) {
          Warn(k, absl::StrCat("the first article is ", start->normalized,
                               ", not number 1"));
        }
        first_article = false;
      }
      last_number_ = start->number;
      last_branch_ = start->branch;
      if (pending_chapter_) {
        chapter_ = pending_chapter_->second;
        section_.clear();
        pending_chapter_.reset();
      }
      if (pending_section_) {
        section_ = pending_section_->second;
        pending_section_.reset();
      }
      Article& article = StartProvision(k, start->normalized, start->label);
      // The section is the chapter's second line (see Article::chapter).
      article.chapter = section_.empty() ? chapter_ : absl::StrCat(chapter_, "\n", section_);
      if (above) {
        article.heading = Text(pending_heading);
        article.heading_above = true;
        result_.article_lines.back() = LineOf(pending_heading);
      } else {
        article.heading = start->heading;
      }
      pending_heading = std::string_view::npos;
      if (!start->first_body.empty()) AddBody(start->first_body, true);
      if (start->heading_on_next_line) ++k;
      continue;
    }
    pending_heading = std::string_view::npos;
    // Chapters: 第N章 with the next number.
    if (std::optional<LabelMatch> label = MatchDaiLabel(line);
        label && label->unit == DaiUnit::kChapter &&
        !EndsWith(TrimWhitespace(line.substr(label->end)), kFullStop)) {
      if (label->number == chapter_number_ + 1 && label->branch == 0) {
        FlushPendingChapter();
        pending_chapter_.emplace(k, std::string(line));
        chapter_number_ = label->number;
        section_number_ = 0;
        continue;
      }
      Warn(k, absl::StrCat("\"", ToAbsl(line), "\" looks like a chapter heading but the next chapter is 第",
                           chapter_number_ + 1, "章; kept as body text"));
    }
    // Sections of a chapter: 第N節 with the next number within its chapter.
    if (std::optional<LabelMatch> label = MatchDaiLabel(line);
        label && label->unit == DaiUnit::kSection && chapter_number_ > 0 &&
        !EndsWith(TrimWhitespace(line.substr(label->end)), kFullStop)) {
      if (label->number == section_number_ + 1) {
        if (pending_section_) FlushPendingChapter();  // a section without articles
        pending_section_.emplace(k, std::string(line));
        section_number_ = label->number;
        continue;
      }
      Warn(k, absl::StrCat("\"", ToAbsl(line), "\" looks like a section heading but the next section is 第",
                           section_number_ + 1, "節; kept as body text"));
    }
    // A bracketed heading whose article follows.
    if (form_ != ArticleForm::kSection && k + 1 < sig_.size() && IsBracketHeadingLine(line)) {
      std::optional<ArticleStart> next = MatchArticle(k + 1, &form_, nullptr, true);
      if (next && IsNextNumber(next->number, next->branch)) {
        pending_heading = k;
        continue;
      }
    }
    if (start) {
      const std::string expected =
          form_ == ArticleForm::kSection
              ? absl::StrCat(last_number_ + 1)
              : absl::StrCat(ToAbsl(kDai), last_number_ + 1,
                             form_ == ArticleForm::kReiki ? "条" : "");
      Warn(k, absl::StrCat("\"", start->label, "\" looks like an article heading but the next "
                           "article is ", expected, "; kept as body text of ",
                           result_.policy.articles.back().number));
    } else if (form_ != ArticleForm::kSection) {
      std::optional<LabelMatch> label = MatchDaiLabel(line);
      const ArticleForm other = form_ == ArticleForm::kSeed ? ArticleForm::kReiki : ArticleForm::kSeed;
      if (label && label->unit != DaiUnit::kChapter && label->unit != DaiUnit::kSection) {
        std::optional<ArticleStart> mixed = MatchArticle(k, &other, nullptr, false);
        if (mixed && !mixed->heading.empty() && mixed->first_body.empty()) {
          Warn(k, absl::StrCat("\"", ToAbsl(line), "\" looks like a heading of the ", ToAbsl(FormName(other)),
                               " form, but the articles are of the ", ToAbsl(FormName(form_)),
                               " form; kept as body text"));
        }
      }
    }
    if (result_.policy.articles.empty()) {
      StartProvision(k, std::string(kPreambleNumber), "");
    }
    // A chapter heading followed by text rather than an article is text.
    FlushPendingChapter();
    AddBody(line, false);
  }
  FlushPendingChapter();
  FinishProvisions();
  return std::move(result_);
}

// ---------------------------------------------------------------------------
// Canonical layout.

void AppendField(std::string* out, std::string_view name, std::string_view value) {
  absl::StrAppend(out, ToAbsl(name), " ", value.size(), "\n", ToAbsl(value), "\n");
}

bool IsBracketed(std::string_view heading) {
  size_t length = 0;
  return IsOpenBracket(FirstCodePoint(heading, &length));
}

}  // namespace

absl::StatusOr<ParsedPolicy> ParsePolicyDocument(std::string_view text) {
  return Parser().Parse(text);
}

absl::StatusOr<ParsedPolicy> ParsePolicyFile(std::string_view bytes, std::string* encoding) {
  absl::StatusOr<DecodedCsv> decoded = DecodeCsv(bytes, CsvEncoding::kAuto);
  if (!decoded.ok()) {
    return absl::Status(decoded.status().code(),
                        absl::StrCat("policy text: ", decoded.status().message()));
  }
  if (encoding != nullptr) *encoding = std::string(CsvEncodingName(decoded->encoding));
  return ParsePolicyDocument(decoded->text);
}

absl::StatusOr<PolicyText> ParsePolicyText(std::string_view text) {
  absl::StatusOr<ParsedPolicy> parsed = ParsePolicyDocument(text);
  if (!parsed.ok()) return parsed.status();
  return std::move(parsed->policy);
}

absl::Status CheckPolicyLimits(const ParsedPolicy& parsed) {
  const PolicyText& policy = parsed.policy;
  auto over = [](std::string_view what, size_t size, size_t limit) {
    return absl::StrCat(ToAbsl(what), " is ", size, " bytes, ", size - limit,
                        " over the limit of ", limit);
  };
  if (policy.title.empty()) {
    return absl::InvalidArgumentError(
        "policy text: no title (the first line should name the policy, e.g. "
        "\"○○町情報セキュリティ基本方針\")");
  }
  if (policy.title.size() > kPolicyMaxTitleBytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("policy text: line 1: ", over("title", policy.title.size(), kPolicyMaxTitleBytes)));
  }
  if (policy.articles.size() > static_cast<size_t>(kPolicyMaxArticles)) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "policy text: ", policy.articles.size(), " articles, ",
        policy.articles.size() - kPolicyMaxArticles, " over the limit of ", kPolicyMaxArticles,
        " (the first one over starts at line ", parsed.article_lines[kPolicyMaxArticles], ")"));
  }
  for (size_t i = 0; i < policy.articles.size(); ++i) {
    const Article& a = policy.articles[i];
    const std::string at =
        absl::StrCat("policy text: line ", parsed.article_lines[i], ": ", a.number, ": ");
    if (a.label.size() > kPolicyMaxLabelBytes) {
      return absl::ResourceExhaustedError(at + over("label", a.label.size(), kPolicyMaxLabelBytes));
    }
    if (a.heading.size() > kPolicyMaxHeadingBytes) {
      return absl::ResourceExhaustedError(
          at + over("heading", a.heading.size(), kPolicyMaxHeadingBytes));
    }
    if (a.chapter.size() > kPolicyMaxHeadingBytes) {
      return absl::ResourceExhaustedError(
          at + over("chapter", a.chapter.size(), kPolicyMaxHeadingBytes));
    }
    if (a.body.size() > kPolicyMaxBodyBytes) {
      return absl::ResourceExhaustedError(at + over("body", a.body.size(), kPolicyMaxBodyBytes));
    }
  }
  return absl::OkStatus();
}

int CountItems(std::string_view body) {
  int items = 0;
  for (std::string_view line : SplitLines(body)) {
    if (ItemMarkerLength(TrimWhitespace(line)) > 0) ++items;
  }
  return items;
}

std::string RenderPolicyText(const PolicyText& policy) {
  std::string out;
  absl::StrAppend(&out, policy.title, "\n\n");
  std::string_view chapter;
  for (const Article& article : policy.articles) {
    for (std::string_view line : ChapterLinesAbove(chapter, article.chapter)) {
      absl::StrAppend(&out, ToAbsl(line), "\n\n");
    }
    chapter = article.chapter;
    if (StartsWith(article.number, kPreambleNumber)) {
      if (!article.body.empty()) absl::StrAppend(&out, article.body, "\n\n");
      continue;
    }
    const std::string& label = article.label.empty() ? article.number : article.label;
    if (article.heading_above && !article.heading.empty()) {
      absl::StrAppend(&out, article.heading, "\n", label, "\n");
    } else {
      out.append(label);
      if (!article.heading.empty()) {
        absl::StrAppend(&out, IsBracketed(article.heading) ? "" : " ", article.heading);
      }
      out.push_back('\n');
    }
    if (!article.body.empty()) absl::StrAppend(&out, article.body, "\n");
    out.push_back('\n');
  }
  return out;
}

std::vector<std::string_view> ChapterLinesAbove(std::string_view previous,
                                                std::string_view chapter) {
  auto split = [](std::string_view c) {
    const size_t newline = c.find('\n');
    return newline == std::string_view::npos
               ? std::make_pair(c, std::string_view())
               : std::make_pair(c.substr(0, newline), c.substr(newline + 1));
  };
  const auto [previous_chapter, previous_section] = split(previous);
  const auto [this_chapter, this_section] = split(chapter);
  std::vector<std::string_view> lines;
  const bool new_chapter = this_chapter != previous_chapter;
  if (new_chapter && !this_chapter.empty()) lines.push_back(this_chapter);
  if ((new_chapter || this_section != previous_section) && !this_section.empty()) {
    lines.push_back(this_section);
  }
  return lines;
}

std::string WithoutWhitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    if (size_t n = WhitespaceLengthAt(text, pos)) {
      pos += n;
      continue;
    }
    const size_t start = pos;
    char32_t code_point = 0;
    // Malformed bytes advance by one and are kept as they are.
    if (DecodeUtf8(text, &pos, &code_point) && IsZeroWidth(code_point)) continue;
    out.append(text.substr(start, pos - start));
  }
  return out;
}

absl::StatusOr<std::string> NormalizeArticleNumber(std::string_view label) {
  const std::string_view trimmed = TrimWhitespace(label);
  if (FindInvalidUtf8(trimmed) != std::string_view::npos) {
    return absl::InvalidArgumentError("article number: not valid UTF-8");
  }
  auto ordinal_of = [&](std::string_view prefix, std::string* out) {
    if (!StartsWith(trimmed, prefix)) return false;
    const std::string_view digits = trimmed.substr(prefix.size());
    if (digits.empty()) {
      *out = std::string(prefix);
      return true;
    }
    int value = 0;
    if (digits.size() > 4 || !absl::SimpleAtoi(ToAbsl(digits), &value) || value < 2 ||
        absl::StrCat(value) != digits) {
      return false;
    }
    *out = absl::StrCat(ToAbsl(prefix), value);
    return true;
  };
  std::string ordinal;
  if (ordinal_of(kPreambleNumber, &ordinal) || ordinal_of(kSupplementaryNumber, &ordinal)) {
    return ordinal;
  }
  if (IsContentsLine(trimmed)) return std::string(kContentsNumber);
  if (std::optional<LabelMatch> match = MatchSupplementary(trimmed);
      match && match->end == trimmed.size()) {
    return std::string(kSupplementaryNumber);
  }
  if (std::optional<LabelMatch> match = MatchDaiLabel(trimmed);
      match && match->end == trimmed.size() &&
      (match->unit == DaiUnit::kNone || match->unit == DaiUnit::kArticle)) {
    return NumberOf(*match);
  }
  if (std::optional<SectionMatch> match = MatchSectionLabel(trimmed);
      match && match->end == trimmed.size()) {
    return absl::StrCat(match->number);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "article number: \"", ToAbsl(trimmed),
      "\" is not an article number such as 第1, 第1条, 第2条の2, 1, 附則, 附則2, 前文 or 目次 "
      "(numbers from 1 to 9999)"));
}

std::string CanonicalBody(std::string_view body) {
  std::vector<std::string_view> lines = SplitLines(body);
  for (std::string_view& line : lines) line = TrimTrailingWhitespace(line);
  size_t begin = 0;
  size_t end = lines.size();
  while (begin < end && lines[begin].empty()) ++begin;
  while (end > begin && lines[end - 1].empty()) --end;
  std::string out;
  for (size_t i = begin; i < end; ++i) {
    if (i > begin) out.push_back('\n');
    out.append(lines[i]);
  }
  return out;
}

std::string CanonicalHeading(std::string_view heading) {
  return std::string(TrimWhitespace(heading));
}

std::string CanonicalContent(const PolicyText& policy) {
  // v1 unless chapters are present, so that every text without chapters
  // keeps the hash it was published with.
  const bool chapters = std::any_of(policy.articles.begin(), policy.articles.end(),
                                    [](const Article& a) { return !a.chapter.empty(); });
  std::string out = chapters ? "seccoord-policy-text-v2\n" : "seccoord-policy-text-v1\n";
  AppendField(&out, "title", CanonicalHeading(policy.title));
  AppendField(&out, "articles", absl::StrCat(policy.articles.size()));
  for (const Article& article : policy.articles) {
    AppendField(&out, "number", article.number);
    if (chapters) AppendField(&out, "chapter", CanonicalHeading(article.chapter));
    AppendField(&out, "heading", CanonicalHeading(article.heading));
    AppendField(&out, "body", CanonicalBody(article.body));
  }
  return out;
}

std::string ContentHashHex(const PolicyText& policy) {
  return Sha256Hex(CanonicalContent(policy));
}

bool IsSha256Hex(std::string_view text) {
  if (text.size() != 2 * SHA256_DIGEST_LENGTH) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string Sha256Hex(std::string_view data) {
  // The one-shot SHA256() cannot fail on an in-memory buffer (unlike the EVP
  // interface, which may allocate), so no error path is needed here.
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

std::string ChainHashHex(std::string_view previous_chain_hex,
                         std::string_view content_hash_hex,
                         int64_t revision_number,
                         std::string_view effective_date_iso) {
  std::string input = "seccoord-policy-chain-v1\n";
  AppendField(&input, "previous", previous_chain_hex);
  AppendField(&input, "content", content_hash_hex);
  AppendField(&input, "revision", absl::StrCat(revision_number));
  AppendField(&input, "effective", effective_date_iso);
  return Sha256Hex(input);
}

}  // namespace seccoord
