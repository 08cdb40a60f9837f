// Tests of the checklist loader of the assessment service: the shipped
// default checklist (data/checklists/2026.1.yaml) against the seed basic
// policy and the asset service's rule table, every validation error of a
// checklist file, the content hash, FirstDifference, the directory loader and
// the article check.
#include "services/assessment/checklist.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/policy_text.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/asset/compliance_rules.h"

#ifndef SECCOORD_SOURCE_DIR_DEFAULT
#define SECCOORD_SOURCE_DIR_DEFAULT "."
#endif

namespace seccoord::assessment {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// The asset service's rule ids (services/asset/compliance_rules.h).
const std::set<std::string> kAssetRuleIds = {
    "SENSITIVE_MFA_EXPORT",     "SENSITIVE_CROSS_SEGMENT", "INTERNET_MONITORING",
    "TERMS_BASED_CONFIDENTIAL", "AVAILABILITY_BACKUP",     "LOCATION_MISSING",
    "RETIRED_MEDIA_ERASURE"};

std::string SourceDir() {
  const char* dir = std::getenv("SECCOORD_SOURCE_DIR");
  return dir != nullptr ? dir : SECCOORD_SOURCE_DIR_DEFAULT;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path << " (set SECCOORD_SOURCE_DIR)";
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

std::string DefaultChecklistPath() { return SourceDir() + "/data/checklists/2026.1.yaml"; }

PolicyText SeedPolicy() {
  absl::StatusOr<PolicyText> policy =
      ParsePolicyText(ReadFile(SourceDir() + "/data/basic-policy-r8.txt"));
  EXPECT_TRUE(policy.ok()) << policy.status();
  return policy.ok() ? *policy : PolicyText{};
}

v1::Checklist DefaultChecklist() {
  absl::StatusOr<v1::Checklist> checklist =
      ParseChecklist(ReadFile(DefaultChecklistPath()), "2026.1.yaml");
  EXPECT_TRUE(checklist.ok()) << checklist.status();
  return checklist.ok() ? *checklist : v1::Checklist{};
}

std::string Message(const absl::Status& status) { return std::string(status.message()); }

// --- The shipped default checklist -----------------------------------------

TEST(DefaultChecklistTest, ParsesWithAboutFortyItemsInEveryChapter) {
  const v1::Checklist checklist = DefaultChecklist();
  EXPECT_EQ(checklist.version(), "2026.1");
  EXPECT_EQ(checklist.title(), "令和8年度 情報セキュリティ自己点検票");
  EXPECT_TRUE(checklist.is_default());
  EXPECT_GE(checklist.items_size(), 35);
  EXPECT_LE(checklist.items_size(), 45);
  EXPECT_EQ(checklist.item_count(), checklist.items_size());
  EXPECT_EQ(checklist.content_hash(), ChecklistContentHash(checklist));
  std::set<int> chapters;
  for (const v1::ChecklistItem& item : checklist.items()) chapters.insert(item.chapter());
  EXPECT_EQ(chapters, (std::set<int>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST(DefaultChecklistTest, MostItemsRequiredSomeNot) {
  const v1::Checklist checklist = DefaultChecklist();
  int required = 0;
  for (const v1::ChecklistItem& item : checklist.items()) required += item.required() ? 1 : 0;
  EXPECT_GT(required, checklist.items_size() * 3 / 4);
  EXPECT_LT(required, checklist.items_size());
}

TEST(DefaultChecklistTest, EveryArticleExistsInTheSeedPolicy) {
  const PolicyText policy = SeedPolicy();
  ASSERT_FALSE(policy.articles.empty());
  const v1::Checklist checklist = DefaultChecklist();
  for (const v1::ChecklistItem& item : checklist.items()) {
    EXPECT_TRUE(CheckArticleReference(policy, item.article()).ok())
        << item.id() << ": " << CheckArticleReference(policy, item.article());
  }
}

TEST(DefaultChecklistTest, DerivedFromTheSeedPolicyRevision) {
  const v1::Checklist checklist = DefaultChecklist();
  EXPECT_EQ(checklist.derived_from().document_id(), "basic-policy");
  EXPECT_EQ(checklist.derived_from().revision_number(), 1);
  EXPECT_EQ(checklist.derived_from().content_hash(), ContentHashHex(SeedPolicy()));
}

TEST(DefaultChecklistTest, AssetRulesAreRulesOfTheAssetService) {
  // The hard-coded list and the asset service's table agree ...
  std::set<std::string> table;
  for (const asset::ComplianceRule& rule : asset::ComplianceRules()) {
    table.insert(std::string(rule.id));
  }
  EXPECT_EQ(table, kAssetRuleIds);
  // ... and the checklist names only those, and every one of them somewhere.
  std::set<std::string> named;
  const v1::Checklist checklist = DefaultChecklist();
  for (const v1::ChecklistItem& item : checklist.items()) {
    for (const std::string& rule : item.asset_rule_ids()) {
      EXPECT_EQ(kAssetRuleIds.count(rule), 1u) << item.id() << ": " << rule;
      EXPECT_NE(asset::FindComplianceRule(rule), nullptr) << item.id() << ": " << rule;
      named.insert(rule);
    }
  }
  EXPECT_EQ(named, kAssetRuleIds);
}

TEST(DefaultChecklistTest, ResilienceItemsCarryTheirRules) {
  const v1::Checklist checklist = DefaultChecklist();
  auto rules_of = [&](const std::string& id) {
    for (const v1::ChecklistItem& item : checklist.items()) {
      if (item.id() == id) {
        return std::vector<std::string>(item.asset_rule_ids().begin(),
                                        item.asset_rule_ids().end());
      }
    }
    ADD_FAILURE() << "no item " << id;
    return std::vector<std::string>{};
  };
  EXPECT_THAT(rules_of("3-1"), ::testing::Contains("SENSITIVE_CROSS_SEGMENT"));
  EXPECT_THAT(rules_of("3-2"), ::testing::Contains("SENSITIVE_MFA_EXPORT"));
  EXPECT_THAT(rules_of("3-3"), ::testing::Contains("SENSITIVE_MFA_EXPORT"));
  EXPECT_THAT(rules_of("3-4"), ::testing::Contains("INTERNET_MONITORING"));
}

TEST(DefaultChecklistTest, LoadedFromTheDataDirectoryAsTheOnlyDefault) {
  absl::StatusOr<std::vector<v1::Checklist>> all =
      LoadChecklistDir(SourceDir() + "/data/checklists");
  ASSERT_TRUE(all.ok()) << all.status();
  int defaults = 0;
  for (const v1::Checklist& checklist : *all) defaults += checklist.is_default() ? 1 : 0;
  EXPECT_EQ(defaults, 1);
}

// --- CheckArticleReference ---------------------------------------------------

TEST(CheckArticleReferenceTest, AcceptsArticlesItemsAndSubItems) {
  const PolicyText policy = SeedPolicy();
  for (const char* article : {"第1", "第5", "第6", "第6(1)", "第6(3)", "第6(3)ア", "第6(3)イ",
                              "第6(8)", "第6(9)", "第7", "第8", "第10", "第2(9)", "第3(5)",
                              "第4(2)ウ"}) {
    EXPECT_TRUE(CheckArticleReference(policy, article).ok())
        << article << ": " << CheckArticleReference(policy, article);
  }
}

TEST(CheckArticleReferenceTest, AcceptsFullWidthForms) {
  const PolicyText policy = SeedPolicy();
  EXPECT_TRUE(CheckArticleReference(policy, "第６（３）ア").ok());
  EXPECT_TRUE(CheckArticleReference(policy, "第６(３)イ").ok());
  EXPECT_TRUE(CheckArticleReference(policy, "第6（8）").ok());
}

TEST(CheckArticleReferenceTest, RefusesMissingItem) {
  const absl::Status status = CheckArticleReference(SeedPolicy(), "第6(12)");
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Message(status), "第6(12): no item (12) in 第6");
}

TEST(CheckArticleReferenceTest, RefusesMissingSubItem) {
  const absl::Status status = CheckArticleReference(SeedPolicy(), "第6(3)ウ");
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Message(status), "第6(3)ウ: no sub-item ウ in 第6(3)");
  // ア belongs to 第6(3), not to the items around it.
  EXPECT_EQ(CheckArticleReference(SeedPolicy(), "第6(4)ア").code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CheckArticleReference(SeedPolicy(), "第6(2)ア").code(),
            absl::StatusCode::kNotFound);
}

TEST(CheckArticleReferenceTest, RefusesMissingArticle) {
  const absl::Status status = CheckArticleReference(SeedPolicy(), "第11");
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Message(status), "第11: no article 第11 in the policy");
  EXPECT_EQ(CheckArticleReference(SeedPolicy(), "第11(1)").code(),
            absl::StatusCode::kNotFound);
}

TEST(CheckArticleReferenceTest, RefusesMalformedReferences) {
  const PolicyText policy = SeedPolicy();
  for (const char* article : {"", "6(3)ア", "第", "第6(", "第6()", "第6(3", "第6(3)アイ",
                              "第6ア", "第6(3)a", "第0"}) {
    EXPECT_EQ(CheckArticleReference(policy, article).code(),
              absl::StatusCode::kInvalidArgument)
        << article;
  }
}

TEST(CheckArticleReferenceTest, SubItemWithIdeographicSpaceAndBracketForm) {
  PolicyText policy;
  policy.articles.push_back(Article{"第3", "見出し",
                                    "（１）一\n　ア　甲\n（イ）乙\n(2)二\nウ 丙\nアクセス"});
  EXPECT_TRUE(CheckArticleReference(policy, "第3(1)ア").ok());
  EXPECT_TRUE(CheckArticleReference(policy, "第3(1)イ").ok());
  EXPECT_EQ(CheckArticleReference(policy, "第3(1)ウ").code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(CheckArticleReference(policy, "第3(2)ウ").ok());
  // "アクセス…" is running text, not the sub-item ア.
  EXPECT_EQ(CheckArticleReference(policy, "第3(2)ア").code(), absl::StatusCode::kNotFound);
}

// --- ParseChecklist: validation ------------------------------------------------

// A small valid checklist; tests replace one piece of it.
constexpr char kValid[] = R"(version: "t.1"
title: テスト点検票
derived_from:
  document: basic-policy
  revision: 1
  content_hash: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
items:
  - id: "1-1"
    chapter: 1
    chapter_title: 組織体制
    question: 体制を定めていますか。
    article: 第6(1)
    required: true
    asset_rules: []
  - id: "1-2"
    chapter: 1
    chapter_title: 組織体制
    question: 連絡先を定めていますか。
    article: 第6(1)
    required: true
  - id: "3-2"
    chapter: 3
    chapter_title: 強靭性
    question: 持ち出し不可設定をしていますか。
    article: 第6(3)ア
    required: false
    asset_rules: [SENSITIVE_MFA_EXPORT]
)";

std::string With(std::string_view from, std::string_view to) {
  std::string text = kValid;
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

absl::Status ParseError(const std::string& text) {
  absl::StatusOr<v1::Checklist> result = ParseChecklist(text, "bad.yaml");
  EXPECT_FALSE(result.ok());
  return result.status();
}

void ExpectError(const std::string& text, std::string_view expected_prefix) {
  const absl::Status status = ParseError(text);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(Message(status), StartsWith(std::string(expected_prefix))) << status;
}

TEST(ParseChecklistTest, ValidFileFillsEveryField) {
  absl::StatusOr<v1::Checklist> checklist = ParseChecklist(kValid, "ok.yaml");
  ASSERT_TRUE(checklist.ok()) << checklist.status();
  EXPECT_EQ(checklist->version(), "t.1");
  EXPECT_EQ(checklist->title(), "テスト点検票");
  EXPECT_FALSE(checklist->is_default());
  EXPECT_EQ(checklist->derived_from().document_id(), "basic-policy");
  EXPECT_EQ(checklist->derived_from().revision_number(), 1);
  EXPECT_EQ(checklist->item_count(), 3);
  ASSERT_EQ(checklist->items_size(), 3);
  const v1::ChecklistItem& item = checklist->items(2);
  EXPECT_EQ(item.id(), "3-2");
  EXPECT_EQ(item.chapter(), 3);
  EXPECT_EQ(item.chapter_title(), "強靭性");
  EXPECT_EQ(item.question(), "持ち出し不可設定をしていますか。");
  EXPECT_EQ(item.article(), "第6(3)ア");
  EXPECT_FALSE(item.required());
  EXPECT_THAT(item.asset_rule_ids(), ::testing::ElementsAre("SENSITIVE_MFA_EXPORT"));
  EXPECT_EQ(checklist->items(1).asset_rule_ids_size(), 0);
  EXPECT_EQ(checklist->content_hash().size(), 64u);
}

TEST(ParseChecklistTest, DefaultFlag) {
  absl::StatusOr<v1::Checklist> checklist =
      ParseChecklist(With("title:", "default: true\ntitle:"), "ok.yaml");
  ASSERT_TRUE(checklist.ok()) << checklist.status();
  EXPECT_TRUE(checklist->is_default());
  ExpectError(With("title:", "default: maybe\ntitle:"), "bad.yaml: default: must be true or false");
}

TEST(ParseChecklistTest, RefusesDuplicateId) {
  ExpectError(With(R"(id: "1-2")", R"(id: "1-1")"),
              "bad.yaml: items[1] (1-1): id: duplicate id (also items[0])");
}

TEST(ParseChecklistTest, RefusesItemsOutOfOrder) {
  ExpectError(With(R"(id: "1-2")", R"(id: "1-0")"), "bad.yaml: items[1]: id:");
  std::string swapped = With(R"(id: "1-1")", R"(id: "1-3")");
  ExpectError(swapped, "bad.yaml: items[1] (1-2): id: out of order: comes after 1-3");
}

TEST(ParseChecklistTest, RefusesMalformedId) {
  ExpectError(With(R"(id: "3-2")", R"(id: "3.2")"), "bad.yaml: items[2]: id: \"3.2\" is not");
  ExpectError(With(R"(id: "3-2")", R"(id: "10-2")"), "bad.yaml: items[2]: id:");
  ExpectError(With(R"(id: "3-2")", R"(id: "")"), "bad.yaml: items[2]: id: must not be empty");
}

TEST(ParseChecklistTest, RefusesChapterMismatch) {
  ExpectError(With("chapter: 3\n", "chapter: 4\n"),
              "bad.yaml: items[2] (3-2): chapter: 4 does not match the id's chapter 3");
  ExpectError(With("chapter: 3\n", "chapter: three\n"),
              "bad.yaml: items[2] (3-2): chapter: must be an integer");
}

TEST(ParseChecklistTest, RefusesDifferentChapterTitlesInOneChapter) {
  ExpectError(With("chapter_title: 組織体制\n    question: 連絡先",
                   "chapter_title: 組織\n    question: 連絡先"),
              "bad.yaml: items[1] (1-2): chapter_title: \"組織\" differs from \"組織体制\" of "
              "items[0] (1-1)");
}

TEST(ParseChecklistTest, RefusesEmptyChapterTitle) {
  ExpectError(With("chapter_title: 強靭性", "chapter_title: \"\""),
              "bad.yaml: items[2] (3-2): chapter_title: must not be empty");
}

TEST(ParseChecklistTest, RefusesUnknownKeys) {
  ExpectError(With("    required: false", "    required: false\n    weight: 2"),
              "bad.yaml: items[2] (3-2): weight: unknown key");
  ExpectError(With("title:", "owner: x\ntitle:"), "bad.yaml: owner: unknown key");
  ExpectError(With("  revision: 1", "  revision: 1\n  date: 2026-04-01"),
              "bad.yaml: derived_from.date: unknown key");
}

TEST(ParseChecklistTest, RefusesDuplicateKeys) {
  ExpectError(With("    article: 第6(3)ア", "    article: 第6(3)ア\n    article: 第6(3)イ"),
              "bad.yaml: items[2] (3-2): article: duplicate key");
}

TEST(ParseChecklistTest, RefusesInvalidUtf8) {
  ExpectError(With("持ち出し不可設定をしていますか。", "\xE6\x8C"),
              "bad.yaml: items[2] (3-2): question: is not valid UTF-8");
}

TEST(ParseChecklistTest, RefusesEmptyOrOversizedQuestion) {
  ExpectError(With("question: 持ち出し不可設定をしていますか。", "question: \"\""),
              "bad.yaml: items[2] (3-2): question: must not be empty");
  ExpectError(With("question: 持ち出し不可設定をしていますか。", "question:"),
              "bad.yaml: items[2] (3-2): question: must not be empty");
  std::string long_question;
  for (int i = 0; i < 334; ++i) long_question += "あ";  // 1002 bytes
  ExpectError(With("持ち出し不可設定をしていますか。", long_question),
              "bad.yaml: items[2] (3-2): question: exceeds 1000 bytes");
  ExpectError(With("question: 持ち出し不可設定をしていますか。", "question: [a, b]"),
              "bad.yaml: items[2] (3-2): question: must be a string");
}

TEST(ParseChecklistTest, RefusesMissingFieldOfAnItem) {
  ExpectError(With("    article: 第6(3)ア\n", ""),
              "bad.yaml: items[2] (3-2): article: missing");
  ExpectError(With("    required: false\n", ""),
              "bad.yaml: items[2] (3-2): required: missing");
}

TEST(ParseChecklistTest, RefusesBadArticleForm) {
  for (const char* article : {"6(3)ア", "第6(3)アイ", "第６（３）ア", "第6-3", "第06(3)",
                              "第6(3)a", "第6(0)", "Art. 6"}) {
    ExpectError(With("article: 第6(3)ア", absl::StrCat("article: \"", article, "\"")),
                "bad.yaml: items[2] (3-2): article: ");
  }
}

TEST(ParseChecklistTest, RefusesBadRequiredFlag) {
  ExpectError(With("required: false", "required: maybe"),
              "bad.yaml: items[2] (3-2): required: must be true or false");
}

TEST(ParseChecklistTest, RefusesBadAssetRules) {
  ExpectError(With("[SENSITIVE_MFA_EXPORT]", "[sensitive_mfa]"),
              "bad.yaml: items[2] (3-2): asset_rules[0]: \"sensitive_mfa\" is not a rule id");
  ExpectError(With("[SENSITIVE_MFA_EXPORT]", "[A, A]"),
              "bad.yaml: items[2] (3-2): asset_rules[1]: duplicate rule id A");
  ExpectError(With("[SENSITIVE_MFA_EXPORT]", "SENSITIVE_MFA_EXPORT"),
              "bad.yaml: items[2] (3-2): asset_rules: must be a list");
  std::string many = "[";
  for (int i = 0; i < 21; ++i) absl::StrAppend(&many, i > 0 ? ", " : "", "R", i);
  many += "]";
  ExpectError(With("[SENSITIVE_MFA_EXPORT]", many),
              "bad.yaml: items[2] (3-2): asset_rules: more than 20 rule ids");
}

TEST(ParseChecklistTest, RefusesBadContentHash) {
  ExpectError(With("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                   "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"),
              "bad.yaml: derived_from.content_hash: must be 64 lowercase hex digits");
  ExpectError(With("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "abc"),
              "bad.yaml: derived_from.content_hash: must be 64 lowercase hex digits");
}

TEST(ParseChecklistTest, RefusesBadDerivedFrom) {
  ExpectError(With("revision: 1", "revision: 0"),
              "bad.yaml: derived_from.revision: must be 1 or more");
  ExpectError(With("revision: 1", "revision: one"),
              "bad.yaml: derived_from.revision: must be an integer");
  ExpectError(With("  document: basic-policy\n", ""), "bad.yaml: derived_from.document: missing");
}

TEST(ParseChecklistTest, RefusesMissingTitle) {
  ExpectError(With("title: テスト点検票\n", ""), "bad.yaml: title: missing");
  ExpectError(With("title: テスト点検票", "title: \"\""), "bad.yaml: title: must not be empty");
}

TEST(ParseChecklistTest, RefusesBadVersion) {
  ExpectError(With(R"(version: "t.1")", R"(version: "t 1")"), "bad.yaml: version: may only");
  ExpectError(With(R"(version: "t.1")", R"(version: "")"),
              "bad.yaml: version: must not be empty");
  ExpectError(With(R"(version: "t.1")", absl::StrCat("version: ", std::string(33, '1'))),
              "bad.yaml: version: exceeds 32 bytes");
}

TEST(ParseChecklistTest, RefusesEmptyOrTooManyItems) {
  const size_t at = std::string(kValid).find("items:");
  ExpectError(std::string(kValid).substr(0, at) + "items: []\n",
              "bad.yaml: items: must not be empty");
  std::string many = std::string(kValid).substr(0, at) + "items:\n";
  for (int i = 1; i <= 501; ++i) {
    absl::StrAppend(&many, "  - {id: \"1-", i, "\", chapter: 1, chapter_title: t, question: q,",
                    " article: 第6(1), required: true}\n");
  }
  ExpectError(many, "bad.yaml: items: more than 500 items");
}

TEST(ParseChecklistTest, RefusesInvalidYamlAndNonMaps) {
  ExpectError("version: [unclosed\n", "bad.yaml: YAML: ");
  ExpectError("", "bad.yaml: must be a YAML map");
  ExpectError("- a\n- b\n", "bad.yaml: must be a YAML map");
  ExpectError(With(R"(  - id: "1-2")", "  - just text\n  - id: \"1-2\""),
              "bad.yaml: items[1]: must be a map");
}

// --- ChecklistContentHash and FirstDifference -------------------------------

v1::Checklist Valid() {
  absl::StatusOr<v1::Checklist> checklist = ParseChecklist(kValid, "ok.yaml");
  EXPECT_TRUE(checklist.ok()) << checklist.status();
  return checklist.ok() ? *checklist : v1::Checklist{};
}

TEST(ChecklistContentHashTest, ChangesWithAQuestionNotWithTheDefaultFlag) {
  const v1::Checklist base = Valid();
  const std::string hash = ChecklistContentHash(base);
  EXPECT_EQ(hash.size(), 64u);

  v1::Checklist changed = base;
  changed.mutable_items(1)->set_question("連絡先を定めていますか？");
  EXPECT_NE(ChecklistContentHash(changed), hash);

  v1::Checklist flagged = base;
  flagged.set_is_default(!base.is_default());
  flagged.set_content_hash("x");
  flagged.set_item_count(99);
  EXPECT_EQ(ChecklistContentHash(flagged), hash);
}

TEST(ChecklistContentHashTest, ChangesWithEveryHashedField) {
  const v1::Checklist base = Valid();
  const std::string hash = ChecklistContentHash(base);
  std::vector<v1::Checklist> variants(10, base);
  variants[0].set_version("t.2");
  variants[1].set_title("別の題");
  variants[2].mutable_derived_from()->set_revision_number(2);
  variants[3].mutable_derived_from()->set_content_hash(std::string(64, 'a'));
  variants[4].mutable_items(0)->set_article("第6(2)");
  variants[5].mutable_items(0)->set_required(false);
  variants[6].mutable_items(0)->add_asset_rule_ids("X");
  variants[7].mutable_items(0)->set_chapter_title("体制");
  variants[8].mutable_items()->SwapElements(0, 1);
  variants[9].mutable_derived_from()->set_document_id("other");
  for (size_t i = 0; i < variants.size(); ++i) {
    EXPECT_NE(ChecklistContentHash(variants[i]), hash) << i;
    EXPECT_NE(FirstDifference(base, variants[i]), "") << i;
  }
}

TEST(ChecklistContentHashTest, FieldBoundariesAreUnambiguous) {
  v1::Checklist a = Valid();
  v1::Checklist b = Valid();
  a.set_version("t.1");
  a.set_title("ab");
  b.set_version("t.1a");
  b.set_title("b");
  EXPECT_NE(ChecklistContentHash(a), ChecklistContentHash(b));
}

TEST(FirstDifferenceTest, EqualContentIsEmpty) {
  v1::Checklist loaded = Valid();
  loaded.set_is_default(true);
  EXPECT_EQ(FirstDifference(Valid(), loaded), "");
}

TEST(FirstDifferenceTest, NamesAChangedQuestion) {
  v1::Checklist loaded = Valid();
  loaded.mutable_items(2)->set_question("別の質問");
  EXPECT_EQ(FirstDifference(Valid(), loaded), "item 3-2: question differs");
}

TEST(FirstDifferenceTest, NamesAnAddedItem) {
  v1::Checklist loaded = Valid();
  v1::ChecklistItem* item = loaded.add_items();
  *item = loaded.items(2);
  item->set_id("4-5");
  item->set_chapter(4);
  EXPECT_EQ(FirstDifference(Valid(), loaded), "item 4-5 added");
}

TEST(FirstDifferenceTest, NamesARemovedItem) {
  v1::Checklist loaded = Valid();
  loaded.mutable_items()->DeleteSubrange(0, 1);
  EXPECT_EQ(FirstDifference(Valid(), loaded), "item 1-1 removed");
}

TEST(FirstDifferenceTest, NamesHeaderDifferences) {
  v1::Checklist loaded = Valid();
  loaded.set_title("別");
  EXPECT_EQ(FirstDifference(Valid(), loaded), "title differs");
  loaded = Valid();
  loaded.mutable_derived_from()->set_revision_number(2);
  EXPECT_EQ(FirstDifference(Valid(), loaded), "derived_from.revision differs");
  loaded = Valid();
  loaded.mutable_items(0)->add_asset_rule_ids("X");
  EXPECT_EQ(FirstDifference(Valid(), loaded), "item 1-1: asset_rules differs");
  loaded = Valid();
  loaded.mutable_items()->SwapElements(0, 1);
  EXPECT_EQ(FirstDifference(Valid(), loaded),
            "item order differs at position 0: 1-1 stored, 1-2 loaded");
}

// --- LoadChecklistDir ----------------------------------------------------------

class LoadChecklistDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/checklist_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream out(dir_ + "/" + name, std::ios::binary);
    out << text;
  }
  static std::string Version(const std::string& version, bool is_default) {
    std::string text = absl::StrReplaceAll(kValid, {{"\"t.1\"", "\"" + version + "\""}});
    if (is_default) text = absl::StrReplaceAll(text, {{"\ntitle:", "\ndefault: true\ntitle:"}});
    return text;
  }
  std::string dir_;
};

TEST_F(LoadChecklistDirTest, ReadsYamlFilesInNameOrder) {
  Write("b.yaml", Version("2026.2", false));
  Write("a.yaml", Version("2026.1", true));
  Write("notes.txt", "not a checklist");
  absl::StatusOr<std::vector<v1::Checklist>> all = LoadChecklistDir(dir_);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].version(), "2026.1");
  EXPECT_TRUE((*all)[0].is_default());
  EXPECT_EQ((*all)[1].version(), "2026.2");
  EXPECT_FALSE((*all)[1].is_default());
}

TEST_F(LoadChecklistDirTest, RefusesTwoDefaultsNamingBothFiles) {
  Write("a.yaml", Version("2026.1", true));
  Write("b.yaml", Version("2026.2", true));
  absl::StatusOr<std::vector<v1::Checklist>> all = LoadChecklistDir(dir_);
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(all.status()), HasSubstr(dir_ + "/a.yaml"));
  EXPECT_THAT(Message(all.status()), HasSubstr(dir_ + "/b.yaml: default:"));
}

