// `seccoord status …`, `assessment compare` and `assessment report` without
// the real server: request building from flags (--years 1–10, --fy),
// rendering of the organisation status (chapter rows aligned by display
// width, bars proportional to 実施率, stale flags, no assessment), the
// federation view and its trend, the comparison, the report's column widths,
// and the binary path (RunCli → mTLS → fake AssessmentService → output,
// exit code, the .xlsx file written).
#include "clients/seccoord/status_commands.h"

#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clients/seccoord/assessment_commands.h"
#include "clients/seccoord/command.h"
#include "clients/seccoord/report.h"
#include "seccoord/v1/assessment.grpc.pb.h"
#include "tests/report/sample_report.h"
#include "tests/support/cli_test_support.h"

namespace seccoord::cli {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

using seccoord::testing::CliServerTest;
using seccoord::testing::ColumnOf;
using seccoord::testing::Lines;
using seccoord::testing::MakeSampleReport;

void ExpectUsageError(const absl::Status& status, const std::string& starts_with) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_EQ(ExitCodeFor(status), kExitUsage) << status;
  EXPECT_THAT(std::string(status.message()), StartsWith(starts_with)) << status;
}

int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// The line of `lines` that contains `needle` ("" if none).
std::string LineWith(const std::vector<std::string>& lines, const std::string& needle) {
  for (const std::string& line : lines) {
    if (line.find(needle) != std::string::npos) return line;
  }
  return "";
}

// ---- Test data: the sample report's status row with peer facts.

v1::OrganizationStatus MakeStatus() {
  v1::OrganizationStatus s = MakeSampleReport().federation.organizations(0);
  *s.mutable_policy() = MakeSampleReport().assessment.policy();
  s.set_checklist_version("2026.1");
  s.set_open_advice(2);
  s.set_oldest_open_advice_age_days(45);
  s.set_oldest_open_advice_time_us(1780876800000000);
  s.set_policy_review_advice(1);
  s.set_overdue_remediations(3);
  s.mutable_asset_findings()->set_total(12);
  s.mutable_asset_findings()->set_critical(2);
  s.mutable_asset_findings()->set_warning(4);
  s.mutable_asset_findings()->set_info(6);
  s.mutable_asset_findings()->set_assets_evaluated(30);
  s.set_asset_findings_time_us(1780876800000000);
  s.set_asset_findings_stale(true);
  v1::DocumentReview* review = s.add_documents_review_due();
  review->set_document_id("basic-policy");
  review->set_title("情報セキュリティ基本方針");
  review->set_revision_in_force(3);
  review->mutable_review_due()->set_year(2026);
  review->mutable_review_due()->set_month(3);
  review->mutable_review_due()->set_day(31);
  s.set_documents_time_us(1780876800000000);
  s.set_documents_stale(false);
  return s;
}

v1::FederationStatus MakeFederation() {
  v1::FederationStatus f = MakeSampleReport().federation;
  // An organisation without an assessment this year (listed first, by id).
  v1::OrganizationStatus city;
  city.set_organization("kasama-city");
  city.set_fiscal_year(2026);
  v1::OrganizationTrend city_trend;
  city_trend.set_organization("kasama-city");
  for (int fy = 2022; fy <= 2026; ++fy) {
    v1::TrendPoint* point = city_trend.add_points();
    point->set_fiscal_year(fy);
    if (fy == 2025) {
      point->set_has_assessment(true);
      point->set_state(v1::ASSESSMENT_STATE_ACCEPTED);
      point->set_implementation_rate(1.0);
      point->set_has_rate(true);
    }
  }
  *f.mutable_organizations()->Add() = city;
  *f.mutable_trends()->Add() = city_trend;
  f.mutable_organizations()->SwapElements(0, 1);
  f.mutable_trends()->SwapElements(0, 1);
  f.mutable_organizations(1)->set_open_advice(2);
  f.mutable_organizations(1)->set_overdue_remediations(1);
  return f;
}

