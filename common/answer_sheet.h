// The answer sheet of a self-inspection (自己点検票): the CSV file the union
// office fills in Excel. The CLI writes it (`seccoord assessment sheet ID -f
// FILE.csv`) with WriteAnswerSheet and reads it back (`seccoord assessment
// fill ID FILE.csv`) with ParseAnswerSheet, which gives the same answers.
// docs/answer-sheet.md is the user-facing description of the same layout.
//
// This unit checks the file's syntax and each cell's value against the
// checklist the sheet was written for. Whether the answers may be stored
// (the assessment's state, remediation plans at submission, notes on items
// with CRITICAL findings, confirming items that are not carried over) is the
// server's decision, which the CLI reports against SheetRow::line.
//
// Columns (written in this order; read in any order). A header cell is the
// English name (any case), the Japanese name, or both as written:
// "結果 (result)". * = required column on read.
//    #  English            Japanese        value
//    1  item_id *          項目ID          checklist item id (written ="1-1", see below)
//    2  chapter            章              informational, ignored on read
//    3  question           点検項目        informational, ignored on read
//    4  required           必須            informational (○ = required), ignored on read
//    5  carried_over       前回から引継ぎ  informational (○ = carried over), ignored on read
//    6  result *           結果            result (assessment_vocab.h), empty = not answered
//    7  note               備考            text
//    8  evidence_title     証跡            text, one entry per line
//    9  evidence_location  証跡の保管場所  text, one entry per line
//   10  evidence_sha256    証跡SHA-256     64 hex digits or empty, one entry per line
//   11  action             改善措置        text
//   12  owner              担当            text
//   13  due                期限            date (empty: none)
//   14  confirm            確認            boolean
//
// Values:
//   item id   as in the checklist; surrounding spaces and full-width digits are
//             ignored, and the forms Excel makes of it are read back: ="3-2"
//             (how WriteAnswerSheet writes it, so that Excel shows 3-2 instead
//             of turning it into a date) and 3月2日 (what Excel saves when it
//             did turn it into one) when the checklist has 3-2.
//   result    IMPLEMENTED 実施 | PARTIAL 一部実施 | NOT_IMPLEMENTED 未実施 |
//             NOT_APPLICABLE 該当なし (any case, ITEM_RESULT_ prefix, full-width);
//             written as the Japanese label.
//   evidence  The three evidence cells hold one entry per line (a line break
//             inside the quoted cell; Excel: Alt+Enter), matched by position:
//             line 2 of 証跡 goes with line 2 of 証跡の保管場所 and 証跡SHA-256.
//             Empty trailing lines are ignored; a position whose three parts
//             are empty is no entry. SHA-256 is lowercased. Line breaks inside
//             a title or location cannot be represented and are written as
//             spaces.
//   remediation  set when any of action, owner, due is non-empty.
//   date      ISO 2026-04-01 or anything seccoord::ParseDate reads (2026/4/1,
//             令和8年4月1日, R8.4.1); a day that does not exist is an error.
//             Written ISO.
//   boolean   true: true yes 1 ○ ◯ はい; false: false no 0 × いいえ, and empty.
//   confirm   true means "the carried-over answer is confirmed as it is": the
//             row is a SheetRow with confirm set, whose result may be empty.
//             Written empty.
// Text cells are kept exactly as written (no trimming). A row whose result is
// empty and whose confirm is false is not answered yet and is skipped (its item
// id is still checked); a row whose cells are all empty is skipped.
//
// File: common/csv.h (RFC 4180; read as UTF-8 with or without BOM, CP932, or
// UTF-16 with its BOM; written as UTF-8 or CP932). A
// header row is required on line 1. Written with CRLF line ends, the header
// first, then one row per checklist item in checklist order.
//
// Errors of ParseAnswerSheet:
//   - file-level (the whole parse fails): undecodable bytes, mixed encodings,
//     an unterminated quote (named by the line where it opened), text after a
//     closing quote, an empty file, a bad header (unknown, empty or duplicate
//     column, missing required column) → INVALID_ARGUMENT whose message starts
//     with the line ("line 1: required column \"result\" (結果) is missing from
//     the header"); more than max_rows data rows → RESOURCE_EXHAUSTED naming
//     the limit.
//   - row-level (collected in SheetParseResult::errors, every bad row and every
//     bad cell, in file order): wrong number of fields, empty or unknown item
//     id, an item given twice (naming the line of the first), a result outside
//     the values, a bad date, a bad SHA-256, a bad boolean, a cell over
//     kMaxSheetCellBytes.
//
// Thread-safety: stateless functions; safe from any thread.
#ifndef SECCOORD_COMMON_ANSWER_SHEET_H_
#define SECCOORD_COMMON_ANSWER_SHEET_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/csv.h"
#include "seccoord/v1/assessment.pb.h"

namespace seccoord::assessment {

// Most data rows one sheet may have (the checklist has about 40 items).
inline constexpr int kMaxSheetRows = 500;
// Largest cell, in bytes of UTF-8, before it is a row error.
inline constexpr size_t kMaxSheetCellBytes = 4096;

// The columns (common/csv.h) in the order WriteAnswerSheet writes them.
const std::vector<CsvColumn>& AnswerSheetColumns();

// One answered (or confirmed) row.
struct SheetRow {
  int line;  // 1-based physical line where the row starts (header = 1)
  // item_id, result, note, evidence, remediation as the row gives them.
  v1::ItemAnswer answer;
  // The carried-over answer is confirmed as it is; answer.result may be
  // UNSPECIFIED only when confirm is true.
  bool confirm = false;
};

// One problem of one row.
struct SheetError {
  int line;            // 1-based physical line where the row starts
  std::string column;  // the header cell as written in the file ("" = whole row)
  std::string reason;
};

struct SheetParseResult {
  // Rows without errors, answered or confirmed, in file order.
  std::vector<SheetRow> rows;
  // Every problem of every rejected row, in file order.
  std::vector<SheetError> errors;
  // What was read: kUtf8 or kCp932.
  CsvEncoding encoding = CsvEncoding::kUtf8;
};

// Parses a sheet against the checklist it was written for. `encoding`:
// kUtf8, kCp932 or kAuto (common/csv.h; kAuto also reads UTF-16 by its BOM). `max_rows` bounds the data rows
// (0 or below: no bound). See above for the errors.
absl::StatusOr<SheetParseResult> ParseAnswerSheet(std::string_view bytes, CsvEncoding encoding,
                                                  const v1::Checklist& checklist,
                                                  int max_rows = kMaxSheetRows);

// How WriteAnswerSheet encodes the file: UTF-8, UTF-8 with a BOM (what Excel
// opens as UTF-8: 「CSV UTF-8」), or CP932 (「CSV (コンマ区切り)」).
enum class SheetEncoding { kUtf8, kUtf8Bom, kCp932 };

// One row per checklist item in checklist order, with the assessment's
// current answer filled in; CRLF; the header row first (Japanese names with
// the English ones: "結果 (result)"). INVALID_ARGUMENT when the assessment
// answers another checklist version, has an answer to an item the checklist
// lacks, or (kCp932) holds a character without a CP932 form of its own
// (common/csv.h EncodeCp932; the message names the line of the sheet).
absl::StatusOr<std::string> WriteAnswerSheet(const v1::Checklist& checklist,
                                             const v1::Assessment& assessment,
                                             SheetEncoding encoding);

}  // namespace seccoord::assessment

#endif  // SECCOORD_COMMON_ANSWER_SHEET_H_
