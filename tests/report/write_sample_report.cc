// Writes the sample report (tests/report/sample_report.h) with the CLI's
// report writer, for check_report.py to open with openpyxl (tests/report.cmake).
//
// Usage: write_sample_report OUT.xlsx
#include <iostream>

#include "clients/seccoord/report.h"
#include "tests/report/sample_report.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: write_sample_report OUT.xlsx\n";
    return 2;
  }
  const seccoord::testing::SampleReport sample = seccoord::testing::MakeSampleReport();
  const absl::Status status = seccoord::cli::WriteAssessmentReport(
      sample.assessment, sample.checklist, sample.advice, sample.federation, argv[1]);
  if (!status.ok()) {
    std::cerr << status << "\n";
    return 1;
  }
  return 0;
}
