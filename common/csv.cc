#include "common/csv.h"

#include <iconv.h>

#include <cerrno>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/status.h"
#include "common/utf8.h"

namespace seccoord {
namespace {

std::string S(std::string_view text) { return std::string(text); }

absl::Status LineError(int line, std::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat("line ", line, ": ", S(reason)));
}

// ---------------------------------------------------------------------------
// Lines

// Calls fn(line_number, content) for each physical line of `bytes`; a line
// ends at LF, CRLF or a lone CR, and a final terminator opens no new line.
// In CP932 neither CR nor LF occurs inside a double-byte character (trail
// bytes are 0x40..0xFC), so the split is right for both encodings.
template <typename Fn>
void ForEachLine(std::string_view bytes, Fn fn) {
  int line = 1;
  size_t start = 0;
  size_t i = 0;
  while (i < bytes.size()) {
    const char c = bytes[i];
    if (c == '\n' || c == '\r') {
      fn(line, bytes.substr(start, i - start));
      ++line;
      i += (c == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') ? 2 : 1;
      start = i;
    } else {
      ++i;
    }
  }
  if (start < bytes.size()) fn(line, bytes.substr(start));
}

// The physical line (as ForEachLine counts) of byte `offset` of `text`.
int LineOfOffset(std::string_view text, size_t offset) {
  int line = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && !(i + 1 < text.size() && text[i + 1] == '\n'))) {
      ++line;
    }
  }
  return line;
}

bool IsAscii(std::string_view text) {
  for (unsigned char c : text) {
    if (c >= 0x80) return false;
  }
  return true;
}

// The first line that is not valid UTF-8, or 0.
int FirstInvalidUtf8Line(std::string_view bytes) {
  int bad = 0;
  ForEachLine(bytes, [&](int line, std::string_view content) {
    if (bad == 0 && !IsValidUtf8(content)) bad = line;
  });
  return bad;
}

// ---------------------------------------------------------------------------
// iconv

// One glibc iconv descriptor; one per call of the public functions.
class Iconv {
 public:
  Iconv(const char* to, const char* from) : cd_(iconv_open(to, from)) {}
  ~Iconv() {
    if (ok()) iconv_close(cd_);
  }
  Iconv(const Iconv&) = delete;
  Iconv& operator=(const Iconv&) = delete;

  bool ok() const { return cd_ != reinterpret_cast<iconv_t>(-1); }

  // Appends the converted form of `in` to *out. On input that does not
  // convert, returns false with *bad_offset at the first byte of it.
  // `expansion` bounds the output bytes per input byte.
  bool Convert(std::string_view in, size_t expansion, std::string* out, size_t* bad_offset) {
    iconv(cd_, nullptr, nullptr, nullptr, nullptr);  // reset shift state
    std::string buffer(in.size() * expansion + 4, '\0');
    // glibc's iconv takes char** but does not write through the input.
    char* in_ptr = const_cast<char*>(in.data());
    size_t in_left = in.size();
    char* out_ptr = buffer.data();
    size_t out_left = buffer.size();
    const size_t rc = iconv(cd_, &in_ptr, &in_left, &out_ptr, &out_left);
    if (rc == static_cast<size_t>(-1)) {
      *bad_offset = in.size() - in_left;
      return false;
    }
    out->append(buffer.data(), buffer.size() - out_left);
    return true;
  }

 private:
  iconv_t cd_;
};

// A CP932 byte becomes at most 3 bytes of UTF-8 (half-width katakana, and
// each double-byte character is at most 3 bytes too).
constexpr size_t kCp932ToUtf8Expansion = 3;
// A UTF-8 character of n bytes is at most 2 bytes of CP932.
constexpr size_t kUtf8ToCp932Expansion = 1;

