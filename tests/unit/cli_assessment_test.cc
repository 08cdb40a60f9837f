// `seccoord assessment …` without the real server: values on the command
// line, request building from flags and the advice YAML, rendering of
// `show` and friends from hand-made messages (Japanese text aligned by
// display width), and the binary path (RunCli → mTLS → fake
// AssessmentService → output, exit code).
#include "clients/seccoord/assessment_commands.h"

#include <unistd.h>

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clients/seccoord/command.h"
#include "seccoord/v1/assessment.grpc.pb.h"
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
using seccoord::testing::ReadFile;

void ExpectUsageError(const absl::Status& status, const std::string& starts_with) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_EQ(ExitCodeFor(status), kExitUsage) << status;
  EXPECT_THAT(std::string(status.message()), StartsWith(starts_with)) << status;
}

// ---- Test data: a checklist of two chapters and an assessment of it.

v1::Checklist MakeChecklist() {
  v1::Checklist c;
  c.set_version("2026.1");
  c.set_title("令和8年度 情報セキュリティ自己点検票");
  c.set_is_default(true);
  c.mutable_derived_from()->set_document_id("basic-policy");
  c.mutable_derived_from()->set_revision_number(1);
  c.mutable_derived_from()->set_content_hash(std::string(64, 'c'));
  auto add = [&](const char* id, int chapter, const char* title, const char* question,
                 const char* article, bool required, std::vector<std::string> rules) {
    v1::ChecklistItem* item = c.add_items();
    item->set_id(id);
    item->set_chapter(chapter);
    item->set_chapter_title(title);
    item->set_question(question);
    item->set_article(article);
    item->set_required(required);
    for (const std::string& r : rules) item->add_asset_rule_ids(r);
  };
  add("1-1", 1, "組織体制", "情報セキュリティ管理者を定めているか", "第5(1)", true, {});
  add("3-1", 3, "情報システム全体の強靭性の向上",
      "機微情報取扱系の端末に多要素認証を導入しているか", "第6(3)ア", true,
      {"SENSITIVE_MFA_EXPORT"});
  add("3-2", 3, "情報システム全体の強靭性の向上", "外部媒体の持出しを制限しているか",
      "第6(3)イ", false, {});
  c.set_item_count(c.items_size());
  return c;
}

v1::Assessment MakeAssessment() {
  v1::Assessment a;
  a.set_id("kasama-union-2026-1");
  a.set_organization("kasama-union");
  a.set_fiscal_year(2026);
  a.set_round(1);
  a.set_checklist_version("2026.1");
  a.set_state(v1::ASSESSMENT_STATE_SUBMITTED);
  a.set_created_by("seccoord://kasama-union/staff1");
  a.set_create_time_us(1775000000000000);
  a.set_update_time_us(1775100000000000);
  a.set_etag("etag-7");
  v1::PolicyBinding* p = a.mutable_policy();
  p->set_document_id("basic-policy");
  p->set_revision_number(3);
  p->set_content_hash(std::string(64, 'a'));
  p->mutable_effective_date()->set_year(2026);
  p->mutable_effective_date()->set_month(4);
  p->mutable_effective_date()->set_day(1);
  p->mutable_in_force_on()->set_year(2026);
  p->mutable_in_force_on()->set_month(5);
  p->mutable_in_force_on()->set_day(1);
  for (int n = 1; n <= 2; ++n) {
    v1::SubmissionRef* s = a.add_submissions();
    s->set_number(n);
    s->set_sha256(std::string(64, n == 1 ? '1' : '2'));
    s->set_submitted_by("seccoord://kasama-union/staff1");
    s->set_submit_time_us(1775200000000000 + n);
  }
  v1::ItemAnswer* first = a.add_answers();
  first->set_item_id("1-1");
  first->set_result(v1::ITEM_RESULT_IMPLEMENTED);
  first->set_note("規程第3条で指定");
  v1::EvidenceReference* e = first->add_evidence();
  e->set_title("任命通知");
  e->set_location("docs/任命通知.pdf");
  e->set_sha256(std::string(64, 'e'));
  v1::ItemAnswer* second = a.add_answers();
  second->set_item_id("3-1");
  second->set_result(v1::ITEM_RESULT_PARTIAL);
  second->set_carried_over(true);
  second->mutable_remediation()->set_action("全端末へ導入");
  second->mutable_remediation()->set_owner("情報システム係");
  second->mutable_remediation()->mutable_due()->set_year(2027);
  second->mutable_remediation()->mutable_due()->set_month(3);
  second->mutable_remediation()->mutable_due()->set_day(31);
  v1::ItemFindings* f = a.add_item_findings();
  f->set_item_id("3-1");
  f->add_rule_ids("SENSITIVE_MFA_EXPORT");
  f->set_count(2);
  f->set_critical(1);
  return a;
}

// ---- Values on the command line.

TEST(AssessmentValueTest, NamesAndJapaneseLabels) {
  EXPECT_EQ(*ParseResultArgument("--result", "IMPLEMENTED"), v1::ITEM_RESULT_IMPLEMENTED);
  EXPECT_EQ(*ParseResultArgument("--result", "実施"), v1::ITEM_RESULT_IMPLEMENTED);
  EXPECT_EQ(*ParseResultArgument("--result", "一部実施"), v1::ITEM_RESULT_PARTIAL);
  EXPECT_EQ(*ParseResultArgument("--result", "not-applicable"), v1::ITEM_RESULT_NOT_APPLICABLE);
  EXPECT_EQ(*ParseResultArgument("--result", "未実施"), v1::ITEM_RESULT_NOT_IMPLEMENTED);
  EXPECT_EQ(*ParseAssessmentStateArgument("--state", "差戻し"), v1::ASSESSMENT_STATE_RETURNED);
  EXPECT_EQ(*ParseAssessmentStateArgument("--state", "accepted"), v1::ASSESSMENT_STATE_ACCEPTED);
  EXPECT_EQ(*ParseAdviceStateArgument("--state", "OPEN"), v1::ADVICE_STATE_OPEN);
  EXPECT_EQ(*ParseSeverityArgument("--severity", "注意"), v1::SEVERITY_WARNING);
  EXPECT_EQ(*ParseSeverityArgument("--severity", "CRITICAL"), v1::SEVERITY_CRITICAL);
  EXPECT_EQ(*ParseFiscalYearArgument("--fy", "令和8年度"), 2026);
  EXPECT_EQ(*ParseFiscalYearArgument("--fy", "2026"), 2026);
  EXPECT_EQ(FiscalYearText(2026, /*wareki=*/true), "令和8年度");
  EXPECT_EQ(FiscalYearText(2026, /*wareki=*/false), "2026");
}

TEST(AssessmentValueTest, UnknownValuesAreUsageErrorsNamingTheFlag) {
  absl::StatusOr<v1::ItemResult> result = ParseResultArgument("--result", "done");
  ASSERT_FALSE(result.ok());
  ExpectUsageError(result.status(), "--result: ");
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("\"done\""));
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("実施"));
  ExpectUsageError(ParseAssessmentStateArgument("--state", "FINISHED").status(), "--state: ");
  ExpectUsageError(ParseSeverityArgument("--severity", "HIGH").status(), "--severity: ");
  ExpectUsageError(ParseFiscalYearArgument("--fy", "令和0年度").status(), "--fy: ");
}

