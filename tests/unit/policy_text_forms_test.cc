// Tests of the policy text importer on each form it reads, each rule that
// stops misfiling, and each error, on texts written for the purpose
// (tests/data/policy_text/) and small inline texts.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/csv.h"
#include "common/policy_text.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace seccoord {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

std::string ReadTestText(const std::string& name) {
  const char* source_dir = std::getenv("SECCOORD_SOURCE_DIR");
  const std::string path = std::string(source_dir != nullptr ? source_dir : ".") +
                           "/tests/data/policy_text/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path << " (set SECCOORD_SOURCE_DIR)";
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

ParsedPolicy ParseOk(std::string_view text) {
  absl::StatusOr<ParsedPolicy> parsed = ParsePolicyDocument(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  if (!parsed.ok()) return {};
  // Every accepted text round-trips.
  absl::StatusOr<ParsedPolicy> again = ParsePolicyDocument(RenderPolicyText(parsed->policy));
  EXPECT_TRUE(again.ok()) << again.status();
  if (again.ok()) EXPECT_EQ(again->policy, parsed->policy);
  return *std::move(parsed);
}

std::vector<std::string> Numbers(const ParsedPolicy& parsed) {
  std::vector<std::string> out;
  for (const Article& a : parsed.policy.articles) out.push_back(a.number);
  return out;
}

std::vector<std::string> Lines(const std::string& body) { return absl::StrSplit(body, '\n'); }

const Article& Find(const ParsedPolicy& parsed, std::string_view number) {
  for (const Article& a : parsed.policy.articles) {
    if (a.number == number) return a;
  }
  static const Article kNone;
  ADD_FAILURE() << "no article " << number;
  return kNone;
}

// --- Forms -----------------------------------------------------------------

TEST(PolicyTextFormTest, ReikiWithContentsChaptersBranchesAndSeveralSupplementary) {
  const std::string text = ReadTestText("reiki.txt");
  const ParsedPolicy parsed = ParseOk(text);
  EXPECT_EQ(parsed.policy.title, "○○町情報セキュリティ基本方針");
  EXPECT_THAT(Numbers(parsed),
              ElementsAre("目次", "第1条", "第2条", "第2条の2", "第3条", "第4条", "第5条",
                          "第6条", "第7条", "第8条", "第9条", "附則", "附則2"));
  // The 目次 is its own provision, not the articles.
  EXPECT_THAT(Lines(Find(parsed, "目次").body), SizeIs(4));
  const Article& first = Find(parsed, "第1条");
  EXPECT_EQ(first.label, "第１条");
  EXPECT_EQ(first.heading, "（目的）");
  EXPECT_TRUE(first.heading_above);
  EXPECT_EQ(first.chapter, "第１章　総則");
  EXPECT_EQ(Find(parsed, "第4条").chapter, "第２章　組織及び体制");
  EXPECT_EQ(Find(parsed, "第9条").chapter, "第３章　対策");
  EXPECT_EQ(Find(parsed, "附則").chapter, "");
  // Items 一 二 三 and ア イ at a second depth, each on its line.
  EXPECT_THAT(Lines(Find(parsed, "第2条").body), SizeIs(6));
  EXPECT_EQ(Find(parsed, "第2条の2").label, "第２条の２");
  // Numbered paragraphs.
  EXPECT_THAT(Lines(Find(parsed, "第8条").body)[1], HasSubstr("２　職員に対し"));
  // "第 9 条第 1 項に規定する" stays in its article, joined across the breaks.
  EXPECT_THAT(Find(parsed, "第9条").body,
              HasSubstr("２　前項の対策基準は、第 9 条第 1 項に規定する手続に従い"));
  // Several 附則, each with its own line; a reference to one is body text.
  EXPECT_EQ(Find(parsed, "附則2").heading, "（令和９年告示第２号）");
  EXPECT_THAT(Lines(Find(parsed, "附則2").body),
              ElementsAre("１　この方針は、令和９年４月１日から施行する。",
                          "２　附則第１項の規定にかかわらず、第２条の２の規定は、令和９年１０月"
                          "１日から施行する。"));
  EXPECT_THAT(parsed.warnings, IsEmpty());
  EXPECT_EQ(WithoutWhitespace(RenderPolicyText(parsed.policy)), WithoutWhitespace(text));
}

TEST(PolicyTextFormTest, ReikiInlineHeadingsAndPreamble) {
  const std::string text = ReadTestText("reiki-inline.txt");
  const ParsedPolicy parsed = ParseOk(text);
  EXPECT_THAT(Numbers(parsed), ElementsAre("前文", "第1条", "第2条", "第3条", "第4条", "附則"));
  // The preamble is its own provision, not folded into the title.
  EXPECT_EQ(parsed.policy.title, "△△市情報セキュリティ基本方針");
  EXPECT_THAT(Find(parsed, "前文").body, HasSubstr("ここに、市の情報セキュリティに関する"));
  EXPECT_EQ(Find(parsed, "第1条").heading, "（目的）");
  EXPECT_FALSE(Find(parsed, "第1条").heading_above);
  EXPECT_EQ(Find(parsed, "第1条").body,
            "この基本方針は、市が保有する情報資産を適切に保護するための基本的な事項を定めるものと"
            "する。");
  EXPECT_EQ(Find(parsed, "第2条").heading, "定義");
  EXPECT_EQ(Find(parsed, "第3条").body,
            "この方針は、市の全ての機関及び職員に適用する。\n2 前項の職員には、会計年度任用職員を"
            "含む。");
  EXPECT_EQ(WithoutWhitespace(RenderPolicyText(parsed.policy)), WithoutWhitespace(text));
}

TEST(PolicyTextFormTest, NumberedSectionsFromAPdfWithPageFurniture) {
  const std::string text = ReadTestText("sections.txt");
  const ParsedPolicy parsed = ParseOk(text);
  // A two-line title is joined.
  EXPECT_EQ(parsed.policy.title, "□□広域連合情報セキュリティ基本方針");
  EXPECT_THAT(Numbers(parsed), ElementsAre("1", "2", "3", "4", "5", "附則"));
  EXPECT_EQ(Find(parsed, "1").label, "１");
  // "3" / "適用範囲": number and heading on separate lines.
  EXPECT_EQ(Find(parsed, "3").heading, "適用範囲");
  // (1) items stay items of their section.
  EXPECT_EQ(CountItems(Find(parsed, "2").body), 3);
  EXPECT_THAT(Find(parsed, "2").body, HasSubstr("対策を実施する。\n(1)"));
  // Every dropped line is reported, with its line; nothing else is dropped.
  std::vector<int> dropped_lines;
  for (const PolicyTextNote& note : parsed.dropped) dropped_lines.push_back(note.line);
  EXPECT_THAT(dropped_lines, ElementsAre(13, 14, 24, 25, 31));
  EXPECT_THAT(parsed.dropped[0].text, HasSubstr("- 1 -"));
  EXPECT_THAT(parsed.dropped[1].text, HasSubstr("running header"));
  std::string without_furniture;
  int line = 0;
  for (absl::string_view l : absl::StrSplit(text, '\n')) {
    ++line;
    if (line != 13 && line != 14 && line != 24 && line != 25 && line != 31) {
      absl::StrAppend(&without_furniture, l, "\n");
    }
  }
  EXPECT_EQ(WithoutWhitespace(RenderPolicyText(parsed.policy)),
            WithoutWhitespace(without_furniture));
}

TEST(PolicyTextFormTest, SectionMarkerStyles) {
  for (const auto& [text, label] : std::vector<std::pair<std::string, std::string>>{
           {"表題\n\n1 目的\n本文。\n2 範囲\n本文。\n", "1"},
           {"表題\n\n1. 目的\n本文。\n2. 範囲\n本文。\n", "1."},
           {"表題\n\n1．目的\n本文。\n2．範囲\n本文。\n", "1．"},
           {"表題\n\n１　目的\n本文。\n２　範囲\n本文。\n", "１"},
           {"表題\n\n(1) 目的\n本文。\n(2) 範囲\n本文。\n", "(1)"}}) {
    const ParsedPolicy parsed = ParseOk(text);
    EXPECT_THAT(Numbers(parsed), ElementsAre("1", "2")) << text;
    EXPECT_EQ(parsed.policy.articles[0].label, label);
    EXPECT_EQ(parsed.policy.articles[0].heading, "目的");
  }
}

TEST(PolicyTextFormTest, DeclarationIsOneProvision) {
  const ParsedPolicy parsed = ParseOk(ReadTestText("declaration.txt"));
  EXPECT_EQ(parsed.policy.title, "◇◇村情報セキュリティ宣言");
  ASSERT_THAT(Numbers(parsed), ElementsAre("前文"));
  const std::vector<std::string> lines = Lines(parsed.policy.articles[0].body);
  ASSERT_THAT(lines, SizeIs(10));
  EXPECT_THAT(lines[1], HasSubstr("⑴"));
  EXPECT_THAT(lines[7], HasSubstr("⑺"));
  EXPECT_EQ(lines[8], "令和７年４月１日");
  EXPECT_EQ(CountItems(parsed.policy.articles[0].body), 7);
}

TEST(PolicyTextFormTest, ItemsAtAnyDepthAndTermsBeforeDefinitions) {
  const ParsedPolicy parsed = ParseOk(
      "表題\n\n第１ 定義\n次のとおりとする\n（１）　情報資産\n情報システム及びそこで扱う情報を"
      "いう。\n(2) 職員\nア　常勤の職員\n(ア) 再任用の職員\nａ　短時間勤務の職員\n(a) その他\n"
      "① 会計年度任用職員\n⑴ 派遣職員\n・ 委託先の従業者\n");
  EXPECT_THAT(Lines(parsed.policy.articles[0].body),
              ElementsAre("次のとおりとする", "（１）　情報資産",
                          "情報システム及びそこで扱う情報をいう。", "(2) 職員", "ア　常勤の職員",
                          "(ア) 再任用の職員", "ａ　短時間勤務の職員", "(a) その他",
                          "① 会計年度任用職員", "⑴ 派遣職員", "・ 委託先の従業者"));
}

// --- Rules -------------------------------------------------------------------

TEST(PolicyTextRuleTest, NumberingIsASequence) {
  const ParsedPolicy parsed = ParseOk(
      "表題\n\n第1条 この方針は、\n第 9 条 の規定による。\n第2条 範囲\n本文。\n"
      "第4条 飛び番\n本文。\n第3条 見直し\n本文。\n");
  EXPECT_THAT(Numbers(parsed), ElementsAre("第1条", "第2条", "第3条"));
  // The out-of-sequence line is body text of the article before, with a warning.
  EXPECT_THAT(Find(parsed, "第2条").body, HasSubstr("第4条 飛び番"));
  ASSERT_THAT(parsed.warnings, SizeIs(2));
  EXPECT_EQ(parsed.warnings[0].line, 4);
  EXPECT_THAT(parsed.warnings[0].text, HasSubstr("next article is 第2条"));
  EXPECT_EQ(parsed.warnings[1].line, 7);
  EXPECT_THAT(parsed.warnings[1].text, HasSubstr("kept as body text of 第2条"));
}

TEST(PolicyTextRuleTest, TitleIsAtMostTwoShortLines) {
  ParsedPolicy parsed = ParseOk("○○町\n情報セキュリティ基本方針\n\n第１ 目的\n本文。\n");
  EXPECT_EQ(parsed.policy.title, "○○町情報セキュリティ基本方針");
  // A third line before the first article is the preamble, not the title.
  parsed = ParseOk("○○町\n情報セキュリティ基本方針\n町は、情報資産を守るため、この方針を定める\n"
                   "ものである。\n第１ 目的\n本文。\n");
  EXPECT_EQ(parsed.policy.title, "○○町情報セキュリティ基本方針");
  EXPECT_EQ(Find(parsed, "前文").body, "町は、情報資産を守るため、この方針を定めるものである。");
  // "第" / "十 見" is not a title that could come back as an article heading.
  parsed = ParseOk("第\n十 見\n\n第１ 目的\n本文。\n");
  EXPECT_EQ(parsed.policy.title, "第");
  EXPECT_EQ(Find(parsed, "前文").body, "十 見");
}

TEST(PolicyTextRuleTest, DoubtfulStructureWarnsWithLines) {
  const ParsedPolicy parsed =
      ParseOk("表題\n\n第１ 目的\n第２ 空\n第３ 本文あり\n第5条 別の形式\n本文。\n");
  ASSERT_THAT(parsed.warnings, SizeIs(3));
  EXPECT_EQ(parsed.warnings[0].line, 3);
  EXPECT_THAT(parsed.warnings[0].text, HasSubstr("第1 has no text"));
  EXPECT_EQ(parsed.warnings[2].line, 6);
  EXPECT_THAT(parsed.warnings[2].text, HasSubstr("第N条 form"));
}

TEST(PolicyTextRuleTest, ZeroWidthCharactersNeverLoseAnArticle) {
  const ParsedPolicy parsed =
      ParseOk("表題\n\n第１ 目的\n本文\u200bです。\n\ufeff第２ 範囲\n本文。\n第\u200d３ 見直し\n本文。");
  EXPECT_THAT(Numbers(parsed), ElementsAre("第1", "第2", "第3"));
  EXPECT_EQ(parsed.policy.articles[0].body, "本文です。");
}

TEST(PolicyTextRuleTest, LineEndingsAndFormFeeds) {
  const std::string lf = "表題\n\n第１ 目的\n本文が\n続く。\n附則\n施行する。\n";
  const ParsedPolicy expected = ParseOk(lf);
  for (const std::string& other :
       {std::string("表題\r\n\r\n第１ 目的\r\n本文が\r\n続く。\r\n附則\r\n施行する。\r\n"),
        std::string("表題\r\r第１ 目的\r本文が\r続く。\r附則\r施行する。\r"),
        std::string("表題\n\n第１ 目的\n本文が\f\n続く。\n附則\n施行する。\n")}) {
    EXPECT_EQ(ParseOk(other).policy, expected.policy);
  }
}

TEST(PolicyTextRuleTest, LinearTimeForTwoMegabytes) {
  // A run-on paragraph of 2 MB, broken every 40 characters: parsed at all
  // (the bench measures the time; no timing assertion here).
  std::string text = "表題\n\n第１ 目的\n";
  while (text.size() < 2 * 1024 * 1024) text += "情報資産の機密性を維持するため必要な対策を講じ\n";
  const ParsedPolicy parsed = ParseOk(text);
  ASSERT_THAT(parsed.policy.articles, SizeIs(1));
  EXPECT_THAT(Lines(parsed.policy.articles[0].body), SizeIs(1));
  // Over the service's body limit, named with its article and how far over.
  absl::Status limits = CheckPolicyLimits(parsed);
  EXPECT_EQ(limits.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(limits.message(), HasSubstr("line 3: 第1: body is "));
  EXPECT_THAT(limits.message(), HasSubstr(" over the limit of 65536"));
}

// --- Encodings -----------------------------------------------------------------

// A bare 附則 whose reference PDF extraction broke over lines ("附則" /
// "第" / "１項の規定…") reads as that reference, before and after a
// rendering: body text, not a second supplementary provision.
TEST(PolicyTextRuleTest, SupplementaryReferenceBrokenOverLinesIsBodyText) {
  for (const std::string& reference :
       {std::string("附則\n第\n１項の規定にかかわらず、第２条は公布の日から施行する。\n"),
        std::string("附則\n第１\n項の規定にかかわらず、第２条は公布の日から施行する。\n"),
        std::string("附則\n第\n１\n項の規定にかかわらず、第２条は公布の日から施行する。\n")}) {
    const std::string text = "表題\n\n第１条 目的\n本文。\n附則\nこの方針は、公布の日から施行する。\n" +
                             reference;
    const ParsedPolicy parsed = ParseOk(text);
    EXPECT_THAT(Numbers(parsed), ElementsAre("第1条", "附則")) << text;
    EXPECT_THAT(Find(parsed, "附則").body, HasSubstr("施行する。\n附則\n第")) << text;
    EXPECT_EQ(WithoutWhitespace(RenderPolicyText(parsed.policy)), WithoutWhitespace(text));
  }
  // A bare 附則 followed by its own text still starts one.
  const ParsedPolicy own = ParseOk("表題\n\n第１条 目的\n本文。\n附則\n第\n一に、施行する。\n");
  EXPECT_THAT(Numbers(own), ElementsAre("第1条", "附則"));
  EXPECT_EQ(Find(own, "附則").body, "第一に、施行する。");
}

// A section number alone at the top of a page, after a form feed or after
// page furniture, is the section's heading when it is the next number and a
// heading follows; a page number otherwise. Every dropped line is reported.
TEST(PolicyTextRuleTest, NextSectionNumberAtThePageTopIsAHeading) {
  const std::string text =
      "表題\n"                                      // 1
      "\n"                                          // 2
      "1\n"                                         // 3
      "目的\n"                                      // 4
      "この方針は、情報資産を守るために定める。\n"  // 5
      "- 1 -\n"                                     // 6  page number
      "\f2\n"                                       // 7  section 2 after furniture and a form feed
      "適用範囲\n"                                  // 8
      "この方針は、全ての職員に適用する。\n"        // 9
      "2\n"                                         // 10 page number at the foot of page 2
      "\f3\n"                                       // 11 section 3, the number after page 2
      "見直し\n"                                    // 12
      "この方針は、毎年度見直す\n"                  // 13
      "3\n"                                         // 14 page number
      "\f4\n"                                       // 15 page number: text, not a heading, follows
      "ものとする。\n";                             // 16
  const ParsedPolicy parsed = ParseOk(text);
  EXPECT_THAT(Numbers(parsed), ElementsAre("1", "2", "3"));
  EXPECT_EQ(Find(parsed, "2").heading, "適用範囲");
  EXPECT_EQ(Find(parsed, "3").heading, "見直し");
  EXPECT_EQ(Find(parsed, "3").body, "この方針は、毎年度見直すものとする。");
  std::vector<int> dropped_lines;
  for (const PolicyTextNote& note : parsed.dropped) dropped_lines.push_back(note.line);
  EXPECT_THAT(dropped_lines, ElementsAre(6, 10, 14, 15));
}

// A "目次" line in a body takes no continuation: "2" / "目次" / "続く" must
// not render as "2" / "目次続く", which would read as the section 2 headed
// "目次続く" (a fuzzer's find).
TEST(PolicyTextRuleTest, ContentsLineInABodyTakesNoContinuation) {
  const ParsedPolicy parsed = ParseOk("表題\n\n1\n目的\n本文。\n2\n目次\n続く\n");
  EXPECT_THAT(Numbers(parsed), ElementsAre("1"));
  EXPECT_THAT(Lines(Find(parsed, "1").body), ElementsAre("本文。", "2", "目次", "続く"));
}

// 第N節 inside a chapter is kept with the articles, as the second line of
// their chapter, never as body text of the article before; it round-trips.
TEST(PolicyTextFormTest, SectionsOfAChapterInTheBody) {
  const std::string text =
      "表題\n\n第１章　総則\n第１節　通則\n（目的）\n第１条　この方針は、情報資産を守るために定める。\n"
      "第２条 定義\n本文。\n第２節　適用\n第３条 範囲\n本文。\n第２章　組織\n第１節　体制\n"
      "第４条 組織\n本文。\n第５条 役割\n本文。\n附則\n施行する。\n";
  const ParsedPolicy parsed = ParseOk(text);
  EXPECT_THAT(Numbers(parsed), ElementsAre("第1条", "第2条", "第3条", "第4条", "第5条", "附則"));
  EXPECT_EQ(Find(parsed, "第1条").chapter, "第１章　総則\n第１節　通則");
  EXPECT_EQ(Find(parsed, "第1条").heading, "（目的）");
  EXPECT_EQ(Find(parsed, "第2条").chapter, "第１章　総則\n第１節　通則");
  EXPECT_EQ(Find(parsed, "第2条").body, "本文。");
  EXPECT_EQ(Find(parsed, "第3条").chapter, "第１章　総則\n第２節　適用");
  EXPECT_EQ(Find(parsed, "第4条").chapter, "第２章　組織\n第１節　体制");
  EXPECT_EQ(Find(parsed, "第5条").chapter, "第２章　組織\n第１節　体制");
  EXPECT_EQ(Find(parsed, "附則").chapter, "");
  EXPECT_THAT(parsed.warnings, IsEmpty());
  const std::string rendered = RenderPolicyText(parsed.policy);
  EXPECT_EQ(WithoutWhitespace(rendered), WithoutWhitespace(text));
  // A section out of sequence is body text, with a warning.
  const ParsedPolicy gap = ParseOk(
      "表題\n\n第１章　総則\n第１節　通則\n第１条 目的\n本文。\n第３節　飛び番\n第２条 範囲\n本文。\n");
  EXPECT_EQ(Find(gap, "第2条").chapter, "第１章　総則\n第１節　通則");
  EXPECT_THAT(Find(gap, "第1条").body, HasSubstr("第３節　飛び番"));
  EXPECT_THAT(gap.warnings, SizeIs(1));
}

TEST(PolicyTextEncodingTest, Cp932AndUtf16WithBom) {
  const std::string utf8 = "○○町情報セキュリティ基本方針\r\n\r\n第１ 目的\r\n本文。\r\n";
  absl::StatusOr<std::string> cp932 = EncodeCp932(utf8);
  ASSERT_TRUE(cp932.ok()) << cp932.status();
  std::string encoding;
  absl::StatusOr<ParsedPolicy> parsed = ParsePolicyFile(*cp932, &encoding);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(encoding, "CP932");
  EXPECT_EQ(parsed->policy.title, "○○町情報セキュリティ基本方針");

  // UTF-16 LE with BOM, as Notepad saves 「Unicode」.
  std::string utf16 = "\xFF\xFE";
  for (char32_t c : std::u32string(U"表題\n第１ 目的\n本文。\n")) {
    utf16.push_back(static_cast<char>(c & 0xFF));
    utf16.push_back(static_cast<char>(c >> 8));
  }
  parsed = ParsePolicyFile(utf16, &encoding);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(encoding, "UTF-16");
  EXPECT_EQ(parsed->policy.articles[0].body, "本文。");

  parsed = ParsePolicyFile("\xEF\xBB\xBF表題\n第１ 目的\n本文。", &encoding);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(encoding, "UTF-8");
  EXPECT_EQ(parsed->policy.title, "表題");
}

// --- Errors ------------------------------------------------------------------

constexpr char kNulText[] = "表題\n第１ 目的\n本文\0です。\n";

TEST(PolicyTextErrorLineTest, ControlCharactersNameTheLine) {
  absl::StatusOr<ParsedPolicy> parsed =
      ParsePolicyDocument(std::string_view(kNulText, sizeof(kNulText) - 1));
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(parsed.status().message(), HasSubstr("line 3, character 3"));
  EXPECT_THAT(parsed.status().message(), HasSubstr("U+0000 (NUL)"));
  parsed = ParsePolicyDocument("表題\n第１ 目的\n\x1b[0m本文。\n");
  EXPECT_THAT(parsed.status().message(), HasSubstr("line 3, character 1: control character U+001B"));
}

TEST(PolicyTextErrorLineTest, NoArticleNamesTheLines) {
  absl::StatusOr<ParsedPolicy> parsed =
      ParsePolicyDocument("表題\n\nただの文章である。\n第156条による。\n");
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(parsed.status().message(), HasSubstr("no article heading found"));
  EXPECT_THAT(parsed.status().message(), HasSubstr("lines 3-4"));
}

TEST(PolicyTextErrorLineTest, LimitsNameTheArticleAndHowFarOver) {
  std::string heading(450, 'x');
  ParsedPolicy parsed = ParseOk(absl::StrCat("表題\n\n第１ 目的\n本文。\n（", heading, "）\n第２\n本文。\n"));
  // A 450-byte bracketed line is no heading; the title is checked too.
  parsed.policy.title = std::string(401, 'T');
  absl::Status status = CheckPolicyLimits(parsed);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(status.message(), HasSubstr("title is 401 bytes, 1 over the limit of 400"));
  parsed.policy.title = "表題";
  parsed.policy.articles[1].heading = heading;
  status = CheckPolicyLimits(parsed);
  EXPECT_THAT(status.message(), HasSubstr("第2: heading is 450 bytes, 50 over the limit of 400"));
  parsed.policy.title.clear();
  EXPECT_EQ(CheckPolicyLimits(parsed).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace seccoord
