// AssessmentLogic over the real AssessmentStore, on SQLite and on
// PostgreSQL, with in-memory fakes of the two peers behind the same
// interfaces (the real peers run in tests/integration/assessment_service_test):
// checklists installed once and immutable; creation with its policy binding
// (in force, none in force, past year, policy down → bound at submission);
// answers with etags and request ids; every bad input naming its field and
// changing nothing; baseline carry-over; submission rules and snapshots;
// review by another organisation naming the latest submission; advice and
// its thread; visibility; the event stream.
#include "services/assessment/assessment_logic.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/proto_convert.h"
#include "services/assessment/checklist.h"
#include "services/assessment/status.h"
#include "services/runtime/db/proto_column.h"
#include "services/assessment/workflow.h"
#include "services/runtime/auth/concealed_refusal.h"
#include "services/runtime/db/migrations.h"
#include "services/runtime/paging.h"
#include "services/runtime/request_log.h"
#include "tests/support/callers.h"
#include "tests/support/test_database.h"

namespace seccoord::assessment {
namespace {

using runtime::Caller;
using runtime::Role;
using seccoord::testing::kAdmin;
using seccoord::testing::kAdvisor;
using seccoord::testing::kStaff;
using seccoord::testing::MakeCaller;
using seccoord::testing::NewRequestId;

// Staff of another organisation with its own inspection (a second union).
const Caller kOtherStaff = MakeCaller("other-union", "staff9", Role::kUnionStaff);
// An advisor whose organisation also runs an inspection: may not review it.
const Caller kCityStaff = MakeCaller("kasama-city", "staff2", Role::kUnionStaff);
const Caller kMember = MakeCaller("mito-city", "member1", Role::kMember);

v1::Date D(int y, int m, int d) { return ToProtoDate(CivilDate{y, m, d}); }

// The policy service as a table of revisions in force from a date on.
class FakePolicyPeer : public PolicyPeer {
 public:
  absl::StatusOr<v1::Revision> RevisionInForce(const std::string& document_id,
                                               const CivilDate& date) override {
    ++calls;
    if (during_next_call) {
      std::function<void()> once = std::move(during_next_call);
      during_next_call = nullptr;
      once();
    }
    if (!status.ok()) return status;
    const v1::Revision* found = nullptr;
    for (const auto& [from, revision] : revisions) {
      if (from <= date) found = &revision;
    }
    if (found == nullptr) return absl::NotFoundError("no revision in force");
    return *found;
  }
  absl::StatusOr<std::vector<v1::Document>> ListDocuments() override {
    if (!status.ok()) return status;
    std::vector<v1::Document> read = documents;
    if (during_next_list) {
      std::function<void()> once = std::move(during_next_list);
      during_next_list = nullptr;
      once();
    }
    return read;
  }
  absl::Status WatchRevisionEvents(
      int64_t, const std::function<void(const v1::RevisionEvent&)>&,
      const std::function<void(std::function<void()>)>&) override {
    return absl::UnimplementedError("not used by the domain tests");
  }
  void Publish(int64_t number, CivilDate effective, const std::string& hash) {
    v1::Revision r;
    r.set_document_id("basic-policy");
    r.set_number(number);
    r.set_content_hash(hash);
    *r.mutable_effective_date() = ToProtoDate(effective);
    revisions[effective] = r;
  }
  std::map<CivilDate, v1::Revision, std::less<>> revisions;
  std::vector<v1::Document> documents;
  absl::Status status;
  int calls = 0;
  // Run (once) inside the next RevisionInForce: a change that lands while a
  // mutation waits for the policy service.
  std::function<void()> during_next_call;
  // Run (once) inside the next ListDocuments, after the documents are read:
  // a reply on its way while the documents change.
  std::function<void()> during_next_list;
};

class FakeAssetPeer : public AssetPeer {
 public:
  absl::StatusOr<v1::FindingsSummary> FindingsSummary(const std::string& organization) override {
    if (!status.ok()) return status;
    v1::FindingsSummary s = summary;
    s.set_organization(organization);
    return s;
  }
  void SetCritical(const std::string& rule, int count) {
    auto* rc = summary.add_by_rule();
    rc->set_rule_id(rule);
    rc->set_severity(v1::SEVERITY_CRITICAL);
    rc->set_count(count);
  }
  v1::FindingsSummary summary;
  absl::Status status;
};

v1::Checklist TestChecklist(const std::string& version = "t.1", bool is_default = true) {
  v1::Checklist c;
  c.set_version(version);
  c.set_title("テスト点検票");
  c.set_is_default(is_default);
  c.mutable_derived_from()->set_document_id("basic-policy");
  c.mutable_derived_from()->set_revision_number(1);
  c.mutable_derived_from()->set_content_hash(std::string(64, 'a'));
  auto add = [&](const std::string& id, bool required, std::vector<std::string> rules) {
    auto* item = c.add_items();
    item->set_id(id);
    item->set_chapter(id[0] - '0');
    item->set_chapter_title("章");
    item->set_question("問い " + id);
    item->set_article("第6");
    item->set_required(required);
    for (auto& r : rules) item->add_asset_rule_ids(r);
  };
  add("1-1", true, {});
  add("1-2", true, {});
  add("3-2", true, {"SENSITIVE_MFA_EXPORT"});
  add("8-5", false, {});
  return c;
}

class AssessmentLogicTest : public seccoord::testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(db::ApplyMigrations(db(), "assessment", AssessmentMigrations()).ok());
    ASSERT_TRUE(db::ApplyMigrations(db(), "requests", runtime::RequestLogMigrations()).ok());
    store_ = std::make_unique<AssessmentStore>(db());
    Clock clock{[this] { return ++now_us_; }, [this] { return today_; }};
    StatusConfig status;
    status.organizations = {"kasama-city", "kasama-union", "mito-city", "shirosato-town"};
    status.refresh_period = absl::Seconds(60);
    logic_ = std::make_unique<AssessmentLogic>(*store_, policy_, assets_, clock, nullptr, nullptr,
                                               status);
    policy_.Publish(1, {2026, 4, 1}, std::string(64, 'b'));
    ASSERT_TRUE(logic_->InstallChecklists({TestChecklist()}, "test").ok());
  }

  absl::StatusOr<v1::Assessment> Create(int fy = 2026, const Caller& caller = kStaff,
                                        bool from_last = false, int round = 0) {
    v1::CreateAssessmentRequest r;
    r.set_request_id(NewRequestId());
    r.set_fiscal_year(fy);
    r.set_from_last_accepted(from_last);
    r.set_round(round);
    return logic_->CreateAssessment(caller, r);
  }

  absl::StatusOr<v1::Assessment> Get(const std::string& id, const Caller& caller = kStaff) {
    v1::GetAssessmentRequest r;
    r.set_assessment_id(id);
    return logic_->GetAssessment(caller, r);
  }

  absl::StatusOr<v1::Assessment> Answer(const v1::Assessment& a,
                                        std::vector<v1::ItemAnswer> answers,
                                        const Caller& caller = kStaff,
                                        std::vector<std::string> confirm = {},
                                        const std::string& request_id = "") {
    v1::UpdateAnswersRequest r;
    r.set_request_id(request_id.empty() ? NewRequestId() : request_id);
    r.set_assessment_id(a.id());
    r.set_etag(a.etag());
    for (auto& x : answers) *r.add_answers() = x;
    for (auto& c : confirm) r.add_confirm_item_ids(c);
    return logic_->UpdateAnswers(caller, r);
  }

  static v1::ItemAnswer Item(const std::string& id, v1::ItemResult result,
                             const std::string& note = "") {
    v1::ItemAnswer a;
    a.set_item_id(id);
    a.set_result(result);
    a.set_note(note);
    if (result == v1::ITEM_RESULT_PARTIAL || result == v1::ITEM_RESULT_NOT_IMPLEMENTED) {
      a.mutable_remediation()->set_action("改善する");
      a.mutable_remediation()->set_owner("総務係");
      *a.mutable_remediation()->mutable_due() = D(2028, 3, 31);
    }
    return a;
  }

  // An assessment with every required item answered.
  v1::Assessment Complete(const Caller& caller = kStaff, int fy = 2026) {
    auto a = Create(fy, caller);
    EXPECT_TRUE(a.ok()) << a.status();
    auto b = Answer(*a,
                    {Item("1-1", v1::ITEM_RESULT_IMPLEMENTED),
                     Item("1-2", v1::ITEM_RESULT_PARTIAL),
                     Item("3-2", v1::ITEM_RESULT_NOT_APPLICABLE)},
                    caller);
    EXPECT_TRUE(b.ok()) << b.status();
    return *b;
  }

  absl::StatusOr<v1::Assessment> Submit(const v1::Assessment& a, const Caller& caller = kStaff) {
    v1::SubmitAssessmentRequest r;
    r.set_request_id(NewRequestId());
    r.set_assessment_id(a.id());
    r.set_etag(a.etag());
    return logic_->SubmitAssessment(caller, r);
  }

  absl::StatusOr<v1::Assessment> Review(const v1::Assessment& a, v1::ReviewDecision decision,
                                        const std::string& comment = "",
                                        std::vector<v1::AdviceDraft> advice = {},
                                        const Caller& caller = kAdvisor, int64_t number = -1) {
    v1::ReviewAssessmentRequest r;
    r.set_request_id(NewRequestId());
    r.set_assessment_id(a.id());
    r.set_submission_number(number >= 0 ? number : a.submissions_size());
    r.set_decision(decision);
    r.set_comment(comment);
    for (auto& d : advice) *r.add_advice() = d;
    return logic_->ReviewAssessment(caller, r);
  }

  static v1::AdviceDraft Draft(const std::string& item, const std::string& text) {
    v1::AdviceDraft d;
    d.set_item_id(item);
    d.set_text(text);
    return d;
  }

  absl::StatusOr<v1::ListAdviceResponse> AdviceOf(const std::string& id,
                                                  const Caller& caller = kStaff) {
    v1::ListAdviceRequest r;
    r.set_assessment_id(id);
    return logic_->ListAdvice(caller, r);
  }

  std::vector<v1::AssessmentEvent> Events(const Caller& caller, int64_t after = 0) {
    int64_t scanned = 0;
    auto e = logic_->VisibleEventsAfter(caller, after, 1000, &scanned);
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? *e : std::vector<v1::AssessmentEvent>{};
  }

  // The stored assessment, as a later reader sees it.
  v1::Assessment Stored(const std::string& id) {
    auto a = Get(id, kAdvisor);
    EXPECT_TRUE(a.ok()) << a.status();
    v1::Assessment out = a.ok() ? *a : v1::Assessment();
    out.clear_item_findings();
    out.clear_findings_time_us();
    out.clear_unavailable();
    return out;
  }