v1::AssessmentComparison MakeComparison() {
  v1::AssessmentComparison c;
  c.mutable_base()->set_id("kasama-union-2025-1");
  c.mutable_other()->set_id("kasama-union-2026-1");
  c.mutable_base_counts()->set_implementation_rate(0.6);
  c.mutable_base_counts()->set_has_rate(true);
  c.mutable_other_counts()->set_implementation_rate(0.75);
  c.mutable_other_counts()->set_has_rate(true);
  auto add = [&](const char* id, v1::ItemChangeKind kind, v1::ItemResult base,
                 v1::ItemResult other, const char* question) {
    v1::ItemChange* change = c.add_changes();
    change->set_item_id(id);
    change->set_kind(kind);
    change->mutable_base()->set_result(base);
    change->mutable_other()->set_result(other);
    change->set_question(question);
  };
  add("1-1", v1::ITEM_CHANGE_KIND_IMPROVED, v1::ITEM_RESULT_NOT_IMPLEMENTED,
      v1::ITEM_RESULT_IMPLEMENTED, "情報セキュリティ管理者を定めているか");
  add("3-1", v1::ITEM_CHANGE_KIND_REGRESSED, v1::ITEM_RESULT_IMPLEMENTED,
      v1::ITEM_RESULT_PARTIAL, "機微情報取扱系の端末に多要素認証を導入しているか");
  add("3-2", v1::ITEM_CHANGE_KIND_CHANGED, v1::ITEM_RESULT_UNSPECIFIED,
      v1::ITEM_RESULT_NOT_APPLICABLE, "外部媒体の持出しを制限しているか");
  c.set_improved(1);
  c.set_regressed(1);
  c.set_changed(1);
  return c;
}

// ---- Request builders.

TEST(BuildStatusRequestTest, OrganisationAndFiscalYearInEitherForm) {
  absl::StatusOr<v1::GetOrganizationStatusRequest> request =
      BuildOrganizationStatusRequest({"mito-city", "令和8年度"});
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->organization(), "mito-city");
  EXPECT_EQ(request->fiscal_year(), 2026);
  request = BuildOrganizationStatusRequest({});
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->organization(), "");  // the caller's own
  EXPECT_EQ(request->fiscal_year(), 0);    // the current one
  ExpectUsageError(BuildOrganizationStatusRequest({"", "令和0年度"}).status(), "--fy: ");
  ExpectUsageError(BuildOrganizationStatusRequest({"", "next year"}).status(), "--fy: ");
}

TEST(BuildStatusRequestTest, YearsOfTheTrendAreOneToTen) {
  absl::StatusOr<v1::GetFederationStatusRequest> request =
      BuildFederationStatusRequest({"R8", 10});
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->fiscal_year(), 2026);
  EXPECT_EQ(request->years(), 10);
  request = BuildFederationStatusRequest({"", std::nullopt});
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->years(), 0);  // the server's default (5)
  ExpectUsageError(BuildFederationStatusRequest({"", 11}).status(), "--years: must be 1 to 10");
  ExpectUsageError(BuildFederationStatusRequest({"", 0}).status(), "--years: ");
  ExpectUsageError(BuildFederationStatusRequest({"", -1}).status(), "--years: ");
  ExpectUsageError(BuildFederationStatusRequest({"2026年", 5}).status(), "--fy: ");
}

TEST(BuildCompareRequestTest, TwoDifferentAssessments) {
  absl::StatusOr<v1::CompareAssessmentsRequest> request =
      BuildCompareRequest("kasama-union-2025-1", "kasama-union-2026-1");
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->base_assessment_id(), "kasama-union-2025-1");
  EXPECT_EQ(request->other_assessment_id(), "kasama-union-2026-1");
  ExpectUsageError(BuildCompareRequest("a-2026-1", "a-2026-1").status(), "B: ");
}

// ---- Rendering.

