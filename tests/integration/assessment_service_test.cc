// The three real services in-process over real mTLS, each on its own
// database (both drivers), with the sample principals' certificates: the
// assessment service binds to the basic policy published in the real policy
// service and shows the real asset service's findings beside the items, as
// seccoord://service/assessmentd. What each role may read and write (and
// that refusals are audited), stale etags, retried request ids, a review of
// an old submission, the event stream over the wire, and degradation: with
// policyd stopped creation is marked unavailable and the binding is made at
// submission; with assetd stopped show still answers within its deadline.
// The service role gets what these calls need and nothing more.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/policy_text.h"
#include "common/proto_convert.h"
#include "seccoord/v1/assessment.grpc.pb.h"
#include "seccoord/v1/asset.grpc.pb.h"
#include "seccoord/v1/audit.grpc.pb.h"
#include "seccoord/v1/policy.grpc.pb.h"
#include "services/assessment/assessment_server.h"
#include "services/asset/asset_server.h"
#include "services/policy/policy_server.h"
#include "tests/support/test_database.h"
#include "tests/support/test_files.h"
#include "tests/support/test_server.h"

namespace seccoord::assessment {
namespace {

using seccoord::testing::ReadFile;
using seccoord::testing::SourceDir;

using grpc::StatusCode;
using seccoord::testing::TestDatabase;
using seccoord::testing::TestServer;
using seccoord::testing::TestServerOptions;

std::string NewId() {
  static std::atomic<int> n{0};
  return "ait-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
}

TestServerOptions Quiet(int port = 0) {
  TestServerOptions options;
  options.rpc_log_sink = [](std::string_view) {};
  options.port = port;
  return options;
}

class AssessmentServiceTest : public seccoord::testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto policy_db = TestDatabase::Create(driver());
    auto asset_db = TestDatabase::Create(driver());
    ASSERT_TRUE(policy_db.ok() && asset_db.ok());
    policy_db_ = std::move(*policy_db);
    asset_db_ = std::move(*asset_db);
    StartPolicy(0);
    StartAssets(0);
    SeedPolicy();
    SeedAssets();
    AssessmentServerConfig config;
    config.policy_address = policy_->address();
    config.asset_address = assets_->address();
    // Long enough for a first call's TLS handshake and a PostgreSQL read on
    // a slow machine; a peer that is down refuses the connection at once.
    config.peer_deadline = absl::Seconds(3);
    config.peer_refresh = absl::Milliseconds(200);
    config.checklist_dir = SourceDir() + "/data/checklists";
    // 令和8年度 whatever the day the test runs.
    config.clock = runtime::Clock{runtime::Clock::System().now_us,
                                  [] { return CivilDate{2026, 12, 1}; }};
    auto server = TestServer::Start(AssessmentServerSpec(config), db(), Quiet());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  void TearDown() override {
    server_.reset();
    assets_.reset();
    policy_.reset();
    DatabaseTest::TearDown();
  }

  void StartPolicy(int port) {
    auto s = TestServer::Start(policy::PolicyServerSpec(), policy_db_->db(), Quiet(port));
    ASSERT_TRUE(s.ok()) << s.status();
    policy_ = std::move(*s);
  }

  void StartAssets(int port) {
    auto s = TestServer::Start(asset::AssetServerSpec(), asset_db_->db(), Quiet(port));
    ASSERT_TRUE(s.ok()) << s.status();
    assets_ = std::move(*s);
  }

  // Revision 1 of the basic policy, published, effective 2026-04-01.
  void SeedPolicy() {
    auto text = ParsePolicyText(ReadFile(SourceDir() + "/data/basic-policy-r8.txt"));
    ASSERT_TRUE(text.ok()) << text.status();
    seed_hash_ = ContentHashHex(*text);
    auto stub = v1::PolicyService::NewStub(policy_->ChannelAs("staff1"));
    v1::CreateRevisionRequest create;
    create.set_request_id(NewId());
    create.set_document_id("basic-policy");
    create.set_title(text->title);
    SetArticles(*text, create.mutable_articles());
    create.set_change_summary("初版");
    v1::Revision draft;
    {
      grpc::ClientContext ctx;
      ASSERT_TRUE(stub->CreateRevision(&ctx, create, &draft).ok());
    }
    v1::TransitionRevisionRequest t;
    t.set_request_id(NewId());
    t.set_document_id("basic-policy");
    t.set_number(draft.number());
    v1::Revision out;
    {
      grpc::ClientContext ctx;
      ASSERT_TRUE(stub->SubmitRevision(&ctx, t, &out).ok());
    }
    auto admin = v1::PolicyService::NewStub(policy_->ChannelAs("admin1"));
    t.set_request_id(NewId());
    {
      grpc::ClientContext ctx;
      ASSERT_TRUE(admin->ApproveRevision(&ctx, t, &out).ok());
    }
    v1::PublishRevisionRequest p;
    p.set_request_id(NewId());
    p.set_document_id("basic-policy");
    p.set_number(draft.number());
    *p.mutable_effective_date() = ToProtoDate({2026, 4, 1});
    grpc::ClientContext ctx;
    ASSERT_TRUE(admin->PublishRevision(&ctx, p, &out).ok());
  }

