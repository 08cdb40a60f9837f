// The CLI's commands without the real server: request builders, the
// verification of content and chain hashes, and the whole binary path
// (RunCli: config → mTLS channel → call → output → exit code) against a fake
// PolicyService and AuditService over TLS with the development certificates.
#include "clients/seccoord/policy_commands.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clients/seccoord/audit_commands.h"
#include "clients/seccoord/command.h"
#include "common/policy_text.h"
#include "common/proto_convert.h"
#include "seccoord/v1/audit.grpc.pb.h"
#include "seccoord/v1/policy.grpc.pb.h"
#include "tests/support/cli_test_support.h"

namespace seccoord::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using seccoord::testing::CliServerTest;
using seccoord::testing::ReadFile;
using seccoord::testing::SourceDir;

// ---- Request builders.

TEST(BuildShowRequestTest, DefaultNumberOrDate) {
  auto today = BuildShowRequest("basic-policy", std::nullopt, "");
  ASSERT_TRUE(today.ok());
  EXPECT_EQ(today->document_id(), "basic-policy");
  EXPECT_EQ(today->selector_case(), v1::GetRevisionRequest::SELECTOR_NOT_SET);

  auto by_number = BuildShowRequest("basic-policy", 3, "");
  ASSERT_TRUE(by_number.ok());
  EXPECT_EQ(by_number->number(), 3);

  for (const char* text : {"2026-04-01", "令和8年4月1日", "R8.4.1", "令和８年４月１日"}) {
    auto on = BuildShowRequest("basic-policy", std::nullopt, text);
    ASSERT_TRUE(on.ok()) << text << ": " << on.status();
    ASSERT_EQ(on->selector_case(), v1::GetRevisionRequest::kInForceOn) << text;
    EXPECT_EQ(on->in_force_on().year(), 2026);
    EXPECT_EQ(on->in_force_on().month(), 4);
    EXPECT_EQ(on->in_force_on().day(), 1);
  }
}

TEST(BuildShowRequestTest, BadDatesAndBothSelectorsAreUsageErrors) {
  for (const char* text : {"2026-02-30", "令和0年4月1日", "tomorrow", "令和元年4月30日"}) {
    auto bad = BuildShowRequest("basic-policy", std::nullopt, text);
    ASSERT_FALSE(bad.ok()) << text;
    EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(std::string(bad.status().message()), HasSubstr("--on: ")) << text;
    EXPECT_EQ(ExitCodeFor(bad.status()), kExitUsage) << text;
  }
  auto both = BuildShowRequest("basic-policy", 1, "2026-04-01");
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(ExitCodeFor(both.status()), kExitUsage);
}

TEST(BuildImportRequestTest, ParsesTheRealBasicPolicy) {
  const std::string text = ReadFile(SourceDir() + "/data/basic-policy-r8.txt");
  ASSERT_FALSE(text.empty()) << "data/basic-policy-r8.txt not found";
  auto request = BuildImportRequest("basic-policy", "basic-policy-r8.txt", text, "制定", 0,
                                    "req-1");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->request_id(), "req-1");
  EXPECT_EQ(request->document_id(), "basic-policy");
  EXPECT_EQ(request->change_summary(), "制定");
  EXPECT_EQ(request->title(), "笠間地方広域事務組合情報セキュリティ基本方針");
  ASSERT_EQ(request->articles_size(), 11);  // 第1 … 第10 and 附則
  EXPECT_EQ(request->articles(0).number(), "第1");
  EXPECT_EQ(request->articles(0).label(), "第１");
  EXPECT_EQ(request->articles(0).heading(), "目的");
  EXPECT_EQ(request->articles(9).number(), "第10");
  EXPECT_EQ(request->articles(10).number(), "附則");
  // Nothing of the text is lost.
  v1::Revision as_revision;
  as_revision.set_title(request->title());
  *as_revision.mutable_articles() = request->articles();
  EXPECT_EQ(WithoutWhitespace(RenderPolicyText(PolicyTextOf(as_revision))),
            WithoutWhitespace(text));
}