  int64_t now_us_ = 1'780'000'000'000'000;
  CivilDate today_{2026, 12, 1};
  FakePolicyPeer policy_;
  FakeAssetPeer assets_;
  std::unique_ptr<AssessmentStore> store_;
  std::unique_ptr<AssessmentLogic> logic_;
};

// ---------------------------------------------------------------- checklists

TEST_P(AssessmentLogicTest, ChecklistsAreStoredOnceAndImmutable) {
  auto got = logic_->GetChecklist(kStaff, {});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->version(), "t.1");
  EXPECT_TRUE(got->is_default());
  EXPECT_EQ(got->items_size(), 4);
  EXPECT_EQ(got->content_hash(), ChecklistContentHash(TestChecklist()));
  // The same file again: fine.
  EXPECT_TRUE(logic_->InstallChecklists({TestChecklist()}, "again").ok());
  // A changed question under the stored version: refused, naming the item.
  v1::Checklist changed = TestChecklist();
  changed.mutable_items(2)->set_question("変えた問い");
  absl::Status s = logic_->InstallChecklists({changed}, "data/checklists");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("data/checklists"), std::string::npos) << s;
  EXPECT_NE(s.message().find("3-2"), std::string::npos) << s;
  // Nothing changed.
  got = logic_->GetChecklist(kStaff, {});
  EXPECT_EQ(got->items(2).question(), "問い 3-2");
  // A new version becomes the default.
  ASSERT_TRUE(logic_->InstallChecklists({TestChecklist("t.1", false), TestChecklist("t.2", true)},
                                        "dir")
                  .ok());
  auto list = logic_->ListChecklists(kStaff);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->checklists_size(), 2);
  EXPECT_EQ(list->checklists(0).version(), "t.2");
  EXPECT_TRUE(list->checklists(0).is_default());
  EXPECT_EQ(list->checklists(0).item_count(), 4);
  EXPECT_EQ(list->checklists(0).items_size(), 0);
  v1::GetChecklistRequest unknown;
  unknown.set_version("9.9");
  auto missing = logic_->GetChecklist(kStaff, unknown);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("version: no checklist version 9.9"),
            std::string::npos);
}

// ------------------------------------------------------------------ creation

TEST_P(AssessmentLogicTest, CreateBindsTheRevisionInForceToday) {
  auto a = Create();
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->id(), "kasama-union-2026-1");
  EXPECT_EQ(a->state(), v1::ASSESSMENT_STATE_DRAFT);
  EXPECT_EQ(a->round(), 1);
  EXPECT_EQ(a->checklist_version(), "t.1");
  EXPECT_FALSE(a->policy_unavailable());
  EXPECT_EQ(a->policy().revision_number(), 1);
  EXPECT_EQ(a->policy().content_hash(), std::string(64, 'b'));
  EXPECT_EQ(FromProtoDate(a->policy().in_force_on()), (CivilDate{2026, 12, 1}));
  EXPECT_EQ(FromProtoDate(a->policy().effective_date()), (CivilDate{2026, 4, 1}));
  EXPECT_EQ(a->created_by(), "seccoord://kasama-union/staff1");
}

TEST_P(AssessmentLogicTest, PastYearIsBoundOnItsLastDayOrToNoneInForce) {
  // 令和7年度 ended 2026-03-31, before revision 1 took effect.
  auto past = Create(2025);
  ASSERT_TRUE(past.ok()) << past.status();
  EXPECT_TRUE(past->policy().none_in_force());
  EXPECT_FALSE(past->policy_unavailable());
  EXPECT_EQ(FromProtoDate(past->policy().in_force_on()), (CivilDate{2026, 3, 31}));
  // With an older revision in force then, that one.
  policy_.Publish(7, {2020, 4, 1}, std::string(64, 'c'));
  auto older = Create(2024);
  ASSERT_TRUE(older.ok()) << older.status();
  EXPECT_EQ(older->policy().revision_number(), 7);
  EXPECT_EQ(FromProtoDate(older->policy().in_force_on()), (CivilDate{2025, 3, 31}));
}

TEST_P(AssessmentLogicTest, PolicyDownCreatesUnboundAndBindsAtSubmission) {
  policy_.status = absl::UnavailableError("connection refused");
  auto a = Create();
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_TRUE(a->policy_unavailable());
  EXPECT_FALSE(a->has_policy());
  auto shown = Get(a->id());
  ASSERT_TRUE(shown.ok());
  ASSERT_EQ(shown->unavailable_size(), 1);
  EXPECT_NE(shown->unavailable(0).find("policy binding"), std::string::npos);
  auto answered = Answer(*a, {Item("1-1", v1::ITEM_RESULT_IMPLEMENTED),
                              Item("1-2", v1::ITEM_RESULT_IMPLEMENTED),
                              Item("3-2", v1::ITEM_RESULT_NOT_APPLICABLE)});
  ASSERT_TRUE(answered.ok()) << answered.status();
  // Still down: only this blocks the submission.
  auto refused = Submit(*answered);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(refused.status().message().find("policy"), std::string::npos);
  EXPECT_EQ(Stored(a->id()).state(), v1::ASSESSMENT_STATE_DRAFT);
  policy_.status = absl::OkStatus();
  auto submitted = Submit(*answered);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_FALSE(submitted->policy_unavailable());
  EXPECT_EQ(submitted->policy().revision_number(), 1);
  EXPECT_EQ(submitted->state(), v1::ASSESSMENT_STATE_SUBMITTED);
}

// SubmitAssessment of an unbound assessment reads it, asks the policy
// service for the late binding, then writes. A change that lands while it
// waits for the policy service is seen by the write: the submission of the
// older answers is refused (their etag is stale) and the newer ones are
// kept as they are.
TEST_P(AssessmentLogicTest, AChangeWhileSubmitWaitsForThePolicyServiceIsNotSubmittedOver) {
  policy_.status = absl::UnavailableError("connection refused");
  auto a = Create();
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(a->policy_unavailable());
  auto answered = Answer(*a, {Item("1-1", v1::ITEM_RESULT_IMPLEMENTED),
                              Item("1-2", v1::ITEM_RESULT_IMPLEMENTED),
                              Item("3-2", v1::ITEM_RESULT_NOT_APPLICABLE)});
  ASSERT_TRUE(answered.ok()) << answered.status();
  policy_.status = absl::OkStatus();
  absl::StatusOr<v1::Assessment> changed = absl::UnknownError("not run");
  policy_.during_next_call = [&] {
    changed = Answer(*answered, {Item("1-2", v1::ITEM_RESULT_NOT_IMPLEMENTED)});
  };
  auto refused = Submit(*answered);
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAborted) << refused.status();
  EXPECT_EQ(refused.status().message().rfind("etag: ", 0), 0u) << refused.status();
  v1::Assessment stored = Stored(a->id());
  EXPECT_EQ(stored.state(), v1::ASSESSMENT_STATE_DRAFT);
  EXPECT_EQ(stored.etag(), changed->etag());
  EXPECT_EQ(stored.submissions_size(), 0);
  bool found = false;
  for (const auto& answer : stored.answers()) {
    if (answer.item_id() != "1-2") continue;
    found = true;
    EXPECT_EQ(answer.result(), v1::ITEM_RESULT_NOT_IMPLEMENTED);
  }
  EXPECT_TRUE(found);
  // The newer answers, at their etag, submit.
  auto submitted = Submit(*changed);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_EQ(submitted->state(), v1::ASSESSMENT_STATE_SUBMITTED);
  EXPECT_FALSE(submitted->policy_unavailable());
}

TEST_P(AssessmentLogicTest, CreateRefusals) {
  v1::CreateAssessmentRequest r;
  r.set_request_id(NewRequestId());
  r.set_fiscal_year(2150);
  auto s = logic_->CreateAssessment(kStaff, r).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message().rfind("fiscal_year: 2150 is out of range", 0), 0u) << s;
  r.set_fiscal_year(1999);
  EXPECT_EQ(logic_->CreateAssessment(kStaff, r).status().code(),
            absl::StatusCode::kInvalidArgument);
  r.set_fiscal_year(2026);
  r.set_organization("mito-city");
  EXPECT_EQ(logic_->CreateAssessment(kStaff, r).status().code(),
            absl::StatusCode::kPermissionDenied);
  r.set_organization("");
  r.set_checklist_version("0.0");
  s = logic_->CreateAssessment(kStaff, r).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("checklist_version"), std::string::npos) << s;
  // Nothing was stored by any of them.
  v1::ListAssessmentsRequest all;
  EXPECT_EQ(logic_->ListAssessments(kAdvisor, all)->assessments_size(), 0);
}

TEST_P(AssessmentLogicTest, OneOpenRoundPerYearAndRoundsAreUnique) {
  auto first = Create();
  ASSERT_TRUE(first.ok());
  // The same round again: ALREADY_EXISTS naming the round.
  auto again = Create(2026, kStaff, false, 1);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(again.status().message().rfind("round: kasama-union-2026-1 already exists", 0), 0u)
      << again.status();
  // The next round while the first is open: refused.
  EXPECT_EQ(Create().status().code(), absl::StatusCode::kFailedPrecondition);
  // Another year is another matter.
  auto next_year = Create(2027);
  ASSERT_TRUE(next_year.ok()) << next_year.status();
  EXPECT_EQ(next_year->id(), "kasama-union-2027-1");
}

TEST_P(AssessmentLogicTest, RetriedCreateReturnsTheFirstResult) {
  v1::CreateAssessmentRequest r;
  r.set_request_id("retry-me");
  r.set_fiscal_year(2026);
  auto first = logic_->CreateAssessment(kStaff, r);
  auto second = logic_->CreateAssessment(kStaff, r);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->id(), second->id());
  v1::ListAssessmentsRequest all;
  EXPECT_EQ(logic_->ListAssessments(kAdvisor, all)->assessments_size(), 1);
}

// A retry of a create that named its round gets its first answer too, not
// ALREADY_EXISTS for the round it took itself; another request for that
// round still gets ALREADY_EXISTS, and nothing is created twice.
TEST_P(AssessmentLogicTest, RetriedCreateWithAnExplicitRoundReturnsTheFirstResult) {
  v1::CreateAssessmentRequest r;
  r.set_request_id("retry-round-3");
  r.set_fiscal_year(2026);
  r.set_round(3);
  auto first = logic_->CreateAssessment(kStaff, r);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->id(), "kasama-union-2026-3");
  auto second = logic_->CreateAssessment(kStaff, r);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->id(), first->id());
  EXPECT_EQ(second->etag(), first->etag());
  EXPECT_EQ(second->create_time_us(), first->create_time_us());
  r.set_request_id("another-request");
  auto other = logic_->CreateAssessment(kStaff, r);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists) << other.status();
  EXPECT_EQ(other.status().message().rfind("round: kasama-union-2026-3 already exists", 0), 0u)
      << other.status();
  v1::ListAssessmentsRequest all;
  EXPECT_EQ(logic_->ListAssessments(kAdvisor, all)->assessments_size(), 1);
}