TEST(RateBarTest, ProportionalToTheRate) {
  v1::ResultCounts c;
  c.set_has_rate(true);
  for (const auto& [rate, filled] :
       std::vector<std::pair<double, int>>{{0, 0}, {0.25, 5}, {0.5, 10}, {0.824, 16}, {1, 20}}) {
    c.set_implementation_rate(rate);
    const std::string bar = RateBar(c);
    EXPECT_EQ(Count(bar, "█"), filled) << rate;
    EXPECT_EQ(Count(bar, "█") + Count(bar, "░"), kRateBarCells) << rate;
  }
  c.set_has_rate(false);
  EXPECT_EQ(RateBar(c), "");
  EXPECT_EQ(RateText(0.825, true), " 82.5%");
  EXPECT_EQ(RateText(1, true), "100.0%");
  EXPECT_EQ(RateText(0, false), "-");
}

TEST(RenderOrganizationStatusTest, HeaderChapterRowsAlignedAndTotal) {
  const std::string out = RenderOrganizationStatus(MakeStatus(), OutputOptions{});
  const std::vector<std::string> lines = Lines(out);
  EXPECT_THAT(out, HasSubstr("organization:"));
  EXPECT_THAT(LineWith(lines, "年度:"), HasSubstr("2026"));
  EXPECT_THAT(LineWith(lines, "assessment:"),
              HasSubstr("kasama-union-2026-1 (round 1) 受理 (ACCEPTED)"));
  EXPECT_THAT(LineWith(lines, "policy:"),
              HasSubstr("basic-policy revision 3 (content hash abab"));
  EXPECT_THAT(LineWith(lines, "counted:"), HasSubstr("submission #1"));

  const std::string header = LineWith(lines, "番号");
  const std::string chapter1 = LineWith(lines, "組織体制");
  const std::string chapter3 = LineWith(lines, "情報システム全体の強靭性の向上");
  const std::string total = LineWith(lines, "計 ");
  ASSERT_FALSE(header.empty());
  ASSERT_FALSE(chapter1.empty());
  ASSERT_FALSE(chapter3.empty());
  ASSERT_FALSE(total.empty());
  // Titles of different display widths: the figures after them line up.
  EXPECT_EQ(ColumnOf(chapter1, "100.0%"), ColumnOf(chapter3, " 25.0%"));
  EXPECT_EQ(ColumnOf(chapter1, "100.0%"), ColumnOf(total, " 50.0%"));
  EXPECT_EQ(ColumnOf(header, "実施率"), ColumnOf(chapter1, "100.0%"));
  EXPECT_EQ(ColumnOf(chapter1, "█"), ColumnOf(chapter3, "█"));
  // Bars proportional: 100% → 20 cells, 25% → 5, 50% → 10.
  EXPECT_EQ(Count(chapter1, "█"), 20);
  EXPECT_EQ(Count(chapter3, "█"), 5);
  EXPECT_EQ(Count(total, "█"), 10);
  EXPECT_THAT(chapter3, StartsWith("3 "));
}