// ---- Request builders.

TEST(BuildCreateAssessmentRequestTest, FiscalYearInEitherForm) {
  CreateAssessmentFlags flags;
  flags.fiscal_year = "令和8年度";
  flags.organization = "kasama-union";
  flags.round = 2;
  flags.checklist_version = "2026.1";
  flags.from_last_accepted = true;
  auto request = BuildCreateAssessmentRequest(flags, "req-1");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->request_id(), "req-1");
  EXPECT_EQ(request->fiscal_year(), 2026);
  EXPECT_EQ(request->organization(), "kasama-union");
  EXPECT_EQ(request->round(), 2);
  EXPECT_EQ(request->checklist_version(), "2026.1");
  EXPECT_TRUE(request->from_last_accepted());

  flags.fiscal_year = "next year";
  ExpectUsageError(BuildCreateAssessmentRequest(flags, "r").status(), "--fy: ");
  flags.fiscal_year = "";
  ExpectUsageError(BuildCreateAssessmentRequest(flags, "r").status(), "--fy: ");
}

TEST(BuildListAssessmentsRequestTest, Filters) {
  ListAssessmentsFlags flags;
  flags.organization = "mito-city";
  flags.fiscal_year = "R8";
  flags.state = "提出済";
  auto request = BuildListAssessmentsRequest(flags);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->organization(), "mito-city");
  EXPECT_EQ(request->fiscal_year(), 2026);
  EXPECT_EQ(request->state(), v1::ASSESSMENT_STATE_SUBMITTED);
  flags.state = "DONE";
  ExpectUsageError(BuildListAssessmentsRequest(flags).status(), "--state: ");
}

class BuildAnswerRequestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("seccoord_cli_assessment_answer_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    evidence_file_ = (dir_ / "研修記録.txt").string();
    std::ofstream(evidence_file_, std::ios::binary) << "abc";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::string evidence_file_;
};

TEST_F(BuildAnswerRequestTest, SetsTheAnswerWithEvidenceHashesAndRemediation) {
  AnswerFlags flags;
  flags.result = "一部実施";
  flags.note = "一部の端末のみ";
  flags.evidence = {evidence_file_, "https://intra.example/mfa", "書庫A-3"};
  flags.evidence_titles = {"研修記録", "導入計画", "紙の台帳"};
  flags.action = "全端末へ導入";
  flags.owner = "情報システム係";
  flags.due = "令和9年3月31日";
  auto request = BuildAnswerRequest(MakeAssessment(), "3-1", flags, "req-2");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->request_id(), "req-2");
  EXPECT_EQ(request->assessment_id(), "kasama-union-2026-1");
  EXPECT_EQ(request->etag(), "etag-7");
  EXPECT_TRUE(request->confirm_item_ids().empty());
  ASSERT_EQ(request->answers_size(), 1);
  const v1::ItemAnswer& answer = request->answers(0);
  EXPECT_EQ(answer.item_id(), "3-1");
  EXPECT_EQ(answer.result(), v1::ITEM_RESULT_PARTIAL);
  EXPECT_EQ(answer.note(), "一部の端末のみ");
  EXPECT_FALSE(answer.carried_over());  // server-set, never sent
  ASSERT_EQ(answer.evidence_size(), 3);
  EXPECT_EQ(answer.evidence(0).title(), "研修記録");
  EXPECT_EQ(answer.evidence(0).location(), evidence_file_);  // the path as given
  // SHA-256 of "abc".
  EXPECT_EQ(answer.evidence(0).sha256(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(answer.evidence(1).location(), "https://intra.example/mfa");
  EXPECT_EQ(answer.evidence(1).sha256(), "");
  EXPECT_EQ(answer.evidence(2).location(), "書庫A-3");
  EXPECT_EQ(answer.evidence(2).sha256(), "");
  EXPECT_EQ(answer.remediation().action(), "全端末へ導入");
  EXPECT_EQ(answer.remediation().owner(), "情報システム係");
  EXPECT_EQ(answer.remediation().due().year(), 2027);
  EXPECT_EQ(answer.remediation().due().month(), 3);
  EXPECT_EQ(answer.remediation().due().day(), 31);
}

TEST_F(BuildAnswerRequestTest, FieldsNotGivenKeepTheCurrentAnswer) {
  AnswerFlags flags;
  flags.result = "IMPLEMENTED";
  flags.evidence = {evidence_file_};  // no title: the file name
  auto request = BuildAnswerRequest(MakeAssessment(), "1-1", flags, "r");
  ASSERT_TRUE(request.ok()) << request.status();
  const v1::ItemAnswer& answer = request->answers(0);
  EXPECT_EQ(answer.note(), "規程第3条で指定");
  ASSERT_EQ(answer.evidence_size(), 1);  // replaced, not appended
  EXPECT_EQ(answer.evidence(0).title(), "研修記録.txt");
  EXPECT_FALSE(answer.has_remediation());
}

TEST_F(BuildAnswerRequestTest, ConfirmAloneConfirmsTheCarriedOverAnswer) {
  AnswerFlags flags;
  flags.confirm = true;
  auto request = BuildAnswerRequest(MakeAssessment(), "3-1", flags, "r");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_TRUE(request->answers().empty());
  ASSERT_EQ(request->confirm_item_ids_size(), 1);
  EXPECT_EQ(request->confirm_item_ids(0), "3-1");
  EXPECT_EQ(request->etag(), "etag-7");

  flags.note = "x";
  ExpectUsageError(BuildAnswerRequest(MakeAssessment(), "3-1", flags, "r").status(),
                   "--confirm: ");
}

TEST_F(BuildAnswerRequestTest, BadValuesAreUsageErrorsNamingTheFlag) {
  AnswerFlags none;
  ExpectUsageError(BuildAnswerRequest(MakeAssessment(), "3-1", none, "r").status(), "--result: ");

  AnswerFlags bad_result;
  bad_result.result = "DONE";
  ExpectUsageError(BuildAnswerRequest(MakeAssessment(), "3-1", bad_result, "r").status(),
                   "--result: ");

  AnswerFlags bad_due;
  bad_due.result = "PARTIAL";
  bad_due.due = "2026-02-30";
  ExpectUsageError(BuildAnswerRequest(MakeAssessment(), "3-1", bad_due, "r").status(), "--due: ");

  AnswerFlags titles;
  titles.result = "実施";
  titles.evidence = {"a.pdf", "b.pdf"};
  titles.evidence_titles = {"only one"};
  ExpectUsageError(BuildAnswerRequest(MakeAssessment(), "3-1", titles, "r").status(),
                   "--evidence-title: ");
}

TEST(BuildReviewRequestTest, AcceptOrReturnWithComment) {
  ReviewFlags accept;
  accept.accept = true;
  auto request = BuildReviewRequest("kasama-union-2026-1", 2, accept, "req-3");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->decision(), v1::REVIEW_DECISION_ACCEPT);
  EXPECT_EQ(request->submission_number(), 2);
  EXPECT_EQ(request->request_id(), "req-3");

  ReviewFlags ret;
  ret.return_for_correction = true;
  ret.comment = "3-1 の改善計画を具体的に";
  ret.advice.emplace_back();
  ret.advice.back().set_text("計画を示してください");
  request = BuildReviewRequest("kasama-union-2026-1", 2, ret, "r");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->decision(), v1::REVIEW_DECISION_RETURN);
  EXPECT_EQ(request->comment(), "3-1 の改善計画を具体的に");
  EXPECT_EQ(request->advice_size(), 1);
}

