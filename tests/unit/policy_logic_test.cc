// PolicyLogic over the real PolicyStore, on SQLite and on PostgreSQL: the
// revision state machine, visibility per role, the hash chain, the revision
// in force, idempotent retries, stale bases and etags, and bad input that
// changes nothing stored.
#include "services/policy/policy_logic.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/policy_text.h"
#include "common/proto_convert.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/policy/policy_cache.h"
#include "services/policy/policy_store.h"
#include "services/runtime/db/migrations.h"
#include "services/runtime/request_log.h"
#include "tests/support/callers.h"
#include "tests/support/test_database.h"

namespace seccoord::policy {
namespace {

using runtime::Caller;
using runtime::Role;
using seccoord::testing::kAdvisor;
using seccoord::testing::kStaff;
using seccoord::testing::MakeCaller;
using seccoord::testing::NewRequestId;

// Those of `candidates` the store records as editors of the revision, in
// the candidates' order.
std::vector<std::string> EditorsAmong(PolicyStore& store, const std::string& document_id,
                                      int64_t number, const std::vector<std::string>& candidates) {
  std::vector<std::string> editors;
  const absl::Status read = store.Read([&](PolicyStore::Tx& tx) -> absl::Status {
    for (const std::string& principal : candidates) {
      SECCOORD_ASSIGN_OR_RETURN(bool edited, tx.IsEditor(document_id, number, principal));
      if (edited) editors.push_back(principal);
    }
    return absl::OkStatus();
  });
  EXPECT_TRUE(read.ok()) << read;
  return editors;
}

Caller Anonymous() {
  Caller c;
  c.principal.anonymous = true;
  c.roles = {Role::kAnonymous};
  return c;
}

const Caller& kAdmin1 = seccoord::testing::kAdmin;
const Caller kAdmin2 = MakeCaller("kasama-union", "admin2", Role::kUnionAdmin);
const Caller kMito = MakeCaller("mito-city", "member1", Role::kMember);

std::string ReadSeedText() {
  const char* root = std::getenv("SECCOORD_SOURCE_DIR");
  std::ifstream in(std::string(root ? root : ".") + "/data/basic-policy-r8.txt");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class PolicyLogicTest : public seccoord::testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(db::ApplyMigrations(db(), "policy", PolicyMigrations()).ok());
    ASSERT_TRUE(db::ApplyMigrations(db(), "requests", runtime::RequestLogMigrations()).ok());
    store_ = std::make_unique<PolicyStore>(db());
    Clock clock{[this] { return ++now_us_; }, [this] { return today_; }};
    logic_ = std::make_unique<PolicyLogic>(*store_, clock, &notifier_);
    auto parsed = ParsePolicyText(ReadSeedText());
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    seed_ = *parsed;
  }

  v1::CreateRevisionRequest DraftRequest(const std::string& doc, int64_t base,
                                         const PolicyText& text) {
    v1::CreateRevisionRequest r;
    r.set_request_id(NewRequestId());
    r.set_document_id(doc);
    r.set_base_revision(base);
    r.set_title(text.title);
    SetArticles(text, r.mutable_articles());
    r.set_change_summary("初版");
    return r;
  }

  // A new title over the seed's articles for draft `n`, read at `etag`.
  v1::UpdateRevisionRequest Edit(const std::string& doc, int64_t n, const std::string& etag,
                                 const std::string& title) {
    v1::UpdateRevisionRequest r;
    r.set_request_id(NewRequestId());
    r.set_document_id(doc);
    r.set_number(n);
    r.set_etag(etag);
    r.set_title(title);
    SetArticles(seed_, r.mutable_articles());
    return r;
  }

  v1::TransitionRevisionRequest Transition(const std::string& doc, int64_t n) {
    v1::TransitionRevisionRequest r;
    r.set_request_id(NewRequestId());
    r.set_document_id(doc);
    r.set_number(n);
    return r;
  }

  v1::PublishRevisionRequest Publish(const std::string& doc, int64_t n, CivilDate effective) {
    v1::PublishRevisionRequest r;
    r.set_request_id(NewRequestId());
    r.set_document_id(doc);
    r.set_number(n);
    *r.mutable_effective_date() = ToProtoDate(effective);
    return r;
  }

  // Drafts, submits, approves (admin1) and publishes a revision.
  v1::Revision PublishText(const std::string& doc, const PolicyText& text, CivilDate effective) {
    auto doc_now = logic_->GetDocument(kStaff, Req(doc));
    EXPECT_TRUE(doc_now.ok()) << doc_now.status();
    auto draft = logic_->CreateRevision(kStaff, DraftRequest(doc, doc_now->latest_revision(), text));
    EXPECT_TRUE(draft.ok()) << draft.status();
    EXPECT_TRUE(logic_->SubmitRevision(kStaff, Transition(doc, draft->number())).ok());
    EXPECT_TRUE(logic_->ApproveRevision(kAdmin1, Transition(doc, draft->number())).ok());
    auto published = logic_->PublishRevision(kAdmin1, Publish(doc, draft->number(), effective));
    EXPECT_TRUE(published.ok()) << published.status();
    return *published;
  }

  static v1::GetDocumentRequest Req(const std::string& doc) {
    v1::GetDocumentRequest r;
    r.set_document_id(doc);
    return r;
  }