TEST(BuildImportRequestTest, BadTextOrSummaryIsAUsageError) {
  auto empty = BuildImportRequest("basic-policy", "empty.txt", "   \n", "x", 0, "r");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(empty.status().message()), HasSubstr("empty.txt: "));
  EXPECT_EQ(ExitCodeFor(empty.status()), kExitUsage);

  auto invalid = BuildImportRequest("basic-policy", "bad.txt", "第1 目的\n\xff\xfe", "x", 0, "r");
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(ExitCodeFor(invalid.status()), kExitUsage);

  auto no_summary = BuildImportRequest("basic-policy", "f.txt", "T\n第1 目的\n本文。\n", "", 0, "r");
  ASSERT_FALSE(no_summary.ok());
  EXPECT_THAT(std::string(no_summary.status().message()), HasSubstr("--summary"));
}

TEST(BuildPublishRequestTest, EffectiveDateInAnyForm) {
  auto request = BuildPublishRequest("basic-policy", 2, "令和9年4月1日", "req-2");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->request_id(), "req-2");
  EXPECT_EQ(request->number(), 2);
  EXPECT_EQ(request->effective_date().year(), 2027);
  EXPECT_EQ(request->effective_date().month(), 4);
  EXPECT_EQ(request->effective_date().day(), 1);
  auto bad = BuildPublishRequest("basic-policy", 2, "令和0年1月1日", "r");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("--effective: "));
}

TEST(BuildCommentRequestTest, NormalisesTheArticle) {
  auto request = BuildCommentRequest("basic-policy", 2, "見直しが必要", "第６", "r");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->article_number(), "第6");
  auto whole = BuildCommentRequest("basic-policy", 2, "全体について", "", "r");
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->article_number(), "");
  auto bad = BuildCommentRequest("basic-policy", 2, "x", "六条", "r");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("--article"));
}

TEST(CheckRequestTextTest, NamesTheFirstFieldThatIsNotUtf8) {
  v1::CreateRevisionRequest request;
  request.set_title("基本方針");
  request.add_articles()->set_body("本文");
  EXPECT_TRUE(CheckRequestText(request).ok());
  // Text typed in a Shift_JIS terminal: 改正 in CP932.
  request.set_change_summary(std::string("\x89\xfc\x90\xb3", 4));
  absl::Status status = CheckRequestText(request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "change_summary: is not valid UTF-8");
  request.clear_change_summary();
  request.add_articles()->set_heading(std::string("\xff", 1));
  EXPECT_EQ(CheckRequestText(request).message(), "articles[1].heading: is not valid UTF-8");
}

