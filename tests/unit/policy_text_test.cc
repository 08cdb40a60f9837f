// Tests of the policy text importer, renderer and hashes, mostly on the real
// document data/basic-policy-r8.txt with its full- and half-width digits,
// stray and ideographic spaces, mid-sentence line breaks and 附則.
#include "common/policy_text.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace seccoord {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadReferencePolicy() {
  const char* source_dir = std::getenv("SECCOORD_SOURCE_DIR");
  const std::string path =
      std::string(source_dir != nullptr ? source_dir : ".") + "/data/basic-policy-r8.txt";
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path << " (set SECCOORD_SOURCE_DIR)";
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

PolicyText ParseReference() {
  absl::StatusOr<PolicyText> policy = ParsePolicyText(ReadReferencePolicy());
  EXPECT_TRUE(policy.ok()) << policy.status();
  return policy.ok() ? *policy : PolicyText{};
}

const Article* FindArticle(const PolicyText& policy, std::string_view number) {
  for (const Article& article : policy.articles) {
    if (article.number == number) return &article;
  }
  return nullptr;
}

std::vector<std::string> Lines(const std::string& body) {
  return absl::StrSplit(body, '\n');
}

bool HasLineStartingWith(const std::string& body, std::string_view prefix) {
  for (const std::string& line : Lines(body)) {
    if (absl::StartsWith(line, absl::string_view(prefix.data(), prefix.size()))) return true;
  }
  return false;
}

// --- The reference document ------------------------------------------------

TEST(PolicyTextReferenceTest, TitleIsTheFirstLine) {
  EXPECT_EQ(ParseReference().title, "笠間地方広域事務組合情報セキュリティ基本方針");
}

TEST(PolicyTextReferenceTest, ElevenArticlesWithNumbersAndHeadings) {
  const PolicyText policy = ParseReference();
  std::vector<std::pair<std::string, std::string>> got;
  for (const Article& article : policy.articles) {
    got.emplace_back(article.number, article.heading);
  }
  EXPECT_THAT(got, ElementsAre(
      std::make_pair("第1", "目的"),
      std::make_pair("第2", "定義"),
      std::make_pair("第3", "対象とする脅威"),
      std::make_pair("第4", "適用範囲"),
      std::make_pair("第5", "職員等の遵守義務"),
      std::make_pair("第6", "情報セキュリティ対策"),
      std::make_pair("第7", "情報セキュリティ監査及び自己点検の実施"),
      std::make_pair("第8", "情報セキュリティポリシーの見直し"),
      std::make_pair("第9", "情報セキュリティ対策基準の策定"),
      std::make_pair("第10", "情報セキュリティ実施手順の策定"),
      std::make_pair("附則", "")));
}

TEST(PolicyTextReferenceTest, LabelsKeepTheDigitsAsWritten) {
  const PolicyText policy = ParseReference();
  ASSERT_EQ(policy.articles.size(), 11u);
  EXPECT_EQ(policy.articles[0].label, "第１");
  EXPECT_EQ(policy.articles[2].label, "第３");  // Written " 第３ " with stray spaces.
  EXPECT_EQ(policy.articles[9].label, "第10");
  EXPECT_EQ(policy.articles[10].label, "附 則");
}

TEST(PolicyTextReferenceTest, Article6KeepsItsItemsOnTheirOwnLines) {
  const PolicyText policy = ParseReference();
  const Article* article = FindArticle(policy, "第6");
  ASSERT_NE(article, nullptr);
  for (std::string_view item : {"（１）組織体制", "（２）情報資産の分類と管理",
                                "（３）情報システム全体の強靭化の向上",
                                "（４）物理的セキュリティ", "（５）人的セキュリティ",
                                "（６）技術的セキュリティ", "（７）運用",
                                "（８）外部サービスの利用", "（９）評価・見直し"}) {
    EXPECT_TRUE(HasLineStartingWith(article->body, item)) << item;
  }
  EXPECT_TRUE(HasLineStartingWith(article->body, "ア \u3000機微情報取扱系においては"));
  EXPECT_TRUE(HasLineStartingWith(article->body, "イ\u3000インターネット接続系においては"));
  // The item titles stay apart from the text that follows them.
  EXPECT_THAT(Lines(article->body), ::testing::Contains("（１）組織体制"));
  EXPECT_THAT(Lines(article->body), ::testing::Contains("（９）評価・見直し"));
}

