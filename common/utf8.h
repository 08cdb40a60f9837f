// UTF-8 checks and small text normalisations shared by servers and clients.
//
// Every string seccoord accepts over the API must be valid UTF-8 and bounded
// in size (DESIGN.md, "API conventions"); ValidateText is the one check the
// handlers use, with the error codes and messages the API promises.
// The decoding helpers (DecodeUtf8, AppendUtf8) and FoldFullWidthAscii serve
// the parsers of Japanese text: dates (common/wareki.h), display width
// (common/text_width.h) and the policy text importer.
//
// Thread-safety: stateless functions; safe from any thread.
#ifndef SECCOORD_COMMON_UTF8_H_
#define SECCOORD_COMMON_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace seccoord {

// The largest Unicode code point, and the replacement character U+FFFD used
// for bytes that do not decode.
inline constexpr char32_t kMaxCodePoint = 0x10FFFF;
inline constexpr char32_t kReplacementCharacter = 0xFFFD;

// True if `text` is well-formed UTF-8 (RFC 3629): no overlong encodings (such
// as C0 80 for NUL), no UTF-16 surrogates (U+D800..U+DFFF), nothing above
// U+10FFFF, no stray continuation bytes and no truncated sequence at the end.
// NUL and other control characters are valid UTF-8 and accepted.
bool IsValidUtf8(std::string_view text);

// Decodes the code point that starts at text[*pos] and advances *pos past it.
// Returns false if the bytes there are not well-formed UTF-8 (in the sense of
// IsValidUtf8); then *code_point is kReplacementCharacter and *pos advances
// by one byte, so a loop over a malformed string still makes progress.
// Requires *pos < text.size().
bool DecodeUtf8(std::string_view text, size_t* pos, char32_t* code_point);

// Appends the UTF-8 encoding of `code_point` to *out. Surrogates and values
// above kMaxCodePoint are written as kReplacementCharacter.
void AppendUtf8(char32_t code_point, std::string* out);

// Checks one text field of a request, in this order:
//   - empty and !allow_empty   -> INVALID_ARGUMENT   "<field>: must not be empty"
//   - value.size() > max_bytes -> RESOURCE_EXHAUSTED "<field>: exceeds <max_bytes> bytes"
//   - not valid UTF-8          -> INVALID_ARGUMENT   "<field>: is not valid UTF-8"
// The size is checked before decoding, so an oversized value is rejected
// without being scanned. Returns OK otherwise.
absl::Status ValidateText(std::string_view field, std::string_view value,
                          size_t max_bytes, bool allow_empty);

// Folds the full-width forms of ASCII (U+FF01..U+FF5E: ０-９, Ａ-Ｚ, ａ-ｚ,
// and punctuation such as ．／－（）) to their ASCII counterparts, and the
// ideographic space U+3000 to an ASCII space. Everything else, including
// malformed bytes, is copied unchanged. "令和８年３月27日" -> "令和8年3月27日".
std::string FoldFullWidthAscii(std::string_view text);

}  // namespace seccoord

#endif  // SECCOORD_COMMON_UTF8_H_