TEST(RequestIdTest, FreshUuidV4) {
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string id = NewRequestId();
    EXPECT_TRUE(std::regex_match(id, uuid)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(AuditListRequestTest, PagesUpToTheLimit) {
  v1::ListAuditEntriesRequest first = BuildAuditListRequest(5, 250, 0, "");
  EXPECT_EQ(first.after_sequence(), 5);
  EXPECT_EQ(first.page_size(), 250);
  EXPECT_EQ(BuildAuditListRequest(0, 250, 200, "t").page_size(), 50);
  EXPECT_EQ(BuildAuditListRequest(0, 250, 200, "t").page_token(), "t");
  EXPECT_EQ(BuildAuditListRequest(0, 0, 0, "").page_size(), 1000);  // no limit
  EXPECT_EQ(BuildAuditListRequest(0, 5000, 0, "").page_size(), 1000);
}

// ---- Verification of content and chain hashes.

// A revision whose hashes are what an honest server computes.
v1::Revision MakeRevision(int64_t number, v1::RevisionState state, const std::string& body,
                          int effective_year, int64_t publish_time_us) {
  v1::Revision rev;
  rev.set_document_id("basic-policy");
  rev.set_number(number);
  rev.set_state(state);
  rev.set_title("基本方針");
  v1::Article* a = rev.add_articles();
  a->set_number("第1");
  a->set_label("第１");
  a->set_heading("目的");
  a->set_body(body);
  rev.set_content_hash(ContentHashHex(PolicyTextOf(rev)));
  if (effective_year > 0) {
    rev.mutable_effective_date()->set_year(effective_year);
    rev.mutable_effective_date()->set_month(4);
    rev.mutable_effective_date()->set_day(1);
  }
  rev.set_publish_time_us(publish_time_us);
  return rev;
}

// Links the published ones into a chain in the order given.
void Chain(std::vector<v1::Revision*> published) {
  std::string previous;
  for (v1::Revision* rev : published) {
    rev->set_previous_chain_hash(previous);
    const v1::Date& d = rev->effective_date();
    rev->set_chain_hash(ChainHashHex(
        previous, rev->content_hash(), rev->number(),
        FormatIsoDate(CivilDate{d.year(), d.month(), d.day()})));
    previous = rev->chain_hash();
  }
}

struct History {
  v1::Revision r1 = MakeRevision(1, v1::REVISION_STATE_SUPERSEDED, "本文一。", 2026, 100);
  v1::Revision r2 = MakeRevision(2, v1::REVISION_STATE_WITHDRAWN, "撤回。", 0, 0);
  v1::Revision r3 = MakeRevision(3, v1::REVISION_STATE_PUBLISHED, "本文三。", 2027, 300);
  v1::Revision r4 = MakeRevision(4, v1::REVISION_STATE_DRAFT, "案。", 0, 0);
  History() { Chain({&r1, &r3}); }
  std::vector<v1::Revision> All() const { return {r4, r3, r2, r1}; }  // any order
};

TEST(VerifyRevisionsTest, HonestHistoryVerifies) {
  History h;
  const VerifyReport report = VerifyRevisions("basic-policy", h.All());
  EXPECT_TRUE(report.ok) << report.first_problem;
  ASSERT_EQ(report.checks.size(), 4u);
  EXPECT_EQ(report.checks[0].number, 1);  // number order
  EXPECT_TRUE(report.checks[0].chained);
  EXPECT_FALSE(report.checks[1].chained);  // withdrawn
  EXPECT_TRUE(report.checks[2].chained);
  EXPECT_FALSE(report.checks[3].chained);  // draft
  EXPECT_EQ(report.chain_head, h.r3.chain_hash());
  const std::string text = RenderVerifyReport(report, OutputOptions{});
  EXPECT_THAT(text, HasSubstr("revision 1 SUPERSEDED content OK chain OK\n"));
  EXPECT_THAT(text, HasSubstr("revision 4 DRAFT content OK (not published: no chain)\n"));
  EXPECT_THAT(text, HasSubstr("OK: basic-policy: 4 revisions verified"));
}

TEST(VerifyRevisionsTest, AlteredContentIsNamed) {
  History h;
  h.r3.mutable_articles(0)->set_body("本文三。改ざん");
  const VerifyReport report = VerifyRevisions("basic-policy", h.All());
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_revision, 3);
  EXPECT_THAT(report.first_problem, HasSubstr("content hash mismatch"));
  const std::string text = RenderVerifyReport(report, OutputOptions{});
  EXPECT_THAT(text, HasSubstr("revision 1 SUPERSEDED content OK chain OK\n"));
  EXPECT_THAT(text, HasSubstr("revision 3 PUBLISHED MISMATCH: content hash mismatch"));
  EXPECT_THAT(text, Not(HasSubstr("revision 4")));  // stops at the first mismatch
}

TEST(VerifyRevisionsTest, ContentAndHashChangedTogetherBreaksTheChain) {
  History h;
  h.r1.mutable_articles(0)->set_body("差し替え。");
  h.r1.set_content_hash(ContentHashHex(PolicyTextOf(h.r1)));  // consistent, but not published so
  const VerifyReport report = VerifyRevisions("basic-policy", h.All());
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_revision, 1);
  EXPECT_THAT(report.first_problem, HasSubstr("chain hash mismatch"));
}

