// The case sets of seccoord-bench, which bench_main.cc runs in order, and
// what one set offers another: the policy cases (policy_cases.cc) and the
// assessment cases (assessment_cases.cc), which need a policy service with
// the basic policy in force, and the asset cases (asset_cases.cc).
//
// Thread-safety: the sets and SeedBasicPolicy are called from the one thread
// that runs the benchmark.
#ifndef SECCOORD_TESTS_BENCH_CASE_SETS_H_
#define SECCOORD_TESTS_BENCH_CASE_SETS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "tests/bench/bench_harness.h"

namespace seccoord::bench {

CaseSet PolicyCaseSet();
CaseSet AssessmentCaseSet();
CaseSet AssetCaseSet();

// Publishes the basic policy (data/basic-policy-r8.txt) on the policy
// server at `address` through the real RPCs: drafted and submitted by
// staff1, approved and published by admin1, in force today. Returns its
// revision number.
absl::StatusOr<int64_t> SeedBasicPolicy(const std::string& address);

}  // namespace seccoord::bench

#endif  // SECCOORD_TESTS_BENCH_CASE_SETS_H_
