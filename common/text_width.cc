#include "common/text_width.h"

#include <algorithm>
#include <cstddef>

#include "common/utf8.h"

namespace seccoord {
namespace {

struct Range {
  char32_t first;
  char32_t last;
};

// Zero-width code points: nonspacing and enclosing combining marks of the
// common scripts, zero-width spaces and joiners, direction marks, variation
// selectors, the byte order mark, and conjoining Hangul medial vowels and
// final consonants (which combine with a preceding leading consonant).
constexpr Range kZeroWidth[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF},
    {0x05C1, 0x05C2}, {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A},
    {0x064B, 0x065F}, {0x0670, 0x0670}, {0x06D6, 0x06DC}, {0x06DF, 0x06E4},
    {0x06E7, 0x06E8}, {0x06EA, 0x06ED}, {0x0900, 0x0902}, {0x093A, 0x093A},
    {0x093C, 0x093C}, {0x0941, 0x0948}, {0x094D, 0x094D}, {0x0951, 0x0957},
    {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x1160, 0x11FF},
    {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F}, {0x202A, 0x202E},
    {0x2060, 0x2064}, {0x20D0, 0x20FF}, {0x302A, 0x302D}, {0x3099, 0x309A},
    {0xD7B0, 0xD7FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF},
    {0x1F3FB, 0x1F3FF}, {0xE0000, 0xE007F}, {0xE0100, 0xE01EF},
};

// East Asian Wide (W) and Fullwidth (F) code points, condensed from Unicode's
// EastAsianWidth.txt; the emoji blocks are approximated as wide.
constexpr Range kWide[] = {
    {0x1100, 0x115F},   // Hangul Jamo leading consonants
    {0x231A, 0x231B},   {0x2329, 0x232A}, {0x23E9, 0x23EC}, {0x23F0, 0x23F0},
    {0x23F3, 0x23F3},   {0x25FD, 0x25FE}, {0x2614, 0x2615}, {0x2648, 0x2653},
    {0x267F, 0x267F},   {0x2693, 0x2693}, {0x26A1, 0x26A1}, {0x26AA, 0x26AB},
    {0x26BD, 0x26BE},   {0x26C4, 0x26C5}, {0x26CE, 0x26CE}, {0x26D4, 0x26D4},
    {0x26EA, 0x26EA},   {0x26F2, 0x26F3}, {0x26F5, 0x26F5}, {0x26FA, 0x26FA},
    {0x26FD, 0x26FD},   {0x2705, 0x2705}, {0x270A, 0x270B}, {0x2728, 0x2728},
    {0x274C, 0x274C},   {0x274E, 0x274E}, {0x2753, 0x2755}, {0x2757, 0x2757},
    {0x2795, 0x2797},   {0x27B0, 0x27B0}, {0x27BF, 0x27BF}, {0x2B1B, 0x2B1C},
    {0x2B50, 0x2B50},   {0x2B55, 0x2B55},
    {0x2E80, 0x303E},   // CJK radicals, Kangxi, CJK symbols and punctuation (、。「」)
    {0x3041, 0x33FF},   // hiragana, katakana, bopomofo, Hangul compatibility jamo,
                        // kanbun, enclosed CJK (㈱), CJK compatibility (㍻)
    {0x3400, 0x4DBF},   // CJK unified ideographs extension A
    {0x4E00, 0x9FFF},   // CJK unified ideographs
    {0xA000, 0xA4CF},   // Yi
    {0xA960, 0xA97F},   // Hangul Jamo extended A
    {0xAC00, 0xD7A3},   // Hangul syllables
    {0xF900, 0xFAFF},   // CJK compatibility ideographs
    {0xFE10, 0xFE19},   // vertical forms
    {0xFE30, 0xFE6F},   // CJK compatibility forms, small form variants
    {0xFF00, 0xFF60},   // full-width ASCII forms
    {0xFFE0, 0xFFE6},   // full-width signs (￥)
    {0x16FE0, 0x16FE4}, {0x17000, 0x18CFF}, {0x18D00, 0x18D08},
    {0x1AFF0, 0x1B2FF},  // kana supplement and extensions
    {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A},
    {0x1F200, 0x1F202}, {0x1F210, 0x1F23B}, {0x1F240, 0x1F248}, {0x1F250, 0x1F251},
    {0x1F260, 0x1F265}, {0x1F300, 0x1F64F}, {0x1F680, 0x1F6FF}, {0x1F7E0, 0x1F7EB},
    {0x1F90C, 0x1F9FF}, {0x1FA70, 0x1FAFF},
    {0x20000, 0x2FFFD},  // CJK extensions B..F, compatibility supplement
    {0x30000, 0x3FFFD},  // CJK extensions G..
};

template <size_t N>
constexpr bool SortedAndDisjoint(const Range (&ranges)[N]) {
  for (size_t i = 0; i < N; ++i) {
    if (ranges[i].first > ranges[i].last) return false;
    if (i > 0 && ranges[i - 1].last >= ranges[i].first) return false;
  }
  return true;
}
static_assert(SortedAndDisjoint(kZeroWidth), "kZeroWidth must be sorted");
static_assert(SortedAndDisjoint(kWide), "kWide must be sorted");

template <size_t N>
bool InRanges(const Range (&ranges)[N], char32_t code_point) {
  // The tables are sorted and disjoint: binary search for the last range
  // starting at or before the code point.
  const Range* end = ranges + N;
  const Range* it = std::upper_bound(
      ranges, end, code_point,
      [](char32_t value, const Range& range) { return value < range.first; });
  if (it == ranges) return false;
  --it;
  return code_point <= it->last;
}

// A cell's text with line breaks and tabs replaced by spaces.
std::string CellText(std::string_view cell) {
  std::string text(cell);
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return text;
}

}  // namespace

