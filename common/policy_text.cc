#include "common/policy_text.h"

#include <openssl/sha.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

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

// A label at the start of `line`: its normalised number and where it ends.
struct LabelMatch {
  std::string number;
  size_t end = 0;          // Byte offset just past the label.
  bool supplementary = false;  // 附則 rather than 第N.
};

constexpr std::string_view kDai = "第";
constexpr std::string_view kFu = "附";
constexpr std::string_view kSoku = "則";
constexpr std::string_view kSupplementaryNumber = "附則";

std::optional<LabelMatch> MatchLabelPrefix(std::string_view line) {
  size_t pos = 0;
  if (line.substr(0, kDai.size()) == kDai) {
    pos = kDai.size();
    SkipWhitespaceFrom(line, &pos);
    int value = 0;
    if (!ReadArticleNumber(line, &pos, &value)) return std::nullopt;
    LabelMatch match;
    match.number = absl::StrCat(ToAbsl(kDai), value);
    match.end = pos;
    return match;
  }
  if (line.substr(0, kFu.size()) == kFu) {
    pos = kFu.size();
    const std::string_view rest = SkipWhitespaceFrom(line, &pos);
    if (rest.substr(0, kSoku.size()) != kSoku) return std::nullopt;
    LabelMatch match;
    match.number = std::string(kSupplementaryNumber);
    match.end = pos + kSoku.size();
    match.supplementary = true;
    return match;
  }
  return std::nullopt;
}

// A heading line: 第１ 目的, 附 則.
struct HeadingLine {
  std::string number;
  std::string label;
  std::string heading;
};

constexpr std::string_view kFullStop = "。";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// `line` is trimmed and non-empty.
std::optional<HeadingLine> MatchHeadingLine(std::string_view line) {
  std::optional<LabelMatch> label = MatchLabelPrefix(line);
  if (!label) return std::nullopt;
  const std::string_view rest = line.substr(label->end);
  if (!rest.empty()) {
    size_t length = 0;
    const char32_t next = FirstCodePoint(rest, &length);
    // "第156条", "第一に": the number runs into the sentence. 附則 may be
    // followed directly by a bracketed note: "附則（令和８年告示第１号）".
    const bool separated =
        IsUnicodeWhitespace(next) ||
        (label->supplementary && (next == U'（' || next == U'('));
    if (!separated) return std::nullopt;
  }
  HeadingLine heading;
  heading.heading = std::string(TrimWhitespace(rest));
  // "第２ 項の規定により…。" is a sentence that happens to start like a heading.
  if (EndsWith(heading.heading, kFullStop)) return std::nullopt;
  heading.number = std::move(label->number);
  heading.label = std::string(TrimWhitespace(line.substr(0, label->end)));
  return heading;
}

// ---------------------------------------------------------------------------
// Items and mid-sentence breaks.

bool IsItemKatakana(char32_t c) {
  static constexpr std::u32string_view kKatakana =
      U"アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホ"
      U"マミムメモヤユヨラリルレロワヲン";
  return kKatakana.find(c) != std::u32string_view::npos;
}

bool IsOpenBracket(char32_t c) { return c == U'（' || c == U'('; }
bool IsCloseBracket(char32_t c) { return c == U'）' || c == U')'; }