TEST(PolicyTextReferenceTest, MidSentenceBreaksAreJoined) {
  const PolicyText policy = ParseReference();
  const Article* article6 = FindArticle(policy, "第6");
  ASSERT_NE(article6, nullptr);
  EXPECT_THAT(article6->body, HasSubstr("担当部署と連携し、組合の職員全員が役割を分担"));
  EXPECT_THAT(article6->body, Not(HasSubstr("組\n合")));
  EXPECT_THAT(Lines(article6->body), ::testing::Contains(
      "情報セキュリティ対策を推進するため、管理者である笠間市の担当部署と連携し、"
      "組合の職員全員が役割を分担しながら取り組み体制を構築する。"));
  EXPECT_THAT(article6->body, HasSubstr("保有しておらず"));
  EXPECT_THAT(article6->body, HasSubstr("実態に応じた物理的な対策"));

  const Article* article3 = FindArticle(policy, "第3");
  ASSERT_NE(article3, nullptr);
  EXPECT_THAT(article3->body, HasSubstr("重要情報の詐取、内部不正等\n（2）"));
  // Continuation after ideographic spaces: "…機能不全" / "　　等".
  EXPECT_THAT(article3->body, HasSubstr("機能不全等\n（５）"));

  const Article* article4 = FindArticle(policy, "第4");
  ASSERT_NE(article4, nullptr);
  EXPECT_THAT(article4->body, HasSubstr("情報セキュリティ対策の推進"));
  EXPECT_THAT(Lines(article4->body), ElementsAre(
      "（１） 行政機関の範囲",
      "本基本方針は、笠間地方広域事務組合が設置する斎場に適用する。ただし、"
      "情報セキュリティ対策の推進にあたっては、関係自治体（笠間市・水戸市・城里町）"
      "との連携を図り、組合内の職員が一体となって取り組み体制の整備に努める。",
      "（２） 情報資産の範囲",
      "本基本方針が対象とする情報資産は、次のとおりとする。",
      "ア ネットワーク、情報システム及びこれらに関する設備、電磁的記録媒体",
      "イ ネットワーク及び情報システムで取り扱う情報（これらを印刷した文書を含む。）",
      "ウ 情報システムの仕様書及びネットワーク図等のシステム関連文書"));
}

TEST(PolicyTextReferenceTest, DefinitionItemTitlesStaySeparate) {
  const PolicyText policy = ParseReference();
  const Article* article = FindArticle(policy, "第2");
  ASSERT_NE(article, nullptr);
  const std::vector<std::string> lines = Lines(article->body);
  ASSERT_EQ(lines.size(), 18u) << article->body;
  EXPECT_EQ(lines[0], "（１）ネットワーク");
  EXPECT_EQ(lines[1], "コンピュータ等を相互に接続するための通信網、構成機器（ハードウェア・ソフトウェア）をいう。");
  EXPECT_EQ(lines[3], "コンピュータ、ネットワーク及び電磁的記録媒体で構成され、情報処理を行う仕組みをいう。");
  EXPECT_EQ(lines[16], "（９）インターネット接続系");
  EXPECT_EQ(lines[17], "インターネットメール、ホームページ管理システム等に関わるインターネットに接続された情報システム及びその情報システムで取り扱うデータをいう。");
}

TEST(PolicyTextReferenceTest, SupplementaryProvisionIsTheLastArticle) {
  const PolicyText policy = ParseReference();
  ASSERT_FALSE(policy.articles.empty());
  const Article& last = policy.articles.back();
  EXPECT_EQ(last.number, "附則");
  EXPECT_EQ(last.body, "この基本方針は、令和８年４月１日から施行する。");
}

TEST(PolicyTextReferenceTest, RenderGivesBackTheTextUpToWhitespace) {
  const std::string original = ReadReferencePolicy();
  const PolicyText policy = ParseReference();
  const std::string rendered = RenderPolicyText(policy);
  EXPECT_EQ(WithoutWhitespace(rendered), WithoutWhitespace(original));
  // Sanity: the comparison is not vacuous.
  EXPECT_GT(WithoutWhitespace(original).size(), 8000u);
}

TEST(PolicyTextReferenceTest, ParsingTheRenderedTextGivesTheSameArticles) {
  const PolicyText policy = ParseReference();
  absl::StatusOr<PolicyText> again = ParsePolicyText(RenderPolicyText(policy));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, policy);
  EXPECT_EQ(RenderPolicyText(*again), RenderPolicyText(policy));
}

TEST(PolicyTextReferenceTest, CrLfLineEndingsParseTheSame) {
  std::string crlf;
  for (char c : ReadReferencePolicy()) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  absl::StatusOr<PolicyText> policy = ParsePolicyText(crlf);
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(*policy, ParseReference());
}

