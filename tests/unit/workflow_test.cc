// The workflow's pure rules: every transition of the assessment and advice
// state machines, allowed and refused; what a submission needs; the
// CRITICAL-findings rule; the findings beside items; the snapshot hash.
#include "services/assessment/workflow.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

namespace seccoord::assessment {
namespace {

using A = AssessmentAction;

const std::vector<v1::AssessmentState> kStates = {
    v1::ASSESSMENT_STATE_DRAFT, v1::ASSESSMENT_STATE_SUBMITTED, v1::ASSESSMENT_STATE_RETURNED,
    v1::ASSESSMENT_STATE_ACCEPTED};

TEST(AssessmentStateMachineTest, EveryTransitionAllowedOrRefused) {
  // action → (state it is allowed in → state after)
  const std::map<A, std::map<v1::AssessmentState, v1::AssessmentState>> allowed = {
      {A::kAnswer,
       {{v1::ASSESSMENT_STATE_DRAFT, v1::ASSESSMENT_STATE_DRAFT},
        {v1::ASSESSMENT_STATE_RETURNED, v1::ASSESSMENT_STATE_RETURNED}}},
      {A::kSubmit,
       {{v1::ASSESSMENT_STATE_DRAFT, v1::ASSESSMENT_STATE_SUBMITTED},
        {v1::ASSESSMENT_STATE_RETURNED, v1::ASSESSMENT_STATE_SUBMITTED}}},
      {A::kAccept, {{v1::ASSESSMENT_STATE_SUBMITTED, v1::ASSESSMENT_STATE_ACCEPTED}}},
      {A::kReturn, {{v1::ASSESSMENT_STATE_SUBMITTED, v1::ASSESSMENT_STATE_RETURNED}}},
      {A::kReopen, {{v1::ASSESSMENT_STATE_ACCEPTED, v1::ASSESSMENT_STATE_RETURNED}}},
      {A::kAdvise,
       {{v1::ASSESSMENT_STATE_SUBMITTED, v1::ASSESSMENT_STATE_SUBMITTED},
        {v1::ASSESSMENT_STATE_ACCEPTED, v1::ASSESSMENT_STATE_ACCEPTED}}},
  };
  for (const auto& [action, table] : allowed) {
    for (v1::AssessmentState from : kStates) {
      SCOPED_TRACE(std::string(ActionName(action)) + " from " + std::to_string(from));
      absl::Status s = CheckAssessmentTransition("kasama-union-2026-1", from, action);
      auto it = table.find(from);
      if (it != table.end()) {
        EXPECT_TRUE(s.ok()) << s;
        EXPECT_EQ(AssessmentStateAfter(from, action), it->second);
      } else {
        EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
        EXPECT_NE(s.message().find("kasama-union-2026-1"), std::string::npos) << s;
        EXPECT_EQ(s.message().rfind("state: ", 0), 0u) << s;
      }
    }
  }
}

TEST(AssessmentStateMachineTest, RefusalNamesStateAndWhatIsAllowed) {
  absl::Status s = CheckAssessmentTransition("x", v1::ASSESSMENT_STATE_ACCEPTED, A::kAnswer);
  EXPECT_EQ(s.message(),
            "state: assessment x is ACCEPTED; only DRAFT or RETURNED can be answered");
}

TEST(AdviceStateMachineTest, EveryTransitionAllowedOrRefused) {
  const std::vector<v1::AdviceState> states = {v1::ADVICE_STATE_OPEN, v1::ADVICE_STATE_ANSWERED,
                                               v1::ADVICE_STATE_CLOSED};
  const std::map<AdviceAction, std::map<v1::AdviceState, v1::AdviceState>> allowed = {
      {AdviceAction::kAnswer, {{v1::ADVICE_STATE_OPEN, v1::ADVICE_STATE_ANSWERED}}},
      {AdviceAction::kClose, {{v1::ADVICE_STATE_ANSWERED, v1::ADVICE_STATE_CLOSED}}},
      {AdviceAction::kReopen,
       {{v1::ADVICE_STATE_ANSWERED, v1::ADVICE_STATE_OPEN},
        {v1::ADVICE_STATE_CLOSED, v1::ADVICE_STATE_OPEN}}},
  };
  for (const auto& [action, table] : allowed) {
    for (v1::AdviceState from : states) {
      SCOPED_TRACE(std::string(ActionName(action)) + " from " + std::to_string(from));
      absl::Status s = CheckAdviceTransition("ADV-000001", from, action);
      auto it = table.find(from);
      if (it != table.end()) {
        EXPECT_TRUE(s.ok()) << s;
        EXPECT_EQ(AdviceStateAfter(from, action), it->second);
      } else {
        EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
        EXPECT_NE(s.message().find("ADV-000001"), std::string::npos) << s;
      }
    }
  }
}

TEST(AdviceStateMachineTest, ClosingOpenAdviceSaysItMustBeAnsweredFirst) {
  absl::Status s = CheckAdviceTransition("ADV-000003", v1::ADVICE_STATE_OPEN, AdviceAction::kClose);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("answers it first"), std::string::npos) << s;
}

v1::Checklist SmallChecklist() {
  v1::Checklist c;
  c.set_version("t.1");
  auto add = [&](const std::string& id, bool required, std::vector<std::string> rules) {
    auto* item = c.add_items();
    item->set_id(id);
    item->set_chapter(id[0] - '0');
    item->set_required(required);
    for (auto& r : rules) item->add_asset_rule_ids(r);
  };
  add("1-1", true, {});
  add("1-2", true, {});
  add("3-2", true, {"SENSITIVE_MFA_EXPORT", "SENSITIVE_CROSS_SEGMENT"});
  add("8-5", false, {});
  return c;
}

v1::ItemAnswer Answer(const std::string& item, v1::ItemResult result) {
  v1::ItemAnswer a;
  a.set_item_id(item);
  a.set_result(result);
  return a;
}

v1::Assessment WithAnswers(std::vector<v1::ItemAnswer> answers) {
  v1::Assessment a;
  a.set_id("kasama-union-2026-1");
  for (auto& x : answers) *a.add_answers() = x;
  return a;
}

TEST(SubmissionRulesTest, CompleteAnswersPass) {
  auto partial = Answer("3-2", v1::ITEM_RESULT_PARTIAL);
  partial.mutable_remediation()->set_action("多要素認証を導入する");
  *partial.mutable_remediation()->mutable_due() = [] {
    v1::Date d;
    d.set_year(2027);
    d.set_month(3);
    d.set_day(31);
    return d;
  }();
  auto s = CheckSubmission(SmallChecklist(),
                           WithAnswers({Answer("1-1", v1::ITEM_RESULT_IMPLEMENTED),
                                        Answer("1-2", v1::ITEM_RESULT_NOT_APPLICABLE), partial}));
  EXPECT_TRUE(s.ok()) << s;  // 8-5 is not required
}

TEST(SubmissionRulesTest, ListsEveryGapByItem) {
  auto no_due = Answer("3-2", v1::ITEM_RESULT_NOT_IMPLEMENTED);
  no_due.mutable_remediation()->set_action("検討する");
  auto carried = Answer("1-1", v1::ITEM_RESULT_IMPLEMENTED);
  carried.set_carried_over(true);
  auto s = CheckSubmission(SmallChecklist(), WithAnswers({carried, no_due}));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "cannot submit kasama-union-2026-1: required items not answered: 1-2; "
            "一部実施/未実施 without a remediation plan (action and due date): 3-2; "
            "carried-over answers not yet confirmed or changed: 1-1");
}