TEST(BuildReviewRequestTest, FlagCombinationsAreUsageErrors) {
  ReviewFlags both;
  both.accept = true;
  both.return_for_correction = true;
  both.comment = "x";
  ExpectUsageError(BuildReviewRequest("a", 1, both, "r").status(), "--accept: ");
  ExpectUsageError(BuildReviewRequest("a", 1, ReviewFlags(), "r").status(), "--accept: ");
  ReviewFlags no_comment;
  no_comment.return_for_correction = true;
  ExpectUsageError(BuildReviewRequest("a", 1, no_comment, "r").status(), "--comment: ");
}

TEST(ParseAdviceYamlTest, EveryKey) {
  auto advice = ParseAdviceYaml("advice.yaml",
                                "- item: \"3-1\"\n"
                                "  text: 多要素認証の導入計画を示してください\n"
                                "  severity: 重大\n"
                                "  due: 令和9年3月31日\n"
                                "  policy_review: true\n"
                                "- text: 全体として良好です\n");
  ASSERT_TRUE(advice.ok()) << advice.status();
  ASSERT_EQ(advice->size(), 2u);
  EXPECT_EQ((*advice)[0].item_id(), "3-1");
  EXPECT_EQ((*advice)[0].severity(), v1::SEVERITY_CRITICAL);
  EXPECT_EQ((*advice)[0].due().year(), 2027);
  EXPECT_TRUE((*advice)[0].policy_review_needed());
  EXPECT_EQ((*advice)[1].item_id(), "");
  EXPECT_EQ((*advice)[1].severity(), v1::SEVERITY_UNSPECIFIED);  // the server's WARNING
  EXPECT_FALSE((*advice)[1].policy_review_needed());

  auto empty = ParseAdviceYaml("empty.yaml", "");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(ParseAdviceYamlTest, BadFilesAreUsageErrorsNamingFileEntryAndKey) {
  struct Case {
    const char* yaml;
    const char* message;
  };
  for (const Case& c : {
           Case{"item: 3-1\ntext: x\n", "advice.yaml: must be a YAML list"},
           Case{"- text: x\n  colour: red\n", "advice.yaml: unknown key '[0].colour'"},
           Case{"- text: x\n- text: y\n  severity: HIGH\n", "advice.yaml: [1].severity: "},
           Case{"- text: x\n  due: 2026-02-30\n", "advice.yaml: [0].due: "},
           Case{"- item: 3-1\n", "advice.yaml: [0].text: required"},
           Case{"- text: x\n  policy_review: perhaps\n", "advice.yaml: [0].policy_review: "},
           Case{"- text: [a, b]\n", "advice.yaml: [0].text: must be a string"},
           Case{"- {text: x\n", "advice.yaml: not valid YAML"},
       }) {
    auto advice = ParseAdviceYaml("advice.yaml", c.yaml);
    ASSERT_FALSE(advice.ok()) << c.yaml;
    ExpectUsageError(advice.status(), c.message);
  }
}

TEST(BuildSendAdviceRequestTest, SeverityDueAndPolicyReview) {
  AdviseFlags flags;
  flags.item_id = "3-1";
  flags.text = "計画を示してください";
  flags.severity = "重大";
  flags.due = "R9.3.31";
  flags.policy_review = true;
  auto request = BuildSendAdviceRequest("kasama-union-2026-1", flags, "req-4");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->assessment_id(), "kasama-union-2026-1");
  EXPECT_EQ(request->advice().item_id(), "3-1");
  EXPECT_EQ(request->advice().severity(), v1::SEVERITY_CRITICAL);
  EXPECT_EQ(request->advice().due().year(), 2027);
  EXPECT_TRUE(request->advice().policy_review_needed());

  flags.due = "2027-02-30";
  ExpectUsageError(BuildSendAdviceRequest("a", flags, "r").status(), "--due: ");
  flags.due.clear();
  flags.text.clear();
  ExpectUsageError(BuildSendAdviceRequest("a", flags, "r").status(), "--text: ");
}

TEST(BuildSheetUpdateTest, ConfirmRowsGoToConfirmIdsAndServerErrorsToTheirLine) {
  std::vector<assessment::SheetRow> rows(3);
  rows[0].line = 2;
  rows[0].answer.set_item_id("1-1");
  rows[0].answer.set_result(v1::ITEM_RESULT_IMPLEMENTED);
  rows[1].line = 3;
  rows[1].answer.set_item_id("3-1");
  rows[1].confirm = true;
  rows[2].line = 5;
  rows[2].answer.set_item_id("3-2");
  rows[2].answer.set_result(v1::ITEM_RESULT_NOT_IMPLEMENTED);
  SheetUpdate update = BuildSheetUpdate(MakeAssessment(), rows, "req-5");
  EXPECT_EQ(update.request.request_id(), "req-5");
  EXPECT_EQ(update.request.etag(), "etag-7");
  ASSERT_EQ(update.request.answers_size(), 2);
  EXPECT_EQ(update.request.answers(1).item_id(), "3-2");
  ASSERT_EQ(update.request.confirm_item_ids_size(), 1);
  EXPECT_EQ(update.request.confirm_item_ids(0), "3-1");
  EXPECT_EQ(update.answer_lines, (std::vector<int>{2, 5}));

  absl::Status refused = RpcError(grpc::Status(
      grpc::StatusCode::INVALID_ARGUMENT, "answers[1].remediation.due: required for NOT_IMPLEMENTED"));
  absl::Status attributed = AttributeToSheetLine(refused, "sheet.csv", update);
  EXPECT_EQ(attributed.message(),
            "sheet.csv:5: answers[1].remediation.due: required for NOT_IMPLEMENTED");
  EXPECT_EQ(ExitCodeFor(attributed), kExitRpc);
  absl::Status confirm = AttributeToSheetLine(
      absl::InvalidArgumentError("confirm_item_ids[0]: 3-1 is not carried over"), "s.csv", update);
  EXPECT_EQ(confirm.message(), "s.csv:3: confirm_item_ids[0]: 3-1 is not carried over");
  absl::Status other = absl::AbortedError("stale etag");
  EXPECT_EQ(AttributeToSheetLine(other, "s.csv", update), other);

  std::vector<assessment::SheetError> errors = {{2, "結果", "unknown value \"済\""},
                                                {4, "", "wrong number of fields"}};
  EXPECT_EQ(RenderSheetErrors("s.csv", errors),
            "s.csv:2: 結果: unknown value \"済\"\ns.csv:4: -: wrong number of fields\n");
}

// ---- Rendering.