TEST(VerifyRevisionsTest, BrokenLinkOrEffectiveDateIsNamed) {
  {
    History h;
    h.r3.set_previous_chain_hash(std::string(64, '0'));
    const VerifyReport report = VerifyRevisions("basic-policy", h.All());
    EXPECT_FALSE(report.ok);
    EXPECT_EQ(report.first_bad_revision, 3);
    EXPECT_THAT(report.first_problem, HasSubstr("does not link to revision 1"));
  }
  {
    History h;
    h.r3.mutable_effective_date()->set_year(2028);  // 施行日 changed after publication
    const VerifyReport report = VerifyRevisions("basic-policy", h.All());
    EXPECT_FALSE(report.ok);
    EXPECT_EQ(report.first_bad_revision, 3);
    EXPECT_THAT(report.first_problem, HasSubstr("chain hash mismatch"));
  }
  {
    History h;
    h.r1.set_previous_chain_hash("ff");
    const VerifyReport report = VerifyRevisions("basic-policy", h.All());
    EXPECT_EQ(report.first_bad_revision, 1);
    EXPECT_THAT(report.first_problem, HasSubstr("should be empty"));
  }
}

TEST(VerifyRevisionsTest, ChainFollowsPublicationOrder) {
  // Revision 3 was published before revision 2.
  v1::Revision r2 = MakeRevision(2, v1::REVISION_STATE_PUBLISHED, "二。", 2027, 500);
  v1::Revision r3 = MakeRevision(3, v1::REVISION_STATE_SUPERSEDED, "三。", 2026, 400);
  Chain({&r3, &r2});
  const VerifyReport report = VerifyRevisions("basic-policy", {r2, r3});
  EXPECT_TRUE(report.ok) << report.first_problem;
  EXPECT_EQ(report.chain_head, r2.chain_hash());
}

TEST(VerifyRevisionsTest, JsonReportIsValidProtobufJson) {
  History h;
  h.r3.mutable_articles(0)->set_body("改ざん");
  const VerifyReport report = VerifyRevisions("basic-policy", h.All());
  auto json = ToJson(VerifyReportToStruct(report));
  ASSERT_TRUE(json.ok());
  google::protobuf::Struct parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(*json, &parsed).ok());
  EXPECT_FALSE(parsed.fields().at("ok").bool_value());
  EXPECT_EQ(parsed.fields().at("firstBadRevision").number_value(), 3);
  EXPECT_EQ(parsed.fields().at("revisions").list_value().values_size(), 4);
}

// ---- The binary path against fake services over TLS.