// --- Headings and joining on small texts -----------------------------------

TEST(PolicyTextParseTest, NormalisesArticleNumbers) {
  absl::StatusOr<PolicyText> policy = ParsePolicyText(
      "表題\n"
      "第1 半角\n本文一。\n"
      "\u3000\u3000第２\u3000全角\n本文二。\n"
      "第 ３ 空白入り\n本文三。\n"
      "第四 漢数字\n本文四。\n"
      "第五 漢数字二\n本文五。\n"
      "附\u3000則（令和８年告示第１号）\n本文六。\n");
  ASSERT_TRUE(policy.ok()) << policy.status();
  std::vector<std::string> numbers, labels, headings;
  for (const Article& article : policy->articles) {
    numbers.push_back(article.number);
    labels.push_back(article.label);
    headings.push_back(article.heading);
  }
  EXPECT_THAT(numbers, ElementsAre("第1", "第2", "第3", "第4", "第5", "附則"));
  EXPECT_THAT(labels, ElementsAre("第1", "第２", "第 ３", "第四", "第五", "附\u3000則"));
  EXPECT_THAT(headings, ElementsAre("半角", "全角", "空白入り", "漢数字", "漢数字二",
                                    "（令和８年告示第１号）"));
}

TEST(PolicyTextParseTest, SentencesStartingWithDaiAreBody) {
  absl::StatusOr<PolicyText> policy = ParsePolicyText(
      "表題\n第１ 目的\n第156条の規定により、次のとおり定める。\n"
      "第一に、情報を守る。\n第２ 項の規定によるものとする。\n附則に定めるとおりとする。\n");
  ASSERT_TRUE(policy.ok()) << policy.status();
  ASSERT_EQ(policy->articles.size(), 1u);
  EXPECT_EQ(policy->articles[0].body,
            "第156条の規定により、次のとおり定める。\n第一に、情報を守る。\n"
            "第２ 項の規定によるものとする。\n附則に定めるとおりとする。");
}

TEST(PolicyTextParseTest, ItemMarkersStartLines) {
  absl::StatusOr<PolicyText> policy = ParsePolicyText(
      "表題\n第１ 項目\n次のとおりとする\n（１）甲の場合は、これを\n(2) 乙\n"
      "（ア）丙\n① 丁\nア 戊\nイ\u3000己\n1 庚\n２．辛については、\nアクセスが続く");
  ASSERT_TRUE(policy.ok()) << policy.status();
  ASSERT_EQ(policy->articles.size(), 1u);
  EXPECT_THAT(Lines(policy->articles[0].body),
              ElementsAre("次のとおりとする", "（１）甲の場合は、これを", "(2) 乙",
                          "（ア）丙", "① 丁", "ア 戊", "イ\u3000己", "1 庚",
                          "２．辛については、アクセスが続く"));
}

TEST(PolicyTextParseTest, JoinsAsciiWordsWithASpace) {
  absl::StatusOr<PolicyText> policy =
      ParsePolicyText("T\n第1 English\nThe policy applies to all\nstaff members.\n");
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->articles[0].body, "The policy applies to all staff members.");
}

TEST(PolicyTextParseTest, TitleBrokenOverLinesIsJoined) {
  absl::StatusOr<PolicyText> policy =
      ParsePolicyText("\n笠間地方広域事務組合\n情報セキュリティ基本方針\n\n第１ 目的\n本文。\n");
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->title, "笠間地方広域事務組合情報セキュリティ基本方針");
}

TEST(PolicyTextParseTest, ArticleWithoutBodyOrTitle) {
  absl::StatusOr<PolicyText> policy = ParsePolicyText("第１ 削除\n第２\n本文。");
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->title, "");
  ASSERT_EQ(policy->articles.size(), 2u);
  EXPECT_EQ(policy->articles[0].body, "");
  EXPECT_EQ(policy->articles[1].heading, "");
  EXPECT_EQ(*ParsePolicyText(RenderPolicyText(*policy)), *policy);
}

TEST(PolicyTextParseTest, ByteOrderMarkIsDropped) {
  absl::StatusOr<PolicyText> policy = ParsePolicyText("\xEF\xBB\xBF表題\n第１ 目的\n本文。");
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->title, "表題");
}

TEST(PolicyTextParseTest, RendersNumberWhenLabelIsUnset) {
  PolicyText policy{"表題", {Article{"第1", "目的", "一行目。\n二行目。"},
                             Article{"附則", "", "施行する。"}}};
  EXPECT_EQ(RenderPolicyText(policy),
            "表題\n\n第1 目的\n一行目。\n二行目。\n\n附則\n施行する。\n\n");
}