TEST(RenderChecklistTest, ChaptersRequiredMarkAndAlignment) {
  const std::string text = RenderChecklist(MakeChecklist(), OutputOptions{});
  EXPECT_THAT(text, StartsWith("令和8年度 情報セキュリティ自己点検票\n"));
  EXPECT_THAT(text, HasSubstr("2026.1 (default)"));
  EXPECT_THAT(text, HasSubstr("basic-policy revision 1"));
  EXPECT_THAT(text, HasSubstr("\n1. 組織体制\n"));
  EXPECT_THAT(text, HasSubstr("\n3. 情報システム全体の強靭性の向上\n"));
  EXPECT_LT(text.find("1-1"), text.find("3. 情報システム"));
  std::string row31, row32;
  for (const std::string& line : Lines(text)) {
    if (line.find("3-1") != std::string::npos) row31 = line;
    if (line.find("3-2") != std::string::npos) row32 = line;
  }
  EXPECT_THAT(row31, HasSubstr("*"));
  EXPECT_THAT(row31, HasSubstr("SENSITIVE_MFA_EXPORT"));
  EXPECT_THAT(row32, Not(HasSubstr("*")));
  // Japanese articles of different widths: the questions start in one column.
  EXPECT_EQ(ColumnOf(row31, "機微"), ColumnOf(row32, "外部"));
}

TEST(RenderAssessmentTest, HeaderBindingAndItemsByChapter) {
  const v1::Assessment a = MakeAssessment();
  const std::string text = RenderAssessment(a, MakeChecklist(), OutputOptions{});
  EXPECT_THAT(text, StartsWith("kasama-union-2026-1\n"));
  EXPECT_THAT(text, HasSubstr("提出済 (SUBMITTED)"));
  EXPECT_THAT(text, HasSubstr("2026.1 令和8年度 情報セキュリティ自己点検票"));
  EXPECT_THAT(text, HasSubstr("#2 by seccoord://kasama-union/staff1"));
  EXPECT_THAT(text, HasSubstr(absl::StrCat("basic-policy revision 3 (content hash ",
                                           std::string(64, 'a'),
                                           ", 施行日 2026-04-01; in force on 2026-05-01)")));
  // Chapters in order, each item under its chapter.
  const size_t chapter1 = text.find("\n1. 組織体制\n");
  const size_t chapter3 = text.find("\n3. 情報システム全体の強靭性の向上\n");
  ASSERT_NE(chapter1, std::string::npos);
  ASSERT_NE(chapter3, std::string::npos);
  EXPECT_LT(chapter1, text.find("情報セキュリティ管理者を定めているか"));
  EXPECT_LT(chapter1, chapter3);
  EXPECT_LT(chapter3, text.find("機微情報取扱系の端末"));
  // Answers, marks, evidence, remediation and the findings beside 3-1.
  EXPECT_THAT(text, HasSubstr("結果: 実施 (IMPLEMENTED)\n"));
  EXPECT_THAT(text, HasSubstr("備考: 規程第3条で指定\n"));
  EXPECT_THAT(text, HasSubstr(absl::StrCat("証跡: 任命通知 — docs/任命通知.pdf (sha256 ",
                                           std::string(64, 'e'), ")")));
  EXPECT_THAT(text, HasSubstr("結果: 一部実施 (PARTIAL)  ※前回から引継・未確認"));
  EXPECT_THAT(text, HasSubstr("改善: 全端末へ導入 / 担当 情報システム係 / 期限 2027-03-31\n"));
  EXPECT_THAT(text, HasSubstr("資産: 2 件 (重大 1) SENSITIVE_MFA_EXPORT\n"));
  EXPECT_THAT(text, HasSubstr("結果: 未回答\n"));  // 3-2
  const size_t findings = text.find("資産: 2 件");
  EXPECT_LT(text.find("機微情報取扱系の端末"), findings);
  EXPECT_LT(findings, text.find("外部媒体の持出し"));
  // Detail lines line up under the question.
  std::string question_line, detail_line;
  for (const std::string& line : Lines(text)) {
    if (line.find("外部媒体") != std::string::npos) question_line = line;
    if (line.find("資産: 2 件") != std::string::npos) detail_line = line;
  }
  EXPECT_EQ(ColumnOf(question_line, "外部"), ColumnOf(detail_line, "資産"));

  OutputOptions wareki;
  wareki.wareki = true;
  const std::string in_wareki = RenderAssessment(a, MakeChecklist(), wareki);
  EXPECT_THAT(in_wareki, HasSubstr("令和8年度"));
  EXPECT_THAT(in_wareki, HasSubstr("施行日 令和8年4月1日"));
  EXPECT_THAT(in_wareki, HasSubstr("期限 令和9年3月31日"));
}

TEST(RenderAssessmentTest, OneItemOnly) {
  const std::string text = RenderAssessment(MakeAssessment(), MakeChecklist(), OutputOptions{},
                                            "3-1");
  EXPECT_THAT(text, HasSubstr("\n3. 情報システム全体の強靭性の向上\n"));
  EXPECT_THAT(text, HasSubstr("機微情報取扱系の端末"));
  EXPECT_THAT(text, Not(HasSubstr("1. 組織体制")));
  EXPECT_THAT(text, Not(HasSubstr("外部媒体")));
}

TEST(RenderAssessmentTest, NoneInForceUnavailableAndWarnings) {
  v1::Assessment none = MakeAssessment();
  none.mutable_policy()->set_none_in_force(true);
  EXPECT_EQ(RenderPolicyBinding(none, OutputOptions{}),
            "basic-policy: none in force on 2026-05-01");

  v1::Assessment unbound = MakeAssessment();
  unbound.clear_policy();
  unbound.set_policy_unavailable(true);
  unbound.clear_item_findings();
  unbound.add_unavailable("asset findings: asset service unavailable (UNAVAILABLE)");
  EXPECT_EQ(RenderPolicyBinding(unbound, OutputOptions{}),
            "unavailable — will be bound at submission");
  const std::string text = RenderAssessment(unbound, MakeChecklist(), OutputOptions{});
  EXPECT_THAT(text, HasSubstr("policy:"));
  EXPECT_THAT(text, HasSubstr("unavailable — will be bound at submission"));
  EXPECT_THAT(text, HasSubstr("資産: 不明 (SENSITIVE_MFA_EXPORT; findings unavailable)"));
  EXPECT_EQ(RenderUnavailableWarnings(unbound),
            "注意: asset findings: asset service unavailable (UNAVAILABLE)\n");
  EXPECT_EQ(RenderUnavailableWarnings(MakeAssessment()), "");
}

TEST(RenderAssessmentListTest, OneRowPerAssessmentWithBinding) {
  v1::ListAssessmentsResponse response;
  *response.add_assessments() = MakeAssessment();
  v1::Assessment draft = MakeAssessment();
  draft.set_id("mito-city-2026-1");
  draft.set_organization("mito-city");
  draft.set_state(v1::ASSESSMENT_STATE_DRAFT);
  draft.clear_submissions();
  draft.clear_policy();
  draft.set_policy_unavailable(true);
  *response.add_assessments() = draft;
  v1::Assessment none = MakeAssessment();
  none.set_id("shirosato-town-2026-1");
  none.mutable_policy()->set_none_in_force(true);
  *response.add_assessments() = none;
  const std::vector<std::string> lines = Lines(RenderAssessmentList(response, OutputOptions{}));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_THAT(lines[0], HasSubstr("年度"));
  EXPECT_THAT(lines[1], HasSubstr("提出済 (SUBMITTED)"));
  EXPECT_THAT(lines[1], HasSubstr("basic-policy r3"));
  EXPECT_THAT(lines[1], HasSubstr("#2"));
  EXPECT_THAT(lines[2], HasSubstr("下書き (DRAFT)"));
  EXPECT_THAT(lines[2], HasSubstr("unavailable"));
  EXPECT_THAT(lines[3], HasSubstr("none in force"));
  // Japanese state labels of different widths: the next column lines up.
  EXPECT_EQ(ColumnOf(lines[1], "2026.1"), ColumnOf(lines[2], "2026.1"));
  OutputOptions wareki;
  wareki.wareki = true;
  EXPECT_THAT(RenderAssessmentList(response, wareki), HasSubstr("令和8年度"));
  EXPECT_EQ(RenderAssessmentList(v1::ListAssessmentsResponse(), OutputOptions{}),
            "(no assessments)\n");
}