  absl::StatusOr<v1::Revision> Get(const Caller& c, const std::string& doc, int64_t n) {
    v1::GetRevisionRequest r;
    r.set_document_id(doc);
    if (n > 0) r.set_number(n);
    return logic_->GetRevision(c, r);
  }

  int64_t MaxNumber(const std::string& doc) {
    int64_t max = -1;
    EXPECT_TRUE(store_->Read([&](PolicyStore::Tx& tx) -> absl::Status {
      auto m = tx.MaxRevisionNumber(doc);
      if (!m.ok()) return m.status();
      max = *m;
      return absl::OkStatus();
    }).ok());
    return max;
  }

  int64_t EventCount() {
    int64_t count = 0;
    EXPECT_TRUE(store_->Read([&](PolicyStore::Tx& tx) -> absl::Status {
      auto events = tx.EventsAfter(0, 10000);
      if (!events.ok()) return events.status();
      count = events->size();
      return absl::OkStatus();
    }).ok());
    return count;
  }

  int64_t now_us_ = 1'700'000'000'000'000;
  CivilDate today_{2026, 11, 25};
  runtime::EventNotifier notifier_;
  std::unique_ptr<PolicyStore> store_;
  std::unique_ptr<PolicyLogic> logic_;
  PolicyText seed_;
};

TEST_P(PolicyLogicTest, DocumentsAreListedByVisibility) {
  // Readers of drafts see every document; the others a document of their
  // visibility once it has a published revision, not before (a draft of
  // standards shows nothing to a member).
  auto staff = logic_->ListDocuments(kStaff);
  ASSERT_TRUE(staff.ok()) << staff.status();
  EXPECT_EQ(staff->documents_size(), 3);
  EXPECT_EQ(logic_->ListDocuments(kMito)->documents_size(), 0);
  EXPECT_EQ(logic_->ListDocuments(Anonymous())->documents_size(), 0);
  PublishText("basic-policy", seed_, {2026, 4, 1});
  PublishText("procedures", seed_, {2026, 4, 1});
  ASSERT_TRUE(logic_->CreateRevision(kStaff, DraftRequest("standards", 0, seed_)).ok());
  auto before = logic_->ListDocuments(kMito);
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->documents_size(), 1);
  EXPECT_EQ(before->documents(0).id(), "basic-policy");
  EXPECT_EQ(logic_->ListDocuments(kAdvisor)->documents_size(), 3);
  ASSERT_TRUE(logic_->SubmitRevision(kStaff, Transition("standards", 1)).ok());
  ASSERT_TRUE(logic_->ApproveRevision(kAdmin1, Transition("standards", 1)).ok());
  ASSERT_TRUE(logic_->PublishRevision(kAdmin1, Publish("standards", 1, {2026, 4, 1})).ok());
  auto member = logic_->ListDocuments(kMito);
  ASSERT_TRUE(member.ok());
  ASSERT_EQ(member->documents_size(), 2);
  EXPECT_EQ(member->documents(0).id(), "basic-policy");
  EXPECT_EQ(member->documents(1).id(), "standards");
  auto anonymous = logic_->ListDocuments(Anonymous());
  ASSERT_TRUE(anonymous.ok());
  ASSERT_EQ(anonymous->documents_size(), 1);
  EXPECT_EQ(anonymous->documents(0).id(), "basic-policy");
}

