// `seccoord assessment …`: the commands of AssessmentService — an
// organisation's self-inspection (自己点検, 第7), its answer sheet as CSV for
// Excel, the review by Kasama city with advice (助言, 第6(9)), and the event
// stream; `compare` of two assessments, and `report`, the workbook written
// by report.h.
//
// As for the policy and asset commands, each command is a pure request
// builder (tested without a server), the RPC call (assessment_commands.cc),
// and a pure renderer (below).
//
// Words shared with the server — results, states, severities and event types
// with their Japanese labels, and the answer sheet's CSV layout — come from
// seccoord_assessment_vocab (common/assessment_vocab.h and
// common/answer_sheet.h), so a flag, a YAML file, a CSV cell and the server agree:
// IMPLEMENTED or 実施, RETURNED or 差戻し, WARNING or 注意.
//
// The usual workflow:
//   create → sheet (export to Excel) → fill (import it) → submit
//   → review --return with advice → respond → fill/answer → submit
//   → review --accept → close (the advice).
#ifndef SECCOORD_CLIENTS_SECCOORD_ASSESSMENT_COMMANDS_H_
#define SECCOORD_CLIENTS_SECCOORD_ASSESSMENT_COMMANDS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "clients/seccoord/output.h"
#include "common/answer_sheet.h"
#include "seccoord/v1/assessment.pb.h"

namespace CLI {
class App;
}  // namespace CLI