class FakePolicyService final : public v1::PolicyService::Service {
 public:
  grpc::Status ListDocuments(grpc::ServerContext* context, const v1::ListDocumentsRequest*,
                             v1::ListDocumentsResponse* response) override {
    RecordPeer(context);
    v1::Document* doc = response->add_documents();
    doc->set_id("basic-policy");
    doc->set_tier(v1::DOCUMENT_TIER_BASIC_POLICY);
    doc->set_visibility(v1::VISIBILITY_PUBLIC);
    doc->set_title("笠間地方広域事務組合情報セキュリティ基本方針");
    doc->set_revision_in_force(1);
    return grpc::Status::OK;
  }
  grpc::Status GetDocument(grpc::ServerContext* context, const v1::GetDocumentRequest* request,
                           v1::Document* response) override {
    RecordPeer(context);
    response->set_id(request->document_id());
    response->set_latest_revision(4);
    return grpc::Status::OK;
  }
  grpc::Status GetRevision(grpc::ServerContext* context, const v1::GetRevisionRequest* request,
                           v1::Revision* response) override {
    RecordPeer(context);
    if (request->document_id() == "procedures") {
      return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                          "procedures is UNION_ONLY (第10 非公開)");
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      last_get_ = *request;
    }
    *response = history_.r3;
    response->set_in_force(true);
    return grpc::Status::OK;
  }
  grpc::Status ListRevisions(grpc::ServerContext* context, const v1::ListRevisionsRequest* request,
                             v1::ListRevisionsResponse* response) override {
    RecordPeer(context);
    // Two pages, to exercise paging.
    std::vector<v1::Revision> all = history_.All();
    if (tamper_) all[1].mutable_articles(0)->set_body("改ざん");  // r3
    const size_t start = request->page_token().empty() ? 0 : 2;
    for (size_t i = start; i < std::min(all.size(), start + 2); ++i) {
      *response->add_revisions() = all[i];
      if (request->headers_only()) response->mutable_revisions()->rbegin()->clear_articles();
    }
    if (start == 0) response->set_next_page_token("page2");
    return grpc::Status::OK;
  }
  grpc::Status CreateRevision(grpc::ServerContext* context,
                              const v1::CreateRevisionRequest* request,
                              v1::Revision* response) override {
    RecordPeer(context);
    std::lock_guard<std::mutex> lock(mu_);
    last_create_ = *request;
    response->set_document_id(request->document_id());
    response->set_number(5);
    response->set_state(v1::REVISION_STATE_DRAFT);
    *response->mutable_articles() = request->articles();
    return grpc::Status::OK;
  }
  grpc::Status PublishRevision(grpc::ServerContext* context,
                               const v1::PublishRevisionRequest* request,
                               v1::Revision* response) override {
    RecordPeer(context);
    std::lock_guard<std::mutex> lock(mu_);
    request_ids_.push_back(request->request_id());
    response->set_document_id(request->document_id());
    response->set_number(request->number());
    response->set_state(v1::REVISION_STATE_PUBLISHED);
    *response->mutable_effective_date() = request->effective_date();
    return grpc::Status::OK;
  }
  grpc::Status WatchRevisionEvents(grpc::ServerContext* context,
                                   const v1::WatchRevisionEventsRequest* request,
                                   grpc::ServerWriter<v1::RevisionEvent>* writer) override {
    RecordPeer(context);
    for (int64_t seq = request->since_sequence() + 1; seq <= 3; ++seq) {
      v1::RevisionEvent event;
      event.set_sequence(seq);
      event.set_type(v1::REVISION_EVENT_TYPE_SUBMITTED);
      event.set_document_id("basic-policy");
      event.set_revision_number(seq);
      writer->Write(event);
    }
    if (!request->backlog_only()) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "server going away");
    }
    return grpc::Status::OK;
  }

  // Whether the caller presented a client certificate the server verified.
  void RecordPeer(grpc::ServerContext* context) {
    std::lock_guard<std::mutex> lock(mu_);
    has_peer_cert_ = context->auth_context()->IsPeerAuthenticated();
  }

  std::mutex mu_;
  History history_;
  bool tamper_ = false;
  bool has_peer_cert_ = false;
  v1::GetRevisionRequest last_get_;
  v1::CreateRevisionRequest last_create_;
  std::vector<std::string> request_ids_;
};

class FakeAuditService final : public v1::AuditService::Service {
 public:
  grpc::Status ListAuditEntries(grpc::ServerContext*, const v1::ListAuditEntriesRequest* request,
                                v1::ListAuditEntriesResponse* response) override {
    for (int64_t seq = request->after_sequence() + 1;
         seq <= 10 && response->entries_size() < request->page_size(); ++seq) {
      v1::AuditEntry* entry = response->add_entries();
      entry->set_sequence(seq);
      entry->set_principal("seccoord://kasama-union/admin1");
      entry->set_method("/seccoord.v1.PolicyService/PublishRevision");
      entry->set_outcome(v1::AUDIT_OUTCOME_OK);
      entry->set_status_code("OK");
    }
    if (!response->entries().empty() && response->entries().rbegin()->sequence() < 10) {
      response->set_next_page_token("more");
    }
    return grpc::Status::OK;
  }
  grpc::Status VerifyAuditChain(grpc::ServerContext*, const v1::VerifyAuditChainRequest*,
                                v1::VerifyAuditChainResponse* response) override {
    response->set_intact(false);
    response->set_entries_checked(10);
    response->set_first_bad_sequence(7);
    response->set_problem("hash mismatch (entry altered)");
    return grpc::Status::OK;
  }
};