TEST(RenderOrganizationStatusTest, AdviceRemediationsAndPeerFactsWithStaleFlags) {
  v1::OrganizationStatus s = MakeStatus();
  s.set_checklist_outdated(true);
  s.set_checklist_revision(1);
  s.set_revision_in_force(3);
  const std::vector<std::string> lines = Lines(RenderOrganizationStatus(s, OutputOptions{}));
  EXPECT_THAT(LineWith(lines, "open advice:"), HasSubstr("2 (oldest 45 days"));
  EXPECT_THAT(LineWith(lines, "policy review advice (第8):"), HasSubstr("1"));
  EXPECT_THAT(LineWith(lines, "overdue remediations:"), HasSubstr("3"));
  const std::string findings = LineWith(lines, "asset findings:");
  EXPECT_THAT(findings, HasSubstr("12 (重大 2, 注意 4, 情報 6; 30 assets evaluated)"));
  EXPECT_THAT(findings, HasSubstr("as of 2026-06-08T09:00:00+09:00, stale)"));
  const std::string documents = LineWith(lines, "review due (第8):");
  EXPECT_THAT(documents, HasSubstr("basic-policy 情報セキュリティ基本方針 r3, due 2026-03-31"));
  EXPECT_THAT(documents, Not(HasSubstr("stale")));
  EXPECT_EQ(lines.back(), "checklist derived from basic-policy r1, r3 in force");

  s.set_checklist_outdated(false);
  s.set_asset_findings_stale(false);
  s.set_documents_stale(true);
  const std::string out =
      RenderOrganizationStatus(s, OutputOptions{OutputFormat::kTable, /*wareki=*/true});
  EXPECT_THAT(LineWith(Lines(out), "asset findings:"), Not(HasSubstr("stale")));
  EXPECT_THAT(LineWith(Lines(out), "review due (第8):"), HasSubstr("due 令和8年3月31日"));
  EXPECT_THAT(LineWith(Lines(out), "review due (第8):"), HasSubstr(", stale)"));
  EXPECT_THAT(LineWith(Lines(out), "年度:"), HasSubstr("令和8年度"));
  EXPECT_THAT(out, Not(HasSubstr("checklist derived from")));
}

TEST(RenderOrganizationStatusTest, NoAssessmentForTheYear) {
  v1::OrganizationStatus s;
  s.set_organization("kasama-city");
  s.set_fiscal_year(2026);
  s.set_documents_time_us(1780876800000000);
  const std::vector<std::string> lines = Lines(RenderOrganizationStatus(s, OutputOptions{}));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "kasama-city: no assessment for 令和8年度");
  EXPECT_THAT(LineWith(lines, "asset findings:"), HasSubstr("unknown (never read)"));
  EXPECT_THAT(LineWith(lines, "review due (第8):"), HasSubstr("none (as of "));
  EXPECT_EQ(LineWith(lines, "番号"), "");
  EXPECT_EQ(LineWith(lines, "open advice:"), "");
}

TEST(RenderFederationStatusTest, OneRowPerOrganisationAndTheTrend) {
  const std::string out = RenderFederationStatus(MakeFederation(), OutputOptions{});
  const std::vector<std::string> lines = Lines(out);
  ASSERT_GE(lines.size(), 7u) << out;
  EXPECT_EQ(lines[0], "federation status 2026");
  const std::string header = LineWith(lines, "ORGANIZATION  STATE");
  const std::string city = LineWith(lines, "kasama-city   no assessment");
  const std::string union_row = LineWith(lines, "kasama-union  受理");
  ASSERT_FALSE(city.empty()) << out;
  ASSERT_FALSE(union_row.empty()) << out;
  EXPECT_THAT(union_row, HasSubstr(" 50.0%"));
  EXPECT_EQ(ColumnOf(header, "OPEN ADVICE"), ColumnOf(union_row, "2 "));
  EXPECT_EQ(ColumnOf(header, "OVERDUE"), ColumnOf(union_row, "1"));

  // The trend: years as headers, "—" for a year without assessment.
  const std::string trend_header = LineWith(lines, "ORGANIZATION    2022");
  ASSERT_FALSE(trend_header.empty()) << out;
  EXPECT_THAT(trend_header, HasSubstr("2022    2023    2024    2025    2026"));
  std::vector<std::string> trend_rows;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] == trend_header) trend_rows = {lines[i + 1], lines[i + 2]};
  }
  ASSERT_EQ(trend_rows.size(), 2u);
  EXPECT_THAT(trend_rows[0], StartsWith("kasama-city"));
  EXPECT_EQ(Count(trend_rows[0], "—"), 4);
  EXPECT_THAT(trend_rows[0], HasSubstr("100.0%"));
  EXPECT_THAT(trend_rows[1], StartsWith("kasama-union"));
  EXPECT_EQ(Count(trend_rows[1], "—"), 2);
  // Figures right-aligned under their year: "2024" and "60.0%" end together.
  EXPECT_EQ(ColumnOf(trend_header, "2024") + 4, ColumnOf(trend_rows[1], "60.0%") + 5);
  EXPECT_EQ(ColumnOf(trend_header, "2026") + 4, ColumnOf(trend_rows[1], "50.0%") + 5);
  EXPECT_THAT(out, HasSubstr("(— = no assessment)"));
}