TEST_F(LoadChecklistDirTest, RefusesDuplicateVersionsNamingBothFiles) {
  Write("a.yaml", Version("2026.1", false));
  Write("b.yaml", Version("2026.1", false));
  absl::StatusOr<std::vector<v1::Checklist>> all = LoadChecklistDir(dir_);
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Message(all.status()),
            absl::StrCat(dir_, "/b.yaml: version: 2026.1 is also the version of ", dir_,
                         "/a.yaml"));
}

TEST_F(LoadChecklistDirTest, NamesTheFileOfAnInvalidChecklist) {
  Write("a.yaml", Version("2026.1", false));
  Write("z.yaml", "version: \"x\"\n");
  absl::StatusOr<std::vector<v1::Checklist>> all = LoadChecklistDir(dir_);
  ASSERT_FALSE(all.ok());
  EXPECT_THAT(Message(all.status()), StartsWith(dir_ + "/z.yaml: "));
}

TEST_F(LoadChecklistDirTest, MissingDirectoryIsNotFound) {
  EXPECT_EQ(LoadChecklistDir(dir_ + "/nope").status().code(), absl::StatusCode::kNotFound);
  Write("file.yaml", Version("2026.1", false));
  EXPECT_EQ(LoadChecklistDir(dir_ + "/file.yaml").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(LoadChecklistDirTest, EmptyDirectoryGivesNoChecklists) {
  absl::StatusOr<std::vector<v1::Checklist>> all = LoadChecklistDir(dir_);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_TRUE(all->empty());
}

}  // namespace
}  // namespace seccoord::assessment
