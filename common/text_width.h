// Display width of text on a terminal, for aligning Japanese text in columns.
//
// A terminal shows CJK ideographs, kana, Hangul and full-width forms in two
// columns and ASCII in one, so byte or code-point counts misalign tables that
// mix 機密性 with "3A". DisplayWidth follows Unicode's East Asian Width
// property (UAX #11): Wide and Fullwidth characters take 2 columns, combining
// marks and other zero-width characters 0, everything else 1. Ambiguous-width
// characters (○, ※, ①, Greek, Cyrillic) count as 1, as most terminals show
// them outside CJK legacy locales. Emoji ranges are approximated as wide.
//
// Thread-safety: stateless functions; safe from any thread.
#ifndef SECCOORD_COMMON_TEXT_WIDTH_H_
#define SECCOORD_COMMON_TEXT_WIDTH_H_

#include <string>
#include <string_view>
#include <vector>

namespace seccoord {

// Columns taken by one code point: 0 (combining marks, zero-width spaces and
// joiners, variation selectors, control characters), 2 (wide and full-width),
// or 1.
int CodePointWidth(char32_t code_point);

// Columns taken by `utf8`. Malformed bytes count as one column each (a
// terminal shows each as a replacement character).
int DisplayWidth(std::string_view utf8);

// `utf8` followed by spaces up to `width` columns. Text already as wide or
// wider is returned unchanged (never truncated).
std::string PadToWidth(std::string_view utf8, int width);

// Renders rows as aligned columns, one line per row ending in '\n', cells
// separated by two spaces and padded by display width; the header (if not
// empty) is the first line. Rows may have fewer or more cells than the header:
// missing cells are empty. Trailing spaces are trimmed from each line, and a
// line break or tab inside a cell is shown as a space so it cannot break the
// layout. Example:
//   ID        名称                  機密性
//   asset-1   住民基本台帳システム  3B
//   asset-22  ホームページ          1
std::string RenderTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows);

}  // namespace seccoord

#endif  // SECCOORD_COMMON_TEXT_WIDTH_H_