int CodePointWidth(char32_t code_point) {
  if (code_point >= 0x20 && code_point < 0x7F) return 1;      // printable ASCII
  if (code_point < 0x20 || (code_point >= 0x7F && code_point < 0xA0)) return 0;  // C0, DEL, C1
  if (InRanges(kZeroWidth, code_point)) return 0;
  if (InRanges(kWide, code_point)) return 2;
  return 1;
}

int DisplayWidth(std::string_view utf8) {
  int width = 0;
  size_t pos = 0;
  while (pos < utf8.size()) {
    char32_t code_point;
    if (!DecodeUtf8(utf8, &pos, &code_point)) {
      width += 1;  // shown as one replacement character
      continue;
    }
    width += CodePointWidth(code_point);
  }
  return width;
}

std::string PadToWidth(std::string_view utf8, int width) {
  std::string padded(utf8);
  const int current = DisplayWidth(utf8);
  if (current < width) padded.append(static_cast<size_t>(width - current), ' ');
  return padded;
}

std::string RenderTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::vector<std::string>> lines;
  lines.reserve(rows.size() + 1);
  if (!header.empty()) {
    lines.emplace_back();
    for (const std::string& cell : header) lines.back().push_back(CellText(cell));
  }
  for (const std::vector<std::string>& row : rows) {
    lines.emplace_back();
    for (const std::string& cell : row) lines.back().push_back(CellText(cell));
  }

  std::vector<int> column_widths;
  for (const std::vector<std::string>& line : lines) {
    if (line.size() > column_widths.size()) column_widths.resize(line.size(), 0);
    for (size_t i = 0; i < line.size(); ++i) {
      column_widths[i] = std::max(column_widths[i], DisplayWidth(line[i]));
    }
  }

  std::string out;
  for (const std::vector<std::string>& line : lines) {
    std::string text;
    for (size_t i = 0; i < column_widths.size(); ++i) {
      if (i > 0) text.append("  ");
      const std::string_view cell = i < line.size() ? std::string_view(line[i]) : "";
      text.append(PadToWidth(cell, column_widths[i]));
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out.append(text);
    out.push_back('\n');
  }
  return out;
}

}  // namespace seccoord