TEST_P(PolicyLogicTest, PublishesThroughTheStateMachineWithAHashChain) {
  auto draft = logic_->CreateRevision(kStaff, DraftRequest("basic-policy", 0, seed_));
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->number(), 1);
  EXPECT_EQ(draft->state(), v1::REVISION_STATE_DRAFT);
  EXPECT_EQ(draft->author(), "seccoord://kasama-union/staff1");
  EXPECT_EQ(draft->content_hash(), ContentHashHex(seed_));

  // Publishing straight from DRAFT is a transition from the wrong state.
  auto early = logic_->PublishRevision(kAdmin1, Publish("basic-policy", 1, {2026, 4, 1}));
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);

  ASSERT_TRUE(logic_->SubmitRevision(kStaff, Transition("basic-policy", 1)).ok());
  // The author cannot approve, even as an admin.
  auto by_author = MakeCaller("kasama-union", "staff1", Role::kUnionAdmin);
  auto self = logic_->ApproveRevision(by_author, Transition("basic-policy", 1));
  EXPECT_EQ(self.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(self.status().message().find("approver must differ from its author and every editor"),
            std::string::npos);

  auto approved = logic_->ApproveRevision(kAdmin1, Transition("basic-policy", 1));
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->approver(), "seccoord://kasama-union/admin1");

  auto published = logic_->PublishRevision(kAdmin1, Publish("basic-policy", 1, {2026, 4, 1}));
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_EQ(published->state(), v1::REVISION_STATE_PUBLISHED);
  EXPECT_EQ(published->previous_chain_hash(), "");
  EXPECT_EQ(published->chain_hash(),
            ChainHashHex("", ContentHashHex(seed_), 1, "2026-04-01"));

  // Revision 2 changes 第6 and takes effect later; it links to revision 1.
  PolicyText amended = seed_;
  for (auto& a : amended.articles) {
    if (a.number == "第6") a.body += "\n（１０）追加の対策を講じる。";
  }
  v1::Revision second = PublishText("basic-policy", amended, {2027, 4, 1});
  EXPECT_EQ(second.number(), 2);
  EXPECT_EQ(second.previous_chain_hash(), published->chain_hash());
  EXPECT_EQ(second.chain_hash(), ChainHashHex(published->chain_hash(), ContentHashHex(amended), 2,
                                              "2027-04-01"));

  // In force: revision 1 until 2027-03-31, revision 2 from 2027-04-01.
  v1::GetRevisionRequest on;
  on.set_document_id("basic-policy");
  *on.mutable_in_force_on() = ToProtoDate({2027, 3, 31});
  EXPECT_EQ(logic_->GetRevision(kMito, on)->number(), 1);
  *on.mutable_in_force_on() = ToProtoDate({2027, 4, 1});
  EXPECT_EQ(logic_->GetRevision(kMito, on)->number(), 2);
  *on.mutable_in_force_on() = ToProtoDate({2026, 3, 31});
  EXPECT_EQ(logic_->GetRevision(kMito, on).status().code(), absl::StatusCode::kNotFound);
  auto today = Get(kMito, "basic-policy", 0);
  ASSERT_TRUE(today.ok());
  EXPECT_EQ(today->number(), 1);
  EXPECT_TRUE(today->in_force());
  EXPECT_EQ(today->articles_size(), 11);

  // Once revision 2 is in force, revision 1 shows as SUPERSEDED.
  today_ = {2027, 4, 2};
  EXPECT_EQ(Get(kMito, "basic-policy", 1)->state(), v1::REVISION_STATE_SUPERSEDED);
  EXPECT_EQ(Get(kMito, "basic-policy", 2)->state(), v1::REVISION_STATE_PUBLISHED);
  EXPECT_TRUE(Get(kMito, "basic-policy", 2)->in_force());
}

TEST_P(PolicyLogicTest, EffectiveDateBeforeThePublishedOneIsRefusedAndNothingChanges) {
  PublishText("basic-policy", seed_, {2026, 4, 1});
  auto draft = logic_->CreateRevision(kStaff, DraftRequest("basic-policy", 1, seed_));
  ASSERT_TRUE(draft.ok());
  ASSERT_TRUE(logic_->SubmitRevision(kStaff, Transition("basic-policy", 2)).ok());
  ASSERT_TRUE(logic_->ApproveRevision(kAdmin2, Transition("basic-policy", 2)).ok());
  const int64_t events = EventCount();
  auto early = logic_->PublishRevision(kAdmin1, Publish("basic-policy", 2, {2026, 3, 1}));
  EXPECT_EQ(early.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(early.status().message().find("effective_date"), std::string::npos);
  EXPECT_EQ(Get(kStaff, "basic-policy", 2)->state(), v1::REVISION_STATE_APPROVED);
  EXPECT_EQ(EventCount(), events);

  v1::PublishRevisionRequest impossible = Publish("basic-policy", 2, {2026, 2, 30});
  auto bad = logic_->PublishRevision(kAdmin1, impossible);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("2026-02-30"), std::string::npos);
}

TEST_P(PolicyLogicTest, TheErrorSaysPublishedRevisionsTakeEffectInPublicationOrder) {
  // Revision 1 takes effect 2027-04-01, revision 2 is published after it
  // with an earlier date than 1's but later than today: refused, although
  // revision 1 is not yet in force.
  PublishText("basic-policy", seed_, {2027, 4, 1});
  ASSERT_TRUE(logic_->CreateRevision(kStaff, DraftRequest("basic-policy", 1, seed_)).ok());
  ASSERT_TRUE(logic_->SubmitRevision(kStaff, Transition("basic-policy", 2)).ok());
  ASSERT_TRUE(logic_->ApproveRevision(kAdmin2, Transition("basic-policy", 2)).ok());
  auto early = logic_->PublishRevision(kAdmin1, Publish("basic-policy", 2, {2027, 1, 1}));
  EXPECT_EQ(early.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(early.status().message(),
            "effective_date: 2027-01-01 is earlier than 2027-04-01, the effective date of "
            "revision 1, published before it; published revisions take effect in publication "
            "order, so the date must be 2027-04-01 or later");
  // The same date as the one before is allowed.
  EXPECT_TRUE(logic_->PublishRevision(kAdmin1, Publish("basic-policy", 2, {2027, 4, 1})).ok());
}

TEST_P(PolicyLogicTest, NobodyWhoEditedARevisionMayApproveIt) {
  // staff1 drafts, admin2 rewrites the draft, staff1 submits: admin2 (an
  // editor) and an admin staff1 may not approve, admin1 may.
  ASSERT_TRUE(logic_->CreateRevision(kStaff, DraftRequest("standards", 0, seed_)).ok());
  ASSERT_TRUE(logic_->UpdateRevision(kAdmin2, Edit("standards", 1, "1", "管理者による改訂")).ok());
  ASSERT_TRUE(logic_->SubmitRevision(kStaff, Transition("standards", 1)).ok());
  EXPECT_EQ(EditorsAmong(*store_, "standards", 1,
                         {"seccoord://kasama-union/admin1", "seccoord://kasama-union/admin2",
                          "seccoord://kasama-union/staff1"}),
            (std::vector<std::string>{"seccoord://kasama-union/admin2",
                                      "seccoord://kasama-union/staff1"}));

  auto by_editor = logic_->ApproveRevision(kAdmin2, Transition("standards", 1));
  EXPECT_EQ(by_editor.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(by_editor.status().message().find("wrote or edited revision 1"), std::string::npos);
  auto by_author = logic_->ApproveRevision(
      MakeCaller("kasama-union", "staff1", Role::kUnionAdmin), Transition("standards", 1));
  EXPECT_EQ(by_author.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Get(kStaff, "standards", 1)->state(), v1::REVISION_STATE_IN_REVIEW);
  auto approved = logic_->ApproveRevision(kAdmin1, Transition("standards", 1));
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->approver(), "seccoord://kasama-union/admin1");
}

TEST_P(PolicyLogicTest, RetryWithTheSameRequestIdDoesNothingTwice) {
  auto request = DraftRequest("basic-policy", 0, seed_);
  auto first = logic_->CreateRevision(kStaff, request);
  ASSERT_TRUE(first.ok()) << first.status();
  const int64_t events = EventCount();
  auto retry = logic_->CreateRevision(kStaff, request);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->number(), first->number());
  EXPECT_EQ(retry->create_time_us(), first->create_time_us());
  EXPECT_EQ(MaxNumber("basic-policy"), 1);
  EXPECT_EQ(EventCount(), events);

  // The same id for another method is a client bug.
  v1::TransitionRevisionRequest submit = Transition("basic-policy", 1);
  submit.set_request_id(request.request_id());
  EXPECT_EQ(logic_->SubmitRevision(kStaff, submit).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A missing request id is refused, naming the field.
  request.clear_request_id();
  auto missing = logic_->CreateRevision(kStaff, request);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("request_id"), std::string::npos);
}

