// CSV files as Japanese offices exchange them with Excel: decoding, RFC 4180
// records, layouts (a header row naming the columns), and writing. The one CSV
// reader and writer of seccoord; the asset inventory
// (common/asset_csv.h) and the assessment answer sheet
// (common/answer_sheet.h) are layouts on top of it.
//
// Excel saves CSV as Shift_JIS/CP932 (「CSV (コンマ区切り)」) or as UTF-8 with a
// byte order mark (「CSV UTF-8」); other tools write plain UTF-8.
//   - DecodeCsv turns the bytes into UTF-8 text, detecting the encoding on
//     request (a UTF-16 byte order mark means UTF-16, as Notepad's 「Unicode」
//     writes; a UTF-8 BOM or valid UTF-8 means UTF-8, anything else CP932; a
//     file with valid non-ASCII UTF-8 lines and invalid ones is refused as
//     mixed). CP932 and UTF-16 go through glibc's iconv.
//   - CsvReader splits decoded text into records (RFC 4180), one at a time,
//     so that a caller can stop at a row limit without reading the rest.
//   - ReadCsv does both for a whole file.
//   - ReadCsvLayout reads a file of a layout: the header row on line 1 names
//     the layout's columns (CsvColumn) in any order; the data rows follow.
//   - CsvField / AppendCsvField / AppendCsvRecord write fields and records;
//     EncodeCp932 converts the written text for Excel's Shift_JIS CSV.
//
// Syntax read: records end with LF, CRLF or a lone CR; the last may lack one.
// A field may be quoted; a quoted field may hold commas, line breaks (kept
// byte for byte) and doubled quotes (""). A quote inside an unquoted field is
// an ordinary character (as in Excel). Line numbers are physical lines,
// 1-based, counted the same way in every encoding (in CP932 neither CR nor LF
// occurs inside a double-byte character).
//
// Errors are INVALID_ARGUMENT whose message starts with the line ("line 3: …",
// "line 3, column name: …"), except "mixed encodings: line 2 is UTF-8, line 4
// is not …", which names both lines, and ReadCsvLayout's "empty file: …" and
// its RESOURCE_EXHAUSTED for too many rows.
//
// Thread-safety: the functions are stateless and safe from any thread (iconv
// descriptors are opened per call). A CsvReader is not thread-safe; use one
// per thread.
#ifndef SECCOORD_COMMON_CSV_H_
#define SECCOORD_COMMON_CSV_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace seccoord {

// The UTF-8 byte order mark Excel writes before 「CSV UTF-8」 files.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// The encoding of a CSV file's bytes.
enum class CsvEncoding {
  kAuto,   // detect (only as a request; never the result of decoding)
  kUtf8,   // UTF-8, with or without BOM
  kCp932,  // Shift_JIS as Windows/Excel writes it
  kUtf16,  // UTF-16 LE or BE with its byte order mark (only detected by kAuto)
};

// "auto", "UTF-8", "CP932", "UTF-16" (for messages).
std::string_view CsvEncodingName(CsvEncoding encoding);

// A file's text after decoding.
struct DecodedCsv {
  std::string text;      // UTF-8, without the BOM
  CsvEncoding encoding;  // what was read: kUtf8, kCp932 or kUtf16
};

// Decodes the bytes of a CSV file. INVALID_ARGUMENT naming the line for
//   - kUtf8: a line that is not valid UTF-8 (a BOM is dropped);
//   - kCp932: bytes that are not CP932 ("line 2: bytes 0x81 0x20 at byte 4
//     are not valid Shift_JIS/CP932"), or a file that starts with a UTF-8 BOM;
//   - kAuto: a BOM followed by invalid UTF-8, a UTF-16 BOM followed by bytes
//     that are not UTF-16 ("byte 7 is not valid UTF-16 …"), mixed encodings,
//     or what the CP932 decoding refuses.
// A file is read as UTF-16 only when kAuto sees its BOM (FF FE or FE FF);
// kUtf16 as a request is refused.
// INTERNAL when iconv has no CP932 converter.
absl::StatusOr<DecodedCsv> DecodeCsv(std::string_view bytes, CsvEncoding encoding);

// One record (row) of a file.
struct CsvRecord {
  int line = 0;                     // 1-based physical line where the record starts
  std::vector<std::string> fields;  // at most CsvReadOptions::max_stored_fields
  int field_count = 0;              // every field of the record, stored or not
};

// True if every field of `record` is empty or whitespace (ASCII or U+3000),
// as in the ",,,," Excel writes for formatted empty rows. A record with more
// fields than were stored is never blank.
bool IsBlankCsvRecord(const CsvRecord& record);

// A cell as the layouts compare it: full-width ASCII folded to
// ASCII (common/utf8.h), surrounding whitespace (ASCII and U+3000) dropped.
std::string TrimCsvCell(std::string_view cell);

// Bounds that keep a hostile file from costing memory in proportion to its
// worst line. 0 = no bound.
struct CsvReadOptions {
  // A field keeps at most max_field_bytes + 1 bytes: enough for the caller to
  // see that it is over the limit without holding all of it.
  size_t max_field_bytes = 0;
  // Fields stored per record; further fields are only counted (field_count).
  int max_stored_fields = 0;
};

