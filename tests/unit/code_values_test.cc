// Coded values: normalisation, matching by name, label, alias and prefix,
// and the messages of refusals.
#include "common/code_values.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace seccoord {
namespace {

using ::testing::HasSubstr;

const EnumSpec& Spec() {
  static const EnumSpec* const spec = new EnumSpec{
      {"ITEM_RESULT_"},
      {{1, "IMPLEMENTED", "実施", {}},
       {2, "NOT_APPLICABLE", "該当なし", {"N/A"}},
       {3, "2", "2", {}}}};
  return *spec;
}

TEST(CodeValuesTest, NormalizeCode) {
  EXPECT_EQ(NormalizeCode(" terms-based "), "TERMS_BASED");
  EXPECT_EQ(NormalizeCode("　Ｉｎｆｏｒｍａｔｉｏｎ Ｓｙｓｔｅｍ　"), "INFORMATION_SYSTEM");
  EXPECT_EQ(NormalizeCode("一部実施"), "一部実施");
  EXPECT_EQ(NormalizeCode(""), "");
}

TEST(CodeValuesTest, MatchesNameLabelAliasAndPrefix) {
  EXPECT_EQ(*ParseChoice(Spec(), "implemented"), 1);
  EXPECT_EQ(*ParseChoice(Spec(), "ITEM_RESULT_IMPLEMENTED"), 1);
  EXPECT_EQ(*ParseChoice(Spec(), "item-result-implemented"), 1);
  EXPECT_EQ(*ParseChoice(Spec(), " 実施　"), 1);
  EXPECT_EQ(*ParseChoice(Spec(), "not applicable"), 2);
  EXPECT_EQ(*ParseChoice(Spec(), "n/a"), 2);
  EXPECT_EQ(*ParseChoice(Spec(), "２"), 3);
  // A prefix alone is no value.
  EXPECT_FALSE(ParseChoice(Spec(), "ITEM_RESULT_").ok());
}

TEST(CodeValuesTest, RefusalsListTheValues) {
  auto unknown = ParseChoice(Spec(), "done");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(unknown.status().message()),
            "unknown value \"done\"; expected IMPLEMENTED, NOT_APPLICABLE, 2 or 実施, 該当なし");
  auto empty = ParseChoice(Spec(), " 　");
  ASSERT_FALSE(empty.ok());
  EXPECT_THAT(std::string(empty.status().message()), HasSubstr("empty value; expected"));
  EXPECT_EQ(ExpectedChoices(Spec()), "expected IMPLEMENTED, NOT_APPLICABLE, 2 or 実施, 該当なし");
}

TEST(CodeValuesTest, NamesAndLabels) {
  EXPECT_EQ(NameIn(Spec(), 2), "NOT_APPLICABLE");
  EXPECT_EQ(LabelIn(Spec(), 2), "該当なし");
  EXPECT_EQ(NameIn(Spec(), 9), "");
  EXPECT_EQ(LabelIn(Spec(), 0), "");
}

}  // namespace
}  // namespace seccoord