TEST(SubmissionRulesTest, UnansweredOptionalItemIsFine) {
  auto s = CheckSubmission(SmallChecklist(),
                           WithAnswers({Answer("1-1", v1::ITEM_RESULT_IMPLEMENTED),
                                        Answer("1-2", v1::ITEM_RESULT_IMPLEMENTED),
                                        Answer("3-2", v1::ITEM_RESULT_NOT_APPLICABLE)}));
  EXPECT_TRUE(s.ok()) << s;
}

v1::FindingsSummary Summary(int critical_mfa, int warning_monitoring) {
  v1::FindingsSummary s;
  s.set_organization("kasama-union");
  auto* a = s.add_by_rule();
  a->set_rule_id("SENSITIVE_MFA_EXPORT");
  a->set_severity(v1::SEVERITY_CRITICAL);
  a->set_count(critical_mfa);
  auto* b = s.add_by_rule();
  b->set_rule_id("INTERNET_MONITORING");
  b->set_severity(v1::SEVERITY_WARNING);
  b->set_count(warning_monitoring);
  return s;
}

TEST(CriticalFindingsTest, ImplementedWithoutNoteIsRefusedNamingItemAndRule) {
  const v1::Checklist checklist = SmallChecklist();
  const auto& item = checklist.items(2);
  auto s = CheckCriticalFindings("answers[0]", item, Answer("3-2", v1::ITEM_RESULT_IMPLEMENTED),
                                 Summary(2, 0));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("answers[0]: item 3-2"), std::string::npos) << s;
  EXPECT_NE(s.message().find("SENSITIVE_MFA_EXPORT (2)"), std::string::npos) << s;
  EXPECT_EQ(s.message().find("SENSITIVE_CROSS_SEGMENT"), std::string::npos) << s;
}