TEST_P(PolicyLogicTest, StaleBaseRevisionAndStaleEtagAreAborted) {
  ASSERT_TRUE(logic_->CreateRevision(kStaff, DraftRequest("standards", 0, seed_)).ok());
  auto stale = logic_->CreateRevision(kAdmin1, DraftRequest("standards", 0, seed_));
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_NE(stale.status().message().find("base_revision"), std::string::npos);
  EXPECT_EQ(MaxNumber("standards"), 1);

  v1::UpdateRevisionRequest update = Edit("standards", 1, "1", "改訂");
  auto updated = logic_->UpdateRevision(kStaff, update);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->title(), "改訂");
  EXPECT_NE(updated->etag(), "1");
  update.set_request_id(NewRequestId());  // a new edit still based on etag 1
  update.set_title("別の改訂");
  EXPECT_EQ(logic_->UpdateRevision(kAdmin1, update).status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Get(kStaff, "standards", 1)->title(), "改訂");
}

TEST_P(PolicyLogicTest, ConcurrentDraftsOnTheSameBaseOneWinsOneIsAborted) {
  std::atomic<int> ok{0}, aborted{0}, other{0};
  auto a = DraftRequest("procedures", 0, seed_);
  auto b = DraftRequest("procedures", 0, seed_);
  std::thread t1([&] {
    auto r = logic_->CreateRevision(kStaff, a);
    (r.ok() ? ok : r.status().code() == absl::StatusCode::kAborted ? aborted : other)++;
  });
  std::thread t2([&] {
    auto r = logic_->CreateRevision(kAdmin1, b);
    (r.ok() ? ok : r.status().code() == absl::StatusCode::kAborted ? aborted : other)++;
  });
  t1.join();
  t2.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(aborted.load(), 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(MaxNumber("procedures"), 1);
}

TEST_P(PolicyLogicTest, VisibilityAppliesOnEveryReadPath) {
  PublishText("procedures", seed_, {2026, 4, 1});
  PublishText("basic-policy", seed_, {2026, 4, 1});
  ASSERT_TRUE(logic_->CreateRevision(kStaff, DraftRequest("basic-policy", 1, seed_)).ok());

  // A member may not read UNION_ONLY procedures by any path.
  EXPECT_EQ(Get(kMito, "procedures", 1).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Get(kMito, "procedures", 0).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(logic_->GetDocument(kMito, Req("procedures")).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::ListRevisionsRequest list;
  list.set_document_id("procedures");
  EXPECT_EQ(logic_->ListRevisions(kMito, list).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::DiffRevisionsRequest diff;
  diff.set_document_id("procedures");
  diff.set_from_number(1);
  diff.set_to_number(1);
  EXPECT_EQ(logic_->DiffRevisions(kMito, diff).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::WatchRevisionEventsRequest watch;
  watch.set_document_id("procedures");
  EXPECT_EQ(logic_->ValidateWatch(kMito, watch).code(), absl::StatusCode::kPermissionDenied);
  v1::ListAcknowledgementsRequest acks;
  acks.set_document_id("procedures");
  acks.set_number(1);
  EXPECT_EQ(logic_->ListAcknowledgements(kMito, acks).status().code(),
            absl::StatusCode::kPermissionDenied);
  // The advisor may.
  EXPECT_TRUE(Get(kAdvisor, "procedures", 1).ok());

  // Drafts: the member sees only the published revision, the advisor both.
  list.set_document_id("basic-policy");
  auto member_list = logic_->ListRevisions(kMito, list);
  ASSERT_TRUE(member_list.ok());
  ASSERT_EQ(member_list->revisions_size(), 1);
  EXPECT_EQ(member_list->revisions(0).number(), 1);
  // A draft is answered like a revision that does not exist.
  EXPECT_EQ(Get(kMito, "basic-policy", 2).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Get(kMito, "basic-policy", 2).status().message(),
            "number: document basic-policy has no revision 2");
  EXPECT_EQ(Get(kMito, "basic-policy", 3).status().message(),
            "number: document basic-policy has no revision 3");
  EXPECT_EQ(logic_->ListRevisions(kAdvisor, list)->revisions_size(), 2);
  EXPECT_EQ(Get(Anonymous(), "basic-policy", 2).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(Get(Anonymous(), "basic-policy", 1).ok());

  // Watch: the member sees the basic policy's publication only; the
  // advisor sees every event.
  int64_t scanned = 0;
  auto member_events = logic_->VisibleEventsAfter(kMito, "", 0, 100, &scanned);
  ASSERT_TRUE(member_events.ok());
  ASSERT_EQ(member_events->size(), 1u);
  EXPECT_EQ((*member_events)[0].document_id(), "basic-policy");
  EXPECT_EQ((*member_events)[0].type(), v1::REVISION_EVENT_TYPE_PUBLISHED);
  auto advisor_events = logic_->VisibleEventsAfter(kAdvisor, "", 0, 100, &scanned);
  ASSERT_TRUE(advisor_events.ok());
  EXPECT_EQ(advisor_events->size(), static_cast<size_t>(EventCount()));
  EXPECT_EQ(scanned, EventCount());
  // Resuming after the last sequence misses nothing and repeats nothing.
  auto resumed = logic_->VisibleEventsAfter(kAdvisor, "", advisor_events->at(2).sequence(), 100,
                                            &scanned);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed->size(), advisor_events->size() - 3);
}

TEST_P(PolicyLogicTest, MembersCannotWriteAndAdvisorsCannotApprove) {
  // The door (permission table) stops these calls first; the domain does not
  // rely on it for separation of duties.
  ASSERT_TRUE(logic_->CreateRevision(kStaff, DraftRequest("basic-policy", 0, seed_)).ok());
  ASSERT_TRUE(logic_->SubmitRevision(kStaff, Transition("basic-policy", 1)).ok());
  auto approve = logic_->ApproveRevision(kAdmin1, Transition("basic-policy", 1));
  ASSERT_TRUE(approve.ok());
  EXPECT_EQ(Get(kStaff, "basic-policy", 1)->approver(), "seccoord://kasama-union/admin1");
}

TEST_P(PolicyLogicTest, BadContentIsRefusedNamingTheFieldAndNothingIsStored) {
  auto request = DraftRequest("basic-policy", 0, seed_);
  request.set_title(std::string("\xff\xfe", 2));
  auto r = logic_->CreateRevision(kStaff, request);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("title"), std::string::npos);

  request = DraftRequest("basic-policy", 0, seed_);
  request.clear_articles();
  r = logic_->CreateRevision(kStaff, request);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("articles"), std::string::npos);

  request = DraftRequest("basic-policy", 0, seed_);
  *request.add_articles() = request.articles(0);
  r = logic_->CreateRevision(kStaff, request);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("appears twice"), std::string::npos);

  request = DraftRequest("basic-policy", 0, seed_);
  request.mutable_articles(0)->set_body(std::string(kMaxBodyBytes + 1, 'a'));
  r = logic_->CreateRevision(kStaff, request);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);

  request = DraftRequest("basic-policy", 0, seed_);
  request.clear_change_summary();
  r = logic_->CreateRevision(kStaff, request);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("change_summary"), std::string::npos);

  request = DraftRequest("no-such-doc", 0, seed_);
  EXPECT_EQ(logic_->CreateRevision(kStaff, request).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Get(kStaff, "basic-policy", 7).status().code(), absl::StatusCode::kNotFound);

  EXPECT_EQ(MaxNumber("basic-policy"), 0);
  EXPECT_EQ(EventCount(), 0);
}