namespace seccoord::cli {

class CommandContext;

// Adds `assessment` and its subcommands to `root`.
void RegisterAssessmentCommands(CLI::App& root, CommandContext& ctx);

// ---- Values on the command line. Each returns a usage error
// (INVALID_ARGUMENT) "<flag>: reason" for anything it does not know; `flag`
// is the flag (--result) or "FILE: [2].severity" for a YAML file.

// IMPLEMENTED, PARTIAL, NOT_IMPLEMENTED, NOT_APPLICABLE or 実施, 一部実施,
// 未実施, 該当なし.
absl::StatusOr<v1::ItemResult> ParseResultArgument(std::string_view flag, std::string_view text);
// DRAFT, SUBMITTED, RETURNED, ACCEPTED or their labels (差戻し, …).
absl::StatusOr<v1::AssessmentState> ParseAssessmentStateArgument(std::string_view flag,
                                                                 std::string_view text);
// OPEN, ANSWERED, CLOSED or their labels.
absl::StatusOr<v1::AdviceState> ParseAdviceStateArgument(std::string_view flag,
                                                         std::string_view text);
// INFO, WARNING, CRITICAL or their labels (注意, 重大, …).
absl::StatusOr<v1::Severity> ParseSeverityArgument(std::string_view flag, std::string_view text);
// 2026, 令和8年度, R8, FY2026.
absl::StatusOr<int> ParseFiscalYearArgument(std::string_view flag, std::string_view text);

// A fiscal year as shown: "2026", or "令和8年度" with `wareki`.
std::string FiscalYearText(int fiscal_year, bool wareki);

// ---- Words as shown (also by `status` and the report).

// `text` with line breaks and tabs as spaces, for one line or one cell.
std::string OneLine(const std::string& text);
// "差戻し (RETURNED)": the label people read first, the name scripts and
// flags use after it; the name alone when there is no label, "-" when unset.
std::string AssessmentStateText(v1::AssessmentState state);
// The same for results ("未回答" when unanswered), advice states and
// severities.
std::string ItemResultText(v1::ItemResult result);
std::string AdviceStateText(v1::AdviceState state);
std::string SeverityText(v1::Severity severity);
// ANSWER, CLOSE, REOPEN.
std::string AdviceEntryKindName(v1::AdviceEntryKind kind);
// 実施率 as shown: " 82.5%" (one decimal, right-aligned in 6 columns), "-"
// without a rate (every item 該当なし).
std::string RateText(double rate, bool has_rate);

// ---- Request builders.

// `assessment create --fy FY [--org O] [--round N] [--checklist V]
// [--from-last-accepted]`.
struct CreateAssessmentFlags {
  std::string fiscal_year;  // required
  std::string organization;
  int round = 0;  // 0 = the next one
  std::string checklist_version;
  bool from_last_accepted = false;
};
absl::StatusOr<v1::CreateAssessmentRequest> BuildCreateAssessmentRequest(
    const CreateAssessmentFlags& flags, const std::string& request_id);

// `assessment list [--org O] [--fy FY] [--state S]` (empty = no filter).
struct ListAssessmentsFlags {
  std::string organization;
  std::string fiscal_year;
  std::string state;
};
absl::StatusOr<v1::ListAssessmentsRequest> BuildListAssessmentsRequest(
    const ListAssessmentsFlags& flags);

// One piece of evidence named on the command line: `location` that contains
// "://" is a URL and kept as it is; a file that exists locally is read and
// its SHA-256 recorded (the server stores no bytes), the location being the
// path as given; anything else (a cabinet, 書庫A-3) is kept as a location
// without a hash. `title` defaults to the file name of the location.
// A local file that cannot be read is a usage error naming --evidence.
absl::StatusOr<v1::EvidenceReference> MakeEvidenceReference(const std::string& location,
                                                            const std::string& title);

// `assessment answer ID ITEM …`. nullopt = not given.
struct AnswerFlags {
  std::optional<std::string> result;  // --result
  std::optional<std::string> note;    // --note
  std::vector<std::string> evidence;        // --evidence, repeatable
  std::vector<std::string> evidence_titles; // --evidence-title, one per --evidence or none
  std::optional<std::string> action;  // --action
  std::optional<std::string> owner;   // --owner
  std::optional<std::string> due;     // --due (ISO or wareki)
  bool confirm = false;               // --confirm
};

// The UpdateAnswers request of `assessment answer` against `current` (read
// first; its etag is sent):
//   - with --result: the item's answer is set. It starts from the item's
//     current answer, so fields not given are kept; --evidence replaces the
//     evidence list; --action/--owner/--due set those remediation fields.
//   - --confirm alone: the carried-over answer is confirmed unchanged
//     (confirm_item_ids); other answer flags with it are a usage error.
//   - neither: a usage error naming --result.
absl::StatusOr<v1::UpdateAnswersRequest> BuildAnswerRequest(const v1::Assessment& current,
                                                            const std::string& item_id,
                                                            const AnswerFlags& flags,
                                                            const std::string& request_id);

// Parses an advice file of `assessment review --advice-file F.yaml`:
//   - item: "3-2"                 # optional ("" = the whole assessment)
//     text: 多要素認証の導入計画を示してください
//     severity: WARNING            # or 注意; optional (WARNING)
//     due: 令和9年3月31日            # optional, ISO or wareki
//     policy_review: false         # optional
// A list of maps; an empty file is no advice. Unknown keys, wrong types,
// missing text and bad values are usage errors naming the file, the entry
// and the key ("advice.yaml: [1].due: …").
absl::StatusOr<std::vector<v1::AdviceDraft>> ParseAdviceYaml(std::string_view file_name,
                                                             std::string_view yaml);

// `assessment review ID --accept | --return --comment T [--advice-file F]`.
struct ReviewFlags {
  bool accept = false;
  bool return_for_correction = false;  // --return
  std::string comment;
  std::vector<v1::AdviceDraft> advice;
};
// Exactly one of --accept and --return; --return needs --comment. The
// request decides on `submission_number` (the latest one of the assessment).
absl::StatusOr<v1::ReviewAssessmentRequest> BuildReviewRequest(const std::string& assessment_id,
                                                               int64_t submission_number,
                                                               const ReviewFlags& flags,
                                                               const std::string& request_id);

// `assessment advise ID [--item ITEM] --text T [--severity S] [--due DATE]
// [--policy-review]`.
struct AdviseFlags {
  std::string item_id;
  std::string text;
  std::string severity;  // "" = WARNING (the server's default)
  std::string due;
  bool policy_review = false;
};
absl::StatusOr<v1::SendAdviceRequest> BuildSendAdviceRequest(const std::string& assessment_id,
                                                             const AdviseFlags& flags,
                                                             const std::string& request_id);

// The UpdateAnswers request of `assessment fill` from the rows of a parsed
// answer sheet, against `current` (its id and etag): confirm rows go to
// confirm_item_ids, the others to answers, in sheet order. answer_lines[i]
// is the sheet line of answers[i], confirm_lines[i] that of
// confirm_item_ids[i].
struct SheetUpdate {
  v1::UpdateAnswersRequest request;
  std::vector<int> answer_lines;
  std::vector<int> confirm_lines;
};
SheetUpdate BuildSheetUpdate(const v1::Assessment& current,
                             const std::vector<assessment::SheetRow>& rows,
                             const std::string& request_id);

// A server refusal (INVALID_ARGUMENT) that names answers[i] or
// confirm_item_ids[i] of a SheetUpdate, reported at the sheet's line:
// "FILE:LINE: answers[3].note: …". Other statuses are returned unchanged.
absl::Status AttributeToSheetLine(const absl::Status& status, const std::string& file,
                                  const SheetUpdate& update);

// "FILE:LINE: COLUMN: reason", one line per row error of a sheet ("-" for an
// error of the whole row).
std::string RenderSheetErrors(const std::string& file,
                              const std::vector<assessment::SheetError>& errors);

// `assessment compare A B`: the items whose result changed from A (the
// earlier) to B; the two must differ (a usage error naming B).
absl::StatusOr<v1::CompareAssessmentsRequest> BuildCompareRequest(const std::string& base_id,
                                                                  const std::string& other_id);

// ---- Rendering.

// `assessment checklist`: title, version, source revision, then per chapter
// "3. 情報システム全体の強靭性の向上" and a table ID 必須 ARTICLE QUESTION
// ASSET RULES (必須 = "*").
std::string RenderChecklist(const v1::Checklist& checklist, const OutputOptions& opts);

// The policy binding in words: "basic-policy revision 3 (content hash …,
// 施行日 2026-04-01; in force on 2026-05-01)", "none in force on 2026-05-01",
// or "unavailable — will be bound at submission".
std::string RenderPolicyBinding(const v1::Assessment& assessment, const OutputOptions& opts);

// `assessment list`: ID ORG 年度 ROUND STATE CHECKLIST BINDING SUBMISSION
// UPDATED; the binding as "basic-policy r3", "none in force" or
// "unavailable".
std::string RenderAssessmentList(const v1::ListAssessmentsResponse& response,
                                 const OutputOptions& opts);

// `assessment show`: the header (organisation, 年度, round, state, checklist,
// created / submitted / reviewed by and when, review comment, policy
// binding), then the checklist's items grouped by chapter, each with its
// question, result, carried-over mark, note, evidence, remediation and,
// beside items with asset rules, "資産: 2 件 (重大 1) SENSITIVE_MFA_EXPORT".
// A non-empty `only_item` shows that item alone (it must be in the
// checklist; the caller checks).
std::string RenderAssessment(const v1::Assessment& assessment, const v1::Checklist& checklist,
                             const OutputOptions& opts, const std::string& only_item = "");

// What the server could not read from its peers, one line each:
// "注意: asset findings: asset service unavailable (UNAVAILABLE)"; "" when
// everything was read. Printed on stderr by `show`.
std::string RenderUnavailableWarnings(const v1::Assessment& assessment);

// One line after a change of state: "kasama-union-2026-1: SUBMITTED (提出済)
// submission #2".
std::string RenderAssessmentStatus(const v1::Assessment& assessment, const OutputOptions& opts);

// `assessment advice`: each advice with its header line, its text and its
// thread in order ("  ANSWER by … at …: text"); "(no advice)" when none.
std::string RenderAdviceList(const v1::ListAdviceResponse& response, const OutputOptions& opts);
std::string RenderAdvice(const v1::Advice& advice, const OutputOptions& opts);

// An item change as shown: "改善 (IMPROVED)", "後退 (REGRESSED)", "変更 (CHANGED)".
std::string ItemChangeKindText(v1::ItemChangeKind kind);

// `assessment compare`: the header "A (実施率  61.0%) → B (実施率  75.0%)",
// then ID KIND RESULT QUESTION per changed item (RESULT "未実施 → 実施"), in
// checklist order, and the totals "改善 2, 後退 1, 変更 0"; "(no changes)"
// when no result differs.
std::string RenderComparison(const v1::AssessmentComparison& comparison,
                             const OutputOptions& opts);

// `assessment watch`: "SEQ TIME TYPE assessment [advice] actor".
std::string RenderAssessmentEventLine(const v1::AssessmentEvent& event,
                                      const OutputOptions& opts);

}  // namespace seccoord::cli

#endif  // SECCOORD_CLIENTS_SECCOORD_ASSESSMENT_COMMANDS_H_