// ------------------------------------------------------------------- answers

TEST_P(AssessmentLogicTest, AnswersNeedTheCurrentEtag) {
  auto a = Create();
  auto b = Answer(*a, {Item("1-1", v1::ITEM_RESULT_IMPLEMENTED)});
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_NE(b->etag(), a->etag());
  EXPECT_EQ(b->answers(0).answered_by(), "seccoord://kasama-union/staff1");
  EXPECT_GT(b->answers(0).answer_time_us(), 0);
  auto stale = Answer(*a, {Item("1-2", v1::ITEM_RESULT_IMPLEMENTED)});
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Stored(a->id()).answers_size(), 1);
}

TEST_P(AssessmentLogicTest, BadAnswersNameTheFieldAndChangeNothing) {
  auto a = Create();
  struct Case {
    v1::ItemAnswer answer;
    absl::StatusCode code;
    std::string field;
  };
  v1::ItemAnswer unknown = Item("9-9", v1::ITEM_RESULT_IMPLEMENTED);
  v1::ItemAnswer no_result = Item("1-1", v1::ITEM_RESULT_UNSPECIFIED);
  v1::ItemAnswer bad_enum = Item("1-1", static_cast<v1::ItemResult>(42));
  v1::ItemAnswer early_due = Item("1-2", v1::ITEM_RESULT_PARTIAL);
  *early_due.mutable_remediation()->mutable_due() = D(2026, 3, 31);
  v1::ItemAnswer impossible_due = Item("1-2", v1::ITEM_RESULT_PARTIAL);
  *impossible_due.mutable_remediation()->mutable_due() = D(2026, 2, 30);
  v1::ItemAnswer bad_hash = Item("1-1", v1::ITEM_RESULT_IMPLEMENTED);
  bad_hash.add_evidence()->set_title("研修記録");
  bad_hash.mutable_evidence(0)->set_sha256("xyz");
  v1::ItemAnswer long_note = Item("1-1", v1::ITEM_RESULT_IMPLEMENTED, std::string(5000, 'x'));
  v1::ItemAnswer bad_utf8 = Item("1-1", v1::ITEM_RESULT_IMPLEMENTED, "\xff\xfe");
  v1::ItemAnswer many_evidence = Item("1-1", v1::ITEM_RESULT_IMPLEMENTED);
  for (int i = 0; i < 21; ++i) many_evidence.add_evidence()->set_title("e");
  const std::vector<Case> cases = {
      {unknown, absl::StatusCode::kInvalidArgument, "answers[0].item_id: no item 9-9"},
      {no_result, absl::StatusCode::kInvalidArgument, "answers[0].result: required"},
      {bad_enum, absl::StatusCode::kInvalidArgument, "answers[0].result: unknown value 42"},
      {early_due, absl::StatusCode::kInvalidArgument,
       "answers[0].remediation.due: 2026-03-31 lies before 令和8年度"},
      {impossible_due, absl::StatusCode::kInvalidArgument, "answers[0].remediation.due"},
      {bad_hash, absl::StatusCode::kInvalidArgument, "answers[0].evidence[0].sha256"},
      {long_note, absl::StatusCode::kResourceExhausted, "answers[0].note"},
      {bad_utf8, absl::StatusCode::kInvalidArgument, "answers[0].note: is not valid UTF-8"},
      {many_evidence, absl::StatusCode::kResourceExhausted, "answers[0].evidence"},
  };
  for (const auto& c : cases) {
    auto s = Answer(*a, {c.answer}).status();
    EXPECT_EQ(s.code(), c.code) << s;
    EXPECT_EQ(s.message().rfind(c.field, 0), 0u) << s << " (expected " << c.field << ")";
  }
  auto twice = Answer(*a, {Item("1-1", v1::ITEM_RESULT_IMPLEMENTED),
                           Item("1-1", v1::ITEM_RESULT_PARTIAL)});
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(twice.status().message().rfind("answers[1].item_id", 0), 0u) << twice.status();
  v1::Assessment stored = Stored(a->id());
  EXPECT_EQ(stored.answers_size(), 0);
  EXPECT_EQ(stored.etag(), a->etag());
}

TEST_P(AssessmentLogicTest, ImplementedWithCriticalFindingsNeedsANote) {
  assets_.SetCritical("SENSITIVE_MFA_EXPORT", 2);
  auto a = Create();
  auto refused = Answer(*a, {Item("3-2", v1::ITEM_RESULT_IMPLEMENTED)});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("item 3-2"), std::string::npos);
  EXPECT_NE(refused.status().message().find("SENSITIVE_MFA_EXPORT"), std::string::npos);
  EXPECT_EQ(Stored(a->id()).answers_size(), 0);
  auto noted = Answer(*a, {Item("3-2", v1::ITEM_RESULT_IMPLEMENTED, "2台は撤去予定、持出し禁止を周知済")});
  EXPECT_TRUE(noted.ok()) << noted.status();
  // With the asset service down the check cannot be made: refused as
  // UNAVAILABLE unless a note explains.
  assets_.status = absl::UnavailableError("down");
  auto down = Answer(*noted, {Item("3-2", v1::ITEM_RESULT_IMPLEMENTED)});
  EXPECT_EQ(down.status().code(), absl::StatusCode::kUnavailable);
  // Items without asset rules need no peer at all.
  EXPECT_TRUE(Answer(*noted, {Item("1-1", v1::ITEM_RESULT_IMPLEMENTED)}).ok());
}

TEST_P(AssessmentLogicTest, GetShowsFindingsBesideItemsOrSaysTheyAreUnavailable) {
  assets_.SetCritical("SENSITIVE_MFA_EXPORT", 3);
  auto a = Create();
  auto shown = Get(a->id());
  ASSERT_TRUE(shown.ok());
  ASSERT_EQ(shown->item_findings_size(), 1);
  EXPECT_EQ(shown->item_findings(0).item_id(), "3-2");
  EXPECT_EQ(shown->item_findings(0).count(), 3);
  EXPECT_EQ(shown->item_findings(0).critical(), 3);
  EXPECT_GT(shown->findings_time_us(), 0);
  EXPECT_EQ(shown->unavailable_size(), 0);
  assets_.status = absl::DeadlineExceededError("deadline");
  shown = Get(a->id());
  ASSERT_TRUE(shown.ok()) << shown.status();
  EXPECT_EQ(shown->item_findings_size(), 0);
  ASSERT_EQ(shown->unavailable_size(), 1);
  EXPECT_NE(shown->unavailable(0).find("asset findings"), std::string::npos);
}

// ------------------------------------------------------------ submit / review

