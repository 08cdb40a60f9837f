// The report of an assessment as a real Excel workbook (.xlsx), written with
// libxlsxwriter: what `seccoord assessment report ID -f report.xlsx` saves
// for the union office and the advisor (DESIGN.md "Spreadsheets").
//
// The sheets, each set up for A4 paper and fitted to the page width, with
// column widths measured by display width (a full-width character takes
// about two width units, capped so long text wraps):
//   表紙      cover: organisation, 年度 (wareki), checklist, state, the policy
//             binding (document, revision, content hash, 施行日 — or "none in
//             force" / "unavailable"), reviewer and the dates of creation,
//             last submission and review;
//   点検結果  every checklist item by chapter: id, chapter, question, 結果,
//             備考, 証跡 (title; location per line), 改善措置, 担当, 期限;
//   章別集計  per chapter and in total: items, 実施 / 一部実施 / 未実施 /
//             該当なし / 未回答 and 実施率 (a number shown as a percent);
//   助言      each advice (id, item, severity, state, text, due, policy
//             review, author, time) followed by its thread in order;
//   推移      this organisation's 実施率 per fiscal year and its line chart.
//
// The counts and rates are the server's (the summary row of the federation
// view, when it is of this very assessment); for another round of the year
// they are counted from the assessment's answers with the one formula,
// assessment::ImplementationRate. The sheet says which.
//
// This is the pure part of the command: it takes the messages the CLI read
// (GetAssessment, GetChecklist, ListAdvice, GetFederationStatus) and writes
// the file, so tests build a workbook from hand-made messages.
//
// Thread-safety: stateless; concurrent calls are safe for distinct paths
// (each call builds its own workbook).
#ifndef SECCOORD_CLIENTS_SECCOORD_REPORT_H_
#define SECCOORD_CLIENTS_SECCOORD_REPORT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "seccoord/v1/assessment.pb.h"

namespace seccoord::cli {

// The sheet names, in workbook order.
inline constexpr char kReportCoverSheet[] = "表紙";
inline constexpr char kReportItemsSheet[] = "点検結果";
inline constexpr char kReportChaptersSheet[] = "章別集計";
inline constexpr char kReportAdviceSheet[] = "助言";
inline constexpr char kReportTrendSheet[] = "推移";

// Writes the report of `assessment` (answered against `checklist`, with its
// `advice`) to `path`; the 章別集計 counts and the 推移 trend are taken from
// `federation` (the organisation's row and trend; fiscal years
// first_fiscal_year … fiscal_year). PERMISSION_DENIED "PATH: cannot write
// the workbook (reason)" when the file cannot be written.
absl::Status WriteAssessmentReport(const v1::Assessment& assessment,
                                   const v1::Checklist& checklist,
                                   const v1::ListAdviceResponse& advice,
                                   const v1::FederationStatus& federation,
                                   const std::string& path);

// The width (Excel's units, about one per half-width character) of a column
// holding `cells`: the widest line of any cell by display width plus a
// margin, at least `min_width` and at most `max_width` (longer text wraps).
double ReportColumnWidth(const std::vector<std::string>& cells, double min_width,
                         double max_width);

}  // namespace seccoord::cli

#endif  // SECCOORD_CLIENTS_SECCOORD_REPORT_H_