v1::Advice MakeAdvice() {
  v1::Advice advice;
  advice.set_id("ADV-000001");
  advice.set_assessment_id("kasama-union-2026-1");
  advice.set_item_id("3-1");
  advice.set_text("多要素認証の導入計画を示してください");
  advice.set_severity(v1::SEVERITY_WARNING);
  advice.set_state(v1::ADVICE_STATE_OPEN);
  advice.set_author("seccoord://kasama-city/advisor1");
  advice.set_submission_number(1);
  advice.set_etag("a-etag-2");
  v1::AdviceEntry* answer = advice.add_thread();
  answer->set_kind(v1::ADVICE_ENTRY_KIND_ANSWER);
  answer->set_text("令和9年3月までに導入します");
  answer->set_author("seccoord://kasama-union/staff1");
  v1::AdviceEntry* reopen = advice.add_thread();
  reopen->set_kind(v1::ADVICE_ENTRY_KIND_REOPEN);
  reopen->set_text("対象端末の数を示してください");
  reopen->set_author("seccoord://kasama-city/advisor1");
  return advice;
}

TEST(RenderAdviceTest, HeaderTextAndThreadInOrder) {
  v1::ListAdviceResponse response;
  *response.add_advice() = MakeAdvice();
  const std::string text = RenderAdviceList(response, OutputOptions{});
  EXPECT_THAT(text, HasSubstr("ADV-000001  未回答 (OPEN)  kasama-union-2026-1  item 3-1  注意 "
                              "(WARNING)"));
  EXPECT_THAT(text, HasSubstr("多要素認証の導入計画を示してください"));
  const size_t answer = text.find("ANSWER by seccoord://kasama-union/staff1");
  const size_t reopen = text.find("REOPEN by seccoord://kasama-city/advisor1");
  ASSERT_NE(answer, std::string::npos);
  ASSERT_NE(reopen, std::string::npos);
  EXPECT_LT(answer, reopen);
  EXPECT_THAT(text, HasSubstr(": 令和9年3月までに導入します"));
  EXPECT_EQ(RenderAdviceList(v1::ListAdviceResponse(), OutputOptions{}), "(no advice)\n");
}

TEST(RenderAssessmentEventLineTest, SequenceTimeTypeAssessmentAdviceActor) {
  v1::AssessmentEvent event;
  event.set_sequence(12);
  event.set_type(v1::ASSESSMENT_EVENT_TYPE_ADVICE_SENT);
  event.set_assessment_id("kasama-union-2026-1");
  event.set_advice_id("ADV-000003");
  event.set_actor("seccoord://kasama-city/advisor1");
  event.set_time_us(1775000000000000);
  EXPECT_EQ(RenderAssessmentEventLine(event, OutputOptions{}),
            "12 2026-04-01T08:33:20+09:00 ADVICE_SENT kasama-union-2026-1 ADV-000003 "
            "seccoord://kasama-city/advisor1\n");
  event.set_type(v1::ASSESSMENT_EVENT_TYPE_SUBMITTED);
  event.clear_advice_id();
  EXPECT_EQ(RenderAssessmentEventLine(event, OutputOptions{}),
            "12 2026-04-01T08:33:20+09:00 SUBMITTED kasama-union-2026-1 "
            "seccoord://kasama-city/advisor1\n");
}

// ---- The binary path against a fake AssessmentService over TLS.

constexpr char kId[] = "kasama-union-2026-1";