absl::StatusOr<std::string> DecodeCp932(std::string_view bytes) {
  Iconv decoder("UTF-8", "CP932");
  if (!decoder.ok()) {
    return absl::InternalError("CP932 decoding is unavailable (iconv_open failed)");
  }
  std::string out;
  out.reserve(bytes.size() * 3 / 2);
  // Line by line (the same split as ForEachLine), so that an undecodable byte
  // is reported with its line; terminators are copied through unchanged.
  int line = 1;
  size_t i = 0;
  while (i < bytes.size()) {
    size_t end = bytes.find_first_of("\r\n", i);
    if (end == std::string_view::npos) end = bytes.size();
    const std::string_view content = bytes.substr(i, end - i);
    size_t bad = 0;
    if (!decoder.Convert(content, kCp932ToUtf8Expansion, &out, &bad)) {
      std::string shown;
      for (size_t k = bad; k < content.size() && k < bad + 2; ++k) {
        absl::StrAppend(&shown, k == bad ? "" : " ",
                        absl::StrFormat("0x%02X", static_cast<unsigned char>(content[k])));
      }
      return LineError(line, absl::StrCat("bytes ", shown, " at byte ", bad + 1,
                                          " are not valid Shift_JIS/CP932"));
    }
    size_t next = end;
    if (next < bytes.size()) {
      next += (bytes[next] == '\r' && next + 1 < bytes.size() && bytes[next + 1] == '\n') ? 2 : 1;
    }
    out.append(bytes.data() + end, next - end);
    i = next;
    ++line;
  }
  return out;
}

bool IsUtf16ByteOrderMark(std::string_view bytes) {
  return bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF";
}

// UTF-16 with its byte order mark (which iconv's "UTF-16" reads and drops)
// to UTF-8. A UTF-16 code unit becomes at most 3 bytes of UTF-8 per 2 bytes.
absl::StatusOr<std::string> DecodeUtf16(std::string_view bytes) {
  Iconv decoder("UTF-8", "UTF-16");
  if (!decoder.ok()) {
    return absl::InternalError("UTF-16 decoding is unavailable (iconv_open failed)");
  }
  std::string out;
  size_t bad = 0;
  if (bytes.size() % 2 != 0 || !decoder.Convert(bytes, 2, &out, &bad)) {
    if (bytes.size() % 2 != 0) bad = bytes.size() - 1;
    return absl::InvalidArgumentError(absl::StrCat(
        "byte ", bad + 1, " is not valid UTF-16 (the file starts with a UTF-16 byte order "
        "mark; a lone surrogate or an odd number of bytes)"));
  }
  return out;
}

// "\"〜\" (U+301C)"
std::string ShowCodePoint(std::string_view text, size_t pos) {
  size_t end = pos;
  char32_t cp = 0;
  DecodeUtf8(text, &end, &cp);
  return absl::StrCat("\"", S(text.substr(pos, end - pos)), "\" ",
                      absl::StrFormat("(U+%04X)", static_cast<unsigned>(cp)));
}

}  // namespace

std::string_view CsvEncodingName(CsvEncoding encoding) {
  switch (encoding) {
    case CsvEncoding::kAuto: return "auto";
    case CsvEncoding::kUtf8: return "UTF-8";
    case CsvEncoding::kCp932: return "CP932";
    case CsvEncoding::kUtf16: return "UTF-16";
  }
  return "";
}

