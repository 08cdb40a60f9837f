// Property tests of the policy text importer: documents of every form are
// generated (seed form, 例規 form with headings above or inline, chapters
// with or without sections (節) and 目次, branch articles, numbered sections
// with the heading on the number's line or the next, also at the top of a
// page, declarations with ⑴ items, several 附則 with references to them
// broken over lines), with
// mid-sentence breaks, page furniture, zero-width characters and every line
// ending, and for each:
//   - the parse has exactly the generated provisions;
//   - the rendering gives back the text without its furniture, up to
//     whitespace (nothing lost, only the furniture dropped);
//   - parsing the rendering gives the same document.
// Random line soups of heading-like fragments check the last two for
// whatever parses (the fuzzer's "第" / "十 見" title and duplicate numbers).
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/policy_text.h"
#include "gtest/gtest.h"

namespace seccoord {

// Readable failures: the rendering of a policy with each article's fields.
void PrintTo(const PolicyText& policy, std::ostream* out) {
  *out << "title [" << policy.title << "]";
  for (const Article& a : policy.articles) {
    *out << "\n  " << a.number << " label [" << a.label << "] heading [" << a.heading << "]"
         << (a.heading_above ? " above" : "") << " chapter [" << a.chapter << "] body ["
         << a.body << "]";
  }
}

namespace {

const std::vector<std::string> kSentences = {
    "町が保有する情報資産の機密性、完全性及び可用性を維持するため、必要な対策を講じる。",
    "職員は、情報セキュリティポリシー及び実施手順を遵守しなければならない。",
    "最高情報セキュリティ責任者は、対策の実施状況を定期的に確認するものとする。",
    "外部委託を行う場合には、委託先における情報セキュリティ対策の実施状況を確認する。",
    "情報システムの稼働状況を監視し、異常を検知したときは速やかに報告する。",
    "前項の規定にかかわらず、緊急を要する場合はこの限りでない。",
    "重要な情報資産を取り扱う区域への入退室を管理する。",
    "情報セキュリティに関する研修を年に一回以上実施する。",
};
const std::vector<std::string> kHeadings = {
    "目的", "定義", "適用範囲", "職員の義務", "組織体制", "情報資産の分類",
    "物理的セキュリティ", "人的セキュリティ", "技術的セキュリティ", "運用",
    "評価及び見直し", "対策基準の策定", "緊急時対応", "外部委託", "監査"};
const std::vector<std::string> kItemNames = {"ネットワーク", "情報システム", "情報資産",
                                             "機密性", "完全性", "可用性"};

std::string FullWidth(int n) {
  std::string out;
  for (char c : absl::StrCat(n)) out += std::string("０１２３４５６７８９").substr((c - '0') * 3, 3);
  return out;
}

std::string Kanji(int n) {
  static const char* kDigits[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
  std::string out;
  if (n >= 10) out += std::string(n >= 20 ? kDigits[n / 10] : "") + "十";
  return out + kDigits[n % 10];
}

// A generated document: its text, the same without page furniture, and the
// numbers its provisions must get.
struct Generated {
  std::vector<std::string> lines;        // with furniture markers
  std::vector<std::string> clean_lines;  // without
  std::vector<std::string> numbers;
};

enum class Form { kSeed, kReikiAbove, kReikiInline, kSection, kSectionSplit, kDeclaration };

class Generator {
 public:
  explicit Generator(unsigned seed) : rng_(seed) {}

  Generated Make(Form form) {
    doc_ = Generated{};
    const bool two_line_title = Chance(2);
    if (two_line_title) {
      Line("○○町");
      Line("情報セキュリティ基本方針");
    } else {
      Line("○○町情報セキュリティ基本方針");
    }
    Line("");
    if (form == Form::kDeclaration) {
      doc_.numbers.push_back("前文");
      Sentence("○○町は、町民の情報を守るため、次のとおり取り組むことを宣言します。");
      for (int i = 1; i <= 7; ++i) {
        Sentence(std::string("⑴⑵⑶⑷⑸⑹⑺").substr((i - 1) * 3, 3) + "　" + Pick(kSentences));
      }
      Line("令和７年４月１日");
      Line("○○町長　山田　太郎");
      return Finish();
    }
    const bool reiki = form == Form::kReikiAbove || form == Form::kReikiInline;
    const int articles = 3 + Int(6);
    int chapters = reiki && Chance(2) ? 2 + Int(2) : 0;
    if (chapters > articles) chapters = articles;
    if (chapters > 0) {
      Line("目　次");
      for (int c = 1; c <= chapters; ++c) Line(absl::StrCat("第", FullWidth(c), "章　", kHeadings[c]));
      Line("附則");
      Line("");
      doc_.numbers.push_back("目次");
    }
    if (Chance(2)) {
      doc_.numbers.push_back("前文");
      Sentence(Pick(kSentences) + Pick(kSentences));
      Line("");
    }
    const int digits = Int(3);  // full-width, half-width, kanji
    int chapter = 0;
    int section = 0;  // sections (節) of the chapter, when it has them
    for (int n = 1; n <= articles; ++n) {
      if (chapters > 0 && chapter < chapters && (n - 1) * chapters / articles >= chapter) {
        ++chapter;
        Line(absl::StrCat("第", FullWidth(chapter), "章　", kHeadings[chapter]));
        section = 0;
        if (Chance(2)) Line(absl::StrCat("第", FullWidth(++section), "節　", kHeadings[chapter + 5]));
      } else if (section > 0 && Chance(3)) {
        Line(absl::StrCat("第", FullWidth(++section), "節　", kHeadings[(section + 7) % kHeadings.size()]));
      }
      const std::string number =
          digits == 0 ? FullWidth(n) : digits == 1 ? absl::StrCat(n) : Kanji(n);
      Article(form, n, 0, number);
      if (reiki && Chance(4)) Article(form, n, 2, number);
    }
    const int supplementary = 1 + Int(3);
    for (int s = 1; s <= supplementary; ++s) {
      doc_.numbers.push_back(s == 1 ? "附則" : absl::StrCat("附則", s));
      Line(s == 1 ? "附　則" : absl::StrCat("附　則（令和", FullWidth(6 + s), "年告示第", FullWidth(s), "号）"));
      Sentence(absl::StrCat("この方針は、令和", FullWidth(6 + s), "年４月１日から施行する。"));
      if (s > 1 && Chance(2)) {
        // A reference to 附則, as written or broken over lines by PDF
        // extraction ("附則" / "第" / "１項…", "附則" / "第１" / "項…"):
        // body text of this 附則 either way.
        const std::string reference = "附則第１項の規定にかかわらず、第２条の規定は公布の日から施行する。";
        switch (Int(3)) {
          case 0: Sentence(reference); break;
          case 1: Line("附則"); Line("第"); Line(reference.substr(std::string("附則第").size())); break;
          default: Line("附則"); Line("第１"); Line(reference.substr(std::string("附則第１").size())); break;
        }
      }
    }
    return Finish();
  }

 private:
  bool Chance(int one_in) { return std::uniform_int_distribution<int>(0, one_in - 1)(rng_) == 0; }
  int Int(int below) { return std::uniform_int_distribution<int>(0, below - 1)(rng_); }
  const std::string& Pick(const std::vector<std::string>& from) { return from[Int(from.size())]; }

  void Line(std::string line) {
    doc_.lines.push_back(line);
    doc_.clean_lines.push_back(std::move(line));
  }

  // A sentence, sometimes broken mid-way as PDF extraction breaks it, and
  // sometimes followed by a page break with its furniture.
  void Sentence(const std::string& sentence) {
    std::vector<size_t> starts;  // code point starts, not the first
    for (size_t i = 3; i + 6 < sentence.size(); ++i) {
      if ((static_cast<unsigned char>(sentence[i]) & 0xC0) != 0x80) starts.push_back(i);
    }
    if (!starts.empty() && Chance(3)) {
      const size_t cut = starts[Int(starts.size())];
      Line(sentence.substr(0, cut));
      Line((Chance(4) ? "\u200B" : "") + sentence.substr(cut));
    } else {
      Line(sentence);
    }
    if (Chance(6)) {
      ++page_;
      doc_.lines.push_back(absl::StrCat("- ", page_, " -"));
      doc_.lines.push_back("\f○○町情報セキュリティ基本方針");
      // A second page break soon, so that the header repeats.
      doc_.lines.push_back(absl::StrCat("\f○○町情報セキュリティ基本方針"));
    }
  }

  void Body(Form form, bool reiki) {
    const int paragraphs = 1 + Int(2);
    for (int p = 1; p <= paragraphs; ++p) {
      Sentence((reiki && p > 1 ? FullWidth(p) + "　" : "") + Pick(kSentences));
      if (Chance(2)) {
        const bool sections = form == Form::kSection || form == Form::kSectionSplit;
        for (int i = 1; i <= 2 + Int(2); ++i) {
          const std::string marker = sections ? "ア イ ウ エ " : "（１）（２）（３）（４）";
          const std::string item =
              sections ? std::string("アイウエ").substr((i - 1) * 3, 3) + "　"
                       : absl::StrCat("（", FullWidth(i), "）");
          if (Chance(2)) {
            Line(item + Pick(kItemNames));  // a term, its definition on the next line
            Sentence("情報を取り扱う仕組みをいう。");
          } else {
            Sentence(item + Pick(kSentences));
          }
          if (Chance(3)) Sentence(absl::StrCat("①", Pick(kSentences)));
        }
      }
    }
  }

  void Article(Form form, int n, int branch, const std::string& number) {
    const std::string& heading = kHeadings[(n * 3 + branch) % kHeadings.size()];
    const std::string branch_text = branch > 0 ? "の" + FullWidth(branch) : "";
    const std::string zwnbsp = Chance(8) ? "\uFEFF" : "";
    switch (form) {
      case Form::kSeed:
        doc_.numbers.push_back(absl::StrCat("第", n));
        Line(absl::StrCat(zwnbsp, Chance(3) ? "　" : "", "第", number, " ", heading));
        Body(form, false);
        break;
      case Form::kReikiAbove:
      case Form::kReikiInline: {
        doc_.numbers.push_back(absl::StrCat("第", n, "条", branch > 0 ? absl::StrCat("の", branch) : ""));
        const std::string label = absl::StrCat("第", Chance(4) ? " " + number + " " : number, "条", branch_text);
        if (form == Form::kReikiAbove) {
          Line(zwnbsp + "（" + heading + "）");
          Line(label + "　" + Pick(kSentences));
        } else if (Chance(2)) {
          Line(zwnbsp + label + "（" + heading + "）" + Pick(kSentences));
        } else {
          Line(zwnbsp + label + " " + heading);
          Sentence(Pick(kSentences));
        }
        Body(form, true);
        break;
      }
      case Form::kSection:
      case Form::kSectionSplit:
        doc_.numbers.push_back(absl::StrCat(n));
        if (form == Form::kSectionSplit) {
          // Sometimes at the top of a page, where a page number could stand.
          if (n > 1 && Chance(4)) doc_.lines.push_back("\f");
          Line(zwnbsp + FullWidth(n));
          Line(heading);
        } else {
          Line(absl::StrCat(zwnbsp, n, ". ", heading));
        }
        Body(form, false);
        break;
      case Form::kDeclaration:
        break;
    }
  }

  Generated Finish() { return std::move(doc_); }

  std::mt19937 rng_;
  Generated doc_;
  int page_ = 0;
};

std::string JoinLines(const std::vector<std::string>& lines, const std::string& end) {
  std::string out;
  for (const std::string& line : lines) out += line + end;
  return out;
}

std::vector<std::string> Numbers(const PolicyText& policy) {
  std::vector<std::string> numbers;
  for (const Article& a : policy.articles) numbers.push_back(a.number);
  return numbers;
}

void ExpectRoundTrip(const ParsedPolicy& parsed, std::string_view expected_text,
                     const std::string& context) {
  const std::string rendered = RenderPolicyText(parsed.policy);
  EXPECT_EQ(WithoutWhitespace(rendered), WithoutWhitespace(expected_text)) << context;
  absl::StatusOr<ParsedPolicy> again = ParsePolicyDocument(rendered);
  ASSERT_TRUE(again.ok()) << again.status() << context;
  EXPECT_EQ(again->policy, parsed.policy) << context << "\nrendered:\n" << rendered;
  EXPECT_TRUE(again->dropped.empty()) << context;
}

TEST(PolicyTextPropertyTest, GeneratedDocumentsOfEveryForm) {
  const std::vector<std::string> endings = {"\n", "\r\n", "\r"};
  int documents = 0;
  for (Form form : {Form::kSeed, Form::kReikiAbove, Form::kReikiInline, Form::kSection,
                    Form::kSectionSplit, Form::kDeclaration}) {
    for (unsigned seed = 1; seed <= 60; ++seed) {
      Generator generator(seed * 7919 + static_cast<unsigned>(form));
      const Generated doc = generator.Make(form);
      const std::string text = JoinLines(doc.lines, endings[seed % endings.size()]);
      const std::string context = absl::StrCat("form ", static_cast<int>(form), " seed ", seed,
                                               "\n", JoinLines(doc.lines, "\n"));
      absl::StatusOr<ParsedPolicy> parsed = ParsePolicyDocument(text);
      ASSERT_TRUE(parsed.ok()) << parsed.status() << context;
      EXPECT_EQ(Numbers(parsed->policy), doc.numbers) << context;
      EXPECT_EQ(parsed->policy.title, "○○町情報セキュリティ基本方針") << context;
      ExpectRoundTrip(*parsed, JoinLines(doc.clean_lines, "\n"), context);
      ++documents;
    }
  }
  EXPECT_EQ(documents, 360);
}

TEST(PolicyTextPropertyTest, TheSeedRoundTrips) {
  const char* source_dir = std::getenv("SECCOORD_SOURCE_DIR");
  std::ifstream in(std::string(source_dir != nullptr ? source_dir : ".") +
                   "/data/basic-policy-r8.txt", std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  absl::StatusOr<ParsedPolicy> parsed = ParsePolicyDocument(text.str());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->policy.articles.size(), 11u);
  ExpectRoundTrip(*parsed, text.str(), "seed");
}

// Soups of the fragments that confuse an importer: whatever parses must
// render back to its text and parse again to itself.
TEST(PolicyTextPropertyTest, HeadingLikeFragmentSoups) {
  const std::vector<std::string> fragments = {
      "第", "十 見", "第２", "第十", "附則", "附　則（令和９年告示第２号）", "（目的）",
      "第１条", "第2条の2", "1", "目的", "⑴ 項目", "。", "目次", "第1章 総則", "第２章 組織",
      "（１）ネットワーク", "ア 本文", "本文が続く", "途中で切れた文", "をいう。", "２　段落",
      "\u200B", "\uFEFF第３ 見出し", "第 9 条第 1 項に規定する", "- 3 -", "\f", "",
      "第1節 通則", "\f2", "１項の規定にかかわらず、", "続く"};
  std::mt19937 rng(20260401);
  int parsed_count = 0;
  for (int round = 0; round < 3000; ++round) {
    std::vector<std::string> lines;
    const int count = 1 + static_cast<int>(rng() % 12);
    for (int i = 0; i < count; ++i) lines.push_back(fragments[rng() % fragments.size()]);
    const std::string text = JoinLines(lines, "\n");
    absl::StatusOr<ParsedPolicy> parsed = ParsePolicyDocument(text);
    if (!parsed.ok()) continue;
    ++parsed_count;
    std::string kept;
    // The dropped lines are exactly what the rendering lacks.
    std::string dropped;
    for (const PolicyTextNote& note : parsed->dropped) {
      dropped += note.text.substr(0, note.text.rfind(" ("));
    }
    const std::string rendered = RenderPolicyText(parsed->policy);
    EXPECT_EQ(WithoutWhitespace(rendered).size() + WithoutWhitespace(dropped).size(),
              WithoutWhitespace(text).size())
        << text;
    absl::StatusOr<ParsedPolicy> again = ParsePolicyDocument(rendered);
    ASSERT_TRUE(again.ok()) << again.status() << "\n" << text << "\nrendered:\n" << rendered;
    EXPECT_EQ(again->policy, parsed->policy) << text << "\nrendered:\n" << rendered;
  }
  EXPECT_GT(parsed_count, 1000);
}

}  // namespace
}  // namespace seccoord