class FakeAssessmentService final : public v1::AssessmentService::Service {
 public:
  grpc::Status GetChecklist(grpc::ServerContext*, const v1::GetChecklistRequest* request,
                            v1::Checklist* response) override {
    if (!request->version().empty() && request->version() != "2026.1") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "checklist " + request->version());
    }
    *response = MakeChecklist();
    return grpc::Status::OK;
  }
  grpc::Status CreateAssessment(grpc::ServerContext*, const v1::CreateAssessmentRequest* request,
                                v1::Assessment* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    request_ids_.push_back(request->request_id());
    last_create_ = *request;
    *response = MakeAssessment();
    response->set_state(v1::ASSESSMENT_STATE_DRAFT);
    response->clear_submissions();
    return grpc::Status::OK;
  }
  grpc::Status GetAssessment(grpc::ServerContext*, const v1::GetAssessmentRequest* request,
                             v1::Assessment* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++gets_;
    if (request->assessment_id() != kId) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "assessment " + request->assessment_id());
    }
    *response = MakeAssessment();
    if (findings_down_) {
      response->clear_item_findings();
      response->add_unavailable("asset findings: asset service unavailable (UNAVAILABLE)");
    }
    return grpc::Status::OK;
  }
  grpc::Status ListAssessments(grpc::ServerContext*, const v1::ListAssessmentsRequest* request,
                               v1::ListAssessmentsResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    last_list_ = *request;
    // Three assessments, two on the first page.
    const int start = request->page_token().empty() ? 0 : 2;
    for (int i = start; i < std::min(3, start + 2); ++i) {
      v1::Assessment a = MakeAssessment();
      a.set_id("kasama-union-2026-" + std::to_string(i + 1));
      a.set_round(i + 1);
      a.clear_answers();
      *response->add_assessments() = a;
    }
    if (start == 0) response->set_next_page_token("page2");
    return grpc::Status::OK;
  }
  grpc::Status UpdateAnswers(grpc::ServerContext*, const v1::UpdateAnswersRequest* request,
                             v1::Assessment* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    request_ids_.push_back(request->request_id());
    last_update_ = *request;
    ++updates_;
    if (request->etag() != "etag-7") return grpc::Status(grpc::StatusCode::ABORTED, "stale etag");
    for (int i = 0; i < request->answers_size(); ++i) {
      if (request->answers(i).note() == "却下") {
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                            "answers[" + std::to_string(i) + "].note: refused by the test");
      }
    }
    *response = MakeAssessment();
    response->set_etag("etag-8");
    return grpc::Status::OK;
  }
  grpc::Status SubmitAssessment(grpc::ServerContext*, const v1::SubmitAssessmentRequest* request,
                                v1::Assessment* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    request_ids_.push_back(request->request_id());
    last_submit_ = *request;
    *response = MakeAssessment();
    return grpc::Status::OK;
  }
  grpc::Status ReviewAssessment(grpc::ServerContext*, const v1::ReviewAssessmentRequest* request,
                                v1::Assessment* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    request_ids_.push_back(request->request_id());
    last_review_ = *request;
    *response = MakeAssessment();
    response->set_state(request->decision() == v1::REVIEW_DECISION_ACCEPT
                            ? v1::ASSESSMENT_STATE_ACCEPTED
                            : v1::ASSESSMENT_STATE_RETURNED);
    response->set_review_comment(request->comment());
    return grpc::Status::OK;
  }
  grpc::Status ReopenAssessment(grpc::ServerContext*, const v1::ReopenAssessmentRequest* request,
                                v1::Assessment* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    last_reopen_ = *request;
    *response = MakeAssessment();
    response->set_state(v1::ASSESSMENT_STATE_RETURNED);
    return grpc::Status::OK;
  }
  grpc::Status SendAdvice(grpc::ServerContext*, const v1::SendAdviceRequest* request,
                          v1::Advice* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    last_send_ = *request;
    *response = MakeAdvice();
    response->set_id("ADV-000002");
    response->set_severity(request->advice().severity());
    return grpc::Status::OK;
  }
  grpc::Status GetAdvice(grpc::ServerContext*, const v1::GetAdviceRequest* request,
                         v1::Advice* response) override {
    if (request->advice_id() != "ADV-000001") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "advice " + request->advice_id());
    }
    *response = MakeAdvice();
    return grpc::Status::OK;
  }
  grpc::Status ListAdvice(grpc::ServerContext*, const v1::ListAdviceRequest* request,
                          v1::ListAdviceResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    last_list_advice_ = *request;
    v1::Advice advice = MakeAdvice();
    if (!request->page_token().empty()) advice.set_id("ADV-000005");
    *response->add_advice() = advice;
    if (request->page_token().empty()) response->set_next_page_token("next");
    return grpc::Status::OK;
  }
  grpc::Status AnswerAdvice(grpc::ServerContext*, const v1::AnswerAdviceRequest* request,
                            v1::Advice* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    last_answer_advice_ = *request;
    *response = MakeAdvice();
    response->set_state(v1::ADVICE_STATE_ANSWERED);
    return grpc::Status::OK;
  }
  grpc::Status CloseAdvice(grpc::ServerContext*, const v1::CloseAdviceRequest* request,
                           v1::Advice* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    last_close_ = *request;
    *response = MakeAdvice();
    response->set_state(v1::ADVICE_STATE_CLOSED);
    return grpc::Status::OK;
  }
  grpc::Status WatchAssessmentEvents(grpc::ServerContext* context,
                                     const v1::WatchAssessmentEventsRequest* request,
                                     grpc::ServerWriter<v1::AssessmentEvent>* writer) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      watch_had_deadline_ =
          context->deadline() < std::chrono::system_clock::now() + std::chrono::hours(24 * 365);
    }
    for (int64_t seq = request->since_sequence() + 1; seq <= 3; ++seq) {
      v1::AssessmentEvent event;
      event.set_sequence(seq);
      event.set_type(seq == 3 ? v1::ASSESSMENT_EVENT_TYPE_ADVICE_SENT
                              : v1::ASSESSMENT_EVENT_TYPE_SUBMITTED);
      event.set_assessment_id(kId);
      if (seq == 3) event.set_advice_id("ADV-000001");
      event.set_actor("seccoord://kasama-union/staff1");
      writer->Write(event);
    }
    if (!request->backlog_only()) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "server going away");
    }
    return grpc::Status::OK;
  }

  std::mutex mu_;
  bool findings_down_ = false;
  bool watch_had_deadline_ = false;
  int gets_ = 0;
  int updates_ = 0;
  std::vector<std::string> request_ids_;
  v1::CreateAssessmentRequest last_create_;
  v1::ListAssessmentsRequest last_list_;
  v1::UpdateAnswersRequest last_update_;
  v1::SubmitAssessmentRequest last_submit_;
  v1::ReviewAssessmentRequest last_review_;
  v1::ReopenAssessmentRequest last_reopen_;
  v1::SendAdviceRequest last_send_;
  v1::ListAdviceRequest last_list_advice_;
  v1::AnswerAdviceRequest last_answer_advice_;
  v1::CloseAdviceRequest last_close_;
};

class AssessmentCliTest : public CliServerTest {
 protected:
  static void SetUpTestSuite() {
    service_ = new FakeAssessmentService();
    StartServer("cli_assessment_test", "assessmentd", {service_}, [](int port) {
      const std::string address = "127.0.0.1:" + std::to_string(port);
      return "default_profile: union-staff\nprofiles:\n"
             "  union-staff: {assessment: " + address +
             ", ca: certs/ca.crt, cert: certs/staff1.crt, key: certs/staff1.key}\n"
             "  no-assessment: {policy: " + address + ", ca: certs/ca.crt}\n";
    });
  }
  static void TearDownTestSuite() {
    StopServer();
    delete service_;
  }

  int Updates() {
    std::lock_guard<std::mutex> lock(service_->mu_);
    return service_->updates_;
  }
  int Gets() {
    std::lock_guard<std::mutex> lock(service_->mu_);
    return service_->gets_;
  }

  static FakeAssessmentService* service_;
};

FakeAssessmentService* AssessmentCliTest::service_ = nullptr;

TEST_F(AssessmentCliTest, CreatePrintsTheNewId) {
  Result r = Cli({"assessment", "create", "--fy", "令和8年度", "--from-last-accepted"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "kasama-union-2026-1\n");
  EXPECT_THAT(r.err, HasSubstr("created kasama-union-2026-1 (2026, round 1, checklist 2026.1"));
  std::lock_guard<std::mutex> lock(service_->mu_);
  EXPECT_EQ(service_->last_create_.fiscal_year(), 2026);
  EXPECT_TRUE(service_->last_create_.from_last_accepted());
  EXPECT_EQ(service_->last_create_.request_id().size(), 36u);
}

TEST_F(AssessmentCliTest, ListFetchesEveryPage) {
  Result r = Cli({"assessment", "list", "--fy", "2026", "--state", "提出済"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("kasama-union-2026-1"));
  EXPECT_THAT(r.out, HasSubstr("kasama-union-2026-3"));
  EXPECT_THAT(r.out, HasSubstr("basic-policy r3"));
  {
    std::lock_guard<std::mutex> lock(service_->mu_);
    EXPECT_EQ(service_->last_list_.fiscal_year(), 2026);
    EXPECT_EQ(service_->last_list_.state(), v1::ASSESSMENT_STATE_SUBMITTED);
  }
  Result json = Cli({"-o", "json", "assessment", "list"});
  ASSERT_EQ(json.code, kExitOk) << json.err;
  v1::ListAssessmentsResponse parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &parsed).ok()) << json.out;
  EXPECT_EQ(parsed.assessments_size(), 3);

  Result bad = Cli({"assessment", "list", "--state", "DONE"});
  EXPECT_EQ(bad.code, kExitUsage);
  EXPECT_THAT(bad.err, HasSubstr("error: INVALID_ARGUMENT: --state: unknown value"));
}