absl::StatusOr<DecodedCsv> DecodeCsv(std::string_view bytes, CsvEncoding requested) {
  const bool bom = bytes.substr(0, kUtf8Bom.size()) == kUtf8Bom;
  switch (requested) {
    case CsvEncoding::kUtf8: {
      if (bom) bytes.remove_prefix(kUtf8Bom.size());
      if (const int bad = FirstInvalidUtf8Line(bytes)) {
        return LineError(bad, "is not valid UTF-8 (the file was read as UTF-8; a file "
                              "saved by Excel as 「CSV (コンマ区切り)」 is CP932)");
      }
      return DecodedCsv{std::string(bytes), CsvEncoding::kUtf8};
    }
    case CsvEncoding::kCp932: {
      if (bom) {
        return LineError(1, "the file starts with a UTF-8 byte order mark but CP932 was "
                            "requested; import it as UTF-8");
      }
      SECCOORD_ASSIGN_OR_RETURN(std::string text, DecodeCp932(bytes));
      return DecodedCsv{std::move(text), CsvEncoding::kCp932};
    }
    case CsvEncoding::kUtf16:
      return absl::InvalidArgumentError(
          "UTF-16 is detected from the byte order mark; request auto");
    case CsvEncoding::kAuto:
      break;
  }
  if (IsUtf16ByteOrderMark(bytes)) {
    SECCOORD_ASSIGN_OR_RETURN(std::string text, DecodeUtf16(bytes));
    return DecodedCsv{std::move(text), CsvEncoding::kUtf16};
  }
  if (bom) {
    bytes.remove_prefix(kUtf8Bom.size());
    if (const int bad = FirstInvalidUtf8Line(bytes)) {
      return LineError(bad, "is not valid UTF-8 although the file starts with a UTF-8 "
                            "byte order mark (mixed encodings)");
    }
    return DecodedCsv{std::string(bytes), CsvEncoding::kUtf8};
  }
  int first_utf8 = 0;
  int first_invalid = 0;
  ForEachLine(bytes, [&](int line, std::string_view content) {
    if (IsAscii(content)) return;
    if (IsValidUtf8(content)) {
      if (first_utf8 == 0) first_utf8 = line;
    } else if (first_invalid == 0) {
      first_invalid = line;
    }
  });
  if (first_invalid == 0) return DecodedCsv{std::string(bytes), CsvEncoding::kUtf8};
  if (first_utf8 != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "mixed encodings: line ", first_utf8, " is UTF-8, line ", first_invalid,
        " is not (save the whole file in one encoding)"));
  }
  SECCOORD_ASSIGN_OR_RETURN(std::string text, DecodeCp932(bytes));
  return DecodedCsv{std::move(text), CsvEncoding::kCp932};
}

std::string TrimCsvCell(std::string_view cell) {
  const std::string folded = FoldFullWidthAscii(cell);
  return std::string(absl::StripAsciiWhitespace(folded));
}

bool IsBlankCsvRecord(const CsvRecord& record) {
  if (record.field_count > static_cast<int>(record.fields.size())) return false;
  for (const std::string& f : record.fields) {
    if (!TrimCsvCell(f).empty()) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// CsvReader

CsvReader::CsvReader(std::string_view text, CsvReadOptions options)
    : text_(text), options_(options) {}

absl::StatusOr<bool> CsvReader::Next(CsvRecord* record) {
  if (pos_ >= text_.size()) return false;
  record->line = line_;
  record->fields.clear();
  record->field_count = 0;
  while (true) {
    std::string field;
    bool end_of_record = false;
    if (pos_ < text_.size() && text_[pos_] == '"') {
      SECCOORD_RETURN_IF_ERROR(ReadQuoted(record->field_count, &field, &end_of_record));
    } else {
      ReadUnquoted(&field, &end_of_record);
    }
    if (options_.max_stored_fields <= 0 || record->field_count < options_.max_stored_fields) {
      record->fields.push_back(std::move(field));
    }
    ++record->field_count;
    if (end_of_record) return true;
  }
}

void CsvReader::Append(std::string* field, char c) const {
  // Keep one byte past the limit so the caller sees the excess without
  // holding a huge cell.
  if (options_.max_field_bytes == 0 || field->size() <= options_.max_field_bytes) {
    field->push_back(c);
  }
}

// Consumes a line break at pos_ if there is one.
bool CsvReader::TakeLineBreak() {
  if (text_[pos_] == '\r') {
    pos_ += (pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ? 2 : 1;
  } else if (text_[pos_] == '\n') {
    ++pos_;
  } else {
    return false;
  }
  ++line_;
  return true;
}

void CsvReader::ReadUnquoted(std::string* field, bool* end_of_record) {
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c == ',') {
      ++pos_;
      return;
    }
    if (TakeLineBreak()) {
      *end_of_record = true;
      return;
    }
    Append(field, c);
    ++pos_;
  }
  *end_of_record = true;
}

absl::Status CsvReader::ReadQuoted(int index, std::string* field, bool* end_of_record) {
  const int start_line = line_;
  ++pos_;  // opening quote
  while (true) {
    if (pos_ >= text_.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", start_line, ColumnSuffix(index),
          ": unterminated quoted field (the quote opened on this line never closes)"));
    }
    const char c = text_[pos_];
    if (c == '"') {
      if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
        Append(field, '"');
        pos_ += 2;
        continue;
      }
      ++pos_;  // closing quote
      break;
    }
    // Line breaks inside quotes are data, kept byte for byte; they still
    // advance the physical line count.
    if (c == '\n' || (c == '\r' && !(pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n'))) {
      ++line_;
    }
    Append(field, c);
    ++pos_;
  }
  if (pos_ >= text_.size()) {
    *end_of_record = true;
    return absl::OkStatus();
  }
  if (text_[pos_] == ',') {
    ++pos_;
    return absl::OkStatus();
  }
  if (TakeLineBreak()) {
    *end_of_record = true;
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "line ", line_, ColumnSuffix(index),
      ": text after the closing quote of a quoted field (a quote inside a quoted field "
      "must be doubled: \"\")"));
}

