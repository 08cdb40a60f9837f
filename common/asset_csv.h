// The asset inventory's spreadsheet form: parsing and writing CSV files.
//
// Japanese offices keep the inventory in Excel, which saves CSV as
// Shift_JIS/CP932 (「CSV (コンマ区切り)」) or UTF-8 with a BOM (「CSV UTF-8」).
// ParseAssetCsv reads both (and plain UTF-8, and UTF-16 with its BOM as
// Notepad's 「Unicode」 writes), with English or Japanese
// headers and Japanese or English values; WriteAssetCsv writes the canonical
// form (English headers and values), which ParseAssetCsv reads back field for
// field. docs/asset-csv.md is the user-facing description of the same layout.
//
// This unit checks the file's syntax and each cell's value only. Whether a row
// may be stored (name length, existing connection targets, out-of-scope
// segments, disposal rules) is the asset logic's decision, which reports its
// refusals against ParsedRow::line.
//
// Columns (written in this order; read in any order). A header cell is the
// English name (any case) or the Japanese name; * = required column.
//    #  English                Japanese        value
//    1  id                     資産ID          text (empty: assigned on import)
//    2  organization           組織            text (empty: the importer's)
//    3  name *                 名称            text, not empty
//    4  category *             分類            category, not empty
//    5  segment *              領域            segment, not empty
//    6  confidentiality *      機密性          3A 3B 3C 2 1
//    7  integrity *            完全性          2 1
//    8  availability *         可用性          2 1
//    9  custodian              管理者          text
//   10  location               設置場所        text
//   11  mfa                    多要素認証      boolean
//   12  export_blocked         持ち出し不可    boolean
//   13  traffic_monitoring     通信監視        boolean
//   14  encryption             暗号化          boolean
//   15  backup                 バックアップ    boolean
//   16  external_service       外部サービス    external service use (empty: NONE)
//   17  external_service_name  外部サービス名  text
//   18  connections            接続先          connection list
//   19  lifecycle              状態            lifecycle (empty: ACTIVE)
//   20  disposal_date          廃棄日          date (empty: none)
//   21  erasure_method         消去方法        text
//   22  witness                立会者          text
//   23  notes                  備考            text
//   24  sample                 サンプル        boolean
//   25  etag                   版              text: the asset's etag when it was
//                                              exported (an import with update
//                                              refuses a row whose asset changed
//                                              since; ignored otherwise)
//
// Values (surrounding spaces, including 　, are ignored in every coded value;
// full-width letters and digits are read as half-width; English case-insensitive;
// '-' and ' ' inside a value read as '_', so "terms-based" is TERMS_BASED):
//   category         NETWORK ネットワーク | INFORMATION_SYSTEM 情報システム |
//                    EQUIPMENT 機器 (設備・機器) | STORAGE_MEDIA 記録媒体 (電磁的記録媒体) |
//                    INFORMATION 情報 | SYSTEM_DOCUMENT システム関連文書
//   segment          SENSITIVE 機微情報取扱系 | INTERNET インターネット接続系 | NONE なし |
//                    MY_NUMBER マイナンバー利用事務系 | LGWAN LGWAN接続系 (the last two
//                    are read so that the import refuses them by name, 第6)
//   levels           confidentiality 3A 3B 3C 2 1, integrity/availability 2 1; the
//                    full enum name (CONFIDENTIALITY_3A) and a 機密性/完全性/可用性
//                    prefix (機密性3A) are accepted too
//   external service NONE なし | CONTRACTED 外部委託 | TERMS_BASED 約款 (約款による外部サービス)
//   lifecycle        ACTIVE 使用中 | RETIRED 廃棄 (廃棄済)
//   boolean          true: true yes 1 ○ ◯ はい 有 あり; false: false no 0 × いいえ 無 なし,
//                    and empty
//   date             ISO 2026-04-01 or anything seccoord::ParseDate reads
//                    (2026/4/1, 令和8年4月1日, R8.4.1)
//   connection list  entries separated by ';', each ID[:approved][:note]
//                    ("A-000001;A-000002:approved"); the flag is "approved" (承認)
//                    or empty; the note runs to the end of the entry, and a
//                    backslash escapes the next character (\; \\) so a note may
//                    contain ';'. Example: A-000006::mail only;A-000011:approved:R7-3
//   Enum prefixes of the proto (ASSET_CATEGORY_, SEGMENT_, EXTERNAL_SERVICE_USE_,
//   LIFECYCLE_) are accepted as well.
// Text columns are kept exactly as written (no trimming). The disposal record
// is set when any of disposal_date, erasure_method, witness is non-empty.
//
// File: RFC 4180. A header row is required (line 1, after an optional UTF-8
// BOM). Records end with LF, CRLF or CR; the last may lack one. Fields may be
// quoted; a quoted field may hold commas, newlines and doubled quotes ("").
// A quote inside an unquoted field is an ordinary character (as in Excel).
// Records whose cells are all empty are skipped (Excel writes ",,,," for
// formatted empty rows).
//
// Errors:
//   - file-level (the whole parse fails; the message names the line, and the
//     column when there is one): undecodable bytes, mixed encodings, a quoted
//     field never closed (named by the line where it opened), text after a
//     closing quote, an empty file, a bad header (unknown, empty or duplicate
//     column, missing required column) → INVALID_ARGUMENT; more than max_rows
//     data rows → RESOURCE_EXHAUSTED naming the limit.
//   - row-level (collected, every bad row and every bad cell): wrong number of
//     fields, unknown enum, bad level, bad boolean, bad date, bad connection
//     list, empty required value, a cell over kMaxCsvFieldBytes. RowError.line
//     is the 1-based physical line where the record starts (header = 1), column
//     the header as written in the file ("" for the whole row).
//
// Thread-safety: stateless functions over immutable tables; safe from any
// thread. (iconv descriptors are opened per call.)
#ifndef SECCOORD_COMMON_ASSET_CSV_H_
#define SECCOORD_COMMON_ASSET_CSV_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/csv.h"
#include "seccoord/v1/asset.pb.h"