TEST_F(AssessmentCliTest, ShowRendersItemsWithFindingsAndWarnsWhenUnavailable) {
  Result r = Cli({"assessment", "show", kId});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("3. 情報システム全体の強靭性の向上"));
  EXPECT_THAT(r.out, HasSubstr("資産: 2 件 (重大 1) SENSITIVE_MFA_EXPORT"));
  EXPECT_EQ(r.err, "");

  {
    std::lock_guard<std::mutex> lock(service_->mu_);
    service_->findings_down_ = true;
  }
  Result down = Cli({"--wareki", "assessment", "show", kId, "--item", "3-1"});
  {
    std::lock_guard<std::mutex> lock(service_->mu_);
    service_->findings_down_ = false;
  }
  ASSERT_EQ(down.code, kExitOk) << down.err;
  EXPECT_EQ(down.err, "注意: asset findings: asset service unavailable (UNAVAILABLE)\n");
  EXPECT_THAT(down.out, HasSubstr("令和8年度"));
  EXPECT_THAT(down.out, Not(HasSubstr("情報セキュリティ管理者")));

  Result unknown_item = Cli({"assessment", "show", kId, "--item", "9-9"});
  EXPECT_EQ(unknown_item.code, kExitUsage);
  EXPECT_THAT(unknown_item.err, HasSubstr("error: INVALID_ARGUMENT: --item: '9-9' is not an item"));

  Result json = Cli({"-o", "json", "assessment", "show", kId});
  ASSERT_EQ(json.code, kExitOk) << json.err;
  v1::Assessment parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &parsed).ok()) << json.out;
  EXPECT_EQ(parsed.id(), kId);

  Result missing = Cli({"assessment", "show", "nope-2026-1"});
  EXPECT_EQ(missing.code, kExitRpc);
  EXPECT_EQ(missing.err, "error: NOT_FOUND: assessment nope-2026-1\n");
}