TEST(RenderFederationStatusTest, WarekiYearHeaders) {
  const std::string out =
      RenderFederationStatus(MakeFederation(), OutputOptions{OutputFormat::kTable, /*wareki=*/true});
  EXPECT_THAT(out, HasSubstr("federation status 令和8年度"));
  EXPECT_THAT(out, HasSubstr("R4      R5      R6      R7      R8"));
  EXPECT_EQ(TrendYearHeader(2019, true), "R1");
  EXPECT_EQ(TrendYearHeader(2018, true), "H30");
  EXPECT_EQ(TrendYearHeader(2024, false), "2024");
}

TEST(RenderComparisonTest, HeaderRowsPerChangedItemAndTotals) {
  const std::string out = RenderComparison(MakeComparison(), OutputOptions{});
  const std::vector<std::string> lines = Lines(out);
  ASSERT_EQ(lines.size(), 6u) << out;
  EXPECT_EQ(lines[0], "kasama-union-2025-1 (実施率  60.0%) → kasama-union-2026-1 (実施率  75.0%)");
  EXPECT_THAT(lines[1], StartsWith("ID   KIND"));
  EXPECT_THAT(lines[2], StartsWith("1-1  改善 (IMPROVED)"));
  EXPECT_THAT(lines[2], HasSubstr("未実施 → 実施"));
  EXPECT_THAT(lines[3], StartsWith("3-1  後退 (REGRESSED)"));
  EXPECT_THAT(lines[3], HasSubstr("実施 → 一部実施"));
  EXPECT_THAT(lines[4], StartsWith("3-2  変更 (CHANGED)"));
  EXPECT_THAT(lines[4], HasSubstr("未回答 → 該当なし"));
  EXPECT_EQ(ColumnOf(lines[1], "QUESTION"), ColumnOf(lines[2], "情報セキュリティ管理者"));
  EXPECT_EQ(ColumnOf(lines[2], "情報"), ColumnOf(lines[4], "外部媒体"));
  EXPECT_EQ(lines[5], "改善 1, 後退 1, 変更 1");

  v1::AssessmentComparison none = MakeComparison();
  none.clear_changes();
  EXPECT_THAT(RenderComparison(none, OutputOptions{}), HasSubstr("(no changes)"));
}

TEST(ReportColumnWidthTest, TwoUnitsPerFullWidthCharacterCapped) {
  EXPECT_EQ(ReportColumnWidth({"情報係"}, 6, 60), 8);           // 6 + margin
  EXPECT_EQ(ReportColumnWidth({"3-1"}, 6, 60), 6);              // at least the minimum
  EXPECT_EQ(ReportColumnWidth({std::string(200, 'x')}, 6, 60), 60);  // capped; wraps
  EXPECT_EQ(ReportColumnWidth({"短い\n少し長い行です"}, 6, 60), 16);   // the widest line
}

TEST(WriteAssessmentReportTest, AnUnwritablePathIsAnError) {
  const seccoord::testing::SampleReport r = MakeSampleReport();
  const absl::Status status = WriteAssessmentReport(
      r.assessment, r.checklist, r.advice, r.federation, "/nonexistent-dir/report.xlsx");
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
  EXPECT_THAT(std::string(status.message()),
              StartsWith("/nonexistent-dir/report.xlsx: cannot write the workbook"));
}

// ---- The binary path against a fake AssessmentService over TLS.