  // One sensitive-segment system without MFA: a CRITICAL finding of
  // SENSITIVE_MFA_EXPORT, which items 3-2 and 3-3 of the checklist bear.
  void SeedAssets() {
    v1::CreateAssetRequest r;
    r.set_request_id(NewId());
    auto* a = r.mutable_asset();
    a->set_name("火葬場予約システム");
    a->set_category(v1::ASSET_CATEGORY_INFORMATION_SYSTEM);
    a->set_segment(v1::SEGMENT_SENSITIVE);
    a->set_confidentiality(v1::CONFIDENTIALITY_3B);
    a->set_integrity(v1::INTEGRITY_2);
    a->set_availability(v1::AVAILABILITY_1);
    a->set_external_service(v1::EXTERNAL_SERVICE_USE_NONE);
    a->set_location("サーバ室");
    v1::Asset out;
    grpc::ClientContext ctx;
    ASSERT_TRUE(
        v1::AssetService::NewStub(assets_->ChannelAs("staff1"))->CreateAsset(&ctx, r, &out).ok());
  }

  std::unique_ptr<v1::AssessmentService::Stub> Stub(const std::string& cert) {
    return v1::AssessmentService::NewStub(server_->ChannelAs(cert));
  }

  template <typename Request, typename Response>
  grpc::Status Call(const std::string& cert,
                    grpc::Status (v1::AssessmentService::Stub::*method)(grpc::ClientContext*,
                                                                        const Request&, Response*),
                    const Request& request, Response* response = nullptr) {
    Response ignored;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    auto stub = Stub(cert);
    return ((*stub).*method)(&ctx, request, response != nullptr ? response : &ignored);
  }

  grpc::Status Create(const std::string& cert, v1::Assessment* out, int fy = 2026,
                      const std::string& request_id = "") {
    v1::CreateAssessmentRequest r;
    r.set_request_id(request_id.empty() ? NewId() : request_id);
    r.set_fiscal_year(fy);
    return Call(cert, &v1::AssessmentService::Stub::CreateAssessment, r, out);
  }

  grpc::Status Get(const std::string& cert, const std::string& id, v1::Assessment* out) {
    v1::GetAssessmentRequest r;
    r.set_assessment_id(id);
    return Call(cert, &v1::AssessmentService::Stub::GetAssessment, r, out);
  }

  // Answers every item of the checklist: 実施 with a note (so the CRITICAL
  // findings rule is met), except 1-2 一部実施 with a plan.
  grpc::Status AnswerAll(const std::string& cert, const v1::Assessment& a, v1::Assessment* out,
                         const std::string& request_id = "") {
    v1::Checklist checklist;
    v1::GetChecklistRequest cr;
    cr.set_version(a.checklist_version());
    auto s = Call(cert, &v1::AssessmentService::Stub::GetChecklist, cr, &checklist);
    if (!s.ok()) return s;
    v1::UpdateAnswersRequest r;
    r.set_request_id(request_id.empty() ? NewId() : request_id);
    r.set_assessment_id(a.id());
    r.set_etag(a.etag());
    for (const auto& item : checklist.items()) {
      auto* ans = r.add_answers();
      ans->set_item_id(item.id());
      if (item.id() == "1-2") {
        ans->set_result(v1::ITEM_RESULT_PARTIAL);
        ans->mutable_remediation()->set_action("連絡体制表を更新する");
        ans->mutable_remediation()->set_owner("総務係");
        *ans->mutable_remediation()->mutable_due() = ToProtoDate({2027, 3, 31});
      } else {
        ans->set_result(v1::ITEM_RESULT_IMPLEMENTED);
        ans->set_note("確認済み");
      }
    }
    return Call(cert, &v1::AssessmentService::Stub::UpdateAnswers, r, out);
  }

  grpc::Status Submit(const std::string& cert, const v1::Assessment& a, v1::Assessment* out) {
    v1::SubmitAssessmentRequest r;
    r.set_request_id(NewId());
    r.set_assessment_id(a.id());
    r.set_etag(a.etag());
    return Call(cert, &v1::AssessmentService::Stub::SubmitAssessment, r, out);
  }

  grpc::Status Review(const std::string& cert, const v1::Assessment& a,
                      v1::ReviewDecision decision, int64_t submission, v1::Assessment* out,
                      const std::string& comment = "") {
    v1::ReviewAssessmentRequest r;
    r.set_request_id(NewId());
    r.set_assessment_id(a.id());
    r.set_submission_number(submission);
    r.set_decision(decision);
    r.set_comment(comment);
    return Call(cert, &v1::AssessmentService::Stub::ReviewAssessment, r, out);
  }