TEST_F(AssessmentCliTest, AnswerReadsTheEtagAndSendsTheAnswer) {
  const std::string evidence = WriteTemp("evidence.txt", "abc");
  Result r = Cli({"assessment", "answer", kId, "3-1", "--result", "PARTIAL", "--note", "一部のみ",
                  "--evidence", evidence, "--evidence-title", "導入記録", "--action", "全端末へ",
                  "--owner", "情報係", "--due", "R9.3.31"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("kasama-union-2026-1 3-1: 一部実施 (PARTIAL) (etag etag-8)"));
  {
    std::lock_guard<std::mutex> lock(service_->mu_);
    const v1::UpdateAnswersRequest& sent = service_->last_update_;
    EXPECT_EQ(sent.etag(), "etag-7");
    ASSERT_EQ(sent.answers_size(), 1);
    EXPECT_EQ(sent.answers(0).note(), "一部のみ");
    EXPECT_EQ(sent.answers(0).evidence(0).sha256(),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sent.answers(0).remediation().due().year(), 2027);
  }
  Result confirm = Cli({"assessment", "answer", kId, "3-1", "--confirm"});
  ASSERT_EQ(confirm.code, kExitOk) << confirm.err;
  EXPECT_THAT(confirm.out, HasSubstr("carried-over answer confirmed"));
  std::lock_guard<std::mutex> lock(service_->mu_);
  EXPECT_TRUE(service_->last_update_.answers().empty());
  ASSERT_EQ(service_->last_update_.confirm_item_ids_size(), 1);
  EXPECT_EQ(service_->last_update_.confirm_item_ids(0), "3-1");
}

TEST_F(AssessmentCliTest, BadFlagsAreUsageErrorsBeforeAnyCall) {
  const int gets = Gets();
  const int updates = Updates();
  Result r = Cli({"assessment", "answer", kId, "3-1", "--result", "DONE"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("error: INVALID_ARGUMENT: --result: unknown value \"DONE\""));
  r = Cli({"assessment", "answer", kId, "3-1", "--result", "PARTIAL", "--due", "2026-02-30"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("error: INVALID_ARGUMENT: --due: "));
  r = Cli({"assessment", "review", kId, "--accept", "--return", "--comment", "x"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("exactly one of --accept and --return"));
  r = Cli({"assessment", "review", kId, "--return"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--comment: required"));
  const std::string advice = WriteTemp("bad-advice.yaml", "- text: x\n  severity: HIGH\n");
  r = Cli({"assessment", "review", kId, "--accept", "--advice-file", advice});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("bad-advice.yaml: [0].severity: "));
  r = Cli({"assessment", "create"});
  EXPECT_EQ(r.code, kExitUsage);
  r = Cli({"assessment", "sheet", kId, "--bom", "--encoding", "cp932"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--bom: "));
  EXPECT_EQ(Gets(), gets);
  EXPECT_EQ(Updates(), updates);

  Result no_address = Cli({"--profile", "no-assessment", "assessment", "list"});
  EXPECT_EQ(no_address.code, kExitConfig);
  EXPECT_THAT(no_address.err, HasSubstr("has no address for the assessment service"));

  Result help = Cli({"assessment", "--help"});
  EXPECT_EQ(help.code, kExitOk);
  EXPECT_THAT(help.out, HasSubstr("reopen-assessment"));
  Result answer_help = Cli({"assessment", "answer", "--help"});
  EXPECT_EQ(answer_help.code, kExitOk);
  EXPECT_THAT(answer_help.out, HasSubstr("Exit codes"));
  Result no_command = Cli({"assessment"});
  EXPECT_EQ(no_command.code, kExitUsage);
  EXPECT_THAT(no_command.err, HasSubstr("'seccoord assessment' needs a command"));
}

TEST_F(AssessmentCliTest, SubmitAndReviewDecideOnTheLatestSubmission) {
  Result submit = Cli({"assessment", "submit", kId});
  ASSERT_EQ(submit.code, kExitOk) << submit.err;
  EXPECT_THAT(submit.out, HasSubstr("kasama-union-2026-1: 提出済 (SUBMITTED), submission #2"));
  {
    std::lock_guard<std::mutex> lock(service_->mu_);
    EXPECT_EQ(service_->last_submit_.etag(), "etag-7");
  }
  const std::string advice = WriteTemp("advice.yaml",
                                       "- item: \"3-1\"\n  text: 計画を示してください\n"
                                       "  severity: 注意\n  due: 令和9年3月31日\n");
  Result ret = Cli({"assessment", "review", kId, "--return", "--comment", "計画が不十分",
                    "--advice-file", advice});
  ASSERT_EQ(ret.code, kExitOk) << ret.err;
  EXPECT_THAT(ret.out, HasSubstr("差戻し (RETURNED)"));
  EXPECT_THAT(ret.out, HasSubstr("1 advice item sent"));
  std::lock_guard<std::mutex> lock(service_->mu_);
  const v1::ReviewAssessmentRequest& sent = service_->last_review_;
  EXPECT_EQ(sent.submission_number(), 2);
  EXPECT_EQ(sent.decision(), v1::REVIEW_DECISION_RETURN);
  EXPECT_EQ(sent.comment(), "計画が不十分");
  ASSERT_EQ(sent.advice_size(), 1);
  EXPECT_EQ(sent.advice(0).severity(), v1::SEVERITY_WARNING);
  EXPECT_EQ(sent.advice(0).due().year(), 2027);
}

TEST_F(AssessmentCliTest, FillReportsEveryBadRowAndSendsNothing) {
  const int updates = Updates();
  const std::string bad = WriteTemp("bad.csv",
                                    "item_id,result,note\r\n1-1,done,x\r\n9-9,実施,y\r\n");
  Result r = Cli({"assessment", "fill", kId, bad});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr(bad + ":2: result: "));
  EXPECT_THAT(r.err, HasSubstr(bad + ":3: item_id: "));
  EXPECT_THAT(r.err, HasSubstr("2 errors; nothing sent"));
  EXPECT_EQ(Updates(), updates);
}

TEST_F(AssessmentCliTest, FillSendsOneUpdateWithEveryRow) {
  const std::string good = WriteTemp(
      "good.csv", "item_id,result,note,confirm\r\n1-1,実施,規程あり,\r\n3-1,,,○\r\n"
                  "3-2,該当なし,媒体なし,\r\n");
  const int updates = Updates();
  Result dry = Cli({"assessment", "fill", kId, good, "--dry-run"});
  ASSERT_EQ(dry.code, kExitOk) << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("dry run: "));
  EXPECT_THAT(dry.out, HasSubstr("2 answers, 1 confirmation"));
  EXPECT_EQ(Updates(), updates);  // nothing sent

  Result r = Cli({"assessment", "fill", kId, good});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("2 answers, 1 confirmation"));
  EXPECT_EQ(Updates(), updates + 1);
  {
    std::lock_guard<std::mutex> lock(service_->mu_);
    const v1::UpdateAnswersRequest& sent = service_->last_update_;
    EXPECT_EQ(sent.etag(), "etag-7");
    ASSERT_EQ(sent.answers_size(), 2);
    EXPECT_EQ(sent.answers(0).item_id(), "1-1");
    EXPECT_EQ(sent.answers(1).result(), v1::ITEM_RESULT_NOT_APPLICABLE);
    ASSERT_EQ(sent.confirm_item_ids_size(), 1);
    EXPECT_EQ(sent.confirm_item_ids(0), "3-1");
  }

  // The server refuses answers[1]: reported at the sheet line of that row.
  const std::string refused = WriteTemp(
      "refused.csv", "item_id,result,note\r\n1-1,実施,ok\r\n3-1,実施,ok\r\n3-2,実施,却下\r\n");
  Result server = Cli({"assessment", "fill", kId, refused});
  EXPECT_EQ(server.code, kExitRpc);
  EXPECT_THAT(server.err, HasSubstr("error: INVALID_ARGUMENT: " + refused +
                                    ":4: answers[2].note: refused by the test"));
}

TEST_F(AssessmentCliTest, SheetWritesTheFileThatFillReadsBack) {
  const std::string file = (*dir_ / "sheet.csv").string();
  Result r = Cli({"assessment", "sheet", kId, "--bom", "-f", file});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  const std::string bytes = ReadFile(file);
  EXPECT_THAT(bytes, StartsWith("\xEF\xBB\xBF"));
  EXPECT_THAT(bytes, HasSubstr("機微情報取扱系の端末"));
  EXPECT_THAT(r.err, HasSubstr("wrote the answer sheet of kasama-union-2026-1 (3 items)"));

  Result back = Cli({"assessment", "fill", kId, file, "--dry-run"});
  ASSERT_EQ(back.code, kExitOk) << back.err;
  EXPECT_THAT(back.out, HasSubstr("2 answers, 0 confirmations"));
}

TEST_F(AssessmentCliTest, AdviceListRespondAndClose) {
  Result list = Cli({"assessment", "advice", kId, "--state", "未回答"});
  ASSERT_EQ(list.code, kExitOk) << list.err;
  EXPECT_THAT(list.out, HasSubstr("ADV-000001"));
  EXPECT_THAT(list.out, HasSubstr("ADV-000005"));  // the second page
  EXPECT_THAT(list.out, HasSubstr("ANSWER by seccoord://kasama-union/staff1"));
  {
    std::lock_guard<std::mutex> lock(service_->mu_);
    EXPECT_EQ(service_->last_list_advice_.assessment_id(), kId);
    EXPECT_EQ(service_->last_list_advice_.state(), v1::ADVICE_STATE_OPEN);
  }
  Result respond = Cli({"assessment", "respond", "ADV-000001", "--text", "導入します"});
  ASSERT_EQ(respond.code, kExitOk) << respond.err;
  EXPECT_THAT(respond.out, HasSubstr("ADV-000001: 回答済 (ANSWERED)"));
  Result close = Cli({"assessment", "close", "ADV-000001", "--comment", "確認しました"});
  ASSERT_EQ(close.code, kExitOk) << close.err;
  std::lock_guard<std::mutex> lock(service_->mu_);
  EXPECT_EQ(service_->last_answer_advice_.etag(), "a-etag-2");
  EXPECT_EQ(service_->last_answer_advice_.text(), "導入します");
  EXPECT_EQ(service_->last_close_.etag(), "a-etag-2");
  EXPECT_EQ(service_->last_close_.comment(), "確認しました");
}

TEST_F(AssessmentCliTest, AdviseAndReopenAssessment) {
  Result r = Cli({"assessment", "advise", kId, "--item", "3-1", "--text", "計画を", "--severity",
                  "重大", "--policy-review"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "ADV-000002\n");
  Result reopen = Cli({"assessment", "reopen-assessment", kId, "--reason", "誤りが判明"});
  ASSERT_EQ(reopen.code, kExitOk) << reopen.err;
  EXPECT_THAT(reopen.out, HasSubstr("差戻し (RETURNED)"));
  std::lock_guard<std::mutex> lock(service_->mu_);
  EXPECT_EQ(service_->last_send_.advice().severity(), v1::SEVERITY_CRITICAL);
  EXPECT_TRUE(service_->last_send_.advice().policy_review_needed());
  EXPECT_EQ(service_->last_reopen_.etag(), "etag-7");
  EXPECT_EQ(service_->last_reopen_.reason(), "誤りが判明");
}

TEST_F(AssessmentCliTest, WatchPrintsOneLinePerEvent) {
  Result backlog = Cli({"assessment", "watch", "--since", "1", "--backlog"});
  ASSERT_EQ(backlog.code, kExitOk) << backlog.err;
  const std::vector<std::string> lines = Lines(backlog.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], StartsWith("2 "));
  EXPECT_THAT(lines[0], HasSubstr(" SUBMITTED kasama-union-2026-1 seccoord://kasama-union/staff1"));
  EXPECT_THAT(lines[1], HasSubstr(" ADVICE_SENT kasama-union-2026-1 ADV-000001 "));
  {
    std::lock_guard<std::mutex> lock(service_->mu_);
    EXPECT_TRUE(service_->watch_had_deadline_);
  }

  // The live stream has no deadline; when it breaks it tells where to resume.
  Result live = Cli({"assessment", "watch"});
  EXPECT_EQ(live.code, kExitRpc);
  EXPECT_THAT(live.err, HasSubstr("error: UNAVAILABLE: server going away (last sequence 3; "
                                  "resume with --since 3)"));
  {
    std::lock_guard<std::mutex> lock(service_->mu_);
    EXPECT_FALSE(service_->watch_had_deadline_);
  }

  Result json = Cli({"-o", "json", "assessment", "watch", "--backlog"});
  ASSERT_EQ(json.code, kExitOk) << json.err;
  int count = 0;
  for (const std::string& line : Lines(json.out)) {
    v1::AssessmentEvent event;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &event).ok()) << line;
    EXPECT_EQ(event.sequence(), ++count);
  }
  EXPECT_EQ(count, 3);
}

}  // namespace
}  // namespace seccoord::cli