std::string CsvReader::ColumnSuffix(int index) const {
  if (column_names_ != nullptr && index < static_cast<int>(column_names_->size())) {
    return absl::StrCat(", column ", (*column_names_)[index]);
  }
  return absl::StrCat(", field ", index + 1);
}

// ---------------------------------------------------------------------------
// Whole files and writing

absl::StatusOr<CsvText> ReadCsv(std::string_view bytes, CsvEncoding encoding,
                                CsvReadOptions options) {
  SECCOORD_ASSIGN_OR_RETURN(DecodedCsv decoded, DecodeCsv(bytes, encoding));
  CsvText out;
  out.encoding = decoded.encoding;
  CsvReader reader(decoded.text, options);
  std::vector<std::string> header;
  CsvRecord record;
  while (true) {
    SECCOORD_ASSIGN_OR_RETURN(bool more, reader.Next(&record));
    if (!more) break;
    if (IsBlankCsvRecord(record)) continue;
    if (out.records.empty()) {
      header = record.fields;
      reader.set_column_names(&header);
    }
    out.records.push_back(std::move(record));
    record = CsvRecord();
  }
  return out;
}

absl::StatusOr<CsvEncoding> ReadCsvLayout(
    std::string_view bytes, CsvEncoding encoding, const CsvLayout& layout, int max_rows,
    const std::function<void(const CsvHeader& header, const CsvRecord& record)>& on_row) {
  SECCOORD_ASSIGN_OR_RETURN(DecodedCsv decoded, DecodeCsv(bytes, encoding));
  if (TrimCsvCell(decoded.text).empty()) {
    return absl::InvalidArgumentError("empty file: a header row is required on line 1");
  }
  const std::vector<CsvColumn>& columns = *layout.columns;
  const int column_count = static_cast<int>(columns.size());
  CsvReader reader(decoded.text, layout.options);

  // Header.
  CsvRecord header_record;
  SECCOORD_ASSIGN_OR_RETURN(bool has_header, reader.Next(&header_record));
  if (!has_header) return absl::InvalidArgumentError("empty file: a header row is required");
  if (header_record.field_count > static_cast<int>(header_record.fields.size())) {
    return LineError(1, absl::StrCat("the header has ", header_record.field_count,
                                     " columns; the layout has ", column_count));
  }
  CsvHeader header;
  header.position_of.assign(column_count, -1);
  for (int i = 0; i < header_record.field_count; ++i) {
    const std::string& cell = header_record.fields[i];
    header.cells.push_back(cell);
    if (TrimCsvCell(cell).empty()) {
      return LineError(1, absl::StrCat("header cell ", i + 1, " is empty"));
    }
    const int col = layout.column_of_header(cell);
    if (col < 0) {
      std::vector<std::string> names;
      for (const CsvColumn& c : columns) names.push_back(S(c.english));
      return LineError(1, absl::StrCat("unknown column \"", cell, "\" in the header (columns: ",
                                       absl::StrJoin(names, ", "),
                                       ", or their Japanese names; see ", S(layout.doc), ")"));
    }
    if (header.position_of[col] >= 0) {
      return LineError(1, absl::StrCat("column \"", cell, "\" appears twice in the header (",
                                       header.position_of[col] + 1, " and ", i + 1, ")"));
    }
    header.position_of[col] = i;
    header.column_of.push_back(col);
  }
  for (int col = 0; col < column_count; ++col) {
    if (columns[col].required && header.position_of[col] < 0) {
      return LineError(1, absl::StrCat("required column \"", S(columns[col].english), "\" (",
                                       S(columns[col].japanese),
                                       ") is missing from the header"));
    }
  }
  reader.set_column_names(&header.cells);

  // Data rows.
  int data_rows = 0;
  CsvRecord record;
  while (true) {
    SECCOORD_ASSIGN_OR_RETURN(bool more, reader.Next(&record));
    if (!more) break;
    if (IsBlankCsvRecord(record)) continue;
    ++data_rows;
    if (max_rows > 0 && data_rows > max_rows) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "line ", record.line, ": too many rows: more than ", max_rows,
          " data rows (the limit is ", max_rows, " rows per file)"));
    }
    on_row(header, record);
  }
  return decoded.encoding;
}

