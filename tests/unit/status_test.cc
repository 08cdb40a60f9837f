// The aggregated status's pure figures on hand-counted examples: 実施率 with
// 該当なし and unanswered items, per chapter; remediation due dates and the
// overdue count across the fiscal-year boundary; open and policy-review
// advice; the comparison of two answer sets.
#include "services/assessment/status.h"

#include <gtest/gtest.h>

#include "common/proto_convert.h"

namespace seccoord::assessment {
namespace {

v1::Checklist Checklist() {
  v1::Checklist c;
  c.set_version("t.1");
  c.mutable_derived_from()->set_revision_number(1);
  for (const char* id : {"1-1", "1-2", "1-3", "2-1", "2-2", "3-1"}) {
    auto* item = c.add_items();
    item->set_id(id);
    item->set_chapter(id[0] - '0');
    item->set_chapter_title(std::string("章") + id[0]);
    item->set_question(std::string("問 ") + id);
  }
  return c;
}

v1::ItemAnswer A(const std::string& id, v1::ItemResult r, int due_y = 0, int due_m = 0,
                 int due_d = 0) {
  v1::ItemAnswer a;
  a.set_item_id(id);
  a.set_result(r);
  if (due_y != 0) *a.mutable_remediation()->mutable_due() = ToProtoDate({due_y, due_m, due_d});
  return a;
}

google::protobuf::RepeatedPtrField<v1::ItemAnswer> Answers(std::vector<v1::ItemAnswer> list) {
  google::protobuf::RepeatedPtrField<v1::ItemAnswer> out;
  for (auto& a : list) *out.Add() = a;
  return out;
}

TEST(StatusTest, ImplementationRateCountsHalfPartialAndLeavesOutNotApplicable) {
  // 1-1 実施, 1-2 一部実施, 1-3 該当なし, 2-1 未実施, 2-2 unanswered, 3-1 実施:
  // (2 + 0.5) / (6 − 1) = 0.5.
  auto answers = Answers({A("1-1", v1::ITEM_RESULT_IMPLEMENTED), A("1-2", v1::ITEM_RESULT_PARTIAL),
                          A("1-3", v1::ITEM_RESULT_NOT_APPLICABLE),
                          A("2-1", v1::ITEM_RESULT_NOT_IMPLEMENTED),
                          A("3-1", v1::ITEM_RESULT_IMPLEMENTED)});
  v1::ResultCounts c = CountResults(Checklist(), answers);
  EXPECT_EQ(c.items(), 6);
  EXPECT_EQ(c.implemented(), 2);
  EXPECT_EQ(c.partial(), 1);
  EXPECT_EQ(c.not_applicable(), 1);
  EXPECT_EQ(c.not_implemented(), 1);
  EXPECT_EQ(c.unanswered(), 1);
  EXPECT_TRUE(c.has_rate());
  EXPECT_DOUBLE_EQ(c.implementation_rate(), 0.5);
  // Chapter 1: (1 + 0.5) / (3 − 1) = 0.75; chapter 2: 0 / 2 = 0.
  EXPECT_DOUBLE_EQ(CountResults(Checklist(), answers, 1).implementation_rate(), 0.75);
  v1::ResultCounts ch2 = CountResults(Checklist(), answers, 2);
  EXPECT_TRUE(ch2.has_rate());
  EXPECT_DOUBLE_EQ(ch2.implementation_rate(), 0.0);
  EXPECT_EQ(ch2.unanswered(), 1);
}

TEST(StatusTest, AllNotApplicableHasNoRate) {
  auto answers = Answers({A("3-1", v1::ITEM_RESULT_NOT_APPLICABLE)});
  v1::ResultCounts c = CountResults(Checklist(), answers, 3);
  EXPECT_FALSE(c.has_rate());
  EXPECT_EQ(c.items(), 1);
}

TEST(StatusTest, SummaryRowHasChaptersAdviceAndDueDates) {
  v1::Assessment a;
  a.set_id("kasama-union-2026-1");
  a.set_organization("kasama-union");
  a.set_fiscal_year(2026);
  a.set_round(1);
  a.set_state(v1::ASSESSMENT_STATE_RETURNED);
  a.set_checklist_version("t.1");
  auto counted = Answers({A("1-1", v1::ITEM_RESULT_IMPLEMENTED, 2026, 5, 1),  // 実施: no due
                          A("1-2", v1::ITEM_RESULT_PARTIAL, 2027, 3, 31),
                          A("2-1", v1::ITEM_RESULT_NOT_IMPLEMENTED, 2026, 4, 30)});
  std::vector<v1::Advice> advice(3);
  advice[0].set_state(v1::ADVICE_STATE_OPEN);
  advice[0].set_create_time_us(2'000);
  advice[1].set_state(v1::ADVICE_STATE_ANSWERED);
  advice[1].set_create_time_us(1'000);
  advice[1].set_policy_review_needed(true);
  advice[2].set_state(v1::ADVICE_STATE_CLOSED);
  advice[2].set_create_time_us(500);
  advice[2].set_policy_review_needed(true);
  v1::OrganizationStatus s = SummarizeAssessment(a, Checklist(), counted, 2, advice, 9'000);
  EXPECT_TRUE(s.has_assessment());
  EXPECT_EQ(s.counted_submission(), 2);
  ASSERT_EQ(s.chapters_size(), 3);
  EXPECT_EQ(s.chapters(0).chapter(), 1);
  EXPECT_EQ(s.chapters(0).chapter_title(), "章1");
  EXPECT_EQ(s.chapters(0).counts().items(), 3);
  EXPECT_EQ(s.open_advice(), 2);  // OPEN and ANSWERED
  EXPECT_EQ(s.oldest_open_advice_time_us(), 1'000);
  EXPECT_EQ(s.policy_review_advice(), 1);
  ASSERT_EQ(s.remediation_due_dates_size(), 2);
  EXPECT_EQ(s.checklist_revision(), 1);

  // Overdue: due before today. On the last day of 令和8年度 (2027-03-31) the
  // plan due that day is not overdue yet; on 2027-04-01 (令和9年度) it is.
  CompleteAtRead({2027, 3, 31}, 9'000, &s);
  EXPECT_EQ(s.overdue_remediations(), 1);
  CompleteAtRead({2027, 4, 1}, 9'000, &s);
  EXPECT_EQ(s.overdue_remediations(), 2);
  CompleteAtRead({2026, 4, 30}, 9'000, &s);
  EXPECT_EQ(s.overdue_remediations(), 0);
  // Age in whole days.
  const int64_t day = int64_t{86400} * 1000 * 1000;
  CompleteAtRead({2026, 4, 30}, 1'000 + 3 * day + 5, &s);
  EXPECT_EQ(s.oldest_open_advice_age_days(), 3);
}

TEST(CompareTest, ClassifiesEveryKindOfChange) {
  EXPECT_EQ(ClassifyChange(v1::ITEM_RESULT_NOT_IMPLEMENTED, v1::ITEM_RESULT_PARTIAL),
            v1::ITEM_CHANGE_KIND_IMPROVED);
  EXPECT_EQ(ClassifyChange(v1::ITEM_RESULT_PARTIAL, v1::ITEM_RESULT_IMPLEMENTED),
            v1::ITEM_CHANGE_KIND_IMPROVED);
  EXPECT_EQ(ClassifyChange(v1::ITEM_RESULT_IMPLEMENTED, v1::ITEM_RESULT_NOT_IMPLEMENTED),
            v1::ITEM_CHANGE_KIND_REGRESSED);
  EXPECT_EQ(ClassifyChange(v1::ITEM_RESULT_IMPLEMENTED, v1::ITEM_RESULT_NOT_APPLICABLE),
            v1::ITEM_CHANGE_KIND_CHANGED);
  EXPECT_EQ(ClassifyChange(v1::ITEM_RESULT_UNSPECIFIED, v1::ITEM_RESULT_IMPLEMENTED),
            v1::ITEM_CHANGE_KIND_CHANGED);
  EXPECT_EQ(ClassifyChange(v1::ITEM_RESULT_PARTIAL, v1::ITEM_RESULT_PARTIAL),
            v1::ITEM_CHANGE_KIND_UNSPECIFIED);
}

TEST(CompareTest, ListsChangedItemsInChecklistOrderWithBothAnswers) {
  auto base = Answers({A("1-1", v1::ITEM_RESULT_NOT_IMPLEMENTED), A("1-2", v1::ITEM_RESULT_IMPLEMENTED),
                       A("2-1", v1::ITEM_RESULT_PARTIAL), A("3-1", v1::ITEM_RESULT_IMPLEMENTED)});
  auto other = Answers({A("1-1", v1::ITEM_RESULT_IMPLEMENTED), A("1-2", v1::ITEM_RESULT_PARTIAL),
                        A("2-1", v1::ITEM_RESULT_PARTIAL), A("3-1", v1::ITEM_RESULT_NOT_APPLICABLE),
                        A("2-2", v1::ITEM_RESULT_IMPLEMENTED)});
  v1::AssessmentComparison c = CompareAnswers(Checklist(), base, other);
  ASSERT_EQ(c.changes_size(), 4);
  EXPECT_EQ(c.changes(0).item_id(), "1-1");
  EXPECT_EQ(c.changes(0).kind(), v1::ITEM_CHANGE_KIND_IMPROVED);
  EXPECT_EQ(c.changes(0).base().result(), v1::ITEM_RESULT_NOT_IMPLEMENTED);
  EXPECT_EQ(c.changes(0).other().result(), v1::ITEM_RESULT_IMPLEMENTED);
  EXPECT_EQ(c.changes(1).item_id(), "1-2");
  EXPECT_EQ(c.changes(1).kind(), v1::ITEM_CHANGE_KIND_REGRESSED);
  EXPECT_EQ(c.changes(2).item_id(), "2-2");  // unanswered → 実施
  EXPECT_EQ(c.changes(2).kind(), v1::ITEM_CHANGE_KIND_CHANGED);
  EXPECT_EQ(c.changes(2).base().item_id(), "2-2");
  EXPECT_EQ(c.changes(3).item_id(), "3-1");
  EXPECT_EQ(c.improved(), 1);
  EXPECT_EQ(c.regressed(), 1);
  EXPECT_EQ(c.changed(), 2);
  EXPECT_EQ(c.base_counts().implemented(), 2);
  EXPECT_EQ(c.other_counts().implemented(), 2);
}

}  // namespace
}  // namespace seccoord::assessment
