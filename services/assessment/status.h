// The aggregated status as pure functions: the summary row of an
// assessment (counts per result, overall and per chapter, 実施率, advice
// figures, remediation due dates), the figures completed at read (overdue
// remediations and the oldest advice's age, which depend on today), and the
// comparison of two assessments.
//
// AssessmentLogic writes SummarizeAssessment's row in the same transaction
// as every change of an assessment or its advice, so a status read is one
// row and never a scan of answers; the unit tests check the figures on
// hand-counted examples and that the stored rows equal a recount.
//
// Thread-safety: stateless functions; safe from any thread.
#ifndef SECCOORD_SERVICES_ASSESSMENT_STATUS_H_
#define SECCOORD_SERVICES_ASSESSMENT_STATUS_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "common/civil_date.h"
#include "seccoord/v1/assessment.pb.h"

namespace seccoord::assessment {

// The counts of `answers` over the checklist's items (all, or chapter
// `chapter` when > 0), with the 実施率 of assessment_vocab.h.
v1::ResultCounts CountResults(const v1::Checklist& checklist,
                              const google::protobuf::RepeatedPtrField<v1::ItemAnswer>& answers,
                              int chapter = 0);

// The summary row of `assessment` counting `counted` (the answers of
// submission `counted_submission`, or the current answers when 0), with the
// figures of `advice` (the advice of every round of its year: open advice
// on an earlier round is still open work). Peer facts and read-time
// figures are left unset.
v1::OrganizationStatus SummarizeAssessment(const v1::Assessment& assessment,
                                           const v1::Checklist& checklist,
                                           const google::protobuf::RepeatedPtrField<v1::ItemAnswer>& counted,
                                           int64_t counted_submission,
                                           const std::vector<v1::Advice>& advice, int64_t now_us);

// Sets the figures that depend on the day of the read: overdue
// remediations (due before `today`) and the oldest open advice's age.
void CompleteAtRead(const CivilDate& today, int64_t now_us, v1::OrganizationStatus* status);

// How a result changed: 未実施 < 一部実施 < 実施 is improvement or regression;
// any other difference (該当なし, unanswered) is CHANGED; UNSPECIFIED when
// equal.
v1::ItemChangeKind ClassifyChange(v1::ItemResult base, v1::ItemResult other);

// The items whose result differs between two answer sets of one checklist,
// in checklist order, with the counts of each kind.
v1::AssessmentComparison CompareAnswers(
    const v1::Checklist& checklist,
    const google::protobuf::RepeatedPtrField<v1::ItemAnswer>& base,
    const google::protobuf::RepeatedPtrField<v1::ItemAnswer>& other);

}  // namespace seccoord::assessment

#endif  // SECCOORD_SERVICES_ASSESSMENT_STATUS_H_