class FakeStatusService final : public v1::AssessmentService::Service {
 public:
  grpc::Status GetOrganizationStatus(grpc::ServerContext*,
                                     const v1::GetOrganizationStatusRequest* request,
                                     v1::OrganizationStatus* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    last_status_ = *request;
    if (request->organization() == "kasama-city") {
      response->set_organization("kasama-city");
      response->set_fiscal_year(2026);
      return grpc::Status::OK;
    }
    *response = MakeStatus();
    return grpc::Status::OK;
  }
  grpc::Status GetFederationStatus(grpc::ServerContext*,
                                   const v1::GetFederationStatusRequest* request,
                                   v1::FederationStatus* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    last_federation_ = *request;
    if (federation_down_) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "status store unavailable");
    }
    *response = MakeFederation();
    return grpc::Status::OK;
  }
  grpc::Status CompareAssessments(grpc::ServerContext*,
                                  const v1::CompareAssessmentsRequest* request,
                                  v1::AssessmentComparison* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    last_compare_ = *request;
    *response = MakeComparison();
    return grpc::Status::OK;
  }
  grpc::Status GetAssessment(grpc::ServerContext*, const v1::GetAssessmentRequest* request,
                             v1::Assessment* response) override {
    if (request->assessment_id() != "kasama-union-2026-1") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "assessment " + request->assessment_id());
    }
    *response = MakeSampleReport().assessment;
    return grpc::Status::OK;
  }
  grpc::Status GetChecklist(grpc::ServerContext*, const v1::GetChecklistRequest*,
                            v1::Checklist* response) override {
    *response = MakeSampleReport().checklist;
    return grpc::Status::OK;
  }
  grpc::Status ListAdvice(grpc::ServerContext*, const v1::ListAdviceRequest* request,
                          v1::ListAdviceResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    last_list_advice_ = *request;
    *response = MakeSampleReport().advice;
    return grpc::Status::OK;
  }

  std::mutex mu_;
  int calls_ = 0;
  bool federation_down_ = false;
  v1::GetOrganizationStatusRequest last_status_;
  v1::GetFederationStatusRequest last_federation_;
  v1::CompareAssessmentsRequest last_compare_;
  v1::ListAdviceRequest last_list_advice_;
};

class StatusCliTest : public CliServerTest {
 protected:
  static void SetUpTestSuite() {
    service_ = new FakeStatusService();
    StartServer("cli_status_test", "assessmentd", {service_}, [](int port) {
      const std::string address = "127.0.0.1:" + std::to_string(port);
      return "default_profile: union-staff\nprofiles:\n"
             "  union-staff: {assessment: " + address +
             ", ca: certs/ca.crt, cert: certs/staff1.crt, key: certs/staff1.key}\n";
    });
  }
  static void TearDownTestSuite() {
    StopServer();
    delete service_;
  }
  int Calls() {
    std::lock_guard<std::mutex> lock(service_->mu_);
    return service_->calls_;
  }

  static FakeStatusService* service_;
};

FakeStatusService* StatusCliTest::service_ = nullptr;