TEST_P(PolicyLogicTest, AcknowledgementsAreCountedPerOrganisation) {
  PublishText("basic-policy", seed_, {2026, 4, 1});
  v1::AcknowledgeRevisionRequest ack;
  ack.set_document_id("basic-policy");
  ack.set_number(1);
  for (const Caller* c : {&kMito, &kStaff, &kMito}) {
    ack.set_request_id(NewRequestId());
    ASSERT_TRUE(logic_->AcknowledgeRevision(*c, ack).ok());
  }
  v1::ListAcknowledgementsRequest list;
  list.set_document_id("basic-policy");
  list.set_number(1);
  auto coverage = logic_->ListAcknowledgements(kMito, list);
  ASSERT_TRUE(coverage.ok()) << coverage.status();
  ASSERT_EQ(coverage->coverage_size(), 4);
  std::map<std::string, int> by_org;
  for (const auto& c : coverage->coverage()) by_org[c.organization()] = c.acknowledged_users();
  EXPECT_EQ(by_org["mito-city"], 1);
  EXPECT_EQ(by_org["kasama-union"], 1);
  EXPECT_EQ(by_org["shirosato-town"], 0);
  EXPECT_EQ(coverage->own().principal().user(), "member1");

  // A draft cannot be acknowledged.
  ASSERT_TRUE(logic_->CreateRevision(kStaff, DraftRequest("basic-policy", 1, seed_)).ok());
  ack.set_request_id(NewRequestId());
  ack.set_number(2);
  EXPECT_EQ(logic_->AcknowledgeRevision(kStaff, ack).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_P(PolicyLogicTest, DiffShowsTheChangedArticleAndLines) {
  PublishText("basic-policy", seed_, {2026, 4, 1});
  PolicyText amended = seed_;
  for (auto& a : amended.articles) {
    if (a.number == "第7") a.body = "自己点検を毎年度実施する。";
  }
  amended.articles.pop_back();  // remove 附則
  auto draft = logic_->CreateRevision(kStaff, DraftRequest("basic-policy", 1, amended));
  ASSERT_TRUE(draft.ok());
  v1::DiffRevisionsRequest diff;
  diff.set_document_id("basic-policy");
  diff.set_from_number(1);
  diff.set_to_number(2);
  auto result = logic_->DiffRevisions(kAdvisor, diff);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->articles_size(), 2);
  EXPECT_EQ(result->articles(0).number(), "第7");
  EXPECT_EQ(result->articles(0).kind(), v1::ARTICLE_CHANGE_KIND_CHANGED);
  bool added = false;
  for (const auto& l : result->articles(0).lines()) {
    added |= l.op() == v1::DiffLine::OP_ADD && l.text() == "自己点検を毎年度実施する。";
  }
  EXPECT_TRUE(added);
  EXPECT_EQ(result->articles(1).number(), "附則");
  EXPECT_EQ(result->articles(1).kind(), v1::ARTICLE_CHANGE_KIND_REMOVED);
  // The member may not diff against a draft: it is not found.
  EXPECT_EQ(logic_->DiffRevisions(kMito, diff).status().code(), absl::StatusCode::kNotFound);
}

TEST_P(PolicyLogicTest, CommentsOnDraftsOnly) {
  ASSERT_TRUE(logic_->CreateRevision(kStaff, DraftRequest("basic-policy", 0, seed_)).ok());
  v1::AddRevisionCommentRequest comment;
  comment.set_request_id(NewRequestId());
  comment.set_document_id("basic-policy");
  comment.set_number(1);
  comment.set_article_number("第6");
  comment.set_text("（３）の記載を確認してください。");
  auto added = logic_->AddRevisionComment(kAdvisor, comment);
  ASSERT_TRUE(added.ok()) << added.status();
  comment.set_request_id(NewRequestId());
  comment.set_article_number("第99");
  EXPECT_EQ(logic_->AddRevisionComment(kAdvisor, comment).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::ListRevisionCommentsRequest list;
  list.set_document_id("basic-policy");
  list.set_number(1);
  auto comments = logic_->ListRevisionComments(kStaff, list);
  ASSERT_TRUE(comments.ok());
  ASSERT_EQ(comments->comments_size(), 1);
  EXPECT_EQ(comments->comments(0).author(), "seccoord://kasama-city/advisor1");
}

// --- The cache of immutable rows (policy_cache.h) ---------------------------

using google::protobuf::util::MessageDifferencer;

// The revision as the database holds it, read without any cache.
v1::Revision StoredRevision(db::Database& database, const std::string& doc, int64_t n) {
  v1::Revision stored;
  auto tx = database.Begin(db::TxMode::kReadOnly);
  EXPECT_TRUE(tx.ok()) << tx.status();
  if (!tx.ok()) return stored;
  PolicyStore::Tx raw(**tx);
  auto revision = raw.GetRevision(doc, n, /*with_articles=*/true);
  EXPECT_TRUE(revision.ok()) << revision.status();
  if (revision.ok() && revision->has_value()) stored = **revision;
  return stored;
}

TEST_P(PolicyLogicTest, CachedContentIsWhatTheStoreHolds) {
  PublishText("basic-policy", seed_, {2026, 4, 1});
  auto first = Get(kMito, "basic-policy", 0);  // reads the articles, caches them
  ASSERT_TRUE(first.ok()) << first.status();
  const int64_t hits = store_->cache().content_hits();
  auto cached = Get(kMito, "basic-policy", 0);
  ASSERT_TRUE(cached.ok()) << cached.status();
  EXPECT_GT(store_->cache().content_hits(), hits);  // answered from the cache

  const v1::Revision stored = StoredRevision(db(), "basic-policy", 1);
  ASSERT_EQ(stored.articles_size(), 11);
  EXPECT_EQ(cached->articles_size(), stored.articles_size());
  for (int i = 0; i < stored.articles_size(); ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals(cached->articles(i), stored.articles(i))) << i;
  }
  EXPECT_EQ(cached->title(), stored.title());
  EXPECT_EQ(cached->content_hash(), stored.content_hash());
  EXPECT_EQ(ContentHashHex(PolicyTextOf(*cached)), stored.content_hash());
  EXPECT_TRUE(MessageDifferencer::Equals(*cached, *first));
  // By number, and in a list, the same content.
  auto by_number = Get(kMito, "basic-policy", 1);
  ASSERT_TRUE(by_number.ok());
  EXPECT_TRUE(MessageDifferencer::Equals(*by_number, *first));
  v1::ListRevisionsRequest list;
  list.set_document_id("basic-policy");
  auto listed = logic_->ListRevisions(kMito, list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->revisions_size(), 1);
  EXPECT_TRUE(MessageDifferencer::Equals(listed->revisions(0), *first));
}

TEST_P(PolicyLogicTest, EncodedArticlesAreTheSameOnTheWire) {
  PublishText("basic-policy", seed_, {2026, 4, 1});
  ASSERT_TRUE(logic_->CreateRevision(kStaff, DraftRequest("basic-policy", 1, seed_)).ok());
  v1::GetRevisionRequest request;
  request.set_document_id("basic-policy");
  for (int round = 0; round < 2; ++round) {  // a cache miss, then a hit
    auto fields = logic_->GetRevision(kMito, request, ArticleForm::kFields);
    auto encoded = logic_->GetRevision(kMito, request, ArticleForm::kEncoded);
    ASSERT_TRUE(fields.ok() && encoded.ok());
    v1::Revision parsed;
    ASSERT_TRUE(parsed.ParseFromString(encoded->SerializeAsString()));
    EXPECT_TRUE(MessageDifferencer::Equals(parsed, *fields)) << round;
    EXPECT_EQ(parsed.articles_size(), 11);
  }
  // A draft is never cached; it comes as fields in either form.
  v1::ListRevisionsRequest list;
  list.set_document_id("basic-policy");
  auto fields = logic_->ListRevisions(kStaff, list, ArticleForm::kFields);
  auto encoded = logic_->ListRevisions(kStaff, list, ArticleForm::kEncoded);
  ASSERT_TRUE(fields.ok() && encoded.ok());
  ASSERT_EQ(encoded->revisions_size(), 2);
  EXPECT_EQ(encoded->revisions(1).state(), v1::REVISION_STATE_DRAFT);
  EXPECT_EQ(encoded->revisions(1).articles_size(), 11);
  v1::ListRevisionsResponse parsed;
  ASSERT_TRUE(parsed.ParseFromString(encoded->SerializeAsString()));
  EXPECT_TRUE(MessageDifferencer::Equals(parsed, *fields));
}

TEST_P(PolicyLogicTest, ANewPublicationIsSeenAtOnce) {
  PublishText("basic-policy", seed_, {2026, 4, 1});
  ASSERT_EQ(Get(kMito, "basic-policy", 0)->number(), 1);
  ASSERT_EQ(Get(kMito, "basic-policy", 0)->number(), 1);  // cached by now
  PolicyText amended = seed_;
  amended.articles[0].body += "\n（追記）";
  PublishText("basic-policy", amended, {2026, 11, 25});  // today
  auto now = Get(kMito, "basic-policy", 0);
  ASSERT_TRUE(now.ok()) << now.status();
  EXPECT_EQ(now->number(), 2);
  EXPECT_TRUE(now->in_force());
  EXPECT_EQ(now->articles(0).body(), amended.articles[0].body);
  EXPECT_EQ(Get(kMito, "basic-policy", 1)->state(), v1::REVISION_STATE_SUPERSEDED);
  auto listed = logic_->ListDocuments(kMito);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->documents(0).revision_in_force(), 2);
  EXPECT_EQ(listed->documents(0).latest_revision(), 2);
  auto document = logic_->GetDocument(kMito, Req("basic-policy"));
  ASSERT_TRUE(document.ok());
  EXPECT_EQ(document->revision_in_force(), 2);
  EXPECT_EQ(document->in_force_since().day(), 25);
  EXPECT_EQ(document->review_due().year(), 2027);
}

