// The policy service in-process over real mTLS with the sample principals'
// certificates: what each role can and cannot read and do (get, list, diff,
// watch, acks, mutations), that refusals are audited, retries by request id,
// concurrent drafts, and the transport-level refusals.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/policy_text.h"
#include "common/proto_convert.h"
#include "seccoord/v1/audit.grpc.pb.h"
#include "seccoord/v1/policy.grpc.pb.h"
#include "services/policy/policy_server.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace seccoord::policy {
namespace {

using grpc::StatusCode;

std::string SeedText() {
  const char* root = std::getenv("SECCOORD_SOURCE_DIR");
  std::ifstream in(std::string(root ? root : ".") + "/data/basic-policy-r8.txt");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string NewId() {
  static std::atomic<int> n{0};
  return "it-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
}

class PolicyServiceTest : public seccoord::testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    seccoord::testing::TestServerOptions options;
    options.allow_anonymous = true;
    options.rpc_log_sink = [](std::string_view) {};
    auto server = seccoord::testing::TestServer::Start(PolicyServerSpec(), db(), options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    auto text = ParsePolicyText(SeedText());
    ASSERT_TRUE(text.ok());
    seed_ = *text;
    // Revision 1 of each document published, effective 2026-04-01, and a
    // draft revision 2 of the basic policy.
    for (const char* doc : {"basic-policy", "standards", "procedures"}) {
      ASSERT_EQ(Publish(doc, 0, seed_, 2026, 4, 1).error_code(), StatusCode::OK) << doc;
    }
    v1::Revision draft;
    ASSERT_EQ(Create("staff1", "basic-policy", 1, seed_, &draft).error_code(), StatusCode::OK);
  }

  void TearDown() override {
    server_.reset();  // stop the server before its database goes away
    DatabaseTest::TearDown();
  }

  std::unique_ptr<v1::PolicyService::Stub> Stub(const std::string& cert) {
    return v1::PolicyService::NewStub(server_->ChannelAs(cert));
  }

  grpc::Status Create(const std::string& cert, const std::string& doc, int64_t base,
                      const PolicyText& text, v1::Revision* out, std::string request_id = "") {
    v1::CreateRevisionRequest r;
    r.set_request_id(request_id.empty() ? NewId() : request_id);
    r.set_document_id(doc);
    r.set_base_revision(base);
    r.set_title(text.title);
    SetArticles(text, r.mutable_articles());
    r.set_change_summary("統合試験");
    grpc::ClientContext ctx;
    return Stub(cert)->CreateRevision(&ctx, r, out);
  }

  grpc::Status Transition(const std::string& cert, const std::string& verb, const std::string& doc,
                          int64_t n) {
    v1::TransitionRevisionRequest r;
    r.set_request_id(NewId());
    r.set_document_id(doc);
    r.set_number(n);
    v1::Revision out;
    grpc::ClientContext ctx;
    auto stub = Stub(cert);
    if (verb == "submit") return stub->SubmitRevision(&ctx, r, &out);
    if (verb == "approve") return stub->ApproveRevision(&ctx, r, &out);
    return stub->WithdrawRevision(&ctx, r, &out);
  }

  grpc::Status PublishOnly(const std::string& cert, const std::string& doc, int64_t n, int y,
                           int m, int d) {
    v1::PublishRevisionRequest r;
    r.set_request_id(NewId());
    r.set_document_id(doc);
    r.set_number(n);
    *r.mutable_effective_date() = ToProtoDate({y, m, d});
    v1::Revision out;
    grpc::ClientContext ctx;
    return Stub(cert)->PublishRevision(&ctx, r, &out);
  }

  grpc::Status Publish(const std::string& doc, int64_t base, const PolicyText& text, int y, int m,
                       int d) {
    v1::Revision draft;
    auto s = Create("staff1", doc, base, text, &draft);
    if (!s.ok()) return s;
    if (!(s = Transition("staff1", "submit", doc, draft.number())).ok()) return s;
    if (!(s = Transition("admin1", "approve", doc, draft.number())).ok()) return s;
    return PublishOnly("admin1", doc, draft.number(), y, m, d);
  }

  grpc::Status Get(const std::string& cert, const std::string& doc, int64_t n,
                   v1::Revision* out = nullptr) {
    v1::GetRevisionRequest r;
    r.set_document_id(doc);
    if (n > 0) r.set_number(n);
    v1::Revision ignored;
    grpc::ClientContext ctx;
    return Stub(cert)->GetRevision(&ctx, r, out ? out : &ignored);
  }

  std::vector<v1::RevisionEvent> Backlog(const std::string& cert, const std::string& doc,
                                         grpc::Status* status, int64_t since = 0) {
    v1::WatchRevisionEventsRequest r;
    r.set_document_id(doc);
    r.set_since_sequence(since);
    r.set_backlog_only(true);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    auto stub = Stub(cert);
    auto reader = stub->WatchRevisionEvents(&ctx, r);
    std::vector<v1::RevisionEvent> events;
    v1::RevisionEvent e;
    while (reader->Read(&e)) events.push_back(e);
    *status = reader->Finish();
    return events;
  }

  std::vector<v1::AuditEntry> AuditEntries() {
    auto stub = v1::AuditService::NewStub(server_->ChannelAs("admin1"));
    v1::ListAuditEntriesRequest r;
    r.set_page_size(1000);
    v1::ListAuditEntriesResponse out;
    grpc::ClientContext ctx;
    EXPECT_TRUE(stub->ListAuditEntries(&ctx, r, &out).ok());
    return {out.entries().begin(), out.entries().end()};
  }

  // What `who` gets on every path that names revision 3 of the basic
  // policy: code and message of each call, the bytes of each answer, the
  // revisions a listing shows and its next page token, the events of a
  // watch. The same whether revision 3 is missing or a draft `who` may not
  // read.
  std::vector<std::string> AnswersOn3(const std::string& who) {
    std::vector<std::string> answers;
    auto note = [&](const grpc::Status& status, const google::protobuf::Message& response) {
      answers.push_back(absl::StrCat(status.error_code(), " ", status.error_message(), " ",
                                     status.ok() ? response.SerializeAsString() : ""));
    };
    auto stub = Stub(who);
    {
      v1::Revision out;
      note(Get(who, "basic-policy", 3, &out), out);
    }
    for (auto [from, to] : {std::pair<int64_t, int64_t>{1, 3}, {3, 1}, {3, 3}}) {
      v1::DiffRevisionsRequest r;
      r.set_document_id("basic-policy");
      r.set_from_number(from);
      r.set_to_number(to);
      v1::DiffRevisionsResponse out;
      grpc::ClientContext ctx;
      note(stub->DiffRevisions(&ctx, r, &out), out);
    }
    {
      v1::AcknowledgeRevisionRequest r;
      r.set_request_id(NewId());
      r.set_document_id("basic-policy");
      r.set_number(3);
      v1::Acknowledgement out;
      grpc::ClientContext ctx;
      note(stub->AcknowledgeRevision(&ctx, r, &out), out);
    }
    {
      v1::ListAcknowledgementsRequest r;
      r.set_document_id("basic-policy");
      r.set_number(3);
      v1::ListAcknowledgementsResponse out;
      grpc::ClientContext ctx;
      note(stub->ListAcknowledgements(&ctx, r, &out), out);
    }
    {
      v1::AddRevisionCommentRequest r;
      r.set_request_id(NewId());
      r.set_document_id("basic-policy");
      r.set_number(3);
      r.set_text("確認");
      v1::RevisionComment out;
      grpc::ClientContext ctx;
      note(stub->AddRevisionComment(&ctx, r, &out), out);
    }
    {
      v1::ListRevisionCommentsRequest r;
      r.set_document_id("basic-policy");
      r.set_number(3);
      v1::ListRevisionCommentsResponse out;
      grpc::ClientContext ctx;
      note(stub->ListRevisionComments(&ctx, r, &out), out);
    }
    for (const std::string verb : {"submit", "approve", "withdraw"}) {
      note(Transition(who, verb, "basic-policy", 3), v1::Revision());
    }
    note(PublishOnly(who, "basic-policy", 3, 2027, 4, 1), v1::Revision());
    // Listings: what they show and whether they offer a next page.
    for (int page_size : {1, 2, 0}) {
      v1::ListRevisionsRequest r;
      r.set_document_id("basic-policy");
      r.set_page_size(page_size);
      r.set_headers_only(true);
      v1::ListRevisionsResponse out;
      grpc::ClientContext ctx;
      grpc::Status status = stub->ListRevisions(&ctx, r, &out);
      std::string numbers;
      for (const auto& revision : out.revisions()) absl::StrAppend(&numbers, revision.number(), ",");
      answers.push_back(absl::StrCat(status.error_code(), " ", numbers, " ",
                                     out.next_page_token().empty() ? "last" : "more"));
    }
    {
      v1::GetDocumentRequest r;
      r.set_document_id("basic-policy");
      v1::Document out;
      grpc::ClientContext ctx;
      grpc::Status status = stub->GetDocument(&ctx, r, &out);
      answers.push_back(absl::StrCat(status.error_code(), " latest ", out.latest_revision()));
    }
    grpc::Status watch;
    std::string events;
    for (const auto& e : Backlog(who, "basic-policy", &watch)) {
      absl::StrAppend(&events, e.type(), "/", e.revision_number(), ",");
    }
    answers.push_back(absl::StrCat(watch.error_code(), " ", events));
    return answers;
  }

  std::unique_ptr<seccoord::testing::TestServer> server_;
  PolicyText seed_;
};

// "" is the anonymous caller (no client certificate).
const std::vector<std::string> kEveryone = {"staff1", "admin1", "advisor1", "mito-member1",
                                            "shirosato-member1", ""};

TEST_P(PolicyServiceTest, EachRoleReadsWhatItsVisibilityAllows) {
  // document → principals that may read its published revision 1.
  const std::map<std::string, std::set<std::string>> may_read = {
      {"basic-policy", {"staff1", "admin1", "advisor1", "mito-member1", "shirosato-member1", ""}},
      {"standards", {"staff1", "admin1", "advisor1", "mito-member1", "shirosato-member1"}},
      {"procedures", {"staff1", "admin1", "advisor1"}},
  };
  for (const auto& [doc, readers] : may_read) {
    for (const auto& who : kEveryone) {
      const StatusCode want = readers.count(who) ? StatusCode::OK : StatusCode::PERMISSION_DENIED;
      EXPECT_EQ(Get(who, doc, 1).error_code(), want) << doc << " by '" << who << "'";
      EXPECT_EQ(Get(who, doc, 0).error_code(), want) << doc << " in force, by '" << who << "'";
      v1::ListRevisionsRequest list;
      list.set_document_id(doc);
      v1::ListRevisionsResponse revisions;
      grpc::ClientContext ctx;
      EXPECT_EQ(Stub(who)->ListRevisions(&ctx, list, &revisions).error_code(), want)
          << doc << " list by '" << who << "'";
      v1::DiffRevisionsRequest diff;
      diff.set_document_id(doc);
      diff.set_from_number(1);
      diff.set_to_number(1);
      v1::DiffRevisionsResponse diffed;
      grpc::ClientContext dctx;
      EXPECT_EQ(Stub(who)->DiffRevisions(&dctx, diff, &diffed).error_code(), want)
          << doc << " diff by '" << who << "'";
      grpc::Status watch;
      Backlog(who, doc, &watch);
      EXPECT_EQ(watch.error_code(), want) << doc << " watch by '" << who << "'";
    }
  }
  // The draft revision 2 of the basic policy: readers of drafts only.
  for (const auto& who : kEveryone) {
    const bool reads_drafts = who == "staff1" || who == "admin1" || who == "advisor1";
    EXPECT_EQ(Get(who, "basic-policy", 2).error_code(),
              reads_drafts ? StatusCode::OK : StatusCode::NOT_FOUND)
        << "draft by '" << who << "'";
  }
  // The basic policy in force shows its ten articles and 附則 to a member.
  v1::Revision in_force;
  ASSERT_TRUE(Get("mito-member1", "basic-policy", 0, &in_force).ok());
  EXPECT_EQ(in_force.number(), 1);
  EXPECT_TRUE(in_force.in_force());
  EXPECT_EQ(in_force.articles_size(), 11);
  EXPECT_EQ(in_force.effective_date().year(), 2026);
}

TEST_P(PolicyServiceTest, DocumentListsFollowVisibility) {
  const std::map<std::string, int> expected = {{"staff1", 3}, {"advisor1", 3},
                                               {"mito-member1", 2}, {"", 1}};
  for (const auto& [who, count] : expected) {
    v1::ListDocumentsResponse docs;
    grpc::ClientContext ctx;
    ASSERT_TRUE(Stub(who)->ListDocuments(&ctx, {}, &docs).ok()) << who;
    EXPECT_EQ(docs.documents_size(), count) << who;
  }
  v1::GetDocumentRequest r;
  r.set_document_id("procedures");
  v1::Document d;
  grpc::ClientContext ctx;
  EXPECT_EQ(Stub("shirosato-member1")->GetDocument(&ctx, r, &d).error_code(),
            StatusCode::PERMISSION_DENIED);
}

TEST_P(PolicyServiceTest, OnlyTheRightRolesMayWrite) {
  v1::Revision out;
  // Drafting: union staff and admins only.
  for (const std::string who : {"advisor1", "mito-member1", "shirosato-member1", ""}) {
    EXPECT_EQ(Create(who, "standards", 1, seed_, &out).error_code(),
              who.empty() ? StatusCode::PERMISSION_DENIED : StatusCode::PERMISSION_DENIED)
        << who;
    EXPECT_EQ(Transition(who, "submit", "basic-policy", 2).error_code(),
              StatusCode::PERMISSION_DENIED)
        << who;
  }
  ASSERT_TRUE(Transition("staff1", "submit", "basic-policy", 2).ok());
  // Approval: admins only, and never the author.
  EXPECT_EQ(Transition("staff1", "approve", "basic-policy", 2).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Transition("advisor1", "approve", "basic-policy", 2).error_code(),
            StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Transition("admin2", "approve", "basic-policy", 2).ok());
  EXPECT_EQ(PublishOnly("staff1", "basic-policy", 2, 2027, 4, 1).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(PublishOnly("admin1", "basic-policy", 2, 2026, 3, 31).error_code(),
            StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(PublishOnly("admin1", "basic-policy", 2, 2027, 2, 30).error_code(),
            StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(PublishOnly("admin1", "basic-policy", 2, 2027, 4, 1).ok());
  // Publishing twice is a transition from the wrong state.
  EXPECT_EQ(PublishOnly("admin1", "basic-policy", 2, 2027, 4, 1).error_code(),
            StatusCode::FAILED_PRECONDITION);

  // Acknowledgement: every signed-in role, not anonymous.
  for (const auto& who : kEveryone) {
    v1::AcknowledgeRevisionRequest ack;
    ack.set_request_id(NewId());
    ack.set_document_id("basic-policy");
    ack.set_number(1);
    v1::Acknowledgement a;
    grpc::ClientContext ctx;
    EXPECT_EQ(Stub(who)->AcknowledgeRevision(&ctx, ack, &a).error_code(),
              who.empty() ? StatusCode::PERMISSION_DENIED : StatusCode::OK)
        << who;
  }
  // Comments on drafts: readers of drafts only.
  v1::Revision draft3;
  ASSERT_TRUE(Create("staff1", "basic-policy", 2, seed_, &draft3).ok());
  for (const auto& who : kEveryone) {
    v1::AddRevisionCommentRequest c;
    c.set_request_id(NewId());
    c.set_document_id("basic-policy");
    c.set_number(draft3.number());
    c.set_text("確認しました");
    v1::RevisionComment out_comment;
    grpc::ClientContext ctx;
    const bool may = who == "staff1" || who == "admin1" || who == "advisor1";
    EXPECT_EQ(Stub(who)->AddRevisionComment(&ctx, c, &out_comment).error_code(),
              may ? StatusCode::OK : StatusCode::PERMISSION_DENIED)
        << who;
  }
}

TEST_P(PolicyServiceTest, RefusalsAreWrittenToTheAuditChain) {
  ASSERT_EQ(Get("mito-member1", "procedures", 1).error_code(), StatusCode::PERMISSION_DENIED);
  v1::Revision out;
  ASSERT_EQ(Create("shirosato-member1", "basic-policy", 2, seed_, &out).error_code(),
            StatusCode::PERMISSION_DENIED);
  bool read_denied = false, write_denied = false, publish_ok = false;
  int creates_ok = 0;
  for (const auto& e : AuditEntries()) {
    // Each committed mutation has exactly one entry, written in its own
    // transaction: 3 published revisions and 1 draft were created in SetUp.
    if (e.outcome() == v1::AUDIT_OUTCOME_OK &&
        e.method() == "/seccoord.v1.PolicyService/CreateRevision") {
      ++creates_ok;
    }
    if (e.outcome() == v1::AUDIT_OUTCOME_DENIED &&
        e.principal() == "seccoord://mito-city/member1" &&
        e.method() == "/seccoord.v1.PolicyService/GetRevision") {
      read_denied = true;
    }
    if (e.outcome() == v1::AUDIT_OUTCOME_DENIED &&
        e.principal() == "seccoord://shirosato-town/member1" &&
        e.method() == "/seccoord.v1.PolicyService/CreateRevision") {
      write_denied = true;
    }
    if (e.outcome() == v1::AUDIT_OUTCOME_OK &&
        e.method() == "/seccoord.v1.PolicyService/PublishRevision") {
      publish_ok = true;
    }
  }
  EXPECT_TRUE(read_denied);
  EXPECT_TRUE(write_denied);
  EXPECT_TRUE(publish_ok);
  EXPECT_EQ(creates_ok, 4);
  auto stub = v1::AuditService::NewStub(server_->ChannelAs("advisor1"));
  v1::VerifyAuditChainResponse verify;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub->VerifyAuditChain(&ctx, {}, &verify).ok());
  EXPECT_TRUE(verify.intact()) << verify.problem();
}

TEST_P(PolicyServiceTest, WatchShowsEachRoleItsEventsAndResumesWithoutLoss) {
  grpc::Status status;
  auto member = Backlog("mito-member1", "", &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::set<std::string> docs;
  for (const auto& e : member) {
    EXPECT_EQ(e.type(), v1::REVISION_EVENT_TYPE_PUBLISHED);
    docs.insert(e.document_id());
  }
  EXPECT_EQ(docs, (std::set<std::string>{"basic-policy", "standards"}));
  auto advisor = Backlog("advisor1", "", &status);
  ASSERT_TRUE(status.ok());
  // created+submitted+approved+published for 3 documents, plus the draft.
  EXPECT_EQ(advisor.size(), 13u);
  auto resumed = Backlog("advisor1", "", &status, advisor[5].sequence());
  ASSERT_EQ(resumed.size(), advisor.size() - 6);
  EXPECT_EQ(resumed.front().sequence(), advisor[6].sequence());

  // Live: a member watching from its last sequence receives the next
  // publication as it happens.
  v1::WatchRevisionEventsRequest r;
  r.set_since_sequence(advisor.back().sequence());
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  auto stub = Stub("shirosato-member1");
  auto reader = stub->WatchRevisionEvents(&ctx, r);
  std::thread publisher([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_TRUE(Transition("staff1", "submit", "basic-policy", 2).ok());
    EXPECT_TRUE(Transition("admin1", "approve", "basic-policy", 2).ok());
    EXPECT_TRUE(PublishOnly("admin2", "basic-policy", 2, 2027, 4, 1).ok());
  });
  v1::RevisionEvent e;
  ASSERT_TRUE(reader->Read(&e));
  EXPECT_EQ(e.type(), v1::REVISION_EVENT_TYPE_PUBLISHED);
  EXPECT_EQ(e.document_id(), "basic-policy");
  EXPECT_EQ(e.revision_number(), 2);
  EXPECT_EQ(e.effective_date().year(), 2027);
  publisher.join();
  ctx.TryCancel();
}

TEST_P(PolicyServiceTest, RetryWithTheSameRequestIdReturnsTheFirstResult) {
  v1::Revision first, second;
  const std::string id = NewId();
  ASSERT_TRUE(Create("staff1", "standards", 1, seed_, &first, id).ok());
  ASSERT_TRUE(Create("staff1", "standards", 1, seed_, &second, id).ok());
  EXPECT_EQ(first.number(), 2);
  EXPECT_EQ(second.number(), 2);
  EXPECT_EQ(first.create_time_us(), second.create_time_us());
  v1::Revision third;
  EXPECT_EQ(Get("staff1", "standards", 3, &third).error_code(), StatusCode::NOT_FOUND);
}

TEST_P(PolicyServiceTest, ConcurrentDraftsOneWinsOneIsAborted) {
  std::atomic<int> ok{0}, aborted{0};
  auto attempt = [&](const std::string& who) {
    v1::Revision out;
    auto s = Create(who, "procedures", 1, seed_, &out);
    if (s.ok()) ok++;
    if (s.error_code() == StatusCode::ABORTED) aborted++;
  };
  std::thread a(attempt, "staff1"), b(attempt, "admin1");
  a.join();
  b.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(aborted.load(), 1);
}

TEST_P(PolicyServiceTest, BadInputNamesTheField) {
  v1::Revision out;
  PolicyText empty_summary = seed_;
  v1::CreateRevisionRequest r;
  r.set_request_id(NewId());
  r.set_document_id("standards");
  r.set_base_revision(1);
  r.set_title(seed_.title);
  SetArticles(seed_, r.mutable_articles());
  grpc::ClientContext ctx;
  auto s = Stub("staff1")->CreateRevision(&ctx, r, &out);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("change_summary"), std::string::npos);

  // Invalid UTF-8 never reaches storage: proto3 refuses it when the request
  // is parsed, before any handler runs.
  r.set_change_summary("x");
  r.set_title(std::string("\xff\xfe", 2));
  grpc::ClientContext ctx_utf8;
  auto utf8 = Stub("staff1")->CreateRevision(&ctx_utf8, r, &out);
  EXPECT_NE(utf8.error_code(), StatusCode::OK);
  r.set_title(seed_.title);

  r.set_document_id("unknown");
  grpc::ClientContext ctx2;
  EXPECT_EQ(Stub("staff1")->CreateRevision(&ctx2, r, &out).error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(Get("staff1", "basic-policy", 99).error_code(), StatusCode::NOT_FOUND);
}

TEST_P(PolicyServiceTest, ADraftIsAnsweredExactlyLikeAMissingRevisionOnEveryPath) {
  // A member and an anonymous caller ask about revision 3 before it exists,
  // then once it is a draft.
  const std::vector<std::string> callers = {"mito-member1", ""};
  std::map<std::string, std::vector<std::string>> missing;
  for (const auto& who : callers) missing[who] = AnswersOn3(who);
  v1::Revision draft;
  ASSERT_TRUE(Create("staff1", "basic-policy", 2, seed_, &draft).ok());
  ASSERT_EQ(draft.number(), 3);
  for (const auto& who : callers) {
    const std::vector<std::string> with_draft = AnswersOn3(who);
    ASSERT_EQ(with_draft.size(), missing[who].size());
    for (size_t i = 0; i < with_draft.size(); ++i) {
      EXPECT_EQ(with_draft[i], missing[who][i]) << "'" << who << "', path " << i;
    }
  }
  EXPECT_EQ(Get("mito-member1", "basic-policy", 900000).error_code(), StatusCode::NOT_FOUND);
  // A readable published revision stays readable, a draft is NOT_FOUND...
  EXPECT_EQ(Get("mito-member1", "basic-policy", 1).error_code(), StatusCode::OK);
  EXPECT_EQ(Get("mito-member1", "basic-policy", 3).error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(Get("mito-member1", "basic-policy", 3).error_message(),
            "number: document basic-policy has no revision 3");
  // ...and the refusal is in the audit chain with the real reason; asking
  // for a revision that does not exist is not a refusal.
  bool draft_refusal = false, missing_refusal = false;
  for (const auto& e : AuditEntries()) {
    if (e.outcome() != v1::AUDIT_OUTCOME_DENIED || e.principal() != "seccoord://mito-city/member1" ||
        e.method() != "/seccoord.v1.PolicyService/GetRevision") {
      continue;
    }
    if (e.target() == "documents/basic-policy/revisions/3") {
      draft_refusal |= e.status_code() == "NOT_FOUND" &&
                       e.detail().find("it is DRAFT") != std::string::npos;
    }
    missing_refusal |= e.target() == "documents/basic-policy/revisions/900000";
  }
  EXPECT_TRUE(draft_refusal);
  EXPECT_FALSE(missing_refusal);
}

TEST_P(PolicyServiceTest, APageTokenIsBoundToTheDocumentItListed) {
  ASSERT_TRUE(Publish("standards", 1, seed_, 2026, 5, 1).ok());
  v1::ListRevisionsRequest r;
  r.set_document_id("standards");
  r.set_page_size(1);
  v1::ListRevisionsResponse first;
  grpc::ClientContext ctx;
  ASSERT_TRUE(Stub("mito-member1")->ListRevisions(&ctx, r, &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());
  r.set_page_token(first.next_page_token());
  v1::ListRevisionsResponse next;
  grpc::ClientContext next_ctx;
  ASSERT_TRUE(Stub("mito-member1")->ListRevisions(&next_ctx, r, &next).ok());
  ASSERT_EQ(next.revisions_size(), 1);
  EXPECT_EQ(next.revisions(0).number(), 2);
  // The same token for another document's listing, or another filter.
  for (const std::string doc : {"basic-policy", "procedures"}) {
    r.set_document_id(doc);
    grpc::ClientContext other_ctx;
    auto other = Stub("staff1")->ListRevisions(&other_ctx, r, &next);
    EXPECT_EQ(other.error_code(), StatusCode::INVALID_ARGUMENT) << doc;
    EXPECT_EQ(other.error_message().rfind("page_token: was issued for a different query", 0), 0u)
        << other.error_message();
  }
  r.set_document_id("standards");
  r.set_headers_only(true);
  grpc::ClientContext filter_ctx;
  EXPECT_EQ(Stub("mito-member1")->ListRevisions(&filter_ctx, r, &next).error_code(),
            StatusCode::INVALID_ARGUMENT);
}

TEST_P(PolicyServiceTest, AnUndefinedEnumValueIsRefusedNamingTheField) {
  v1::ListRevisionsRequest r;
  r.set_document_id("basic-policy");
  r.set_state(static_cast<v1::RevisionState>(999));
  v1::ListRevisionsResponse out;
  grpc::ClientContext ctx;
  auto status = Stub("mito-member1")->ListRevisions(&ctx, r, &out);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "state: 999 is not a valid RevisionState");
}

// Replicas share one database and keep no state but caches of immutable
// rows: what another replica publishes is what this one serves next, its
// text and all.
TEST_P(PolicyServiceTest, AReplicaPublishingIsSeenByThisServerAtOnce) {
  v1::Revision before;
  ASSERT_TRUE(Get("mito-member1", "basic-policy", 0, &before).ok());
  ASSERT_TRUE(Get("mito-member1", "basic-policy", 0, &before).ok());  // cached by now
  ASSERT_EQ(before.number(), 1);
  ASSERT_EQ(before.content_hash(), ContentHashHex(seed_));

  auto other_db = test_db().OpenAnother();
  ASSERT_TRUE(other_db.ok()) << other_db.status();
  seccoord::testing::TestServerOptions options;
  options.rpc_log_sink = [](std::string_view) {};
  auto replica = seccoord::testing::TestServer::Start(PolicyServerSpec(), **other_db, options);
  ASSERT_TRUE(replica.ok()) << replica.status();
  auto as = [&](const char* cert) {
    return v1::PolicyService::NewStub((*replica)->ChannelAs(cert));
  };

  // Revision 3 (on the draft 2 of SetUp), changing 第6, through the replica.
  PolicyText amended = seed_;
  for (auto& a : amended.articles) {
    if (a.number == "第6") a.body += "\n（１０）追加の対策を講じる。";
  }
  v1::CreateRevisionRequest create;
  create.set_request_id(NewId());
  create.set_document_id("basic-policy");
  create.set_base_revision(2);
  create.set_title(amended.title);
  SetArticles(amended, create.mutable_articles());
  create.set_change_summary("レプリカからの改正");
  v1::Revision draft;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(as("staff1")->CreateRevision(&ctx, create, &draft).ok());
  }
  ASSERT_EQ(draft.number(), 3);
  v1::TransitionRevisionRequest transition;
  transition.set_document_id("basic-policy");
  transition.set_number(3);
  v1::Revision out;
  {
    transition.set_request_id(NewId());
    grpc::ClientContext ctx;
    ASSERT_TRUE(as("staff1")->SubmitRevision(&ctx, transition, &out).ok());
  }
  {
    transition.set_request_id(NewId());
    grpc::ClientContext ctx;
    ASSERT_TRUE(as("admin1")->ApproveRevision(&ctx, transition, &out).ok());
  }
  {
    v1::PublishRevisionRequest publish;
    publish.set_request_id(NewId());
    publish.set_document_id("basic-policy");
    publish.set_number(3);
    *publish.mutable_effective_date() = ToProtoDate({2026, 4, 1});
    grpc::ClientContext ctx;
    ASSERT_TRUE(as("admin1")->PublishRevision(&ctx, publish, &out).ok());
  }

  // This server: revision 3 in force, with the replica's text.
  v1::Revision now;
  ASSERT_TRUE(Get("mito-member1", "basic-policy", 0, &now).ok());
  EXPECT_EQ(now.number(), 3);
  EXPECT_TRUE(now.in_force());
  EXPECT_EQ(now.content_hash(), ContentHashHex(amended));
  EXPECT_EQ(ContentHashHex(PolicyTextOf(now)), ContentHashHex(amended));
  v1::Revision first;
  ASSERT_TRUE(Get("mito-member1", "basic-policy", 1, &first).ok());
  EXPECT_EQ(first.state(), v1::REVISION_STATE_SUPERSEDED);
  EXPECT_EQ(ContentHashHex(PolicyTextOf(first)), ContentHashHex(seed_));
  v1::ListDocumentsResponse docs;
  grpc::ClientContext ctx;
  ASSERT_TRUE(Stub("mito-member1")->ListDocuments(&ctx, {}, &docs).ok());
  ASSERT_GE(docs.documents_size(), 1);
  EXPECT_EQ(docs.documents(0).revision_in_force(), 3);
  replica->reset();  // stop the replica before its database goes away
}

SECCOORD_INSTANTIATE_DATABASE_TEST(PolicyServiceTest);

// Transport: without anonymous access a caller needs a certificate, and a
// certificate of another CA fails the handshake.
TEST(PolicyServiceTransportTest, CertificatesAreRequiredAndMustComeFromOurCa) {
  auto database = seccoord::testing::TestDatabase::Create("sqlite");
  ASSERT_TRUE(database.ok());
  seccoord::testing::TestServerOptions options;
  options.rpc_log_sink = [](std::string_view) {};
  auto server =
      seccoord::testing::TestServer::Start(PolicyServerSpec(), (*database)->db(), options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto get = [&](const std::string& cert) {
    v1::GetRevisionRequest r;
    r.set_document_id("basic-policy");
    v1::Revision out;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    return v1::PolicyService::NewStub((*server)->ChannelAs(cert))->GetRevision(&ctx, r, &out);
  };
  EXPECT_EQ(get("").error_code(), StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(get("intruder").error_code(), StatusCode::UNAVAILABLE);
  EXPECT_EQ(get("mito-member1").error_code(), StatusCode::NOT_FOUND);  // nothing published yet
}

}  // namespace
}  // namespace seccoord::policy