TEST(CriticalFindingsTest, ANoteOrAnotherResultOrNoFindingsPasses) {
  const v1::Checklist checklist = SmallChecklist();
  const auto& item = checklist.items(2);
  auto noted = Answer("3-2", v1::ITEM_RESULT_IMPLEMENTED);
  noted.set_note("検出された2台は廃止予定で、ネットワークから切り離し済み");
  EXPECT_TRUE(CheckCriticalFindings("a", item, noted, Summary(2, 0)).ok());
  EXPECT_TRUE(
      CheckCriticalFindings("a", item, Answer("3-2", v1::ITEM_RESULT_PARTIAL), Summary(2, 0)).ok());
  EXPECT_TRUE(CheckCriticalFindings("a", item, Answer("3-2", v1::ITEM_RESULT_IMPLEMENTED),
                                    Summary(0, 5))
                  .ok());
  // A rule the item does not list does not count.
  EXPECT_TRUE(CheckCriticalFindings("a", checklist.items(0),
                                    Answer("1-1", v1::ITEM_RESULT_IMPLEMENTED), Summary(3, 0))
                  .ok());
}

TEST(FindingsBesideItemsTest, CountsPerItemFromItsRules) {
  auto f = FindingsBesideItems(SmallChecklist(), Summary(2, 4));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].item_id(), "3-2");
  EXPECT_EQ(f[0].count(), 2);
  EXPECT_EQ(f[0].critical(), 2);
  EXPECT_EQ(f[0].rule_ids_size(), 2);
}

TEST(SnapshotHashTest, StableAndSensitiveToEveryAnswerField) {
  v1::Assessment a = WithAnswers({Answer("1-1", v1::ITEM_RESULT_IMPLEMENTED)});
  a.set_checklist_version("t.1");
  a.mutable_policy()->set_content_hash("ab");
  const std::string h = SubmissionSha256(a, 1);
  EXPECT_EQ(h.size(), 64u);
  EXPECT_EQ(h, SubmissionSha256(a, 1));
  EXPECT_NE(h, SubmissionSha256(a, 2));
  v1::Assessment changed = a;
  changed.mutable_answers(0)->set_note("x");
  EXPECT_NE(h, SubmissionSha256(changed, 1));
  changed = a;
  changed.mutable_answers(0)->add_evidence()->set_title("研修記録");
  EXPECT_NE(h, SubmissionSha256(changed, 1));
  changed = a;
  changed.mutable_policy()->set_content_hash("cd");
  EXPECT_NE(h, SubmissionSha256(changed, 1));
  // The form is length-prefixed: moving text between fields changes it.
  v1::Assessment x = a, y = a;
  x.mutable_answers(0)->set_note("ab");
  y.mutable_answers(0)->set_note("a");
  y.mutable_answers(0)->mutable_remediation()->set_action("b");
  EXPECT_NE(SubmissionSha256(x, 1), SubmissionSha256(y, 1));
}

}  // namespace
}  // namespace seccoord::assessment