TEST_P(PolicyLogicTest, AReplicaPublishingIsSeenAtOnce) {
  PublishText("basic-policy", seed_, {2026, 4, 1});
  ASSERT_EQ(Get(kMito, "basic-policy", 0)->number(), 1);
  ASSERT_EQ(Get(kMito, "basic-policy", 0)->number(), 1);  // cached by now

  // A second replica: its own Database on the same data, its own caches.
  auto other_db = test_db().OpenAnother();
  ASSERT_TRUE(other_db.ok()) << other_db.status();
  PolicyStore other_store(**other_db);
  runtime::EventNotifier other_notifier;
  PolicyLogic replica(other_store, Clock{[this] { return ++now_us_; }, [this] { return today_; }},
                      &other_notifier);
  PolicyText amended = seed_;
  amended.articles[5].body += "\n（１０）追加の対策を講じる。";
  auto draft = replica.CreateRevision(kStaff, DraftRequest("basic-policy", 1, amended));
  ASSERT_TRUE(draft.ok()) << draft.status();
  ASSERT_TRUE(replica.SubmitRevision(kStaff, Transition("basic-policy", 2)).ok());
  ASSERT_TRUE(replica.ApproveRevision(kAdmin1, Transition("basic-policy", 2)).ok());
  ASSERT_TRUE(replica.PublishRevision(kAdmin1, Publish("basic-policy", 2, {2026, 4, 1})).ok());

  // This replica answers with revision 2 at once, and its text.
  auto now = Get(kMito, "basic-policy", 0);
  ASSERT_TRUE(now.ok()) << now.status();
  EXPECT_EQ(now->number(), 2);
  EXPECT_TRUE(now->in_force());
  EXPECT_EQ(now->content_hash(), ContentHashHex(amended));
  EXPECT_EQ(ContentHashHex(PolicyTextOf(*now)), ContentHashHex(amended));
  EXPECT_EQ(Get(kMito, "basic-policy", 1)->state(), v1::REVISION_STATE_SUPERSEDED);
  auto document = logic_->GetDocument(kStaff, Req("basic-policy"));
  ASSERT_TRUE(document.ok());
  EXPECT_EQ(document->revision_in_force(), 2);
  EXPECT_EQ(document->latest_revision(), 2);
}

