// Tests of the article-by-article policy diff, on small policies and on a
// revision of the real document data/basic-policy-r8.txt.
#include "common/policy_diff.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace seccoord {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Kind = ArticleChange::Kind;

PolicyText ParseReference() {
  const char* source_dir = std::getenv("SECCOORD_SOURCE_DIR");
  const std::string path =
      std::string(source_dir != nullptr ? source_dir : ".") + "/data/basic-policy-r8.txt";
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path << " (set SECCOORD_SOURCE_DIR)";
  std::ostringstream contents;
  contents << in.rdbuf();
  absl::StatusOr<PolicyText> policy = ParsePolicyText(contents.str());
  EXPECT_TRUE(policy.ok()) << policy.status();
  return policy.ok() ? *policy : PolicyText{};
}

LineChange Keep(std::string text) { return {LineChange::kKeep, std::move(text)}; }
LineChange Add(std::string text) { return {LineChange::kAdd, std::move(text)}; }
LineChange Remove(std::string text) { return {LineChange::kRemove, std::move(text)}; }

// "added 第11", "changed 第6", … for compact order assertions.
std::vector<std::string> Summary(const std::vector<ArticleChange>& changes) {
  std::vector<std::string> summary;
  for (const ArticleChange& change : changes) {
    const std::string_view kind = ArticleChangeKindName(change.kind);
    summary.push_back(absl::StrCat(absl::string_view(kind.data(), kind.size()), " ", change.number));
  }
  return summary;
}

// A chapter is part of the content: an article moved to another chapter, or
// whose chapter (or section) was renamed, is changed even when its heading
// and body are the same, and the change names both chapters.
TEST(PolicyDiffTest, ChapterChangesAreChanges) {
  PolicyText from;
  from.title = "T";
  from.articles = {Article{"第1条", "（目的）", "本文。", "", "第１章　総則"},
                   Article{"第2条", "（定義）", "本文。", "", "第１章　総則"},
                   Article{"第3条", "（組織）", "本文。", "", "第２章　組織\n第１節　体制"}};
  PolicyText to = from;
  to.articles[1].chapter = "第２章　組織\n第１節　体制";  // moved
  to.articles[2].chapter = "第２章　組織\n第１節　推進体制";  // section renamed
  const std::vector<ArticleChange> changes = DiffPolicyTexts(from, to, false);
  EXPECT_THAT(Summary(changes), ElementsAre("changed 第2条", "changed 第3条"));
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].old_chapter, "第１章　総則");
  EXPECT_EQ(changes[0].new_chapter, "第２章　組織\n第１節　体制");
  for (const LineChange& line : changes[0].lines) EXPECT_EQ(line.op, LineChange::kKeep);
  EXPECT_EQ(changes[1].new_chapter, "第２章　組織\n第１節　推進体制");
  // Unchanged articles carry their chapter on both sides.
  const std::vector<ArticleChange> all = DiffPolicyTexts(from, to, true);
  EXPECT_EQ(all[0].kind, Kind::kUnchanged);
  EXPECT_EQ(all[0].old_chapter, "第１章　総則");
  EXPECT_EQ(all[0].new_chapter, "第１章　総則");
}

TEST(PolicyDiffTest, IdenticalPoliciesHaveNoChanges) {
  const PolicyText policy = ParseReference();
  EXPECT_THAT(DiffPolicyTexts(policy, policy, false), IsEmpty());

  const std::vector<ArticleChange> all = DiffPolicyTexts(policy, policy, true);
  ASSERT_EQ(all.size(), 11u);
  for (const ArticleChange& change : all) {
    EXPECT_EQ(change.kind, Kind::kUnchanged) << change.number;
    EXPECT_EQ(change.old_heading, change.new_heading);
    for (const LineChange& line : change.lines) EXPECT_EQ(line.op, LineChange::kKeep);
  }
  EXPECT_EQ(all[5].number, "第6");
  EXPECT_EQ(all[5].lines.size(), 24u);
}

