// The rules of the self-inspection workflow as pure functions over the
// protos: the two state machines (assessment, advice), what a submission
// needs, the CRITICAL-findings rule of an answer, and the snapshot hash.
// AssessmentLogic applies them inside its transactions; the unit tests walk
// every transition here without a database.
//
// Assessment:  DRAFT ──submit──▶ SUBMITTED ──return──▶ RETURNED ──submit──▶ …
//                                SUBMITTED ──accept──▶ ACCEPTED ──reopen──▶ RETURNED
//   answers are edited in DRAFT and RETURNED only; advice is sent while
//   SUBMITTED or ACCEPTED.
// Advice:      OPEN ──answer──▶ ANSWERED ──close──▶ CLOSED
//              ANSWERED, CLOSED ──reopen──▶ OPEN
//
// Refusals are FAILED_PRECONDITION naming the state and what is allowed.
//
// Thread-safety: stateless functions; safe from any thread.
#ifndef SECCOORD_SERVICES_ASSESSMENT_WORKFLOW_H_
#define SECCOORD_SERVICES_ASSESSMENT_WORKFLOW_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "seccoord/v1/assessment.pb.h"
#include "seccoord/v1/asset.pb.h"

namespace seccoord::assessment {

// What is done to an assessment.
enum class AssessmentAction {
  kAnswer,  // UpdateAnswers
  kSubmit,  // SubmitAssessment
  kAccept,  // ReviewAssessment ACCEPT
  kReturn,  // ReviewAssessment RETURN
  kReopen,  // ReopenAssessment
  kAdvise,  // SendAdvice
};

// What is done to an advice item.
enum class AdviceAction {
  kAnswer,  // AnswerAdvice
  kClose,   // CloseAdvice
  kReopen,  // ReopenAdvice
};

// "answer", "submit", … for messages.
std::string_view ActionName(AssessmentAction action);
std::string_view ActionName(AdviceAction action);

// OK when `action` is allowed in state `from`; FAILED_PRECONDITION
// "state: assessment kasama-union-2026-1 is ACCEPTED; only DRAFT or RETURNED
// can be answered" otherwise.
absl::Status CheckAssessmentTransition(const std::string& assessment_id,
                                       v1::AssessmentState from, AssessmentAction action);
// The state after an allowed action (the same state for kAnswer, kAdvise).
v1::AssessmentState AssessmentStateAfter(v1::AssessmentState from, AssessmentAction action);

absl::Status CheckAdviceTransition(const std::string& advice_id, v1::AdviceState from,
                                   AdviceAction action);
v1::AdviceState AdviceStateAfter(v1::AdviceState from, AdviceAction action);

// What a submission needs of the answers, every gap listed by item id in
// checklist order, as one FAILED_PRECONDITION:
//   - every required item answered;
//   - every PARTIAL / NOT_IMPLEMENTED answer with a remediation action and
//     due date;
//   - no carried-over answer left unconfirmed.
// (The policy binding is the logic's part: it may need the policy service.)
absl::Status CheckSubmission(const v1::Checklist& checklist, const v1::Assessment& assessment);

// The item's asset rules that have open CRITICAL findings in `summary`, in
// the item's order.
std::vector<std::string> CriticalRules(const v1::ChecklistItem& item,
                                       const v1::FindingsSummary& summary);

// The rule of an answer: 実施 on an item whose asset rules have open
// CRITICAL findings needs a note; FAILED_PRECONDITION naming the field, the
// item and the rules otherwise.
absl::Status CheckCriticalFindings(std::string_view field, const v1::ChecklistItem& item,
                                   const v1::ItemAnswer& answer,
                                   const v1::FindingsSummary& summary);

// The findings beside each item with asset rules, from a summary.
std::vector<v1::ItemFindings> FindingsBesideItems(const v1::Checklist& checklist,
                                                  const v1::FindingsSummary& summary);

// The canonical byte form of a submission snapshot: a version line, then
// one length-prefixed field per line (assessment id, organization, fiscal
// year, round, submission number, checklist version, the binding, and every
// answer in checklist order with every field). Stable across protobuf
// versions, so anyone holding a snapshot can recompute its hash.
std::string CanonicalSubmission(const v1::Assessment& snapshot, int64_t number);
// Lowercase hex SHA-256 of CanonicalSubmission.
std::string SubmissionSha256(const v1::Assessment& snapshot, int64_t number);

}  // namespace seccoord::assessment

#endif  // SECCOORD_SERVICES_ASSESSMENT_WORKFLOW_H_