namespace seccoord::asset {

// Largest cell, in bytes of UTF-8, before it is a row error.
inline constexpr size_t kMaxCsvFieldBytes = 4096;
// Most connections one cell may list.
inline constexpr int kMaxCsvConnections = 100;

// The columns (common/csv.h) in the order WriteAssetCsv writes them.
const std::vector<CsvColumn>& AssetCsvColumns();

// One data row that parsed.
struct ParsedRow {
  int line;  // 1-based physical line where the record starts
  v1::Asset asset;
};

struct CsvParseResult {
  // Rows without errors, in file order.
  std::vector<ParsedRow> rows;
  // Every problem of every rejected row, in file order.
  std::vector<v1::RowError> errors;
  // The encoding that was read: CSV_ENCODING_UTF8, CSV_ENCODING_CP932 or
  // CSV_ENCODING_UTF16.
  v1::CsvEncoding encoding = v1::CSV_ENCODING_UNSPECIFIED;
};

// Parses a CSV inventory. `encoding`: UTF8, CP932, or AUTO/UNSPECIFIED (a
// UTF-16 BOM means UTF-16, a UTF-8 BOM or valid UTF-8 means UTF-8, anything
// else CP932; UTF16 as a request is refused; a file with both valid
// non-ASCII UTF-8 lines and invalid ones is refused as mixed). `max_rows`
// bounds the data rows (> 0; 0 or below means no bound). See above for the
// errors.
absl::StatusOr<CsvParseResult> ParseAssetCsv(std::string_view bytes, v1::CsvEncoding encoding,
                                             int max_rows);

// Writes `assets` as UTF-8 CSV (optionally with a BOM so Excel opens it as
// UTF-8): the English header, then one record per asset with every column;
// CRLF line ends; fields quoted when they hold a comma, a quote, CR or LF;
// dates ISO; enums by short name (UNSPECIFIED as empty, except external
// service NONE); booleans true/false; the etag as the asset's version
// (the guard of an import with update). Timestamps are not written.
std::string WriteAssetCsv(const std::vector<v1::Asset>& assets, bool bom);
// The two parts of WriteAssetCsv, for a file written in pages: the header
// line (after the BOM when `bom`), and the records of `assets` alone.
std::string WriteAssetCsvHeader(bool bom);
std::string WriteAssetCsvRecords(const std::vector<v1::Asset>& assets);

// Value parsers of the layout, shared with the CLI's flags. Each accepts the
// forms listed above and returns INVALID_ARGUMENT whose message is the reason
// only (the caller names the field), e.g. "unknown value \"foo\"; expected
// NETWORK, INFORMATION_SYSTEM, … or ネットワーク, 情報システム, …".
absl::StatusOr<v1::AssetCategory> ParseCategoryValue(std::string_view text);
absl::StatusOr<v1::Segment> ParseSegmentValue(std::string_view text);
absl::StatusOr<v1::Confidentiality> ParseConfidentialityValue(std::string_view text);
absl::StatusOr<v1::Integrity> ParseIntegrityValue(std::string_view text);
absl::StatusOr<v1::Availability> ParseAvailabilityValue(std::string_view text);
absl::StatusOr<v1::ExternalServiceUse> ParseExternalServiceValue(std::string_view text);
absl::StatusOr<v1::Lifecycle> ParseLifecycleValue(std::string_view text);
absl::StatusOr<bool> ParseBooleanValue(std::string_view text);

// Short names as written by WriteAssetCsv ("NETWORK", "3B", "TERMS_BASED");
// "" for UNSPECIFIED.
std::string_view CategoryName(v1::AssetCategory category);
std::string_view SegmentName(v1::Segment segment);
std::string_view ConfidentialityName(v1::Confidentiality confidentiality);
std::string_view IntegrityName(v1::Integrity integrity);
std::string_view AvailabilityName(v1::Availability availability);
std::string_view ExternalServiceName(v1::ExternalServiceUse use);
std::string_view LifecycleName(v1::Lifecycle lifecycle);

// Japanese labels ("ネットワーク", "約款", "使用中"); "" for UNSPECIFIED.
std::string_view CategoryLabel(v1::AssetCategory category);
std::string_view ExternalServiceLabel(v1::ExternalServiceUse use);
std::string_view LifecycleLabel(v1::Lifecycle lifecycle);

}  // namespace seccoord::asset

#endif  // SECCOORD_COMMON_ASSET_CSV_H_