class CliAgainstFakeServerTest : public CliServerTest {
 protected:
  static void SetUpTestSuite() {
    policy_ = new FakePolicyService();
    audit_ = new FakeAuditService();
    grpc::EnableDefaultHealthCheckService(true);
    StartServer("cli_commands_test", "policyd", {policy_, audit_}, [](int port) {
      const std::string address = "127.0.0.1:" + std::to_string(port);
      return "default_profile: union-staff\n"
             "profiles:\n"
             "  union-staff: {policy: " + address + ", asset: " + address +
             ", ca: certs/ca.crt, cert: certs/staff1.crt, key: certs/staff1.key}\n"
             "  anonymous: {policy: " + address + ", ca: certs/ca.crt}\n"
             "  intruder: {policy: " + address +
             ", ca: certs/ca.crt, cert: certs/intruder.crt, key: certs/intruder.key}\n"
             "  closed: {policy: 127.0.0.1:1, ca: certs/ca.crt}\n";
    });
  }
  static void TearDownTestSuite() {
    StopServer();
    delete policy_;
    delete audit_;
  }

  static FakePolicyService* policy_;
  static FakeAuditService* audit_;
};

FakePolicyService* CliAgainstFakeServerTest::policy_ = nullptr;
FakeAuditService* CliAgainstFakeServerTest::audit_ = nullptr;