TEST(PolicyDiffTest, RevisionOfTheReference) {
  const PolicyText from = ParseReference();
  PolicyText to = from;
  // 第6 (1): one line reworded, one line added after it.
  Article& article6 = to.articles[5];
  const std::string old_line =
      "情報セキュリティ対策を推進するため、管理者である笠間市の担当部署と連携し、"
      "組合の職員全員が役割を分担しながら取り組み体制を構築する。";
  const std::string new_line =
      "情報セキュリティ対策を推進するため、管理者である笠間市の担当部署と連携し、"
      "組合の職員全員が役割を分担して取り組み体制を構築する。";
  const size_t pos = article6.body.find(old_line);
  ASSERT_NE(pos, std::string::npos);
  article6.body.replace(pos, old_line.size(), new_line + "\n最高情報セキュリティ責任者を置く。");
  // 第9 removed; 第11 added before 附則; labels differ (presentation only).
  to.articles.erase(to.articles.begin() + 8);
  to.articles.insert(to.articles.end() - 1,
                     Article{"第11", "研修", "職員等は研修を受ける。\n（１）年一回"});
  to.articles[0].label = "第1";

  const std::vector<ArticleChange> changes = DiffPolicyTexts(from, to, false);
  EXPECT_THAT(Summary(changes), ElementsAre("changed 第6", "removed 第9", "added 第11"));

  const ArticleChange& changed = changes[0];
  EXPECT_EQ(changed.old_heading, "情報セキュリティ対策");
  EXPECT_EQ(changed.new_heading, "情報セキュリティ対策");
  std::vector<LineChange> edits;
  size_t kept = 0;
  for (const LineChange& line : changed.lines) {
    if (line.op == LineChange::kKeep) {
      ++kept;
    } else {
      edits.push_back(line);
    }
  }
  EXPECT_EQ(kept, 23u);
  EXPECT_THAT(edits, ElementsAre(Remove(old_line), Add(new_line),
                                 Add("最高情報セキュリティ責任者を置く。")));
  // The edit stands after "（１）組織体制" and before "（２）…".
  ASSERT_GE(changed.lines.size(), 6u);
  EXPECT_EQ(changed.lines[2], Keep("（１）組織体制"));
  EXPECT_EQ(changed.lines[3], Remove(old_line));
  EXPECT_EQ(changed.lines[6], Keep("（２）情報資産の分類と管理"));

  const ArticleChange& removed = changes[1];
  EXPECT_EQ(removed.old_heading, "情報セキュリティ対策基準の策定");
  EXPECT_EQ(removed.new_heading, "");
  ASSERT_EQ(removed.lines.size(), 1u);
  EXPECT_EQ(removed.lines[0].op, LineChange::kRemove);

  const ArticleChange& added = changes[2];
  EXPECT_EQ(added.old_heading, "");
  EXPECT_EQ(added.new_heading, "研修");
  EXPECT_THAT(added.lines, ElementsAre(Add("職員等は研修を受ける。"), Add("（１）年一回")));

  const std::vector<ArticleChange> all = DiffPolicyTexts(from, to, true);
  EXPECT_THAT(Summary(all),
              ElementsAre("unchanged 第1", "unchanged 第2", "unchanged 第3", "unchanged 第4",
                          "unchanged 第5", "changed 第6", "unchanged 第7", "unchanged 第8",
                          "removed 第9", "unchanged 第10", "added 第11", "unchanged 附則"));
}

TEST(PolicyDiffTest, HeadingOnlyChangeKeepsAllLines) {
  const PolicyText from{"T", {Article{"第1", "目的", "一。\n二。"}}};
  const PolicyText to{"T", {Article{"第1", "趣旨", "一。\n二。"}}};
  const std::vector<ArticleChange> changes = DiffPolicyTexts(from, to, false);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, Kind::kChanged);
  EXPECT_EQ(changes[0].old_heading, "目的");
  EXPECT_EQ(changes[0].new_heading, "趣旨");
  EXPECT_THAT(changes[0].lines, ElementsAre(Keep("一。"), Keep("二。")));
}