TEST_F(StatusCliTest, StatusOfTheCallersOrganisation) {
  Result r = Cli({"status", "--fy", "令和8年度"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("kasama-union-2026-1 (round 1) 受理 (ACCEPTED)"));
  EXPECT_THAT(r.out, HasSubstr("████████████████████"));
  EXPECT_EQ(service_->last_status_.organization(), "");
  EXPECT_EQ(service_->last_status_.fiscal_year(), 2026);

  r = Cli({"status", "--org", "kasama-city"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("kasama-city: no assessment for 令和8年度\n"));

  r = Cli({"-o", "json", "status"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"assessmentId\": \"kasama-union-2026-1\""));
  EXPECT_THAT(r.out, HasSubstr("\"implementationRate\": 0.25"));
}

TEST_F(StatusCliTest, FederationWithTrendYears) {
  Result r = Cli({"status", "federation", "--fy", "2026", "--years", "5", "--wareki"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("kasama-city   no assessment"));
  EXPECT_THAT(r.out, HasSubstr("R4      R5      R6      R7      R8"));
  EXPECT_EQ(service_->last_federation_.fiscal_year(), 2026);
  EXPECT_EQ(service_->last_federation_.years(), 5);

  r = Cli({"status", "federation", "-o", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"firstFiscalYear\": 2022"));
  EXPECT_EQ(service_->last_federation_.years(), 0);
}

TEST_F(StatusCliTest, BadFlagsAreUsageErrorsBeforeAnyCall) {
  const int before = Calls();
  Result r = Cli({"status", "federation", "--years", "11"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("error: INVALID_ARGUMENT: --years: must be 1 to 10"));
  r = Cli({"status", "federation", "--years", "0"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--years"));
  r = Cli({"status", "federation", "--years", "five"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--years"));
  r = Cli({"status", "--fy", "令和0年度"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("error: INVALID_ARGUMENT: --fy: "));
  r = Cli({"assessment", "compare", "kasama-union-2026-1", "kasama-union-2026-1"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("B: "));
  r = Cli({"assessment", "report", "kasama-union-2026-1"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--file"));
  EXPECT_EQ(Calls(), before);
}

TEST_F(StatusCliTest, CompareShowsTheChangedItems) {
  Result r = Cli({"assessment", "compare", "kasama-union-2025-1", "kasama-union-2026-1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("1-1  改善 (IMPROVED)"));
  EXPECT_THAT(r.out, HasSubstr("改善 1, 後退 1, 変更 1\n"));
  EXPECT_EQ(service_->last_compare_.base_assessment_id(), "kasama-union-2025-1");
  EXPECT_EQ(service_->last_compare_.other_assessment_id(), "kasama-union-2026-1");
}

TEST_F(StatusCliTest, ReportWritesAWorkbook) {
  const std::string path = (*dir_ / "report.xlsx").string();
  Result r = Cli({"assessment", "report", "kasama-union-2026-1", "-f", path});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("wrote the report of kasama-union-2026-1 (3 items, 1 advice, "
                               "trend 2022–2026) to "));
  EXPECT_EQ(service_->last_federation_.fiscal_year(), 2026);
  EXPECT_EQ(service_->last_federation_.years(), 5);
  EXPECT_EQ(service_->last_list_advice_.assessment_id(), "kasama-union-2026-1");
  std::ifstream in(path, std::ios::binary);
  std::string magic(2, '\0');
  in.read(magic.data(), 2);
  EXPECT_EQ(magic, "PK");  // a zip: the .xlsx container
}

TEST_F(StatusCliTest, ReportFailuresSayWhatCouldNotBeRead) {
  const std::string path = (*dir_ / "failed.xlsx").string();
  Result r = Cli({"assessment", "report", "kasama-union-2099-1", "-f", path});
  EXPECT_EQ(r.code, kExitRpc);
  EXPECT_THAT(r.err, HasSubstr("error: NOT_FOUND: reading the assessment: assessment "
                               "kasama-union-2099-1"));
  {
    std::lock_guard<std::mutex> lock(service_->mu_);
    service_->federation_down_ = true;
  }
  r = Cli({"assessment", "report", "kasama-union-2026-1", "-f", path});
  {
    std::lock_guard<std::mutex> lock(service_->mu_);
    service_->federation_down_ = false;
  }
  EXPECT_EQ(r.code, kExitRpc);
  EXPECT_THAT(r.err, HasSubstr("error: UNAVAILABLE: reading the status and trend: status store "
                               "unavailable"));
  EXPECT_FALSE(fs::exists(path));

  r = Cli({"assessment", "report", "kasama-union-2026-1", "-f", "/nonexistent-dir/r.xlsx"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("error: PERMISSION_DENIED: /nonexistent-dir/r.xlsx: cannot write "
                               "the workbook"));
}

}  // namespace
}  // namespace seccoord::cli