TEST(ImmutableRowCacheTest, ContentIsFoundOnlyUnderItsHashAndStaysBounded) {
  ImmutableRowCache cache;
  google::protobuf::RepeatedPtrField<v1::Article> articles;
  articles.Add()->set_number("第1");
  cache.PutContent("basic-policy", 1, std::make_shared<const PublishedContent>("h1", articles));
  auto hit = cache.FindContent("basic-policy", 1, "h1");
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->articles[0].number(), "第1");
  EXPECT_EQ(hit->encoded_articles.size(), 1u);
  EXPECT_EQ(cache.FindContent("basic-policy", 1, "h2"), nullptr);  // another content
  EXPECT_EQ(cache.FindContent("basic-policy", 2, "h1"), nullptr);
  EXPECT_EQ(cache.FindContent("standards", 1, "h1"), nullptr);
  EXPECT_EQ(cache.content_hits(), 1);
  EXPECT_EQ(cache.content_misses(), 3);
  for (int64_t n = 2; n <= 1000; ++n) {
    cache.PutContent("basic-policy", n, std::make_shared<const PublishedContent>("h", articles));
  }
  EXPECT_LE(cache.content_size(), ImmutableRowCache::kMaxRevisions);

  EXPECT_FALSE(cache.FindDocument("basic-policy").has_value());
  v1::Document document;
  document.set_id("basic-policy");
  document.set_visibility(v1::VISIBILITY_PUBLIC);
  cache.PutDocument(document);
  ASSERT_TRUE(cache.FindDocument("basic-policy").has_value());
  EXPECT_EQ(cache.FindDocument("basic-policy")->visibility(), v1::VISIBILITY_PUBLIC);
}

