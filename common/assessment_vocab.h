// The vocabulary of the self-inspection (自己点検), shared by the assessment
// service, its answer sheet (answer_sheet.h) and the CLI: how the enums of
// seccoord/v1/assessment.proto are written and read, the form of assessment
// ids, and the one definition of the implementation rate (実施率).
//
// Parse*Value accept the short name (any case), the full proto name (with its
// prefix, e.g. ITEM_RESULT_PARTIAL) and the Japanese label; full-width
// letters are read as half-width, surrounding spaces (including 　) are
// ignored, and '-' or ' ' read as '_' ("not-applicable"). They return
// INVALID_ARGUMENT whose message is the reason only, listing the accepted
// values, for the caller to name the field (common/code_values.h):
//   unknown value "done"; expected IMPLEMENTED, PARTIAL, NOT_IMPLEMENTED,
//   NOT_APPLICABLE or 実施, 一部実施, 未実施, 該当なし
//
//   result            IMPLEMENTED 実施 | PARTIAL 一部実施 | NOT_IMPLEMENTED 未実施 |
//                     NOT_APPLICABLE 該当なし
//   assessment state  DRAFT 下書き | SUBMITTED 提出済 | RETURNED 差戻し | ACCEPTED 受理
//   advice state      OPEN 未回答 | ANSWERED 回答済 | CLOSED 完了
//   severity          INFO 情報 | WARNING 注意 | CRITICAL 重大
//
// *Name returns the short name ("PARTIAL"; "" for UNSPECIFIED and unknown
// values), *Label the Japanese label ("一部実施"; "" for unknown values).
//
// Thread-safety: stateless functions over immutable tables; safe from any
// thread.
#ifndef SECCOORD_COMMON_ASSESSMENT_VOCAB_H_
#define SECCOORD_COMMON_ASSESSMENT_VOCAB_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "seccoord/v1/assessment.pb.h"
#include "seccoord/v1/common.pb.h"

namespace seccoord::assessment {

// Item results. ResultLabel(ITEM_RESULT_UNSPECIFIED) is "未回答" (not answered).
absl::StatusOr<v1::ItemResult> ParseResultValue(std::string_view text);
std::string_view ResultName(v1::ItemResult result);
std::string_view ResultLabel(v1::ItemResult result);

// Assessment states; "" for UNSPECIFIED.
absl::StatusOr<v1::AssessmentState> ParseAssessmentStateValue(std::string_view text);
std::string_view AssessmentStateName(v1::AssessmentState state);
std::string_view AssessmentStateLabel(v1::AssessmentState state);

// Advice states; "" for UNSPECIFIED.
absl::StatusOr<v1::AdviceState> ParseAdviceStateValue(std::string_view text);
std::string_view AdviceStateName(v1::AdviceState state);
std::string_view AdviceStateLabel(v1::AdviceState state);

// Severities (of advice; SEVERITY_ prefix accepted); "" for UNSPECIFIED.
absl::StatusOr<v1::Severity> ParseSeverityValue(std::string_view text);
std::string_view SeverityName(v1::Severity severity);
std::string_view SeverityLabel(v1::Severity severity);

// Event types: "SUBMITTED", "ADVICE_SENT", …; labels 提出 差戻し 受理 再開
// 助言送付 助言回答 助言完了 助言再開; "" for UNSPECIFIED.
std::string_view EventTypeName(v1::AssessmentEventType type);
std::string_view EventTypeLabel(v1::AssessmentEventType type);

// The id of an assessment: "<organization>-<fiscal year>-<round>",
// e.g. FormatAssessmentId("kasama-union", 2026, 1) == "kasama-union-2026-1".
std::string FormatAssessmentId(std::string_view organization, int fiscal_year, int round);

// 実施率 = (実施 + ½ 一部実施) ÷ (items − 該当なし), where items is the sum of all
// five counts (unanswered items count in the denominator, as 0). A value in
// [0, 1]; nullopt when the denominator is 0 (no item, or every item 該当なし)
// or a count is negative. The one definition for the whole project: status,
// reports and the CLI all call this.
std::optional<double> ImplementationRate(int implemented, int partial, int not_implemented,
                                         int not_applicable, int unanswered);

}  // namespace seccoord::assessment

#endif  // SECCOORD_COMMON_ASSESSMENT_VOCAB_H_
