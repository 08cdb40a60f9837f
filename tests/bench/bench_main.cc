// seccoord-bench: a closed-loop gRPC load generator whose figures are ratios
// to a bare echo service measured in the same run (DESIGN.md "Performance
// targets"; README "Benchmarks"; scripts/bench runs it). This file parses
// the flags, makes the temp dir, starts the echo baseline, measures the
// noise floor (a second, identical echo against it: MeasureEchoTwin), runs
// the case sets in order — policy_cases.cc, assessment_cases.cc, then
// asset_cases.cc — and writes the report; bench_harness.h has everything
// they share.
//
// Exit code 0 when the run completed (whatever the figures), 1 when
// something could not be set up or measured (a server, a seed, a child
// process), 2 for a bad flag.
//
//   seccoord-bench [--threads 4] [--seconds 5] [--warmup 1] [--pg URL]
//                  [--json FILE] [--child_seconds 2] [--policyd PATH]
//                  [--assessmentd PATH] [--national_orgs 3000]
//                  [--assetd PATH] [--asset_inventory 20000]
//                  [--sets policy,assessment,asset]
//
// Thread-safety: single-threaded apart from the harness's client threads.
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "tests/bench/bench_harness.h"
#include "tests/bench/case_sets.h"
#include "tests/support/test_database.h"

ABSL_FLAG(std::string, sets, "policy,assessment,asset",
          "the case sets to run, comma-separated, in their fixed order (a run of some sets "
          "reports only their cases)");

namespace seccoord::bench {
namespace {

// The sets of `all` named in `names` (comma-separated), in the order of
// `all`; INVALID_ARGUMENT names one that is not a set.
absl::StatusOr<std::vector<CaseSet>> ChooseSets(const std::vector<CaseSet>& all,
                                                const std::string& names) {
  std::vector<std::string> wanted = absl::StrSplit(names, ',', absl::SkipEmpty());
  if (wanted.empty()) return absl::InvalidArgumentError("--sets: names no case set");
  std::vector<std::string> all_names;
  for (const CaseSet& set : all) all_names.push_back(set.name);
  for (const std::string& name : wanted) {
    if (std::find(all_names.begin(), all_names.end(), name) == all_names.end()) {
      return absl::InvalidArgumentError(absl::StrCat("--sets: no case set \"", name, "\" (",
                                                     absl::StrJoin(all_names, ", "), ")"));
    }
  }
  std::vector<CaseSet> chosen;
  for (const CaseSet& set : all) {
    for (const std::string& name : wanted) {
      if (set.name == name) {
        chosen.push_back(set);
        break;
      }
    }
  }
  return chosen;
}

int Fail(const absl::Status& status) {
  std::cerr << "seccoord-bench: " << status << "\n";
  return 1;
}

int Run(Settings& s, const std::vector<CaseSet>& sets) {
  char pattern[] = "/tmp/seccoord-bench-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) return Fail(absl::InternalError("mkdtemp failed"));
  s.temp_dir = pattern;
  struct Cleanup {
    std::string dir;
    bool keep;
    ~Cleanup() {
      if (keep) {
        std::cerr << "seccoord-bench: kept " << dir << "\n";
        return;
      }
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  } cleanup{s.temp_dir, s.keep_temp};
  // TestDatabase::Create("postgres") makes its fresh databases there.
  if (!s.pg_url.empty()) ::setenv(testing::kTestPgUrlEnv, s.pg_url.c_str(), 1);

  std::cout << absl::StrFormat(
      "seccoord-bench: %d client threads (closed loop, one mTLS connection each), %.3g s per "
      "case after %.3g s warm-up, 127.0.0.1, %d cores\n",
      s.threads, s.seconds, s.warmup, std::thread::hardware_concurrency());
  std::cout.flush();

  absl::StatusOr<std::unique_ptr<EchoBaseline>> echo = EchoBaseline::Start();
  if (!echo.ok()) return Fail(echo.status());
  Report report;
  absl::Status twin = MeasureEchoTwin(**echo, report);
  if (!twin.ok()) {
    std::cerr << "seccoord-bench: the echo twin (noise floor): " << twin << "\n";
    report.AddFailure(absl::StrCat("echo twin: ", twin.ToString()));
  }
  for (const CaseSet& set : sets) {
    absl::Status ran = set.run(**echo, report);
    if (!ran.ok()) {
      // The sets after it still run; the report says what is missing.
      std::cerr << "seccoord-bench: " << set.name << " cases: " << ran << "\n";
      report.AddFailure(absl::StrCat(set.name, ": ", ran.ToString()));
    }
  }
  std::cout << "\nRatios are calls/s of a case over calls/s of the echo sized like it, same "
               "threads, same run; targets are reported, never enforced. cpu us and cs/call: "
               "CPU microseconds and context switches of this process per call (client and "
               "in-process servers; '-' for a server run as a child).\n";

  if (!s.json_path.empty()) {
    std::ofstream out(s.json_path, std::ios::binary | std::ios::trunc);
    out << report.Json(ReadMemory("self"));
    out.close();
    if (!out) return Fail(absl::InternalError(absl::StrCat("cannot write ", s.json_path)));
    std::cout << "JSON report: " << s.json_path << "\n";
  }
  return report.failures().empty() ? 0 : 1;
}

}  // namespace
}  // namespace seccoord::bench

int main(int argc, char** argv) {
  namespace bench = seccoord::bench;
  signal(SIGPIPE, SIG_IGN);
  // As RunServer does: the in-process servers and the echo run like the real ones.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::SetProgramUsageMessage(
      "seccoord-bench: closed-loop load on the policy, assessment and asset services, reported as "
      "ratios to a bare echo service on the same mTLS settings measured in the same run.");
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() > 1) {
    std::cerr << "seccoord-bench: unexpected argument " << positional[1] << "\n";
    return 2;
  }
  absl::StatusOr<std::vector<bench::CaseSet>> sets = bench::ChooseSets(
      {bench::PolicyCaseSet(), bench::AssessmentCaseSet(), bench::AssetCaseSet()},
      absl::GetFlag(FLAGS_sets));
  bench::Settings s;
  absl::Status flags = sets.ok() ? bench::SettingsFromFlags(&s) : sets.status();
  for (const bench::CaseSet& set : sets.ok() ? *sets : std::vector<bench::CaseSet>()) {
    if (flags.ok()) flags = set.check_flags();
  }
  if (!flags.ok()) {
    std::cerr << "seccoord-bench: " << flags.message() << "\n";
    return 2;
  }
  bench::SetSettings(&s);
  return bench::Run(s, *sets);
}