SECCOORD_INSTANTIATE_DATABASE_TEST(PolicyLogicTest);

// A database made before editors were recorded (policy migrations 1–3)
// keeps working: migration 4 records each stored revision's author as its
// editor, so the four-eyes rule holds for drafts written before it.
class PolicyEditorsMigrationTest : public seccoord::testing::DatabaseTest {};

TEST_P(PolicyEditorsMigrationTest, RevisionsStoredBeforeItHaveTheirAuthorAsEditor) {
  std::vector<db::Migration> before = PolicyMigrations();
  ASSERT_GE(before.size(), 4u);
  before.resize(3);
  ASSERT_TRUE(db::ApplyMigrations(db(), "policy", before).ok());
  ASSERT_TRUE(db::ApplyMigrations(db(), "requests", runtime::RequestLogMigrations()).ok());
  v1::Revision old;
  old.set_document_id("standards");
  old.set_number(1);
  old.set_state(v1::REVISION_STATE_IN_REVIEW);
  old.set_title("旧");
  old.add_articles()->set_number("第1");
  old.set_author("seccoord://kasama-union/admin2");
  old.set_etag("1");
  {
    auto tx = db().Begin(db::TxMode::kReadWrite);
    ASSERT_TRUE(tx.ok()) << tx.status();
    PolicyStore::Tx typed(**tx);
    ASSERT_TRUE(typed.InsertRevision(old).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  ASSERT_TRUE(db::ApplyMigrations(db(), "policy", PolicyMigrations()).ok());

  PolicyStore store(db());
  EXPECT_EQ(EditorsAmong(store, "standards", 1,
                         {"seccoord://kasama-union/admin1", "seccoord://kasama-union/admin2",
                          "seccoord://kasama-union/staff1"}),
            std::vector<std::string>{"seccoord://kasama-union/admin2"});
  int64_t now = 1'700'000'000'000'000;
  PolicyLogic logic(store, Clock{[&] { return ++now; }, [] { return CivilDate{2026, 11, 25}; }},
                    nullptr);
  v1::TransitionRevisionRequest approve;
  approve.set_request_id(NewRequestId());
  approve.set_document_id("standards");
  approve.set_number(1);
  EXPECT_EQ(logic.ApproveRevision(kAdmin2, approve).status().code(),
            absl::StatusCode::kPermissionDenied);
  approve.set_request_id(NewRequestId());
  EXPECT_TRUE(logic.ApproveRevision(kAdmin1, approve).ok());
}

SECCOORD_INSTANTIATE_DATABASE_TEST(PolicyEditorsMigrationTest);

}  // namespace
}  // namespace seccoord::policy