TEST(PolicyDiffTest, WhitespaceTheHashIgnoresIsNoChange) {
  const PolicyText from{"T", {Article{"第1", "目的", "一。\n二。"}}};
  const PolicyText to{"T", {Article{"第1", " 目的\u3000", "一。 \r\n二。\u3000\n\n", "第１"}}};
  EXPECT_THAT(DiffPolicyTexts(from, to, false), IsEmpty());
  EXPECT_EQ(ContentHashHex(from), ContentHashHex(to));
}

TEST(PolicyDiffTest, RemovedArticlesStandWhereTheyStood) {
  const PolicyText from{"T", {Article{"第1", "a", "x"}, Article{"第2", "b", "y"},
                              Article{"第3", "c", "z"}, Article{"附則", "", "w"}}};
  const PolicyText to{"T", {Article{"第1", "a", "x"}, Article{"第4", "d", "v"},
                            Article{"附則", "", "w"}}};
  EXPECT_THAT(Summary(DiffPolicyTexts(from, to, true)),
              ElementsAre("unchanged 第1", "removed 第2", "removed 第3", "added 第4",
                          "unchanged 附則"));
  EXPECT_THAT(Summary(DiffPolicyTexts(to, from, false)),
              ElementsAre("removed 第4", "added 第2", "added 第3"));
}

TEST(PolicyDiffTest, EmptySides) {
  const PolicyText empty;
  const PolicyText policy{"T", {Article{"第1", "a", "x\ny"}, Article{"第2", "b", ""}}};
  const std::vector<ArticleChange> added = DiffPolicyTexts(empty, policy, false);
  EXPECT_THAT(Summary(added), ElementsAre("added 第1", "added 第2"));
  EXPECT_THAT(added[0].lines, ElementsAre(Add("x"), Add("y")));
  EXPECT_THAT(added[1].lines, IsEmpty());
  EXPECT_THAT(Summary(DiffPolicyTexts(policy, empty, false)),
              ElementsAre("removed 第1", "removed 第2"));
}

TEST(PolicyDiffLinesTest, LongestCommonSubsequence) {
  EXPECT_THAT(DiffBodyLines("a\nb\nc\nd", "a\nc\nd\ne"),
              ElementsAre(Keep("a"), Remove("b"), Keep("c"), Keep("d"), Add("e")));
  EXPECT_THAT(DiffBodyLines("a\nb\nc", "a\nx\nc"),
              ElementsAre(Keep("a"), Remove("b"), Add("x"), Keep("c")));
  EXPECT_THAT(DiffBodyLines("", "a"), ElementsAre(Add("a")));
  EXPECT_THAT(DiffBodyLines("a", ""), ElementsAre(Remove("a")));
  EXPECT_THAT(DiffBodyLines("", ""), IsEmpty());
  // Blank lines in the middle are lines too.
  EXPECT_THAT(DiffBodyLines("a\n\nb", "a\nb"),
              ElementsAre(Keep("a"), Remove(""), Keep("b")));
  // Repeated lines: the LCS keeps as many as possible.
  EXPECT_THAT(DiffBodyLines("x\ny\nx\ny", "y\nx\ny\nx"),
              ElementsAre(Remove("x"), Keep("y"), Keep("x"), Keep("y"), Add("x")));
}

TEST(PolicyDiffLinesTest, HugeBodiesStayBounded) {
  std::string old_body, new_body;
  for (int i = 0; i < 3000; ++i) {
    absl::StrAppend(&old_body, "old ", i, "\n");
    absl::StrAppend(&new_body, "new ", i, "\n");
  }
  const std::vector<LineChange> lines = DiffBodyLines(
      absl::StrCat("same\n", old_body, "end"), absl::StrCat("same\n", new_body, "end"));
  ASSERT_EQ(lines.size(), 6002u);
  EXPECT_EQ(lines.front(), Keep("same"));
  EXPECT_EQ(lines[1], Remove("old 0"));
  EXPECT_EQ(lines[3001], Add("new 0"));
  EXPECT_EQ(lines.back(), Keep("end"));
}

}  // namespace
}  // namespace seccoord