  // Audit entries of this assessment server with this method and outcome.
  int AuditCount(const std::string& method, v1::AuditOutcome outcome,
                 const std::string& principal) {
    auto stub = v1::AuditService::NewStub(server_->ChannelAs("admin1"));
    v1::ListAuditEntriesRequest r;
    r.set_page_size(1000);
    v1::ListAuditEntriesResponse out;
    grpc::ClientContext ctx;
    EXPECT_TRUE(stub->ListAuditEntries(&ctx, r, &out).ok());
    int n = 0;
    for (const auto& e : out.entries()) {
      if (e.method() == method && e.outcome() == outcome && e.principal() == principal) ++n;
    }
    return n;
  }

  std::unique_ptr<TestDatabase> policy_db_, asset_db_;
  std::unique_ptr<TestServer> policy_, assets_, server_;
  std::string seed_hash_;
};

TEST_P(AssessmentServiceTest, CreatedAssessmentIsBoundAndShowsFindingsBesideItems) {
  v1::Assessment a;
  ASSERT_TRUE(Create("staff1", &a).ok());
  EXPECT_EQ(a.id(), "kasama-union-2026-1");
  EXPECT_EQ(a.checklist_version(), "2026.1");
  EXPECT_FALSE(a.policy_unavailable());
  EXPECT_EQ(a.policy().revision_number(), 1);
  EXPECT_EQ(a.policy().content_hash(), seed_hash_);
  EXPECT_EQ(FromProtoDate(a.policy().effective_date()), (CivilDate{2026, 4, 1}));
  v1::Assessment shown;
  ASSERT_TRUE(Get("staff1", a.id(), &shown).ok());
  EXPECT_EQ(shown.unavailable_size(), 0);
  bool found = false;
  for (const auto& f : shown.item_findings()) {
    if (f.item_id() == "3-3") {
      found = true;
      EXPECT_GE(f.critical(), 1);
    }
  }
  EXPECT_TRUE(found);
  // 実施 without a note on 3-3 is refused: the CRITICAL finding needs it.
  v1::UpdateAnswersRequest r;
  r.set_request_id(NewId());
  r.set_assessment_id(a.id());
  r.set_etag(a.etag());
  r.add_answers()->set_item_id("3-3");
  r.mutable_answers(0)->set_result(v1::ITEM_RESULT_IMPLEMENTED);
  auto refused = Call("staff1", &v1::AssessmentService::Stub::UpdateAnswers, r);
  EXPECT_EQ(refused.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(refused.error_message().find("SENSITIVE_MFA_EXPORT"), std::string::npos);
}

TEST_P(AssessmentServiceTest, MembersAndAnonymousReadNoDetailAndRefusalsAreAudited) {
  v1::Assessment a;
  ASSERT_TRUE(Create("staff1", &a).ok());
  v1::Assessment out;
  EXPECT_EQ(Get("mito-member1", a.id(), &out).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Get("", a.id(), &out).error_code(), StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(AuditCount("/seccoord.v1.AssessmentService/GetAssessment", v1::AUDIT_OUTCOME_DENIED,
                       "seccoord://mito-city/member1"),
            1);
  // Every RPC of the service refuses a member (the permission table).
  const std::string m = "shirosato-member1";
  using S = v1::AssessmentService::Stub;
  EXPECT_EQ(Call(m, &S::GetChecklist, v1::GetChecklistRequest()).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(m, &S::ListChecklists, v1::ListChecklistsRequest()).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(m, &S::ListAssessments, v1::ListAssessmentsRequest()).error_code(),
            StatusCode::PERMISSION_DENIED);
  v1::CreateAssessmentRequest create;
  create.set_request_id(NewId());
  create.set_fiscal_year(2026);
  EXPECT_EQ(Call(m, &S::CreateAssessment, create).error_code(), StatusCode::PERMISSION_DENIED);
  v1::UpdateAnswersRequest update;
  update.set_request_id(NewId());
  EXPECT_EQ(Call(m, &S::UpdateAnswers, update).error_code(), StatusCode::PERMISSION_DENIED);
  v1::SubmitAssessmentRequest submit;
  submit.set_request_id(NewId());
  EXPECT_EQ(Call(m, &S::SubmitAssessment, submit).error_code(), StatusCode::PERMISSION_DENIED);
  v1::ReviewAssessmentRequest review;
  review.set_request_id(NewId());
  EXPECT_EQ(Call(m, &S::ReviewAssessment, review).error_code(), StatusCode::PERMISSION_DENIED);
  v1::ReopenAssessmentRequest reopen;
  reopen.set_request_id(NewId());
  EXPECT_EQ(Call(m, &S::ReopenAssessment, reopen).error_code(), StatusCode::PERMISSION_DENIED);
  v1::SendAdviceRequest send;
  send.set_request_id(NewId());
  EXPECT_EQ(Call(m, &S::SendAdvice, send).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(m, &S::GetAdvice, v1::GetAdviceRequest()).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(m, &S::ListAdvice, v1::ListAdviceRequest()).error_code(),
            StatusCode::PERMISSION_DENIED);
  v1::AnswerAdviceRequest answer;
  answer.set_request_id(NewId());
  EXPECT_EQ(Call(m, &S::AnswerAdvice, answer).error_code(), StatusCode::PERMISSION_DENIED);
  v1::CloseAdviceRequest close;
  close.set_request_id(NewId());
  EXPECT_EQ(Call(m, &S::CloseAdvice, close).error_code(), StatusCode::PERMISSION_DENIED);
  v1::ReopenAdviceRequest reopen_advice;
  reopen_advice.set_request_id(NewId());
  EXPECT_EQ(Call(m, &S::ReopenAdvice, reopen_advice).error_code(),
            StatusCode::PERMISSION_DENIED);
  {
    grpc::ClientContext ctx;
    v1::WatchAssessmentEventsRequest w;
    w.set_backlog_only(true);
    auto reader = Stub(m)->WatchAssessmentEvents(&ctx, w);
    v1::AssessmentEvent e;
    while (reader->Read(&e)) {
    }
    EXPECT_EQ(reader->Finish().error_code(), StatusCode::PERMISSION_DENIED);
  }
  // The advisor may not write the union's answers; staff may not review.
  EXPECT_EQ(Create("advisor1", &out).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Review("staff1", a, v1::REVIEW_DECISION_ACCEPT, 1, &out).error_code(),
            StatusCode::PERMISSION_DENIED);
  // The service identity reads no assessment either.
  EXPECT_EQ(Get("assessmentd", a.id(), &out).error_code(), StatusCode::PERMISSION_DENIED);
}

TEST_P(AssessmentServiceTest, WholeLoopOverTheWire) {
  v1::Assessment a, b, c;
  ASSERT_TRUE(Create("staff1", &a).ok());
  // Retried request id: the same answer, nothing done twice.
  const std::string rid = NewId();
  ASSERT_TRUE(AnswerAll("staff1", a, &b, rid).ok());
  ASSERT_TRUE(AnswerAll("staff1", a, &c, rid).ok());
  EXPECT_EQ(b.etag(), c.etag());
  // Stale etag.
  EXPECT_EQ(Submit("staff1", a, &c).error_code(), StatusCode::ABORTED);
  v1::Assessment submitted;
  ASSERT_TRUE(Submit("staff1", b, &submitted).ok());
  ASSERT_EQ(submitted.submissions_size(), 1);
  EXPECT_EQ(submitted.submissions(0).sha256().size(), 64u);
  // Return with advice.
  v1::ReviewAssessmentRequest r;
  r.set_request_id(NewId());
  r.set_assessment_id(a.id());
  r.set_submission_number(1);
  r.set_decision(v1::REVIEW_DECISION_RETURN);
  r.set_comment("1-2の期限を前倒ししてください");
  r.add_advice()->set_item_id("1-2");
  r.mutable_advice(0)->set_text("連絡体制表は年度内早期に更新を");
  v1::Assessment returned;
  ASSERT_TRUE(Call("advisor1", &v1::AssessmentService::Stub::ReviewAssessment, r, &returned).ok());
  EXPECT_EQ(returned.state(), v1::ASSESSMENT_STATE_RETURNED);
  v1::ListAdviceRequest lr;
  lr.set_assessment_id(a.id());
  v1::ListAdviceResponse advice;
  ASSERT_TRUE(Call("staff1", &v1::AssessmentService::Stub::ListAdvice, lr, &advice).ok());
  ASSERT_EQ(advice.advice_size(), 1);
  v1::AnswerAdviceRequest ar;
  ar.set_request_id(NewId());
  ar.set_advice_id(advice.advice(0).id());
  ar.set_etag(advice.advice(0).etag());
  ar.set_text("12月末に更新します");
  v1::Advice answered;
  ASSERT_TRUE(Call("staff1", &v1::AssessmentService::Stub::AnswerAdvice, ar, &answered).ok());
  // Resubmit; the advisor's review of the first submission is ABORTED.
  v1::Assessment resubmitted, accepted;
  ASSERT_TRUE(Submit("staff1", returned, &resubmitted).ok());
  EXPECT_EQ(Review("advisor1", resubmitted, v1::REVIEW_DECISION_ACCEPT, 1, &accepted).error_code(),
            StatusCode::ABORTED);
  ASSERT_TRUE(Review("advisor1", resubmitted, v1::REVIEW_DECISION_ACCEPT, 2, &accepted).ok());
  EXPECT_EQ(accepted.state(), v1::ASSESSMENT_STATE_ACCEPTED);
  v1::CloseAdviceRequest cr;
  cr.set_request_id(NewId());
  cr.set_advice_id(answered.id());
  cr.set_etag(answered.etag());
  v1::Advice closed;
  ASSERT_TRUE(Call("advisor1", &v1::AssessmentService::Stub::CloseAdvice, cr, &closed).ok());
  EXPECT_EQ(closed.state(), v1::ADVICE_STATE_CLOSED);
  // The stream, in order, resumable.
  grpc::ClientContext ctx;
  v1::WatchAssessmentEventsRequest w;
  w.set_backlog_only(true);
  auto reader = Stub("advisor1")->WatchAssessmentEvents(&ctx, w);
  std::vector<v1::AssessmentEventType> types;
  v1::AssessmentEvent e;
  while (reader->Read(&e)) types.push_back(e.type());
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(types, (std::vector<v1::AssessmentEventType>{
                       v1::ASSESSMENT_EVENT_TYPE_SUBMITTED, v1::ASSESSMENT_EVENT_TYPE_RETURNED,
                       v1::ASSESSMENT_EVENT_TYPE_ADVICE_SENT,
                       v1::ASSESSMENT_EVENT_TYPE_ADVICE_ANSWERED,
                       v1::ASSESSMENT_EVENT_TYPE_SUBMITTED, v1::ASSESSMENT_EVENT_TYPE_ACCEPTED,
                       v1::ASSESSMENT_EVENT_TYPE_ADVICE_CLOSED}));
  // The mutations are in the audit chain as OK entries of their callers.
  EXPECT_EQ(AuditCount("/seccoord.v1.AssessmentService/ReviewAssessment", v1::AUDIT_OUTCOME_OK,
                       "seccoord://kasama-city/advisor1"),
            2);
}

TEST_P(AssessmentServiceTest, PolicyDownCreatesUnavailableAndBindsAtSubmission) {
  const int policy_port = policy_->port();
  policy_->Shutdown();
  v1::Assessment a, b, out;
  ASSERT_TRUE(Create("staff1", &a).ok());
  EXPECT_TRUE(a.policy_unavailable());
  EXPECT_FALSE(a.has_policy());
  ASSERT_TRUE(AnswerAll("staff1", a, &b).ok());
  // Only the unreachable policy service blocks the submission.
  EXPECT_EQ(Submit("staff1", b, &out).error_code(), StatusCode::UNAVAILABLE);
  StartPolicy(policy_port);
  grpc::Status submitted;
  // The peer channel reconnects within its backoff; a retried submission
  // goes through once it has (bounded by time: the backoff grows with the
  // time the peer was down).
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  do {
    submitted = Submit("staff1", b, &out);
    if (submitted.error_code() != StatusCode::UNAVAILABLE) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  } while (std::chrono::steady_clock::now() < give_up);
  ASSERT_TRUE(submitted.ok()) << submitted.error_message();
  EXPECT_FALSE(out.policy_unavailable());
  EXPECT_EQ(out.policy().revision_number(), 1);
  EXPECT_EQ(out.policy().content_hash(), seed_hash_);
}

TEST_P(AssessmentServiceTest, AssetsDownShowStillAnswersAndSaysWhatIsUnavailable) {
  v1::Assessment a;
  ASSERT_TRUE(Create("staff1", &a).ok());
  assets_->Shutdown();
  v1::Assessment shown;
  v1::GetAssessmentRequest r;
  r.set_assessment_id(a.id());
  grpc::ClientContext ctx;
  // Within a deadline shorter than any hang: the peer deadline is 3 s.
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  ASSERT_TRUE(Stub("staff1")->GetAssessment(&ctx, r, &shown).ok());
  EXPECT_EQ(shown.item_findings_size(), 0);
  ASSERT_EQ(shown.unavailable_size(), 1);
  EXPECT_NE(shown.unavailable(0).find("asset findings"), std::string::npos);
  EXPECT_EQ(shown.answers_size(), 0);
  EXPECT_EQ(shown.id(), a.id());
}

TEST_P(AssessmentServiceTest, ServiceRoleGetsWhatItsCallsNeedAndNothingMore) {
  auto policy = v1::PolicyService::NewStub(policy_->ChannelAs("assessmentd"));
  auto assets = v1::AssetService::NewStub(assets_->ChannelAs("assessmentd"));
  {
    v1::GetRevisionRequest r;
    r.set_document_id("basic-policy");
    *r.mutable_in_force_on() = ToProtoDate({2026, 12, 1});
    v1::Revision out;
    grpc::ClientContext ctx;
    EXPECT_TRUE(policy->GetRevision(&ctx, r, &out).ok());
  }
  {
    v1::GetFindingsSummaryRequest r;
    r.set_organization("kasama-union");
    v1::FindingsSummary out;
    grpc::ClientContext ctx;
    EXPECT_TRUE(assets->GetFindingsSummary(&ctx, r, &out).ok());
  }
  {
    v1::ListAssetsResponse out;
    grpc::ClientContext ctx;
    EXPECT_EQ(assets->ListAssets(&ctx, {}, &out).error_code(), StatusCode::PERMISSION_DENIED);
  }
  {
    v1::ListFindingsResponse out;
    grpc::ClientContext ctx;
    EXPECT_EQ(assets->ListFindings(&ctx, {}, &out).error_code(), StatusCode::PERMISSION_DENIED);
  }
  {
    v1::CreateAssetRequest r;
    r.set_request_id(NewId());
    v1::Asset out;
    grpc::ClientContext ctx;
    EXPECT_EQ(assets->CreateAsset(&ctx, r, &out).error_code(), StatusCode::PERMISSION_DENIED);
  }
  {
    v1::CreateRevisionRequest r;
    r.set_request_id(NewId());
    r.set_document_id("basic-policy");
    v1::Revision out;
    grpc::ClientContext ctx;
    EXPECT_EQ(policy->CreateRevision(&ctx, r, &out).error_code(), StatusCode::PERMISSION_DENIED);
  }
  {
    v1::ListRevisionCommentsRequest r;
    r.set_document_id("basic-policy");
    r.set_number(1);
    v1::ListRevisionCommentsResponse out;
    grpc::ClientContext ctx;
    EXPECT_EQ(policy->ListRevisionComments(&ctx, r, &out).error_code(),
              StatusCode::PERMISSION_DENIED);
  }
  {
    auto audit = v1::AuditService::NewStub(policy_->ChannelAs("assessmentd"));
    v1::ListAuditEntriesResponse out;
    grpc::ClientContext ctx;
    EXPECT_EQ(audit->ListAuditEntries(&ctx, {}, &out).error_code(),
              StatusCode::PERMISSION_DENIED);
  }
}

TEST_P(AssessmentServiceTest, AReplicaWatcherSeesEventsCommittedByAnotherAndResumes) {
  // A second assessment server on the same data, as a replica would be.
  auto other_db = test_db().OpenAnother();
  ASSERT_TRUE(other_db.ok()) << other_db.status();
  AssessmentServerConfig config;
  config.policy_address = policy_->address();
  config.asset_address = assets_->address();
  config.checklist_dir = SourceDir() + "/data/checklists";
  config.clock = runtime::Clock{runtime::Clock::System().now_us,
                                [] { return CivilDate{2026, 12, 1}; }};
  auto replica = TestServer::Start(AssessmentServerSpec(config), **other_db, Quiet());
  ASSERT_TRUE(replica.ok()) << replica.status();

  // A live watch on the replica, from the start.
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  auto reader = v1::AssessmentService::NewStub((*replica)->ChannelAs("advisor1"))
                    ->WatchAssessmentEvents(&ctx, v1::WatchAssessmentEventsRequest());
  // Submitted on this server.
  v1::Assessment a, b, submitted;
  ASSERT_TRUE(Create("staff1", &a).ok());
  ASSERT_TRUE(AnswerAll("staff1", a, &b).ok());
  ASSERT_TRUE(Submit("staff1", b, &submitted).ok());
  v1::AssessmentEvent first;
  ASSERT_TRUE(reader->Read(&first));
  EXPECT_EQ(first.type(), v1::ASSESSMENT_EVENT_TYPE_SUBMITTED);
  EXPECT_EQ(first.assessment_id(), a.id());
  ctx.TryCancel();
  reader->Finish();

  // More events while nobody watches; resuming after the first misses none.
  v1::Assessment returned;
  ASSERT_TRUE(Review("advisor1", submitted, v1::REVIEW_DECISION_RETURN, 1, &returned, "再提出を")
                  .ok());
  grpc::ClientContext again;
  v1::WatchAssessmentEventsRequest resume;
  resume.set_since_sequence(first.sequence());
  resume.set_backlog_only(true);
  auto rest = v1::AssessmentService::NewStub((*replica)->ChannelAs("staff1"))
                  ->WatchAssessmentEvents(&again, resume);
  std::vector<v1::AssessmentEventType> types;
  v1::AssessmentEvent e;
  while (rest->Read(&e)) types.push_back(e.type());
  ASSERT_TRUE(rest->Finish().ok());
  EXPECT_EQ(types, std::vector<v1::AssessmentEventType>{v1::ASSESSMENT_EVENT_TYPE_RETURNED});
  replica->reset();
}

// Status of the organisation as `cert` reads it, with a deadline.
grpc::Status StatusAs(v1::AssessmentService::Stub& stub, const std::string& org,
                      v1::OrganizationStatus* out) {
  v1::GetOrganizationStatusRequest r;
  r.set_organization(org);
  r.set_fiscal_year(2026);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  return stub.GetOrganizationStatus(&ctx, r, out);
}

TEST_P(AssessmentServiceTest, EveryRoleReadsTheFiguresAndPeersDownMakeThemStale) {
  v1::Assessment a, b;
  ASSERT_TRUE(Create("staff1", &a).ok());
  ASSERT_TRUE(AnswerAll("staff1", a, &b).ok());
  for (const char* cert : {"staff1", "advisor1", "mito-member1", "shirosato-member1"}) {
    auto stub = Stub(cert);
    v1::OrganizationStatus s;
    ASSERT_TRUE(StatusAs(*stub, "kasama-union", &s).ok()) << cert;
    EXPECT_TRUE(s.has_assessment()) << cert;
    EXPECT_EQ(s.counts().items(), 40) << cert;
    EXPECT_EQ(s.counts().partial(), 1) << cert;
    v1::GetFederationStatusRequest fr;
    fr.set_fiscal_year(2026);
    v1::FederationStatus f;
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub->GetFederationStatus(&ctx, fr, &f).ok()) << cert;
    EXPECT_EQ(f.organizations_size(), 4) << cert;  // the access policy's four
  }
  {
    v1::OrganizationStatus s;
    EXPECT_EQ(StatusAs(*Stub(""), "kasama-union", &s).error_code(), StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(StatusAs(*Stub("assessmentd"), "kasama-union", &s).error_code(),
              StatusCode::PERMISSION_DENIED);
    // The federation page (sent as encoded bytes from its cache) is refused
    // alike, and a bad field is named as for any other read.
    v1::GetFederationStatusRequest fr;
    EXPECT_EQ(Call("", &v1::AssessmentService::Stub::GetFederationStatus, fr).error_code(),
              StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(
        Call("assessmentd", &v1::AssessmentService::Stub::GetFederationStatus, fr).error_code(),
        StatusCode::PERMISSION_DENIED);
    fr.set_years(11);
    const grpc::Status bad =
        Call("mito-member1", &v1::AssessmentService::Stub::GetFederationStatus, fr);
    EXPECT_EQ(bad.error_code(), StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(bad.error_message().rfind("years", 0), 0u) << bad.error_message();
    v1::CompareAssessmentsRequest cr;
    cr.set_base_assessment_id(a.id());
    cr.set_other_assessment_id(a.id());
    EXPECT_EQ(Call("mito-member1", &v1::AssessmentService::Stub::CompareAssessments, cr)
                  .error_code(),
              StatusCode::PERMISSION_DENIED);
  }
  // The background refresh brings the findings (the CRITICAL one seeded).
  auto member = Stub("mito-member1");
  v1::OrganizationStatus s;
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(StatusAs(*member, "kasama-union", &s).ok());
    if (!s.asset_findings_stale() && !s.documents_stale()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_FALSE(s.asset_findings_stale());
  EXPECT_GE(s.asset_findings().critical(), 1);
  EXPECT_GT(s.asset_findings_time_us(), 0);
  EXPECT_FALSE(s.documents_stale());
  EXPECT_EQ(s.revision_in_force(), 1);
  EXPECT_FALSE(s.checklist_outdated());
  const int64_t as_of = s.asset_findings_time_us();
  // Both peers down: the reads still answer at once, and say stale.
  assets_->Shutdown();
  policy_->Shutdown();
  const int64_t down_us = absl::ToUnixMicros(absl::Now());
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(StatusAs(*member, "kasama-union", &s).ok());
    if (s.asset_findings_stale() && s.documents_stale()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(s.asset_findings_stale());
  EXPECT_TRUE(s.documents_stale());
  EXPECT_TRUE(s.has_assessment());
  // The as-of time is the last read that succeeded. A refresh may have
  // landed between the read above and the shutdown, and the stale flag
  // also turns on by age alone while a round begun before the shutdown is
  // still recording, so wait until two reads a refresh round apart agree;
  // from then on it no longer moves, however many refresh periods (200 ms
  // here) pass. A time that kept moving with the peers down never settles.
  int64_t last_good = s.asset_findings_time_us();
  int64_t documents_last_good = s.documents_time_us();
  for (int i = 0; i < 20; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    ASSERT_TRUE(StatusAs(*member, "kasama-union", &s).ok());
    if (s.asset_findings_time_us() == last_good && s.documents_time_us() == documents_last_good) {
      break;
    }
    last_good = s.asset_findings_time_us();
    documents_last_good = s.documents_time_us();
  }
  EXPECT_GE(last_good, as_of);
  // No later than the shutdown, but for a reply already on its way then.
  // (That a failed read keeps the old time exactly is checked without
  // timing by PeerFactsAreShownWithTheirTimeAndGoStaleWhenAPeerIsDown in
  // assessment_logic_test.)
  EXPECT_LE(last_good, down_us + 150'000);
  EXPECT_LE(documents_last_good, down_us + 150'000);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  ASSERT_TRUE(StatusAs(*member, "kasama-union", &s).ok());
  EXPECT_TRUE(s.asset_findings_stale());
  EXPECT_EQ(s.asset_findings_time_us(), last_good);
  EXPECT_EQ(s.documents_time_us(), documents_last_good);
  EXPECT_GE(s.asset_findings().critical(), 1);  // the last figures, still shown
}

SECCOORD_INSTANTIATE_DATABASE_TEST(AssessmentServiceTest);

TEST_P(AssessmentServiceTest, APageTokenIsBoundToTheQueryThatIssuedIt) {
  v1::Assessment a2025, a2026;
  ASSERT_TRUE(Create("staff1", &a2025, 2025).ok());
  ASSERT_TRUE(Create("staff1", &a2026, 2026).ok());
  v1::ListAssessmentsRequest r;
  r.set_page_size(1);
  v1::ListAssessmentsResponse page;
  ASSERT_TRUE(Call("staff1", &v1::AssessmentService::Stub::ListAssessments, r, &page).ok());
  ASSERT_FALSE(page.next_page_token().empty());
  r.set_page_token(page.next_page_token());
  v1::ListAssessmentsResponse next;
  ASSERT_TRUE(Call("staff1", &v1::AssessmentService::Stub::ListAssessments, r, &next).ok());
  ASSERT_EQ(next.assessments_size(), 1);
  EXPECT_NE(next.assessments(0).id(), page.assessments(0).id());
  r.set_fiscal_year(2026);
  auto other = Call("staff1", &v1::AssessmentService::Stub::ListAssessments, r, &next);
  EXPECT_EQ(other.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(other.error_message().rfind("page_token: was issued for a different query", 0), 0u)
      << other.error_message();
}

// The two status reads are served from their encoded replies through
// gRPC's callback API (runtime::EncodedReadHandler), which hands them the
// request as bytes: one that does not parse is refused and audited as the
// server refuses any, and a refused role is still refused and audited.
TEST_P(AssessmentServiceTest, StatusReadsRefuseAnUnparsableRequestAndAuditIt) {
  for (const std::string method : {"GetOrganizationStatus", "GetFederationStatus"}) {
    SCOPED_TRACE(method);
    const std::string path = "/seccoord.v1.AssessmentService/" + method;
    // Field 1, length-delimited, 5 bytes announced and none sent.
    const grpc::Status status =
        seccoord::testing::CallWithBytes(server_->ChannelAs("mito-member1"), path, "\x0a\x05");
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_EQ(status.error_message().rfind("request: the message could not be parsed", 0), 0u)
        << status.error_message();
    EXPECT_EQ(AuditCount(path, v1::AUDIT_OUTCOME_FAILED, "seccoord://mito-city/member1"), 1);
  }
  // The service's own identity reads no status.
  using S = v1::AssessmentService::Stub;
  EXPECT_EQ(Call("assessmentd", &S::GetOrganizationStatus, v1::GetOrganizationStatusRequest())
                .error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(AuditCount("/seccoord.v1.AssessmentService/GetOrganizationStatus",
                       v1::AUDIT_OUTCOME_DENIED, "seccoord://service/assessmentd"),
            1);
}

TEST_P(AssessmentServiceTest, AnUndefinedEnumValueIsRefusedNamingTheField) {
  v1::ListAssessmentsRequest list;
  list.set_state(static_cast<v1::AssessmentState>(999));
  auto listed = Call("advisor1", &v1::AssessmentService::Stub::ListAssessments, list);
  EXPECT_EQ(listed.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(listed.error_message(), "state: 999 is not a valid AssessmentState");

  v1::Assessment a;
  ASSERT_TRUE(Create("staff1", &a).ok());
  v1::UpdateAnswersRequest update;
  update.set_request_id(NewId());
  update.set_assessment_id(a.id());
  update.set_etag(a.etag());
  v1::ItemAnswer* answer = update.add_answers();
  answer->set_item_id(a.answers_size() > 0 ? a.answers(0).item_id() : "1-1");
  answer->set_result(static_cast<v1::ItemResult>(42));
  auto updated = Call("staff1", &v1::AssessmentService::Stub::UpdateAnswers, update);
  EXPECT_EQ(updated.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(updated.error_message(), "answers[0].result: 42 is not a valid ItemResult");
  v1::Assessment after;
  ASSERT_TRUE(Get("staff1", a.id(), &after).ok());
  EXPECT_EQ(after.etag(), a.etag());  // nothing stored
}

}  // namespace
}  // namespace seccoord::assessment