TEST_P(AssessmentLogicTest, SubmissionRulesAndSnapshot) {
  auto a = Create();
  auto partial_no_plan = Item("1-2", v1::ITEM_RESULT_PARTIAL);
  partial_no_plan.clear_remediation();
  auto b = Answer(*a, {Item("1-1", v1::ITEM_RESULT_IMPLEMENTED), partial_no_plan});
  ASSERT_TRUE(b.ok()) << b.status();
  auto refused = Submit(*b);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("required items not answered: 3-2"),
            std::string::npos)
      << refused.status();
  EXPECT_NE(refused.status().message().find("remediation plan (action and due date): 1-2"),
            std::string::npos)
      << refused.status();
  EXPECT_EQ(Stored(a->id()).state(), v1::ASSESSMENT_STATE_DRAFT);

  v1::Assessment complete = Complete(kStaff, 2027);
  auto submitted = Submit(complete);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_EQ(submitted->state(), v1::ASSESSMENT_STATE_SUBMITTED);
  ASSERT_EQ(submitted->submissions_size(), 1);
  const auto& ref = submitted->submissions(0);
  EXPECT_EQ(ref.number(), 1);
  EXPECT_EQ(ref.submitted_by(), "seccoord://kasama-union/staff1");
  // The stored snapshot hashes to what the submission says.
  std::optional<v1::Assessment> snapshot;
  ASSERT_TRUE(store_
                  ->Read([&](AssessmentStore::Tx& tx) -> absl::Status {
                    auto s = tx.GetSubmission(submitted->id(), 1);
                    if (!s.ok()) return s.status();
                    snapshot = *s;
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(snapshot.has_value());
  EXPECT_EQ(SubmissionSha256(*snapshot, 1), ref.sha256());
  EXPECT_EQ(snapshot->answers_size(), 3);
  // Answering a SUBMITTED assessment is refused.
  auto late = Answer(*submitted, {Item("8-5", v1::ITEM_RESULT_IMPLEMENTED)});
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(late.status().message().rfind("state: ", 0), 0u);
}

TEST_P(AssessmentLogicTest, ReturnAdviseRespondResubmitAcceptClose) {
  auto submitted = Submit(Complete());
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  // RETURN needs a comment.
  auto no_comment = Review(*submitted, v1::REVIEW_DECISION_RETURN);
  EXPECT_EQ(no_comment.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(no_comment.status().message().rfind("comment", 0), 0u);
  // Advice on an item the checklist lacks: refused, nothing stored.
  auto bad_item = Review(*submitted, v1::REVIEW_DECISION_RETURN, "直してください",
                         {Draft("9-9", "x")});
  EXPECT_EQ(bad_item.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad_item.status().message().rfind("advice[0].item_id", 0), 0u);
  EXPECT_EQ(Stored(submitted->id()).state(), v1::ASSESSMENT_STATE_SUBMITTED);
  // The assessed organisation may not review itself.
  auto self = Review(*submitted, v1::REVIEW_DECISION_ACCEPT, "", {}, kAdmin);
  EXPECT_EQ(self.status().code(), absl::StatusCode::kPermissionDenied);

  v1::AdviceDraft policy_review = Draft("", "基本方針第8に基づく見直しを検討してください");
  policy_review.set_policy_review_needed(true);
  policy_review.set_severity(v1::SEVERITY_CRITICAL);
  auto returned = Review(*submitted, v1::REVIEW_DECISION_RETURN, "1-2の改善計画を具体化",
                         {Draft("1-2", "期限を早めてください"), policy_review});
  ASSERT_TRUE(returned.ok()) << returned.status();
  EXPECT_EQ(returned->state(), v1::ASSESSMENT_STATE_RETURNED);
  EXPECT_EQ(returned->review_comment(), "1-2の改善計画を具体化");
  EXPECT_EQ(returned->reviewed_by(), "seccoord://kasama-city/advisor1");
  auto advice = AdviceOf(returned->id());
  ASSERT_TRUE(advice.ok());
  ASSERT_EQ(advice->advice_size(), 2);
  EXPECT_EQ(advice->advice(0).item_id(), "1-2");
  EXPECT_EQ(advice->advice(0).severity(), v1::SEVERITY_WARNING);  // default
  EXPECT_TRUE(advice->advice(1).policy_review_needed());
  EXPECT_EQ(advice->advice(1).state(), v1::ADVICE_STATE_OPEN);

  // Closing OPEN advice is refused; the union answers it first.
  v1::CloseAdviceRequest close;
  close.set_request_id(NewRequestId());
  close.set_advice_id(advice->advice(0).id());
  close.set_etag(advice->advice(0).etag());
  EXPECT_EQ(logic_->CloseAdvice(kAdvisor, close).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // The advisor may not answer; other staff cannot even see it.
  v1::AnswerAdviceRequest answer;
  answer.set_request_id(NewRequestId());
  answer.set_advice_id(advice->advice(0).id());
  answer.set_etag(advice->advice(0).etag());
  answer.set_text("令和8年12月末に前倒しします");
  EXPECT_EQ(logic_->AnswerAdvice(kOtherStaff, answer).status().code(),
            absl::StatusCode::kNotFound);
  auto answered = logic_->AnswerAdvice(kStaff, answer);
  ASSERT_TRUE(answered.ok()) << answered.status();
  EXPECT_EQ(answered->state(), v1::ADVICE_STATE_ANSWERED);
  ASSERT_EQ(answered->thread_size(), 1);
  EXPECT_EQ(answered->thread(0).kind(), v1::ADVICE_ENTRY_KIND_ANSWER);

  // Stale etag on close.
  EXPECT_EQ(logic_->CloseAdvice(kAdvisor, close).status().code(), absl::StatusCode::kAborted);
  close.set_etag(answered->etag());
  // Reopen with a comment, answer again, close.
  v1::ReopenAdviceRequest reopen;
  reopen.set_request_id(NewRequestId());
  reopen.set_advice_id(answered->id());
  reopen.set_etag(answered->etag());
  EXPECT_EQ(logic_->ReopenAdvice(kAdvisor, reopen).status().code(),
            absl::StatusCode::kInvalidArgument);  // comment required
  reopen.set_comment("担当者も明記してください");
  auto reopened = logic_->ReopenAdvice(kAdvisor, reopen);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(reopened->state(), v1::ADVICE_STATE_OPEN);
  answer.set_request_id(NewRequestId());
  answer.set_etag(reopened->etag());
  answer.set_text("担当: 総務係長");
  auto answered2 = logic_->AnswerAdvice(kStaff, answer);
  ASSERT_TRUE(answered2.ok()) << answered2.status();
  close.set_request_id(NewRequestId());
  close.set_etag(answered2->etag());
  auto closed = logic_->CloseAdvice(kAdvisor, close);
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->state(), v1::ADVICE_STATE_CLOSED);
  ASSERT_EQ(closed->thread_size(), 4);
  EXPECT_EQ(closed->thread(0).kind(), v1::ADVICE_ENTRY_KIND_ANSWER);
  EXPECT_EQ(closed->thread(1).kind(), v1::ADVICE_ENTRY_KIND_REOPEN);
  EXPECT_EQ(closed->thread(2).kind(), v1::ADVICE_ENTRY_KIND_ANSWER);
  EXPECT_EQ(closed->thread(3).kind(), v1::ADVICE_ENTRY_KIND_CLOSE);

  // Resubmit; a review naming the first submission is ABORTED.
  auto current = Stored(returned->id());
  auto resubmitted = Submit(current);
  ASSERT_TRUE(resubmitted.ok()) << resubmitted.status();
  EXPECT_EQ(resubmitted->submissions_size(), 2);
  EXPECT_NE(resubmitted->submissions(0).sha256(), "");
  auto old = Review(*resubmitted, v1::REVIEW_DECISION_ACCEPT, "", {}, kAdvisor, 1);
  EXPECT_EQ(old.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(old.status().message().rfind("submission_number: 1 is not the latest", 0), 0u);
  auto accepted = Review(*resubmitted, v1::REVIEW_DECISION_ACCEPT, "確認しました");
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->state(), v1::ASSESSMENT_STATE_ACCEPTED);
  // Locked.
  EXPECT_EQ(Answer(*accepted, {Item("8-5", v1::ITEM_RESULT_IMPLEMENTED)}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Advice may still be sent on an accepted one.
  v1::SendAdviceRequest send;
  send.set_request_id(NewRequestId());
  send.set_assessment_id(accepted->id());
  *send.mutable_advice() = Draft("8-5", "次年度はSNS運用手順も点検してください");
  EXPECT_TRUE(logic_->SendAdvice(kAdvisor, send).ok());
  send.set_request_id(NewRequestId());
  EXPECT_EQ(logic_->SendAdvice(kAdmin, send).status().code(),
            absl::StatusCode::kPermissionDenied);

  // The events, in order, as the union sees them.
  std::vector<v1::AssessmentEventType> types;
  for (const auto& e : Events(kStaff)) types.push_back(e.type());
  const std::vector<v1::AssessmentEventType> expected = {
      v1::ASSESSMENT_EVENT_TYPE_SUBMITTED,       v1::ASSESSMENT_EVENT_TYPE_RETURNED,
      v1::ASSESSMENT_EVENT_TYPE_ADVICE_SENT,     v1::ASSESSMENT_EVENT_TYPE_ADVICE_SENT,
      v1::ASSESSMENT_EVENT_TYPE_ADVICE_ANSWERED, v1::ASSESSMENT_EVENT_TYPE_ADVICE_REOPENED,
      v1::ASSESSMENT_EVENT_TYPE_ADVICE_ANSWERED, v1::ASSESSMENT_EVENT_TYPE_ADVICE_CLOSED,
      v1::ASSESSMENT_EVENT_TYPE_SUBMITTED,       v1::ASSESSMENT_EVENT_TYPE_ACCEPTED,
      v1::ASSESSMENT_EVENT_TYPE_ADVICE_SENT};
  EXPECT_EQ(types, expected);
  // Resuming after the fourth misses nothing.
  auto rest = Events(kStaff, Events(kStaff)[3].sequence());
  ASSERT_EQ(rest.size(), expected.size() - 4);
  EXPECT_EQ(rest[0].type(), v1::ASSESSMENT_EVENT_TYPE_ADVICE_ANSWERED);
  // Other organisations' staff see none of them.
  EXPECT_TRUE(Events(kOtherStaff).empty());
}

TEST_P(AssessmentLogicTest, ReopenAnAcceptedAssessmentWithAReason) {
  auto submitted = Submit(Complete());
  auto accepted = Review(*submitted, v1::REVIEW_DECISION_ACCEPT);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  v1::ReopenAssessmentRequest r;
  r.set_request_id(NewRequestId());
  r.set_assessment_id(accepted->id());
  r.set_etag(accepted->etag());
  EXPECT_EQ(logic_->ReopenAssessment(kAdvisor, r).status().code(),
            absl::StatusCode::kInvalidArgument);  // reason required
  r.set_reason("資産台帳の更新漏れが判明したため");
  auto reopened = logic_->ReopenAssessment(kAdvisor, r);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(reopened->state(), v1::ASSESSMENT_STATE_RETURNED);
  EXPECT_EQ(reopened->review_comment(), "資産台帳の更新漏れが判明したため");
  // Reopening a RETURNED one is refused.
  r.set_request_id(NewRequestId());
  r.set_etag(reopened->etag());
  EXPECT_EQ(logic_->ReopenAssessment(kAdvisor, r).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_P(AssessmentLogicTest, AdvisorMayNotReviewItsOwnOrganisation) {
  // kasama-city staff run an inspection of the city itself.
  auto submitted = Submit(Complete(kCityStaff), kCityStaff);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  auto s = Review(*submitted, v1::REVIEW_DECISION_ACCEPT);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(s.status().message().find("separation of duties"), std::string::npos);
  EXPECT_EQ(Stored(submitted->id()).state(), v1::ASSESSMENT_STATE_SUBMITTED);
}

// ------------------------------------------------------------------ baseline

TEST_P(AssessmentLogicTest, BaselineCarriesOverAndMustBeConfirmed) {
  auto none = Create(2026, kStaff, /*from_last=*/true);
  EXPECT_EQ(none.status().code(), absl::StatusCode::kFailedPrecondition);
  auto submitted = Submit(Complete(kStaff, 2025));
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  ASSERT_TRUE(Review(*submitted, v1::REVIEW_DECISION_ACCEPT).ok());
  auto next = Create(2026, kStaff, /*from_last=*/true);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->baseline_of(), "kasama-union-2025-1");
  ASSERT_EQ(next->answers_size(), 3);
  for (const auto& a : next->answers()) EXPECT_TRUE(a.carried_over()) << a.item_id();
  auto refused = Submit(*next);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("not yet confirmed or changed: 1-1, 1-2, 3-2"),
            std::string::npos)
      << refused.status();
  // Confirm two, change one.
  auto bad_confirm = Answer(*next, {}, kStaff, {"8-5"});
  EXPECT_EQ(bad_confirm.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad_confirm.status().message().rfind("confirm_item_ids[0]", 0), 0u);
  auto confirmed = Answer(*next, {Item("3-2", v1::ITEM_RESULT_IMPLEMENTED, "導入済")}, kStaff,
                          {"1-1", "1-2"});
  ASSERT_TRUE(confirmed.ok()) << confirmed.status();
  for (const auto& a : confirmed->answers()) EXPECT_FALSE(a.carried_over()) << a.item_id();
  EXPECT_TRUE(Submit(*confirmed).ok());
}

// ---------------------------------------------------------------- visibility

TEST_P(AssessmentLogicTest, OthersSeeAnotherOrganisationsAssessmentAsMissing) {
  auto a = Create();
  ASSERT_TRUE(a.ok());
  auto hidden = Get(a->id(), kOtherStaff);
  auto missing = Get("kasama-union-2030-1", kOtherStaff);
  EXPECT_EQ(hidden.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(hidden.status().message(), "assessment_id: no assessment kasama-union-2026-1");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "assessment_id: no assessment kasama-union-2030-1");
  // The refusal keeps its real reason for the audit chain (never sent): the
  // guard records it as DENIED; a missing one is no refusal.
  const std::optional<std::string> reason = runtime::ConcealedReason(hidden.status());
  ASSERT_TRUE(reason.has_value()) << "the refusal would not be audited";
  EXPECT_NE(reason->find("may not read assessment kasama-union-2026-1 of kasama-union"),
            std::string::npos)
      << *reason;
  EXPECT_FALSE(runtime::ConcealedReason(missing.status()).has_value());
  // The advisor reads it; lists are filtered.
  EXPECT_TRUE(Get(a->id(), kAdvisor).ok());
  v1::ListAssessmentsRequest all;
  EXPECT_EQ(logic_->ListAssessments(kOtherStaff, all)->assessments_size(), 0);
  EXPECT_EQ(logic_->ListAssessments(kStaff, all)->assessments_size(), 1);
  all.set_organization("kasama-union");
  EXPECT_EQ(logic_->ListAssessments(kOtherStaff, all)->assessments_size(), 0);
  // Nor can they write it.
  auto write = Answer(*a, {Item("1-1", v1::ITEM_RESULT_IMPLEMENTED)}, kOtherStaff);
  EXPECT_EQ(write.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(runtime::ConcealedReason(write.status()).has_value());
}

TEST_P(AssessmentLogicTest, OthersSeeAnotherOrganisationsAdviceAsMissing) {
  auto submitted = Submit(Complete(kStaff, 2026));
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  v1::SendAdviceRequest send;
  send.set_request_id(NewRequestId());
  send.set_assessment_id(submitted->id());
  *send.mutable_advice() = Draft("1-1", "手順書を更新してください");
  auto advice = logic_->SendAdvice(kAdvisor, send);
  ASSERT_TRUE(advice.ok()) << advice.status();

  v1::AnswerAdviceRequest answer;
  answer.set_request_id(NewRequestId());
  answer.set_advice_id(advice->id());
  answer.set_etag(advice->etag());
  answer.set_text("更新しました");
  auto hidden = logic_->AnswerAdvice(kOtherStaff, answer);
  EXPECT_EQ(hidden.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(hidden.status().message(), absl::StrCat("advice_id: no advice ", advice->id()));
  const std::optional<std::string> reason = runtime::ConcealedReason(hidden.status());
  ASSERT_TRUE(reason.has_value()) << "the refusal would not be audited";
  EXPECT_NE(reason->find(absl::StrCat("may not read advice ", advice->id())), std::string::npos)
      << *reason;

  answer.set_request_id(NewRequestId());
  answer.set_advice_id("no-such-advice");
  auto missing = logic_->AnswerAdvice(kOtherStaff, answer);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "advice_id: no advice no-such-advice");
  EXPECT_FALSE(runtime::ConcealedReason(missing.status()).has_value());
  // Its own organisation answers it.
  answer.set_request_id(NewRequestId());
  answer.set_advice_id(advice->id());
  EXPECT_TRUE(logic_->AnswerAdvice(kStaff, answer).ok());
}

TEST_P(AssessmentLogicTest, ListPagesInOrder) {
  for (int fy : {2024, 2025, 2026, 2027}) ASSERT_TRUE(Create(fy).ok());
  ASSERT_TRUE(Create(2026, kCityStaff).ok());
  v1::ListAssessmentsRequest r;
  r.set_page_size(2);
  std::vector<std::string> ids;
  for (int page = 0; page < 5; ++page) {
    auto list = logic_->ListAssessments(kAdvisor, r);
    ASSERT_TRUE(list.ok()) << list.status();
    for (const auto& a : list->assessments()) {
      ids.push_back(a.id());
      EXPECT_EQ(a.answers_size(), 0);
    }
    if (list->next_page_token().empty()) break;
    r.set_page_token(list->next_page_token());
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"kasama-city-2026-1", "kasama-union-2024-1",
                                           "kasama-union-2025-1", "kasama-union-2026-1",
                                           "kasama-union-2027-1"}));
  v1::ListAssessmentsRequest bad;
  bad.set_page_token("garbage!");
  EXPECT_EQ(logic_->ListAssessments(kAdvisor, bad).status().code(),
            absl::StatusCode::kInvalidArgument);
  bad.clear_page_token();
  bad.set_page_size(501);
  EXPECT_EQ(logic_->ListAssessments(kAdvisor, bad).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::ListAssessmentsRequest by_state;
  by_state.set_fiscal_year(2026);
  EXPECT_EQ(logic_->ListAssessments(kAdvisor, by_state)->assessments_size(), 2);
}

// ------------------------------------------------------------------- status

// The summary row as a recount from the stored assessment, its latest
// submission and its advice would give it.
v1::OrganizationStatus Recount(AssessmentStore& store, const v1::Assessment& a,
                               const v1::Checklist& checklist) {
  google::protobuf::RepeatedPtrField<v1::ItemAnswer> counted = a.answers();
  int64_t number = 0;
  std::vector<v1::Advice> advice;
  EXPECT_TRUE(store
                  .Read([&](AssessmentStore::Tx& tx) -> absl::Status {
                    if (a.submissions_size() > 0) {
                      number = a.submissions(a.submissions_size() - 1).number();
                      auto snapshot = tx.GetSubmission(a.id(), number);
                      if (!snapshot.ok()) return snapshot.status();
                      counted = (*snapshot)->answers();
                    }
                    // The advice of every round of the year.
                    AdviceFilter filter;
                    filter.organization = a.organization();
                    auto list = tx.ListAdvice(filter, 0, 1000);
                    if (!list.ok()) return list.status();
                    for (const auto& ad : *list) {
                      if (ad.fiscal_year() == a.fiscal_year()) advice.push_back(ad);
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  return SummarizeAssessment(a, checklist, counted, number, advice, 0);
}

// The stored summary row of `stored`'s organisation and year equals a
// recount from `stored` (its time aside).
void ExpectRowEqualsRecount(AssessmentStore& store, const v1::Assessment& stored,
                            const std::string& after) {
  SCOPED_TRACE(after);
  std::optional<v1::OrganizationStatus> row;
  ASSERT_TRUE(store
                  .Read([&](AssessmentStore::Tx& tx) -> absl::Status {
                    auto r = tx.GetStatus(stored.organization(), stored.fiscal_year());
                    if (!r.ok()) return r.status();
                    row = *r;
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(row.has_value());
  v1::OrganizationStatus expected = Recount(store, stored, TestChecklist());
  row->clear_update_time_us();
  expected.clear_update_time_us();
  EXPECT_EQ(row->SerializeAsString(), expected.SerializeAsString())
      << row->DebugString() << "\nvs\n" << expected.DebugString();
}

TEST_P(AssessmentLogicTest, SummaryRowsEqualARecountAfterEveryKindOfChange) {
  auto check = [&](const std::string& id, const std::string& after) {
    ExpectRowEqualsRecount(*store_, Stored(id), after);
  };
  auto a = Create();
  check(a->id(), "create");
  auto b = Answer(*a, {Item("1-1", v1::ITEM_RESULT_IMPLEMENTED), Item("1-2", v1::ITEM_RESULT_PARTIAL),
                       Item("3-2", v1::ITEM_RESULT_NOT_IMPLEMENTED)});
  ASSERT_TRUE(b.ok()) << b.status();
  check(a->id(), "answer");
  auto submitted = Submit(*b);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  check(a->id(), "submit");
  auto returned = Review(*submitted, v1::REVIEW_DECISION_RETURN, "直して", {Draft("1-2", "早めて")});
  ASSERT_TRUE(returned.ok()) << returned.status();
  check(a->id(), "return with advice");
  // Answers edited after the return do not count until submitted.
  auto edited = Answer(*returned, {Item("3-2", v1::ITEM_RESULT_IMPLEMENTED, "導入済")});
  ASSERT_TRUE(edited.ok()) << edited.status();
  check(a->id(), "answer after return");
  auto advice = AdviceOf(a->id());
  v1::AnswerAdviceRequest ar;
  ar.set_request_id(NewRequestId());
  ar.set_advice_id(advice->advice(0).id());
  ar.set_etag(advice->advice(0).etag());
  ar.set_text("対応します");
  auto answered_advice = logic_->AnswerAdvice(kStaff, ar);
  ASSERT_TRUE(answered_advice.ok());
  check(a->id(), "advice answered");
  auto resubmitted = Submit(*edited);
  ASSERT_TRUE(resubmitted.ok()) << resubmitted.status();
  check(a->id(), "resubmit");
  auto accepted = Review(*resubmitted, v1::REVIEW_DECISION_ACCEPT);
  ASSERT_TRUE(accepted.ok());
  check(a->id(), "accept");
  v1::CloseAdviceRequest cr;
  cr.set_request_id(NewRequestId());
  cr.set_advice_id(answered_advice->id());
  cr.set_etag(answered_advice->etag());
  ASSERT_TRUE(logic_->CloseAdvice(kAdvisor, cr).ok());
  check(a->id(), "advice closed");
  v1::SendAdviceRequest send;
  send.set_request_id(NewRequestId());
  send.set_assessment_id(a->id());
  *send.mutable_advice() = Draft("", "来年度も");
  ASSERT_TRUE(logic_->SendAdvice(kAdvisor, send).ok());
  check(a->id(), "advice sent");
  v1::ReopenAssessmentRequest rr;
  rr.set_request_id(NewRequestId());
  rr.set_assessment_id(a->id());
  rr.set_etag(accepted->etag());
  rr.set_reason("再確認");
  ASSERT_TRUE(logic_->ReopenAssessment(kAdvisor, rr).ok());
  check(a->id(), "reopen");
}

// A second round of a year starts once the first is accepted; advice on the
// first that is still open is still the organisation's open work, so the
// year's row (the second round's) counts it until it is closed.
TEST_P(AssessmentLogicTest, OpenAdviceOfAnEarlierRoundCountsInTheYearsStatus) {
  v1::AdviceDraft review_policy = Draft("1-2", "規程の見直しを");
  review_policy.set_policy_review_needed(true);
  auto submitted = Submit(Complete());
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  auto first = Review(*submitted, v1::REVIEW_DECISION_ACCEPT, "", {review_policy});
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = Create();
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->round(), 2);
  auto status = [&] {
    v1::GetOrganizationStatusRequest r;
    r.set_organization("kasama-union");
    r.set_fiscal_year(2026);
    auto s = logic_->GetOrganizationStatus(kMember, r);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : v1::OrganizationStatus();
  };
  v1::OrganizationStatus s = status();
  EXPECT_EQ(s.assessment_id(), second->id());
  EXPECT_EQ(s.state(), v1::ASSESSMENT_STATE_DRAFT);
  EXPECT_EQ(s.open_advice(), 1);
  EXPECT_EQ(s.policy_review_advice(), 1);
  ExpectRowEqualsRecount(*store_, Stored(second->id()), "second round created");

  // Answered is not closed yet; closed, it no longer counts.
  auto advice = AdviceOf(first->id());
  ASSERT_TRUE(advice.ok() && advice->advice_size() == 1);
  v1::AnswerAdviceRequest ar;
  ar.set_request_id(NewRequestId());
  ar.set_advice_id(advice->advice(0).id());
  ar.set_etag(advice->advice(0).etag());
  ar.set_text("次回改定で対応します");
  auto answered = logic_->AnswerAdvice(kStaff, ar);
  ASSERT_TRUE(answered.ok()) << answered.status();
  EXPECT_EQ(status().open_advice(), 1);
  ExpectRowEqualsRecount(*store_, Stored(second->id()), "first round's advice answered");
  v1::CloseAdviceRequest cr;
  cr.set_request_id(NewRequestId());
  cr.set_advice_id(answered->id());
  cr.set_etag(answered->etag());
  ASSERT_TRUE(logic_->CloseAdvice(kAdvisor, cr).ok());
  s = status();
  EXPECT_EQ(s.assessment_id(), second->id());
  EXPECT_EQ(s.open_advice(), 0);
  EXPECT_EQ(s.policy_review_advice(), 0);
  ExpectRowEqualsRecount(*store_, Stored(second->id()), "first round's advice closed");

  // New advice on the accepted first round counts as well.
  v1::SendAdviceRequest send;
  send.set_request_id(NewRequestId());
  send.set_assessment_id(first->id());
  *send.mutable_advice() = Draft("", "研修記録を残すこと");
  ASSERT_TRUE(logic_->SendAdvice(kAdvisor, send).ok());
  s = status();
  EXPECT_EQ(s.assessment_id(), second->id());
  EXPECT_EQ(s.open_advice(), 1);
  EXPECT_EQ(s.policy_review_advice(), 0);
  ExpectRowEqualsRecount(*store_, Stored(second->id()), "advice sent on the first round");

  // The first round cannot be reopened while the second exists: the year
  // would have two open rounds, one of them outside its status.
  v1::ReopenAssessmentRequest rr;
  rr.set_request_id(NewRequestId());
  rr.set_assessment_id(first->id());
  rr.set_etag(Stored(first->id()).etag());
  rr.set_reason("再確認");
  auto reopened = logic_->ReopenAssessment(kAdvisor, rr);
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(reopened.status().message().rfind("assessment_id: " + first->id(), 0), 0u)
      << reopened.status();
  EXPECT_NE(reopened.status().message().find("round 2"), std::string::npos) << reopened.status();
  EXPECT_EQ(Stored(first->id()).state(), v1::ASSESSMENT_STATE_ACCEPTED);
}

// Binaries before migration 6 counted the latest round's advice only: the
// first start after it writes those years' rows again, and only once.
TEST_P(AssessmentLogicTest, RowsOfYearsWithManyRoundsAreRecountedOnceAfterMigration6) {
  auto submitted = Submit(Complete());
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  auto first = Review(*submitted, v1::REVIEW_DECISION_ACCEPT, "", {Draft("1-2", "早めて")});
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = Create();
  ASSERT_TRUE(second.ok()) << second.status();
  // The row as the older binary left it, and the recount not yet done.
  auto write_old_row = [&] {
    ASSERT_TRUE(store_
                    ->Write([&](AssessmentStore::Tx& tx) -> absl::Status {
                      SECCOORD_ASSIGN_OR_RETURN(auto row, tx.GetStatus("kasama-union", 2026));
                      if (!row) return absl::NotFoundError("no row");
                      row->set_open_advice(0);
                      row->set_oldest_open_advice_time_us(0);
                      return tx.UpsertStatus(*row);
                    })
                    .ok());
  };
  auto open_advice = [&] {
    v1::GetOrganizationStatusRequest r;
    r.set_organization("kasama-union");
    r.set_fiscal_year(2026);
    auto s = logic_->GetOrganizationStatus(kMember, r);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? s->open_advice() : -1;
  };
  write_old_row();
  {
    auto tx = db().Begin(db::TxMode::kReadWrite);
    ASSERT_TRUE(tx.ok()) << tx.status();
    auto reset = (*tx)->Execute(
        "UPDATE assessment_counters SET value = 0 WHERE name = 'status_rounds_recounted'");
    ASSERT_TRUE(reset.ok() && *reset == 1) << reset.status();
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  ASSERT_EQ(open_advice(), 0);
  ASSERT_TRUE(logic_->RecountYearsOfManyRounds().ok());
  EXPECT_EQ(open_advice(), 1);
  ExpectRowEqualsRecount(*store_, Stored(second->id()), "recounted");
  // Once only: a later start leaves the rows to the writes that keep them.
  write_old_row();
  ASSERT_TRUE(logic_->RecountYearsOfManyRounds().ok());
  EXPECT_EQ(open_advice(), 0);
}

TEST_P(AssessmentLogicTest, StatusIsReadByEveryRoleAndNamesUnknownOrganisations) {
  auto a = Create();
  ASSERT_TRUE(Answer(*a, {Item("1-1", v1::ITEM_RESULT_IMPLEMENTED),
                          Item("1-2", v1::ITEM_RESULT_PARTIAL)})
                  .ok());
  v1::GetOrganizationStatusRequest r;
  r.set_organization("kasama-union");
  r.set_fiscal_year(2026);
  for (const Caller* caller : {&kStaff, &kAdvisor, &kMember}) {
    auto s = logic_->GetOrganizationStatus(*caller, r);
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_TRUE(s->has_assessment());
    EXPECT_EQ(s->assessment_id(), a->id());
    EXPECT_EQ(s->counts().implemented(), 1);
    EXPECT_EQ(s->counts().partial(), 1);
    EXPECT_EQ(s->counts().unanswered(), 2);
    // (1 + 0.5) / 4
    EXPECT_DOUBLE_EQ(s->counts().implementation_rate(), 0.375);
    EXPECT_EQ(s->counted_submission(), 0);
  }
  // Default organisation: the caller's own; one without assessment.
  v1::GetOrganizationStatusRequest own;
  auto mito = logic_->GetOrganizationStatus(kMember, own);
  ASSERT_TRUE(mito.ok()) << mito.status();
  EXPECT_EQ(mito->organization(), "mito-city");
  EXPECT_FALSE(mito->has_assessment());
  EXPECT_EQ(mito->fiscal_year(), 2026);
  r.set_organization("nowhere-town");
  EXPECT_EQ(logic_->GetOrganizationStatus(kMember, r).status().code(),
            absl::StatusCode::kNotFound);
  r.set_organization("kasama-union");
  r.set_fiscal_year(2150);
  auto far = logic_->GetOrganizationStatus(kMember, r);
  EXPECT_EQ(far.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(far.status().message().rfind("fiscal_year", 0), 0u);
}

TEST_P(AssessmentLogicTest, FederationListsEveryOrganisationWithItsTrend) {
  auto older = Submit(Complete(kStaff, 2025));
  ASSERT_TRUE(older.ok()) << older.status();
  ASSERT_TRUE(Review(*older, v1::REVIEW_DECISION_ACCEPT).ok());
  ASSERT_TRUE(Create(2026).ok());
  v1::GetFederationStatusRequest r;
  r.set_fiscal_year(2026);
  r.set_years(3);
  auto f = logic_->GetFederationStatus(kMember, r);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->first_fiscal_year(), 2024);
  ASSERT_EQ(f->organizations_size(), 4);
  std::vector<std::string> orgs;
  for (const auto& o : f->organizations()) orgs.push_back(o.organization());
  EXPECT_EQ(orgs, (std::vector<std::string>{"kasama-city", "kasama-union", "mito-city",
                                            "shirosato-town"}));
  EXPECT_FALSE(f->organizations(0).has_assessment());
  EXPECT_TRUE(f->organizations(1).has_assessment());
  EXPECT_EQ(f->organizations(1).state(), v1::ASSESSMENT_STATE_DRAFT);
  ASSERT_EQ(f->trends(1).points_size(), 3);
  EXPECT_FALSE(f->trends(1).points(0).has_assessment());  // 2024
  EXPECT_TRUE(f->trends(1).points(1).has_assessment());   // 2025, accepted
  EXPECT_EQ(f->trends(1).points(1).state(), v1::ASSESSMENT_STATE_ACCEPTED);
  // Complete(): 実施, 一部実施, 該当なし and 8-5 unanswered → (1 + 0.5) / 3.
  EXPECT_DOUBLE_EQ(f->trends(1).points(1).implementation_rate(), 0.5);
  r.set_years(11);
  EXPECT_EQ(logic_->GetFederationStatus(kMember, r).status().code(),
            absl::StatusCode::kInvalidArgument);
  // In pages of organisations: 3, then the last one with its trend.
  r.set_years(3);
  r.set_page_size(3);
  auto first_page = logic_->GetFederationStatus(kMember, r);
  ASSERT_TRUE(first_page.ok()) << first_page.status();
  EXPECT_EQ(first_page->organizations_size(), 3);
  EXPECT_EQ(first_page->trends_size(), 3);
  ASSERT_FALSE(first_page->next_page_token().empty());
  r.set_page_token(first_page->next_page_token());
  auto second_page = logic_->GetFederationStatus(kMember, r);
  ASSERT_TRUE(second_page.ok()) << second_page.status();
  ASSERT_EQ(second_page->organizations_size(), 1);
  EXPECT_EQ(second_page->organizations(0).organization(), "shirosato-town");
  EXPECT_EQ(second_page->trends(0).points_size(), 3);
  EXPECT_TRUE(second_page->next_page_token().empty());
  r.set_page_token("not-a-token");
  EXPECT_EQ(logic_->GetFederationStatus(kMember, r).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Fiscal year 0 is the current one when the walk begins: pages asked for
// after 1 April go on with the year the first page showed, and a new walk
// shows the new year.
TEST_P(AssessmentLogicTest, AFederationWalkOfTheCurrentYearStaysInTheYearItBegan) {
  today_ = {2027, 3, 31};  // the last day of 令和8年度 (2026)
  ASSERT_TRUE(Create(2026, kCityStaff).ok());
  ASSERT_TRUE(Create(2027).ok());
  v1::GetFederationStatusRequest r;
  r.set_page_size(2);
  auto first_page = logic_->GetFederationStatus(kMember, r);
  ASSERT_TRUE(first_page.ok()) << first_page.status();
  EXPECT_EQ(first_page->fiscal_year(), 2026);
  ASSERT_EQ(first_page->organizations_size(), 2);
  EXPECT_TRUE(first_page->organizations(0).has_assessment());  // kasama-city, 2026
  ASSERT_FALSE(first_page->next_page_token().empty());
  today_ = {2027, 4, 1};
  r.set_page_token(first_page->next_page_token());
  auto second_page = logic_->GetFederationStatus(kMember, r);
  ASSERT_TRUE(second_page.ok()) << second_page.status();
  EXPECT_EQ(second_page->fiscal_year(), 2026);
  ASSERT_EQ(second_page->organizations_size(), 2);
  EXPECT_EQ(second_page->organizations(0).organization(), "mito-city");
  EXPECT_EQ(second_page->organizations(0).fiscal_year(), 2026);
  // A new walk: the new year, with the union's 2027 draft.
  r.clear_page_token();
  auto new_walk = logic_->GetFederationStatus(kMember, r);
  ASSERT_TRUE(new_walk.ok()) << new_walk.status();
  EXPECT_EQ(new_walk->fiscal_year(), 2027);
  EXPECT_FALSE(new_walk->organizations(0).has_assessment());  // kasama-city
  EXPECT_TRUE(new_walk->organizations(1).has_assessment());   // kasama-union
  // A token whose cursor is not "<fiscal year>\x1f<organisation>", or names
  // a year out of range: INVALID_ARGUMENT page_token.
  const runtime::PageTokenCodec tokens("federation", r);
  for (const std::string& cursor :
       {std::string("kasama-city"), std::string("x\x1fkasama-city"),
        std::string("1800\x1fkasama-city"), std::string("0\x1fkasama-city")}) {
    r.set_page_token(tokens.Encode(cursor));
    auto bad = logic_->GetFederationStatus(kMember, r);
    EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument) << cursor;
    EXPECT_EQ(bad.status().message().rfind("page_token:", 0), 0u) << bad.status();
  }
  // With an explicit year the token must be of that year.
  r.set_fiscal_year(2027);
  const runtime::PageTokenCodec explicit_year("federation", r);
  r.set_page_token(explicit_year.Encode("2026\x1fkasama-union"));
  EXPECT_EQ(logic_->GetFederationStatus(kMember, r).status().code(),
            absl::StatusCode::kInvalidArgument);
  r.set_page_token(explicit_year.Encode("2027\x1fkasama-union"));
  auto rest = logic_->GetFederationStatus(kMember, r);
  ASSERT_TRUE(rest.ok()) << rest.status();
  ASSERT_EQ(rest->organizations_size(), 2);
  EXPECT_EQ(rest->organizations(0).organization(), "mito-city");
}

// A PostgreSQL database of a linguistic collation, as a cluster made with
// a glibc ja_JP.UTF-8 or en_US.UTF-8 locale has: '-' counts only after the
// letters there ("kamiamakusa-city" < "kami-town"), while a federation
// page is merged in byte order ("kami-town" < "kamiamakusa-city"). Its
// rows and the next page's cursor must still be those of its own
// organisations (migration 5 gives the status tables' organization column
// the "C" collation on PostgreSQL); on SQLite the same test runs on
// SQLite's bytewise order.
class FederationOnALinguisticCollationTest : public AssessmentLogicTest {
 public:
  FederationOnALinguisticCollationTest() { set_icu_collation("und-u-ka-shifted"); }
};

TEST_P(FederationOnALinguisticCollationTest, EveryOrganisationIsOnOnePageWithItsRow) {
  const std::vector<std::string> with_rows = {"kami-town", "kamiamakusa-city", "kamis-town",
                                              "kamishihoro-town"};
  ASSERT_TRUE(store_
                  ->Write([&](AssessmentStore::Tx& tx) -> absl::Status {
                    for (const std::string& org : with_rows) {
                      v1::OrganizationStatus row;
                      row.set_organization(org);
                      row.set_fiscal_year(2026);
                      row.set_has_assessment(true);
                      row.set_assessment_id(org + "-2026-1");
                      row.set_state(v1::ASSESSMENT_STATE_ACCEPTED);
                      SECCOORD_RETURN_IF_ERROR(tx.UpsertStatus(row));
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  for (int page_size : {1, 2, 3, 100}) {
    SCOPED_TRACE(absl::StrCat("page_size ", page_size));
    v1::GetFederationStatusRequest r;
    r.set_fiscal_year(2026);
    r.set_page_size(page_size);
    std::map<std::string, int> seen;
    std::map<std::string, bool> has_assessment;
    for (int page = 0; page < 20; ++page) {
      auto f = logic_->GetFederationStatus(kMember, r);
      ASSERT_TRUE(f.ok()) << f.status();
      for (const auto& org : f->organizations()) {
        ++seen[org.organization()];
        has_assessment[org.organization()] = org.has_assessment();
      }
      if (f->next_page_token().empty()) break;
      r.set_page_token(f->next_page_token());
    }
    EXPECT_EQ(seen.size(), with_rows.size() + 4);
    for (const auto& [org, times] : seen) EXPECT_EQ(times, 1) << org;
    for (const std::string& org : with_rows) {
      EXPECT_TRUE(has_assessment[org]) << org << " is listed without its row";
    }
  }
}

SECCOORD_INSTANTIATE_DATABASE_TEST(FederationOnALinguisticCollationTest);

// Federation pages are built once and shared (status_reply_cache.h):
// the same page again is the same bytes, and every change — a summary row,
// a peer fact, the clock's figures — shows in the very next read.
TEST_P(AssessmentLogicTest, FederationPageIsSharedUntilSomethingUnderItChanges) {
  v1::GetFederationStatusRequest r;
  r.set_fiscal_year(2026);
  auto union_row = [](const v1::FederationStatus& f) {
    for (const auto& row : f.organizations()) {
      if (row.organization() == "kasama-union") return row;
    }
    return v1::OrganizationStatus();
  };
  auto page = [&]() {
    auto encoded = logic_->EncodedFederationStatus(kMember, r);
    EXPECT_TRUE(encoded.ok()) << encoded.status();
    v1::FederationStatus f;
    EXPECT_TRUE(encoded.ok() && f.ParseFromString(**encoded));
    return std::make_pair(encoded.ok() ? *encoded : nullptr, f);
  };
  auto [first, before] = page();
  auto [again, same] = page();
  EXPECT_EQ(first.get(), again.get()) << "nothing changed: the page built first is shared";
  EXPECT_FALSE(union_row(before).has_assessment());

  // A new assessment's summary row: the next read shows it.
  auto a = Create(2026);
  ASSERT_TRUE(a.ok()) << a.status();
  auto [after_create, created] = page();
  EXPECT_NE(after_create.get(), first.get());
  EXPECT_TRUE(union_row(created).has_assessment());
  EXPECT_EQ(union_row(created).counts().implemented(), 0);

  // Answers change the counts (a write that appends no event).
  ASSERT_TRUE(Answer(*a, {Item("1-1", v1::ITEM_RESULT_IMPLEMENTED)}).ok());
  EXPECT_EQ(union_row(page().second).counts().implemented(), 1);

  // A refreshed peer fact: the findings show at once.
  assets_.summary.set_total(3);
  assets_.summary.set_critical(3);
  ASSERT_TRUE(logic_->RefreshFindings({"kasama-union"}).ok());
  const v1::OrganizationStatus refreshed = union_row(page().second);
  EXPECT_EQ(refreshed.asset_findings().total(), 3);
  EXPECT_EQ(refreshed.asset_findings().critical(), 3);
  EXPECT_FALSE(refreshed.asset_findings_stale());

  // With no write at all, the clock alone: three refresh periods later the
  // findings are stale in the next read, not in a cached page's.
  now_us_ += 3 * 60 * 1'000'000 + 1;
  EXPECT_TRUE(union_row(page().second).asset_findings_stale());

  // Another page (other fields) is a page of its own.
  r.set_years(2);
  auto [two_years, other] = page();
  EXPECT_EQ(other.trends(0).points_size(), 2);
}

// An organisation's reply is built once and shared too (status_reply_cache.h),
// per organisation and year, and every change shows in the very next read:
// its own row, a peer fact, the clock's figures (ten seconds at most late,
// three refresh periods here).
TEST_P(AssessmentLogicTest, OrganisationStatusIsSharedUntilSomethingUnderItChanges) {
  v1::GetOrganizationStatusRequest r;
  r.set_organization("kasama-union");
  r.set_fiscal_year(2026);
  auto read = [&](const Caller& caller = kMember) {
    auto encoded = logic_->EncodedOrganizationStatus(caller, r);
    EXPECT_TRUE(encoded.ok()) << encoded.status();
    v1::OrganizationStatus s;
    EXPECT_TRUE(encoded.ok() && s.ParseFromString(**encoded));
    return std::make_pair(encoded.ok() ? *encoded : nullptr, s);
  };
  auto [first, before] = read();
  EXPECT_FALSE(before.has_assessment());
  auto [again, same] = read(kAdvisor);
  EXPECT_EQ(first.get(), again.get()) << "nothing changed: the reply built first is shared";
  // Another organisation and another year are replies of their own.
  r.set_organization("mito-city");
  EXPECT_NE(read().first.get(), first.get());
  r.set_organization("kasama-union");
  r.set_fiscal_year(2025);
  EXPECT_NE(read().first.get(), first.get());
  r.set_fiscal_year(2026);

  // A new assessment's summary row, then answers: the next read shows each.
  auto a = Create(2026);
  ASSERT_TRUE(a.ok()) << a.status();
  auto [after_create, created] = read();
  EXPECT_NE(after_create.get(), first.get());
  EXPECT_TRUE(created.has_assessment());
  EXPECT_EQ(created.counts().implemented(), 0);
  ASSERT_TRUE(Answer(*a, {Item("1-1", v1::ITEM_RESULT_IMPLEMENTED)}).ok());
  EXPECT_EQ(read().second.counts().implemented(), 1);
  // Another organisation's change is a summary row too: read again, the
  // same figures.
  ASSERT_TRUE(Create(2026, kCityStaff).ok());
  EXPECT_EQ(read().second.counts().implemented(), 1);

  // A refreshed peer fact shows at once.
  assets_.summary.set_total(3);
  ASSERT_TRUE(logic_->RefreshFindings({"kasama-union"}).ok());
  const v1::OrganizationStatus refreshed = read().second;
  EXPECT_EQ(refreshed.asset_findings().total(), 3);
  EXPECT_FALSE(refreshed.asset_findings_stale());

  // The clock alone: three refresh periods later the findings are stale in
  // the next read, not in a shared reply's.
  auto [kept, unchanged] = read();
  now_us_ += 3 * 60 * 1'000'000 + 1;
  auto [later, stale] = read();
  EXPECT_NE(later.get(), kept.get());
  EXPECT_TRUE(stale.asset_findings_stale());

  // Unknown organisations are still NOT_FOUND, each time.
  r.set_organization("nowhere-town");
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(logic_->EncodedOrganizationStatus(kMember, r).status().code(),
              absl::StatusCode::kNotFound);
  }
}

// The periodic refresh and the one a publication event starts can run at
// the same time. A read that began before the publication must not be
// recorded over the one made after it: the status would show the revision
// no longer in force until the next period.
TEST_P(AssessmentLogicTest, ADocumentsReadBegunBeforeAPublicationIsNotRecordedOverALaterOne) {
  auto basic_policy = [](int64_t revision_in_force) {
    v1::Document d;
    d.set_id("basic-policy");
    d.set_title("基本方針");
    d.set_revision_in_force(revision_in_force);
    return d;
  };
  policy_.documents = {basic_policy(1)};
  std::promise<void> periodic_has_read, reply_arrives;
  std::shared_future<void> arrives = reply_arrives.get_future().share();
  policy_.during_next_list = [&periodic_has_read, arrives] {
    periodic_has_read.set_value();
    arrives.wait();
  };
  std::thread periodic([&] { logic_->RefreshDocuments().IgnoreError(); });
  periodic_has_read.get_future().wait();
  policy_.documents = {basic_policy(2)};  // revision 2 published
  std::atomic<bool> watch_done{false};
  std::thread watch([&] {
    logic_->RefreshDocuments().IgnoreError();
    watch_done = true;
  });
  // Let the event's refresh record first if it can (bounded: with the
  // refreshes one at a time it cannot, and waits for the periodic one).
  for (int i = 0; i < 100 && !watch_done; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  reply_arrives.set_value();
  periodic.join();
  watch.join();
  v1::GetOrganizationStatusRequest r;
  r.set_organization("kasama-union");
  auto s = logic_->GetOrganizationStatus(kMember, r);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->revision_in_force(), 2);
  EXPECT_FALSE(s->documents_stale());
}

TEST_P(AssessmentLogicTest, PeerFactsAreShownWithTheirTimeAndGoStaleWhenAPeerIsDown) {
  ASSERT_TRUE(Create().ok());
  assets_.SetCritical("SENSITIVE_MFA_EXPORT", 2);
  v1::Document basic;
  basic.set_id("basic-policy");
  basic.set_title("基本方針");
  basic.set_revision_in_force(2);
  *basic.mutable_review_due() = D(2026, 11, 1);  // before today (2026-12-01)
  v1::Document standards;
  standards.set_id("standards");
  *standards.mutable_review_due() = D(2027, 4, 1);
  policy_.documents = {basic, standards};
  ASSERT_TRUE(logic_->RefreshFindings({"kasama-union"}).ok());
  ASSERT_TRUE(logic_->RefreshDocuments().ok());
  v1::GetOrganizationStatusRequest r;
  r.set_organization("kasama-union");
  auto s = logic_->GetOrganizationStatus(kMember, r);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_FALSE(s->asset_findings_stale());
  EXPECT_GT(s->asset_findings_time_us(), 0);
  ASSERT_EQ(s->asset_findings().by_rule_size(), 1);
  EXPECT_FALSE(s->documents_stale());
  ASSERT_EQ(s->documents_review_due_size(), 1);
  EXPECT_EQ(s->documents_review_due(0).document_id(), "basic-policy");
  EXPECT_TRUE(s->checklist_outdated());  // derived from revision 1, 2 in force
  EXPECT_EQ(s->revision_in_force(), 2);
  const int64_t as_of = s->asset_findings_time_us();
  // A federation row shows the same findings without their counts per rule.
  auto federation = logic_->GetFederationStatus(kMember, v1::GetFederationStatusRequest());
  ASSERT_TRUE(federation.ok()) << federation.status();
  bool union_listed = false;
  for (const auto& row : federation->organizations()) {
    if (row.organization() != "kasama-union") continue;
    union_listed = true;
    EXPECT_EQ(row.asset_findings().total(), s->asset_findings().total());
    EXPECT_EQ(row.asset_findings().by_rule_size(), 0);
    EXPECT_EQ(row.asset_findings_time_us(), as_of);
    EXPECT_EQ(row.documents_review_due_size(), 0);
  }
  EXPECT_TRUE(union_listed);
  ASSERT_EQ(federation->documents_review_due_size(), 1);
  // The asset service goes down: the last summary stays, marked stale.
  assets_.status = absl::UnavailableError("down");
  EXPECT_FALSE(logic_->RefreshFindings({"kasama-union", "mito-city"}).ok());
  s = logic_->GetOrganizationStatus(kMember, r);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->asset_findings_stale());
  EXPECT_EQ(s->asset_findings_time_us(), as_of);
  EXPECT_EQ(s->asset_findings().by_rule_size(), 1);
  r.set_organization("mito-city");
  s = logic_->GetOrganizationStatus(kMember, r);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->asset_findings_stale());
  EXPECT_EQ(s->asset_findings_time_us(), 0);
}

TEST_P(AssessmentLogicTest, AStoppingServerEndsAFindingsRefreshBetweenOrganisations) {
  assets_.SetCritical("SENSITIVE_MFA_EXPORT", 1);
  int asked = 0;
  const absl::Status stopped = logic_->RefreshFindings(
      {"kasama-city", "kasama-union", "mito-city"}, [&] { return ++asked > 1; });
  EXPECT_EQ(stopped.code(), absl::StatusCode::kCancelled) << stopped;
  v1::GetOrganizationStatusRequest r;
  r.set_organization("kasama-city");  // read before the stop: recorded
  auto s = logic_->GetOrganizationStatus(kMember, r);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_FALSE(s->asset_findings_stale());
  EXPECT_GT(s->asset_findings_time_us(), 0);
  r.set_organization("kasama-union");  // never read
  s = logic_->GetOrganizationStatus(kMember, r);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->asset_findings_stale());
  EXPECT_EQ(s->asset_findings_time_us(), 0);
}

// An organisation editing its returned answers while the advisor closes
// the advice it answered, at the same time: every write of the summary row
// counts the advice closed before it committed. On PostgreSQL, whose writes
// run READ COMMITTED, the row's lock orders the writers (LockStatus);
// without it an edit, which takes no lock that closing advice takes, wrote
// an open-advice count that missed advice closed while it ran.
TEST_P(AssessmentLogicTest, ConcurrentEditsAndClosedAdviceKeepTheSummaryRowEqualToARecount) {
  constexpr int kAdvice = 20;
  auto submitted = Submit(Complete(kStaff, 2026));
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  std::vector<v1::AdviceDraft> drafts;
  for (int i = 0; i < kAdvice; ++i) drafts.push_back(Draft("1-1", absl::StrCat("助言 ", i)));
  auto returned = Review(*submitted, v1::REVIEW_DECISION_RETURN, "直して", drafts);
  ASSERT_TRUE(returned.ok()) << returned.status();
  auto advice = AdviceOf(returned->id());
  ASSERT_TRUE(advice.ok()) << advice.status();
  ASSERT_EQ(advice->advice_size(), kAdvice);
  std::vector<v1::Advice> answered;
  for (const v1::Advice& open : advice->advice()) {
    v1::AnswerAdviceRequest answer;
    answer.set_request_id(NewRequestId());
    answer.set_advice_id(open.id());
    answer.set_etag(open.etag());
    answer.set_text("対応しました");
    auto done = logic_->AnswerAdvice(kStaff, answer);
    ASSERT_TRUE(done.ok()) << done.status();
    answered.push_back(*done);
  }
  // Rounds of one close and one edit started together: the later of the
  // two writes the row last, so a figure it missed stays in the row.
  for (int i = 0; i < kAdvice && !HasFailure(); ++i) {
    const std::string close_id = NewRequestId();
    const std::string edit_id = NewRequestId();
    const v1::Assessment before = Stored(returned->id());
    std::atomic<int> ready{0};
    auto start_together = [&ready] {
      ++ready;
      while (ready.load() < 2) std::this_thread::yield();
    };
    std::thread advisor([&] {
      v1::CloseAdviceRequest close;
      close.set_request_id(close_id);
      close.set_advice_id(answered[i].id());
      close.set_etag(answered[i].etag());
      start_together();
      auto closed = logic_->CloseAdvice(kAdvisor, close);
      EXPECT_TRUE(closed.ok()) << closed.status();
    });
    std::thread staff([&] {
      start_together();
      auto edited =
          Answer(before, {Item("1-1", v1::ITEM_RESULT_IMPLEMENTED, absl::StrCat("修正 ", i))},
                 kStaff, {}, edit_id);
      EXPECT_TRUE(edited.ok()) << edited.status();
    });
    advisor.join();
    staff.join();
    ExpectRowEqualsRecount(*store_, Stored(returned->id()), absl::StrCat("round ", i));
  }
  const v1::Assessment stored = Stored(returned->id());
  ExpectRowEqualsRecount(*store_, stored, "concurrent edits and closed advice");
  v1::GetOrganizationStatusRequest r;
  r.set_organization(stored.organization());
  r.set_fiscal_year(stored.fiscal_year());
  auto status = logic_->GetOrganizationStatus(kMember, r);
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->open_advice(), 0);
}

TEST_P(AssessmentLogicTest, CompareTwoAssessmentsOfOneOrganisation) {
  auto first = Submit(Complete(kStaff, 2025));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(Review(*first, v1::REVIEW_DECISION_ACCEPT).ok());
  auto second = Create(2026);
  auto b = Answer(*second, {Item("1-1", v1::ITEM_RESULT_IMPLEMENTED),
                            Item("1-2", v1::ITEM_RESULT_IMPLEMENTED),
                            Item("3-2", v1::ITEM_RESULT_NOT_IMPLEMENTED)});
  ASSERT_TRUE(b.ok());
  v1::CompareAssessmentsRequest r;
  r.set_base_assessment_id(first->id());
  r.set_other_assessment_id(second->id());
  auto c = logic_->CompareAssessments(kAdvisor, r);
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->changes_size(), 2);
  EXPECT_EQ(c->changes(0).item_id(), "1-2");
  EXPECT_EQ(c->changes(0).kind(), v1::ITEM_CHANGE_KIND_IMPROVED);
  EXPECT_EQ(c->changes(1).item_id(), "3-2");
  EXPECT_EQ(c->changes(1).kind(), v1::ITEM_CHANGE_KIND_CHANGED);  // 該当なし → 未実施
  EXPECT_EQ(c->base().answers_size(), 0);
  // Another organisation's staff: as if neither existed, the field named.
  auto hidden = logic_->CompareAssessments(kOtherStaff, r);
  EXPECT_EQ(hidden.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(hidden.status().message().rfind("base_assessment_id: no assessment", 0), 0u)
      << hidden.status();
  // A missing one is named by its field.
  v1::CompareAssessmentsRequest missing = r;
  missing.set_other_assessment_id("kasama-union-2030-1");
  auto gone = logic_->CompareAssessments(kAdvisor, missing);
  EXPECT_EQ(gone.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(gone.status().message(), "other_assessment_id: no assessment kasama-union-2030-1");
  missing.set_other_assessment_id("");
  EXPECT_EQ(logic_->CompareAssessments(kAdvisor, missing).status().message().rfind(
                "other_assessment_id", 0),
            0u);
  // One assessment with itself is no comparison.
  v1::CompareAssessmentsRequest itself = r;
  itself.set_other_assessment_id(first->id());
  auto same = logic_->CompareAssessments(kAdvisor, itself);
  EXPECT_EQ(same.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(same.status().message().rfind("other_assessment_id: is " + first->id() + " again", 0),
            0u)
      << same.status();
  auto city = Create(2026, kCityStaff);
  r.set_other_assessment_id(city->id());
  auto mixed = logic_->CompareAssessments(kAdvisor, r);
  EXPECT_EQ(mixed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(mixed.status().message().rfind("other_assessment_id", 0), 0u);
}

SECCOORD_INSTANTIATE_DATABASE_TEST(AssessmentLogicTest);

}  // namespace
}  // namespace seccoord::assessment
