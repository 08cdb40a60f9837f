// The assessment vocabulary: every enum value by short name, full proto name
// and Japanese label in the forms people type, the refusals and their
// messages, names and labels, assessment ids, and the implementation rate.
#include "common/assessment_vocab.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace seccoord::assessment {
namespace {

using ::testing::HasSubstr;

std::string Message(const absl::Status& s) { return std::string(s.message()); }

TEST(AssessmentVocabTest, ResultsInEveryForm) {
  struct Case {
    const char* text;
    v1::ItemResult want;
  } cases[] = {
      {"IMPLEMENTED", v1::ITEM_RESULT_IMPLEMENTED},
      {"implemented", v1::ITEM_RESULT_IMPLEMENTED},
      {"実施", v1::ITEM_RESULT_IMPLEMENTED},
      {"ITEM_RESULT_IMPLEMENTED", v1::ITEM_RESULT_IMPLEMENTED},
      {"item-result-implemented", v1::ITEM_RESULT_IMPLEMENTED},
      {"　実施 ", v1::ITEM_RESULT_IMPLEMENTED},
      {"ＩＭＰＬＥＭＥＮＴＥＤ", v1::ITEM_RESULT_IMPLEMENTED},
      {"partial", v1::ITEM_RESULT_PARTIAL},
      {"一部実施", v1::ITEM_RESULT_PARTIAL},
      {"Not Implemented", v1::ITEM_RESULT_NOT_IMPLEMENTED},
      {"not-implemented", v1::ITEM_RESULT_NOT_IMPLEMENTED},
      {"未実施", v1::ITEM_RESULT_NOT_IMPLEMENTED},
      {"NOT_APPLICABLE", v1::ITEM_RESULT_NOT_APPLICABLE},
      {"該当なし", v1::ITEM_RESULT_NOT_APPLICABLE},
      {"ｎｏｔ＿ａｐｐｌｉｃａｂｌｅ", v1::ITEM_RESULT_NOT_APPLICABLE},
  };
  for (const Case& c : cases) {
    auto parsed = ParseResultValue(c.text);
    ASSERT_TRUE(parsed.ok()) << c.text << ": " << parsed.status();
    EXPECT_EQ(*parsed, c.want) << c.text;
  }
}

TEST(AssessmentVocabTest, UnknownResultListsTheValuesWithoutAFieldName) {
  auto parsed = ParseResultValue("done");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Message(parsed.status()),
            "unknown value \"done\"; expected IMPLEMENTED, PARTIAL, NOT_IMPLEMENTED, "
            "NOT_APPLICABLE or 実施, 一部実施, 未実施, 該当なし");
  auto empty = ParseResultValue("　");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(empty.status()), HasSubstr("empty value; expected IMPLEMENTED"));
  // UNSPECIFIED and its label are not values one can answer with.
  EXPECT_FALSE(ParseResultValue("UNSPECIFIED").ok());
  EXPECT_FALSE(ParseResultValue("未回答").ok());
}

TEST(AssessmentVocabTest, ResultNamesAndLabels) {
  EXPECT_EQ(ResultName(v1::ITEM_RESULT_IMPLEMENTED), "IMPLEMENTED");
  EXPECT_EQ(ResultName(v1::ITEM_RESULT_PARTIAL), "PARTIAL");
  EXPECT_EQ(ResultName(v1::ITEM_RESULT_NOT_IMPLEMENTED), "NOT_IMPLEMENTED");
  EXPECT_EQ(ResultName(v1::ITEM_RESULT_NOT_APPLICABLE), "NOT_APPLICABLE");
  EXPECT_EQ(ResultName(v1::ITEM_RESULT_UNSPECIFIED), "");
  EXPECT_EQ(ResultLabel(v1::ITEM_RESULT_IMPLEMENTED), "実施");
  EXPECT_EQ(ResultLabel(v1::ITEM_RESULT_PARTIAL), "一部実施");
  EXPECT_EQ(ResultLabel(v1::ITEM_RESULT_NOT_IMPLEMENTED), "未実施");
  EXPECT_EQ(ResultLabel(v1::ITEM_RESULT_NOT_APPLICABLE), "該当なし");
  EXPECT_EQ(ResultLabel(v1::ITEM_RESULT_UNSPECIFIED), "未回答");
  // Every name and label parses back to its value.
  for (v1::ItemResult r : {v1::ITEM_RESULT_IMPLEMENTED, v1::ITEM_RESULT_PARTIAL,
                           v1::ITEM_RESULT_NOT_IMPLEMENTED, v1::ITEM_RESULT_NOT_APPLICABLE}) {
    EXPECT_EQ(*ParseResultValue(ResultName(r)), r);
    EXPECT_EQ(*ParseResultValue(ResultLabel(r)), r);
  }
}