void AppendCsvField(std::string_view value, std::string* out) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(value.data(), value.size());
    return;
  }
  out->push_back('"');
  for (char c : value) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

std::string CsvField(std::string_view value) {
  std::string out;
  AppendCsvField(value, &out);
  return out;
}

void AppendCsvRecord(const std::vector<std::string>& fields, std::string* out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendCsvField(fields[i], out);
  }
  out->append("\r\n");
}

absl::StatusOr<std::string> EncodeCp932(std::string_view utf8) {
  if (!IsValidUtf8(utf8)) {
    size_t pos = 0;
    char32_t cp = 0;
    while (pos < utf8.size()) {
      const size_t at = pos;
      if (!DecodeUtf8(utf8, &pos, &cp)) {
        return LineError(LineOfOffset(utf8, at), "is not valid UTF-8");
      }
    }
  }
  Iconv encoder("CP932", "UTF-8");
  Iconv decoder("UTF-8", "CP932");
  if (!encoder.ok() || !decoder.ok()) {
    return absl::InternalError("CP932 encoding is unavailable (iconv_open failed)");
  }
  std::string out;
  size_t bad = 0;
  if (!encoder.Convert(utf8, kUtf8ToCp932Expansion, &out, &bad)) {
    return LineError(LineOfOffset(utf8, bad),
                     absl::StrCat(ShowCodePoint(utf8, bad), " has no Shift_JIS/CP932 form "
                                  "(write the file as UTF-8 instead)"));
  }
  // glibc maps a few characters to the CP932 form of a look-alike (〜 to ～'s
  // 0x8160, ¥ to 0x5C); such text would not read back as written.
  std::string back;
  if (!decoder.Convert(out, kCp932ToUtf8Expansion, &back, &bad) || back != utf8) {
    size_t i = 0;
    size_t j = 0;
    while (i < utf8.size()) {
      size_t next_i = i;
      size_t next_j = j;
      char32_t a = 0;
      char32_t b = 0;
      DecodeUtf8(utf8, &next_i, &a);
      const bool has_b = j < back.size() && DecodeUtf8(back, &next_j, &b);
      if (!has_b || a != b) {
        std::string reason = absl::StrCat(ShowCodePoint(utf8, i),
                                          " has no Shift_JIS/CP932 form of its own");
        if (has_b) absl::StrAppend(&reason, " (it would read back as ", ShowCodePoint(back, j), ")");
        absl::StrAppend(&reason, "; write the file as UTF-8 instead");
        return LineError(LineOfOffset(utf8, i), reason);
      }
      i = next_i;
      j = next_j;
    }
    return absl::InternalError("CP932 encoding does not read back as written");
  }
  return out;
}

}  // namespace seccoord