TEST_F(CliAgainstFakeServerTest, ShowOverMutualTls) {
  Result r = Cli({"policy", "show", "basic-policy", "--on", "R8.4.1"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("基本方針\n"));
  EXPECT_THAT(r.out, HasSubstr("3 (PUBLISHED, in force)"));
  EXPECT_THAT(r.out, HasSubstr("2027-04-01 (令和9年4月1日)"));
  EXPECT_THAT(r.out, HasSubstr("\n第1 目的\n本文三。\n"));
  std::lock_guard<std::mutex> lock(policy_->mu_);
  EXPECT_TRUE(policy_->has_peer_cert_);  // the client certificate was presented
  EXPECT_EQ(policy_->last_get_.in_force_on().year(), 2026);
}

TEST_F(CliAgainstFakeServerTest, AnonymousProfilePresentsNoCertificate) {
  Result r = Cli({"--profile", "anonymous", "policy", "docs"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("basic-policy"));
  std::lock_guard<std::mutex> lock(policy_->mu_);
  EXPECT_FALSE(policy_->has_peer_cert_);
}

TEST_F(CliAgainstFakeServerTest, CertificateOfAnotherCaIsRefusedAtTheHandshake) {
  Result r = Cli({"--profile", "intruder", "--timeout", "5", "policy", "docs"});
  EXPECT_EQ(r.code, kExitRpc);
  EXPECT_THAT(r.err, HasSubstr("error: UNAVAILABLE: "));
}

TEST_F(CliAgainstFakeServerTest, ServerErrorsExitOneWithCodeAndMessage) {
  Result r = Cli({"policy", "show", "procedures"});
  EXPECT_EQ(r.code, kExitRpc);
  EXPECT_EQ(r.err, "error: PERMISSION_DENIED: procedures is UNION_ONLY (第10 非公開)\n");
  EXPECT_EQ(r.out, "");

  r = Cli({"--profile", "closed", "--timeout", "3", "policy", "docs"});
  EXPECT_EQ(r.code, kExitRpc);
  EXPECT_THAT(r.err, HasSubstr("error: UNAVAILABLE: "));

  r = Cli({"--profile", "anonymous", "audit", "list", "--service", "asset"});
  EXPECT_EQ(r.code, kExitConfig);
  EXPECT_THAT(r.err, HasSubstr("has no address for the asset service"));
}

TEST_F(CliAgainstFakeServerTest, JsonOutputIsTheResponse) {
  Result r = Cli({"-o", "json", "policy", "show", "basic-policy", "-r", "3"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  v1::Revision parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &parsed).ok()) << r.out;
  EXPECT_EQ(parsed.number(), 3);
  EXPECT_EQ(parsed.articles(0).body(), "本文三。");
}

TEST_F(CliAgainstFakeServerTest, ImportParsesTheFileAndBasesOnTheLatestRevision) {
  Result r = Cli({"policy", "import", "basic-policy", SourceDir() + "/data/basic-policy-r8.txt",
                  "--summary", "改正"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "5\n");  // the new draft's number, alone
  EXPECT_THAT(r.err, HasSubstr("created draft basic-policy revision 5 (base revision 4, 11 articles"));
  std::lock_guard<std::mutex> lock(policy_->mu_);
  EXPECT_EQ(policy_->last_create_.base_revision(), 4);
  EXPECT_EQ(policy_->last_create_.articles_size(), 11);
  EXPECT_EQ(policy_->last_create_.change_summary(), "改正");
  EXPECT_EQ(policy_->last_create_.request_id().size(), 36u);

  r = Cli({"policy", "import", "basic-policy", "/nonexistent.txt", "--summary", "x"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("error: NOT_FOUND: /nonexistent.txt: cannot read"));
}

// -o json after a real import: one object with the created revision and
// the outline of what was imported, nothing on stderr.
TEST_F(CliAgainstFakeServerTest, ImportAsJsonPrintsTheRevisionAndTheOutline) {
  Result r = Cli({"-o", "json", "policy", "import", "basic-policy",
                  SourceDir() + "/data/basic-policy-r8.txt", "--summary", "改正"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.err, "");
  google::protobuf::Struct result;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &result).ok()) << r.out;
  const auto& fields = result.fields();
  ASSERT_TRUE(fields.contains("revision")) << r.out;
  ASSERT_TRUE(fields.contains("outline")) << r.out;
  const auto& revision = fields.at("revision").struct_value().fields();
  EXPECT_EQ(revision.at("number").string_value(), "5");  // int64 as protobuf JSON writes it
  EXPECT_EQ(revision.at("documentId").string_value(), "basic-policy");
  const auto& outline = fields.at("outline").struct_value().fields();
  EXPECT_EQ(outline.at("encoding").string_value(), "UTF-8");
  ASSERT_EQ(outline.at("articles").list_value().values_size(), 11);
  EXPECT_EQ(outline.at("articles").list_value().values(0).struct_value().fields().at("number")
                .string_value(),
            "第1");
}

TEST_F(CliAgainstFakeServerTest, EveryMutationSendsAFreshRequestId) {
  Result a = Cli({"policy", "publish", "basic-policy", "4", "--effective", "令和9年4月1日"});
  Result b = Cli({"policy", "publish", "basic-policy", "4", "--effective", "2027-04-01"});
  ASSERT_EQ(a.code, kExitOk) << a.err;
  ASSERT_EQ(b.code, kExitOk) << b.err;
  EXPECT_THAT(a.out, HasSubstr("basic-policy revision 4: PUBLISHED (施行日 2027-04-01"));
  std::lock_guard<std::mutex> lock(policy_->mu_);
  ASSERT_GE(policy_->request_ids_.size(), 2u);
  const auto n = policy_->request_ids_.size();
  EXPECT_NE(policy_->request_ids_[n - 1], policy_->request_ids_[n - 2]);
}

TEST_F(CliAgainstFakeServerTest, VerifyPassesOrExitsFourOnTampering) {
  Result ok = Cli({"policy", "verify", "basic-policy"});
  EXPECT_EQ(ok.code, kExitOk) << ok.err;
  EXPECT_THAT(ok.out, HasSubstr("OK: basic-policy: 4 revisions verified"));

  {
    std::lock_guard<std::mutex> lock(policy_->mu_);
    policy_->tamper_ = true;
  }
  Result bad = Cli({"policy", "verify", "basic-policy"});
  {
    std::lock_guard<std::mutex> lock(policy_->mu_);
    policy_->tamper_ = false;
  }
  EXPECT_EQ(bad.code, kExitVerify);
  EXPECT_THAT(bad.out, HasSubstr("revision 3 PUBLISHED MISMATCH: content hash mismatch"));
  EXPECT_THAT(bad.err, HasSubstr("error: DATA_LOSS: basic-policy revision 3: content hash mismatch"));
}

TEST_F(CliAgainstFakeServerTest, WatchPrintsOneLinePerEvent) {
  Result once = Cli({"policy", "watch", "--since", "1", "--once"});
  ASSERT_EQ(once.code, kExitOk) << once.err;
  EXPECT_EQ(once.out.find("#1 "), std::string::npos);
  EXPECT_THAT(once.out, HasSubstr("#2 SUBMITTED basic-policy revision 2"));
  EXPECT_THAT(once.out, HasSubstr("#3 SUBMITTED basic-policy revision 3"));

  Result json = Cli({"-o", "json", "policy", "watch", "--once"});
  ASSERT_EQ(json.code, kExitOk) << json.err;
  std::istringstream lines(json.out);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    v1::RevisionEvent event;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &event).ok()) << line;
    EXPECT_EQ(event.sequence(), ++count);
  }
  EXPECT_EQ(count, 3);

  // A live stream that breaks tells where to resume.
  Result live = Cli({"policy", "watch"});
  EXPECT_EQ(live.code, kExitRpc);
  EXPECT_THAT(live.err, HasSubstr("error: UNAVAILABLE: server going away (last sequence 3; "
                                  "resume with --since 3)"));
}