TEST(AssessmentVocabTest, AssessmentStates) {
  EXPECT_EQ(*ParseAssessmentStateValue("draft"), v1::ASSESSMENT_STATE_DRAFT);
  EXPECT_EQ(*ParseAssessmentStateValue("下書き"), v1::ASSESSMENT_STATE_DRAFT);
  EXPECT_EQ(*ParseAssessmentStateValue("提出済"), v1::ASSESSMENT_STATE_SUBMITTED);
  EXPECT_EQ(*ParseAssessmentStateValue("ASSESSMENT_STATE_RETURNED"), v1::ASSESSMENT_STATE_RETURNED);
  EXPECT_EQ(*ParseAssessmentStateValue("差戻し"), v1::ASSESSMENT_STATE_RETURNED);
  EXPECT_EQ(*ParseAssessmentStateValue(" 受理 "), v1::ASSESSMENT_STATE_ACCEPTED);
  auto bad = ParseAssessmentStateValue("closed");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Message(bad.status()),
            "unknown value \"closed\"; expected DRAFT, SUBMITTED, RETURNED, ACCEPTED or 下書き, "
            "提出済, 差戻し, 受理");
  EXPECT_EQ(AssessmentStateName(v1::ASSESSMENT_STATE_RETURNED), "RETURNED");
  EXPECT_EQ(AssessmentStateLabel(v1::ASSESSMENT_STATE_RETURNED), "差戻し");
  EXPECT_EQ(AssessmentStateLabel(v1::ASSESSMENT_STATE_SUBMITTED), "提出済");
  EXPECT_EQ(AssessmentStateName(v1::ASSESSMENT_STATE_UNSPECIFIED), "");
  EXPECT_EQ(AssessmentStateLabel(v1::ASSESSMENT_STATE_UNSPECIFIED), "");
}

TEST(AssessmentVocabTest, AdviceStates) {
  EXPECT_EQ(*ParseAdviceStateValue("open"), v1::ADVICE_STATE_OPEN);
  EXPECT_EQ(*ParseAdviceStateValue("未回答"), v1::ADVICE_STATE_OPEN);
  EXPECT_EQ(*ParseAdviceStateValue("回答済"), v1::ADVICE_STATE_ANSWERED);
  EXPECT_EQ(*ParseAdviceStateValue("ADVICE_STATE_CLOSED"), v1::ADVICE_STATE_CLOSED);
  EXPECT_EQ(*ParseAdviceStateValue("完了"), v1::ADVICE_STATE_CLOSED);
  auto bad = ParseAdviceStateValue("draft");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(bad.status()), HasSubstr("expected OPEN, ANSWERED, CLOSED or 未回答, 回答済, 完了"));
  EXPECT_EQ(AdviceStateName(v1::ADVICE_STATE_ANSWERED), "ANSWERED");
  EXPECT_EQ(AdviceStateLabel(v1::ADVICE_STATE_CLOSED), "完了");
  EXPECT_EQ(AdviceStateName(v1::ADVICE_STATE_UNSPECIFIED), "");
}

