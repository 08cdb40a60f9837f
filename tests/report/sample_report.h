// Hand-made messages of one assessment for report tests: what the CLI reads
// for `assessment report` (GetAssessment, GetChecklist, ListAdvice,
// GetFederationStatus), with values check_report.py knows — kasama-union,
// 令和8年度, basic-policy revision 3 with content hash "ab"×32, item 3-1
// 一部実施 with a note, evidence and remediation, advice ADV-000001 with one
// answer, 実施率 0.25 in chapter 3 and 0.5 in total, a five-year trend whose
// first two years have no assessment.
//
// Thread-safety: stateless; returns fresh messages.
#ifndef SECCOORD_TESTS_REPORT_SAMPLE_REPORT_H_
#define SECCOORD_TESTS_REPORT_SAMPLE_REPORT_H_

#include "seccoord/v1/assessment.pb.h"

namespace seccoord::testing {

struct SampleReport {
  v1::Assessment assessment;
  v1::Checklist checklist;
  v1::ListAdviceResponse advice;
  v1::FederationStatus federation;
};

SampleReport MakeSampleReport();

}  // namespace seccoord::testing

#endif  // SECCOORD_TESTS_REPORT_SAMPLE_REPORT_H_