// Reads the records of decoded text one at a time.
//
//   CsvReader reader(decoded.text, options);
//   CsvRecord record;
//   while (true) {
//     SECCOORD_ASSIGN_OR_RETURN(bool more, reader.Next(&record));
//     if (!more) break;
//     …
//   }
class CsvReader {
 public:
  // `text` must outlive the reader.
  explicit CsvReader(std::string_view text, CsvReadOptions options = {});

  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Names the columns in error messages ("line 3, column name: …") once the
  // header is known; until then, and for fields beyond the names, errors say
  // "field N". `names` must outlive the reader; nullptr forgets them.
  void set_column_names(const std::vector<std::string>* names) { column_names_ = names; }

  // Reads the next record into *record; false at the end of the text.
  // INVALID_ARGUMENT for a quoted field that never closes (named by the line
  // where it opened) or text after a closing quote.
  absl::StatusOr<bool> Next(CsvRecord* record);

 private:
  void Append(std::string* field, char c) const;
  bool TakeLineBreak();
  void ReadUnquoted(std::string* field, bool* end_of_record);
  absl::Status ReadQuoted(int index, std::string* field, bool* end_of_record);
  std::string ColumnSuffix(int index) const;

  std::string_view text_;
  CsvReadOptions options_;
  size_t pos_ = 0;
  int line_ = 1;
  const std::vector<std::string>* column_names_ = nullptr;
};

// A whole file, decoded and split.
struct CsvText {
  std::vector<CsvRecord> records;  // in file order, blank records left out
  CsvEncoding encoding;            // what was read: kUtf8 or kCp932
};

// DecodeCsv, then every record through a CsvReader. The first record is taken
// as the header: its fields name the columns in later errors. Blank records
// (IsBlankCsvRecord) are skipped, so an empty file has no records (not an
// error; whether a header is required is the layout's decision).
absl::StatusOr<CsvText> ReadCsv(std::string_view bytes, CsvEncoding encoding,
                                CsvReadOptions options = {});

// ---------------------------------------------------------------------------
// Layouts

// One column of a layout.
struct CsvColumn {
  std::string_view english;   // "evidence_title"
  std::string_view japanese;  // "証跡"
  bool required;              // must be in the header
};

// A layout: its columns and how a header cell names one.
struct CsvLayout {
  const std::vector<CsvColumn>* columns;
  // The column (index into *columns) a header cell names, or -1.
  int (*column_of_header)(std::string_view cell);
  // The user-facing description of the layout, named when a header cell is
  // unknown: "docs/asset-csv.md".
  std::string_view doc;
  // Bounds of the reader; max_field_bytes is the layout's largest cell.
  CsvReadOptions options;
};

// The header row of a layout's file.
struct CsvHeader {
  std::vector<std::string> cells;  // as written (they name the columns in errors)
  std::vector<int> column_of;      // the layout column of each cell
  std::vector<int> position_of;    // the cell of each layout column, or -1
};

// Decodes `bytes` (DecodeCsv), reads and checks the header on line 1, then
// calls on_row(header, record) for each data record in file order, blank
// records (IsBlankCsvRecord) left out. Returns what was read: kUtf8 or kCp932.
// What DecodeCsv and CsvReader refuse, and (INVALID_ARGUMENT):
//   empty file: a header row is required on line 1
//   line 1: the header has 300 columns; the layout has 24
//   line 1: header cell 2 is empty
//   line 1: unknown column "colour" in the header (columns: id, name, …, or
//           their Japanese names; see docs/asset-csv.md)
//   line 1: column "result" appears twice in the header (2 and 4)
//   line 1: required column "result" (結果) is missing from the header
// RESOURCE_EXHAUSTED when max_rows > 0 and a data row is beyond it:
//   line 502: too many rows: more than 500 data rows (the limit is 500 rows
//   per file)
absl::StatusOr<CsvEncoding> ReadCsvLayout(
    std::string_view bytes, CsvEncoding encoding, const CsvLayout& layout, int max_rows,
    const std::function<void(const CsvHeader& header, const CsvRecord& record)>& on_row);

// ---------------------------------------------------------------------------
// Writing

// `value` as one CSV field: unchanged, or quoted (with quotes doubled) when it
// holds a comma, a quote, CR or LF.
std::string CsvField(std::string_view value);
void AppendCsvField(std::string_view value, std::string* out);

// Appends the fields joined by ',' and a CRLF (Excel's line end).
void AppendCsvRecord(const std::vector<std::string>& fields, std::string* out);

// Converts UTF-8 text to CP932 for Excel's Shift_JIS CSV. INVALID_ARGUMENT
// naming the line and the first character that has no CP932 form, or whose
// CP932 form reads back as another character (WAVE DASH 〜 U+301C becomes
// FULLWIDTH TILDE ～, ¥ becomes \): what is written must read back as written.
// Also INVALID_ARGUMENT for text that is not valid UTF-8.
absl::StatusOr<std::string> EncodeCp932(std::string_view utf8);

}  // namespace seccoord

#endif  // SECCOORD_COMMON_CSV_H_