TEST(AssessmentVocabTest, Severities) {
  EXPECT_EQ(*ParseSeverityValue("info"), v1::SEVERITY_INFO);
  EXPECT_EQ(*ParseSeverityValue("情報"), v1::SEVERITY_INFO);
  EXPECT_EQ(*ParseSeverityValue("SEVERITY_WARNING"), v1::SEVERITY_WARNING);
  EXPECT_EQ(*ParseSeverityValue("注意"), v1::SEVERITY_WARNING);
  EXPECT_EQ(*ParseSeverityValue("Ｃｒｉｔｉｃａｌ"), v1::SEVERITY_CRITICAL);
  EXPECT_EQ(*ParseSeverityValue("重大"), v1::SEVERITY_CRITICAL);
  auto bad = ParseSeverityValue("high");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(bad.status()), HasSubstr("unknown value \"high\"; expected INFO, WARNING, "
                                               "CRITICAL or 情報, 注意, 重大"));
  EXPECT_EQ(SeverityName(v1::SEVERITY_CRITICAL), "CRITICAL");
  EXPECT_EQ(SeverityLabel(v1::SEVERITY_WARNING), "注意");
  EXPECT_EQ(SeverityName(v1::SEVERITY_UNSPECIFIED), "");
}

TEST(AssessmentVocabTest, EventTypes) {
  struct Case {
    v1::AssessmentEventType type;
    const char* name;
    const char* label;
  } cases[] = {
      {v1::ASSESSMENT_EVENT_TYPE_SUBMITTED, "SUBMITTED", "提出"},
      {v1::ASSESSMENT_EVENT_TYPE_RETURNED, "RETURNED", "差戻し"},
      {v1::ASSESSMENT_EVENT_TYPE_ACCEPTED, "ACCEPTED", "受理"},
      {v1::ASSESSMENT_EVENT_TYPE_REOPENED, "REOPENED", "再開"},
      {v1::ASSESSMENT_EVENT_TYPE_ADVICE_SENT, "ADVICE_SENT", "助言送付"},
      {v1::ASSESSMENT_EVENT_TYPE_ADVICE_ANSWERED, "ADVICE_ANSWERED", "助言回答"},
      {v1::ASSESSMENT_EVENT_TYPE_ADVICE_CLOSED, "ADVICE_CLOSED", "助言完了"},
      {v1::ASSESSMENT_EVENT_TYPE_ADVICE_REOPENED, "ADVICE_REOPENED", "助言再開"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(EventTypeName(c.type), c.name);
    EXPECT_EQ(EventTypeLabel(c.type), c.label);
  }
  EXPECT_EQ(EventTypeName(v1::ASSESSMENT_EVENT_TYPE_UNSPECIFIED), "");
  EXPECT_EQ(EventTypeLabel(v1::ASSESSMENT_EVENT_TYPE_UNSPECIFIED), "");
}

TEST(AssessmentVocabTest, AssessmentIds) {
  EXPECT_EQ(FormatAssessmentId("kasama-union", 2026, 1), "kasama-union-2026-1");
  EXPECT_EQ(FormatAssessmentId("shirosato-town", 2025, 12), "shirosato-town-2025-12");
}

TEST(AssessmentVocabTest, ImplementationRate) {
  // (実施 + ½ 一部実施) ÷ (items − 該当なし)
  EXPECT_DOUBLE_EQ(*ImplementationRate(10, 0, 0, 0, 0), 1.0);
  EXPECT_DOUBLE_EQ(*ImplementationRate(6, 2, 2, 0, 0), 0.7);
  EXPECT_DOUBLE_EQ(*ImplementationRate(6, 2, 1, 1, 0), 7.0 / 9.0);
  // Unanswered items count in the denominator.
  EXPECT_DOUBLE_EQ(*ImplementationRate(3, 0, 0, 0, 3), 0.5);
  EXPECT_DOUBLE_EQ(*ImplementationRate(0, 1, 0, 0, 0), 0.5);
  EXPECT_DOUBLE_EQ(*ImplementationRate(0, 0, 4, 0, 0), 0.0);
  EXPECT_DOUBLE_EQ(*ImplementationRate(0, 0, 0, 5, 1), 0.0);
  // No denominator: no item, or every item 該当なし.
  EXPECT_EQ(ImplementationRate(0, 0, 0, 0, 0), std::nullopt);
  EXPECT_EQ(ImplementationRate(0, 0, 0, 7, 0), std::nullopt);
  // Nonsense counts have no rate.
  EXPECT_EQ(ImplementationRate(-1, 0, 0, 0, 3), std::nullopt);
  // Large counts do not overflow.
  EXPECT_DOUBLE_EQ(*ImplementationRate(2000000000, 0, 0, 0, 2000000000), 0.5);
}

}  // namespace
}  // namespace seccoord::assessment