TEST_F(CliAgainstFakeServerTest, AuditListPagesAndVerifyExitsFour) {
  Result list = Cli({"audit", "list", "--after", "2", "--limit", "5"});
  ASSERT_EQ(list.code, kExitOk) << list.err;
  EXPECT_THAT(list.out, HasSubstr("PolicyService/PublishRevision"));
  EXPECT_THAT(list.out, HasSubstr("\n3 "));
  EXPECT_THAT(list.out, HasSubstr("\n7 "));
  EXPECT_THAT(list.out, Not(HasSubstr("\n8 ")));
  EXPECT_THAT(list.err, HasSubstr("(more entries: --after 7)"));

  Result all = Cli({"-o", "json", "audit", "list", "--limit", "0"});
  ASSERT_EQ(all.code, kExitOk) << all.err;
  v1::ListAuditEntriesResponse parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(all.out, &parsed).ok());
  EXPECT_EQ(parsed.entries_size(), 10);

  Result verify = Cli({"audit", "verify", "--service", "policy"});
  EXPECT_EQ(verify.code, kExitVerify);
  EXPECT_THAT(verify.out, HasSubstr("NOT INTACT: first bad entry #7"));
  EXPECT_THAT(verify.err, HasSubstr("error: DATA_LOSS: policy audit chain is not intact: first "
                                    "bad entry #7: hash mismatch (entry altered)"));
}

TEST_F(CliAgainstFakeServerTest, HealthExitsZeroOnlyWhenServing) {
  Result serving = Cli({"health", "--service", "policy"});
  EXPECT_EQ(serving.code, kExitOk) << serving.err;
  EXPECT_EQ(serving.out, "policy: SERVING\n");

  server_->GetHealthCheckService()->SetServingStatus(false);
  Result not_serving = Cli({"health"});
  server_->GetHealthCheckService()->SetServingStatus(true);
  EXPECT_EQ(not_serving.code, kExitRpc);
  EXPECT_THAT(not_serving.err, HasSubstr("error: UNAVAILABLE: the policy service is NOT_SERVING"));

  Result closed = Cli({"--profile", "closed", "--timeout", "2", "health"});
  EXPECT_EQ(closed.code, kExitRpc);
}

}  // namespace
}  // namespace seccoord::cli
