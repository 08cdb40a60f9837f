#include "common/utf8.h"

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace seccoord {
namespace {

// This Abseil is built with its own absl::string_view (not std::string_view);
// StrCat takes only the former.
absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }

bool IsContinuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// Decodes one well-formed sequence at text[pos]; returns its length in bytes,
// or 0 if the bytes there are malformed. Follows the table of well-formed
// byte sequences in the Unicode Standard (section 3.9, table 3-7), which
// excludes overlongs, surrogates and code points above U+10FFFF.
size_t DecodeOne(std::string_view text, size_t pos, char32_t* code_point) {
  const size_t remaining = text.size() - pos;
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80) {
    *code_point = b0;
    return 1;
  }
  size_t length;
  unsigned char second_min = 0x80;
  unsigned char second_max = 0xBF;
  char32_t value;
  if (b0 >= 0xC2 && b0 <= 0xDF) {  // C0 and C1 would be overlong
    length = 2;
    value = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    value = b0 & 0x0F;
    if (b0 == 0xE0) second_min = 0xA0;  // overlong below U+0800
    if (b0 == 0xED) second_max = 0x9F;  // surrogates U+D800..U+DFFF
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    value = b0 & 0x07;
    if (b0 == 0xF0) second_min = 0x90;  // overlong below U+10000
    if (b0 == 0xF4) second_max = 0x8F;  // above U+10FFFF
  } else {
    return 0;  // stray continuation byte, C0/C1, or F5..FF
  }
  if (remaining < length) return 0;
  const unsigned char b1 = byte(1);
  if (b1 < second_min || b1 > second_max) return 0;
  value = (value << 6) | (b1 & 0x3F);
  for (size_t i = 2; i < length; ++i) {
    if (!IsContinuation(byte(i))) return 0;
    value = (value << 6) | (byte(i) & 0x3F);
  }
  *code_point = value;
  return length;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  size_t pos = 0;
  char32_t ignored;
  while (pos < text.size()) {
    // ASCII fast path: most API text is ASCII identifiers.
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const size_t length = DecodeOne(text, pos, &ignored);
    if (length == 0) return false;
    pos += length;
  }
  return true;
}

bool DecodeUtf8(std::string_view text, size_t* pos, char32_t* code_point) {
  const size_t length = DecodeOne(text, *pos, code_point);
  if (length == 0) {
    *code_point = kReplacementCharacter;
    *pos += 1;
    return false;
  }
  *pos += length;
  return true;
}

void AppendUtf8(char32_t code_point, std::string* out) {
  if (code_point > kMaxCodePoint || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    code_point = kReplacementCharacter;
  }
  if (code_point < 0x80) {
    out->push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

absl::Status ValidateText(std::string_view field, std::string_view value,
                          size_t max_bytes, bool allow_empty) {
  if (value.empty() && !allow_empty) return InvalidField(field, "must not be empty");
  if (value.size() > max_bytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat(AbslView(field), ": exceeds ", max_bytes, " bytes"));
  }
  if (!IsValidUtf8(value)) return InvalidField(field, "is not valid UTF-8");
  return absl::OkStatus();
}

std::string FoldFullWidthAscii(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t start = pos;
    char32_t code_point;
    if (!DecodeUtf8(text, &pos, &code_point)) {
      out.push_back(text[start]);  // keep malformed bytes as they were
      continue;
    }
    if (code_point >= 0xFF01 && code_point <= 0xFF5E) {
      out.push_back(static_cast<char>(code_point - 0xFF01 + 0x21));
    } else if (code_point == 0x3000) {
      out.push_back(' ');
    } else {
      out.append(text.substr(start, pos - start));
    }
  }
  return out;
}

}  // namespace seccoord