// --- Errors ------------------------------------------------------------------

TEST(PolicyTextErrorTest, EmptyText) {
  for (std::string_view text : {"", "  \n\u3000\n\t"}) {
    absl::StatusOr<PolicyText> policy = ParsePolicyText(text);
    EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(policy.status().message(), HasSubstr("empty"));
  }
}

TEST(PolicyTextErrorTest, InvalidUtf8) {
  for (std::string_view text : {std::string_view("第１ 目的\n\xFF"),
                                std::string_view("第１ 目的\n\xC0\xAF"),        // Overlong.
                                std::string_view("第１ 目的\n\xED\xA0\x80"),    // Surrogate.
                                std::string_view("第１ 目的\n\xE3\x80")}) {     // Truncated.
    absl::StatusOr<PolicyText> policy = ParsePolicyText(text);
    EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(policy.status().message(), HasSubstr("UTF-8"));
    EXPECT_THAT(policy.status().message(), HasSubstr("byte offset 14"));
  }
}

TEST(PolicyTextErrorTest, NoArticleHeading) {
  absl::StatusOr<PolicyText> policy = ParsePolicyText("表題\nただの文章である。\n第156条による。\n");
  EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(policy.status().message(), HasSubstr("no article heading"));
}

TEST(PolicyTextErrorTest, RepeatedNumbersAreBodyTextAndSeveralSupplementaryProvisions) {
  // A number that is not the next one is no heading (so a rendering can
  // never fail with a duplicate number); a second 附則 is 附則2.
  absl::StatusOr<ParsedPolicy> parsed =
      ParsePolicyDocument("表題\n第１ 目的\n本文。\n第2 定義\n本文。\n第1 目的再び\n本文。\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->policy.articles.size(), 2u);
  EXPECT_EQ(parsed->policy.articles[1].body, "本文。\n第1 目的再び\n本文。");
  ASSERT_EQ(parsed->warnings.size(), 1u);
  EXPECT_EQ(parsed->warnings[0].line, 6);

  absl::StatusOr<PolicyText> policy =
      ParsePolicyText("表題\n第１ 目的\n附則\n本文。\n附 則\n本文。\n");
  ASSERT_TRUE(policy.ok()) << policy.status();
  ASSERT_EQ(policy->articles.size(), 3u);
  EXPECT_EQ(policy->articles[1].number, "附則");
  EXPECT_EQ(policy->articles[2].number, "附則2");
  EXPECT_EQ(policy->articles[2].label, "附 則");
}

TEST(PolicyTextNumberTest, NormalizeArticleNumber) {
  EXPECT_EQ(*NormalizeArticleNumber("第１"), "第1");
  EXPECT_EQ(*NormalizeArticleNumber(" 第 １０ "), "第10");
  EXPECT_EQ(*NormalizeArticleNumber("第十"), "第10");
  EXPECT_EQ(*NormalizeArticleNumber("第百二"), "第102");
  EXPECT_EQ(*NormalizeArticleNumber("附\u3000則"), "附則");
  EXPECT_EQ(*NormalizeArticleNumber("第１条"), "第1条");
  EXPECT_EQ(*NormalizeArticleNumber("第 2 条の２"), "第2条の2");
  EXPECT_EQ(*NormalizeArticleNumber("１．"), "1");
  EXPECT_EQ(*NormalizeArticleNumber("(3)"), "3");
  EXPECT_EQ(*NormalizeArticleNumber("附則2"), "附則2");
  EXPECT_EQ(*NormalizeArticleNumber("前文"), "前文");
  EXPECT_EQ(*NormalizeArticleNumber("目　次"), "目次");
  // Normalised numbers normalise to themselves (the service checks this).
  for (std::string_view number : {"第1", "第10", "第1条", "第2条の2", "1", "附則", "附則3", "前文",
                                  "目次"}) {
    EXPECT_EQ(*NormalizeArticleNumber(number), number);
  }
  for (std::string_view bad : {"", "第", "第0", "第十十", "第12345", "附", "目的", "第1章",
                               "附則1", "附則02", "0"}) {
    EXPECT_EQ(NormalizeArticleNumber(bad).status().code(),
              absl::StatusCode::kInvalidArgument) << bad;
  }
}

// --- Canonical content and hashes ------------------------------------------

TEST(PolicyTextHashTest, CanonicalLayoutIsPinned) {
  PolicyText policy{" T ", {Article{"第1", "目的 ", "本文\u3000\r\n\n二行目 \n\n"}}};
  EXPECT_EQ(CanonicalContent(policy),
            "seccoord-policy-text-v1\n"
            "title 1\nT\n"
            "articles 1\n1\n"
            "number 4\n第1\n"
            "heading 6\n目的\n"
            "body 17\n本文\n\n二行目\n");
}

// The hash the seed has had since it was first published: the canonical form
// must not change under it (a published revision must still verify).
TEST(PolicyTextHashTest, SeedHashIsPinned) {
  EXPECT_EQ(ContentHashHex(ParseReference()),
            "33183dfed22112fabe4e87f5865d2f56ade5d960edda5756a561fae06ffef1dd");
}

TEST(PolicyTextHashTest, ChaptersUseLayoutV2AndOnlyThen) {
  PolicyText policy{"T", {Article{"第1条", "（目的）", "本文"}}};
  const std::string v1 = CanonicalContent(policy);
  EXPECT_EQ(v1.rfind("seccoord-policy-text-v1\n", 0), 0u);
  policy.articles[0].heading_above = true;  // presentation only
  EXPECT_EQ(CanonicalContent(policy), v1);
  policy.articles[0].chapter = "第１章 総則";
  EXPECT_EQ(CanonicalContent(policy),
            "seccoord-policy-text-v2\n"
            "title 1\nT\n"
            "articles 1\n1\n"
            "number 7\n第1条\n"
            "chapter 16\n第１章 総則\n"
            "heading 12\n（目的）\n"
            "body 6\n本文\n");
  PolicyText other = policy;
  other.articles[0].chapter = "第２章 総則";
  EXPECT_NE(ContentHashHex(other), ContentHashHex(policy));
}

TEST(PolicyTextHashTest, Sha256KnownAnswer) {
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(PolicyTextHashTest, ContentHashIsStable) {
  const PolicyText policy = ParseReference();
  const std::string hash = ContentHashHex(policy);
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_EQ(hash.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(ContentHashHex(ParseReference()), hash);
  EXPECT_EQ(hash, Sha256Hex(CanonicalContent(policy)));

  // Presentation does not count: labels, trailing whitespace, CR LF.
  PolicyText relabelled = policy;
  for (Article& article : relabelled.articles) article.label.clear();
  relabelled.articles[0].body += " \u3000\r\n";
  EXPECT_EQ(ContentHashHex(relabelled), hash);
}

TEST(PolicyTextHashTest, ContentHashChangesWithOneCharacter) {
  const PolicyText policy = ParseReference();
  const std::string hash = ContentHashHex(policy);

  PolicyText edited = policy;
  Article* article = &edited.articles[5];
  const size_t pos = article->body.find("組織体制");
  ASSERT_NE(pos, std::string::npos);
  article->body.replace(pos, std::string("組織").size(), "組職");
  EXPECT_NE(ContentHashHex(edited), hash);

  edited = policy;
  edited.articles[5].heading += "等";
  EXPECT_NE(ContentHashHex(edited), hash);

  edited = policy;
  edited.articles[5].number = "第60";
  EXPECT_NE(ContentHashHex(edited), hash);

  // Moving text between heading and body is a different content.
  PolicyText a{"T", {Article{"第1", "目的", "本文"}}};
  PolicyText b{"T", {Article{"第1", "目的本", "文"}}};
  EXPECT_NE(ContentHashHex(a), ContentHashHex(b));
}

TEST(PolicyTextHashTest, ChainHashCoversEveryInput) {
  const std::string content = Sha256Hex("content");
  const std::string first = ChainHashHex("", content, 1, "2026-04-01");
  EXPECT_EQ(first.size(), 64u);
  EXPECT_EQ(first, ChainHashHex("", content, 1, "2026-04-01"));
  EXPECT_EQ(first, Sha256Hex("seccoord-policy-chain-v1\n"
                             "previous 0\n\n"
                             "content 64\n" + content + "\n"
                             "revision 1\n1\n"
                             "effective 10\n2026-04-01\n"));
  EXPECT_NE(first, ChainHashHex(first, content, 1, "2026-04-01"));
  EXPECT_NE(first, ChainHashHex("", Sha256Hex("other"), 1, "2026-04-01"));
  EXPECT_NE(first, ChainHashHex("", content, 2, "2026-04-01"));
  EXPECT_NE(first, ChainHashHex("", content, 1, "2026-04-02"));

  const std::string second = ChainHashHex(first, Sha256Hex("v2"), 2, "2027-04-01");
  EXPECT_NE(second, first);
}

}  // namespace
}  // namespace seccoord