// Byte length of the item marker that starts `line` (trimmed), 0 if none:
// （１） （1） (1) （ア） ① ア␣ 1␣ 1．
size_t ItemMarkerLength(std::string_view line) {
  size_t length = 0;
  const char32_t first = FirstCodePoint(line, &length);
  if (length == 0) return 0;

  if (IsOpenBracket(first)) {
    size_t pos = length;
    size_t inner = 0;
    int digits = 0;
    while (pos < line.size()) {
      size_t n = 0;
      const char32_t c = DecodeAt(line, pos, &n);
      if (ArabicDigitValue(c) < 0) break;
      ++digits;
      pos += n;
    }
    if (digits == 0 && pos < line.size()) {
      const char32_t c = DecodeAt(line, pos, &inner);
      if (IsItemKatakana(c)) pos += inner, digits = 1;
    }
    if (digits == 0 || digits > 3 || pos >= line.size()) return 0;
    size_t n = 0;
    if (!IsCloseBracket(DecodeAt(line, pos, &n))) return 0;
    return pos + n;
  }

  if (first >= U'①' && first <= U'⑳') return length;

  const std::string_view rest = line.substr(length);
  size_t next_length = 0;
  const char32_t next = FirstCodePoint(rest, &next_length);
  if (IsItemKatakana(first)) {
    // "ア ネットワーク…", "イ　インターネット…", "ア）…"; not "アクセス…".
    if (rest.empty() || IsUnicodeWhitespace(next)) return length;
    if (IsCloseBracket(next)) return length + next_length;
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
    if (digits > 3 || pos >= line.size()) return 0;
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
  return CountCodePoints(name) <= kMaxItemTitleChars &&
         name.find("、") == std::string_view::npos &&
         name.find("，") == std::string_view::npos &&
         name.find(kFullStop) == std::string_view::npos;
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

// Whether `line` continues `previous` (both trimmed, non-empty): the rules of
// ParsePolicyText in the header.
bool ContinuesPreviousLine(std::string_view previous, std::string_view line) {
  if (ItemMarkerLength(line) > 0) return false;
  if (EndsSentence(previous)) return false;
  if (IsItemTitle(previous)) return false;
  return true;
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

// ---------------------------------------------------------------------------
// Canonical layout.

void AppendField(std::string* out, std::string_view name, std::string_view value) {
  absl::StrAppend(out, ToAbsl(name), " ", value.size(), "\n", ToAbsl(value), "\n");
}

}  // namespace

absl::StatusOr<PolicyText> ParsePolicyText(std::string_view text) {
  if (text.substr(0, kByteOrderMark.size()) == kByteOrderMark) {
    text.remove_prefix(kByteOrderMark.size());
  }
  if (TrimWhitespace(text).empty()) {
    return absl::InvalidArgumentError("policy text: empty");
  }
  if (const size_t bad = FindInvalidUtf8(text); bad != std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "policy text: not valid UTF-8 at byte offset ", bad));
  }

  PolicyText policy;
  std::vector<std::string> body_lines;
  std::map<std::string, size_t> heading_line_of_number;

  auto finish_article = [&]() {
    if (policy.articles.empty()) return;
    std::string body;
    for (size_t i = 0; i < body_lines.size(); ++i) {
      if (i > 0) body.push_back('\n');
      body.append(body_lines[i]);
    }
    policy.articles.back().body = std::move(body);
    body_lines.clear();
  };

  size_t line_number = 0;
  for (std::string_view raw : SplitLines(text)) {
    ++line_number;
    const std::string_view line = TrimWhitespace(raw);
    if (line.empty()) continue;

    if (std::optional<HeadingLine> heading = MatchHeadingLine(line)) {
      auto [it, inserted] =
          heading_line_of_number.emplace(heading->number, line_number);
      if (!inserted) {
        return absl::InvalidArgumentError(absl::StrCat(
            "policy text: duplicate article number ", heading->number,
            " at line ", line_number, " (first at line ", it->second, ")"));
      }
      finish_article();
      Article article;
      article.number = std::move(heading->number);
      article.heading = std::move(heading->heading);
      article.label = std::move(heading->label);
      policy.articles.push_back(std::move(article));
      continue;
    }

    if (policy.articles.empty()) {
      AppendContinuation(&policy.title, line);
    } else if (!body_lines.empty() &&
               ContinuesPreviousLine(body_lines.back(), line)) {
      AppendContinuation(&body_lines.back(), line);
    } else {
      body_lines.emplace_back(line);
    }
  }
  finish_article();

  if (policy.articles.empty()) {
    return absl::InvalidArgumentError(
        "policy text: no article heading found (expected lines such as "
        "\"第１ 目的\" or \"附則\")");
  }
  return policy;
}

std::string RenderPolicyText(const PolicyText& policy) {
  std::string out;
  absl::StrAppend(&out, policy.title, "\n\n");
  for (const Article& article : policy.articles) {
    out.append(article.label.empty() ? article.number : article.label);
    if (!article.heading.empty()) absl::StrAppend(&out, " ", article.heading);
    out.push_back('\n');
    if (!article.body.empty()) absl::StrAppend(&out, article.body, "\n");
    out.push_back('\n');
  }
  return out;
}

std::string WithoutWhitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    if (size_t n = WhitespaceLengthAt(text, pos)) {
      pos += n;
    } else {
      out.push_back(text[pos++]);
    }
  }
  return out;
}

absl::StatusOr<std::string> NormalizeArticleNumber(std::string_view label) {
  const std::string_view trimmed = TrimWhitespace(label);
  if (FindInvalidUtf8(trimmed) != std::string_view::npos) {
    return absl::InvalidArgumentError("article number: not valid UTF-8");
  }
  std::optional<LabelMatch> match = MatchLabelPrefix(trimmed);
  if (!match || match->end != trimmed.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "article number: \"", ToAbsl(trimmed),
        "\" is not 第 followed by a number from 1 to 9999, nor 附則"));
  }
  return std::move(match->number);
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
  std::string out = "seccoord-policy-text-v1\n";
  AppendField(&out, "title", CanonicalHeading(policy.title));
  AppendField(&out, "articles", absl::StrCat(policy.articles.size()));
  for (const Article& article : policy.articles) {
    AppendField(&out, "number", article.number);
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
