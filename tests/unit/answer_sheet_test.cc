// The answer sheet: write → parse round trips in all three encodings, headers
// (Japanese, English, written form, any order, missing, unknown, duplicate),
// RFC 4180 quoting, every row error with its line and column, file-level
// errors, the row limit, skipped rows, confirm rows, and the forms Excel makes
// of item ids.
#include "common/answer_sheet.h"

#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "common/csv.h"

namespace seccoord::assessment {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::StartsWith;

constexpr char kSha[] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
constexpr char kShaUpper[] = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";

v1::Checklist TestChecklist() {
  v1::Checklist c;
  c.set_version("2026.1");
  c.set_title("令和8年度 情報セキュリティ自己点検票");
  auto add = [&](const char* id, int chapter, const char* title, const char* question,
                 bool required) {
    v1::ChecklistItem* item = c.add_items();
    item->set_id(id);
    item->set_chapter(chapter);
    item->set_chapter_title(title);
    item->set_question(question);
    item->set_article("第6(1)");
    item->set_required(required);
  };
  add("1-1", 1, "組織体制", "情報セキュリティ責任者を定めているか。", true);
  add("1-2", 1, "組織体制", "緊急連絡網を整備し、年1回以上見直しているか。", false);
  add("3-2", 3, "情報システム全体の強靭性の向上", "機微情報取扱系で多要素認証を用いているか。", true);
  add("7-1", 7, "自己点検", "自己点検を年1回実施しているか。", false);
  add("8-1", 8, "評価・見直し", "対策基準を見直しているか。", false);
  add("8-2", 8, "評価・見直し", "実施手順を見直しているか。", false);
  add("9-1", 9, "外部委託", "委託先の管理状況を確認しているか。", false);
  add("9-2", 9, "外部委託", "約款による外部サービスの利用を把握しているか。", false);
  c.set_item_count(c.items_size());
  return c;
}

v1::Date D(int y, int m, int d) {
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

v1::Assessment TestAssessment() {
  v1::Assessment a;
  a.set_id("kasama-union-2026-1");
  a.set_organization("kasama-union");
  a.set_fiscal_year(2026);
  a.set_round(1);
  a.set_checklist_version("2026.1");
  {
    v1::ItemAnswer* x = a.add_answers();
    x->set_item_id("1-1");
    x->set_result(v1::ITEM_RESULT_IMPLEMENTED);
    x->set_note("規程第3条で定めた, \"CISO\" は事務局長。\n 2行目  ");
    v1::EvidenceReference* e1 = x->add_evidence();
    e1->set_title("情報セキュリティ規程");
    e1->set_location("共有フォルダ/規程/規程.pdf");
    e1->set_sha256(kSha);
    v1::EvidenceReference* e2 = x->add_evidence();
    e2->set_title("任命通知");
    e2->set_location("キャビネットA");
    x->set_answered_by("seccoord://kasama-union/tanaka");
    x->set_carried_over(true);
  }
  {
    v1::ItemAnswer* x = a.add_answers();
    x->set_item_id("1-2");
    x->set_result(v1::ITEM_RESULT_PARTIAL);
    x->set_note("連絡網はあるが見直しが未了");
    x->mutable_remediation()->set_action("連絡網を見直す");
    x->mutable_remediation()->set_owner("総務係");
    *x->mutable_remediation()->mutable_due() = D(2026, 9, 30);
  }
  {
    v1::ItemAnswer* x = a.add_answers();
    x->set_item_id("3-2");
    x->set_result(v1::ITEM_RESULT_NOT_APPLICABLE);
    v1::EvidenceReference* e = x->add_evidence();
    e->set_location("台帳");  // no title, only a location
  }
  return a;
}

// What a sheet gives back of an answer: no server-set fields.
v1::ItemAnswer Readable(v1::ItemAnswer a) {
  a.clear_answered_by();
  a.clear_answer_time_us();
  a.clear_carried_over();
  return a;
}

std::pair<int, std::string> P(int line, const char* column) { return {line, column}; }

std::string Message(const absl::Status& s) { return std::string(s.message()); }

SheetParseResult ParseOk(std::string_view csv, CsvEncoding encoding = CsvEncoding::kAuto,
                         int max_rows = kMaxSheetRows) {
  auto parsed = ParseAnswerSheet(csv, encoding, TestChecklist(), max_rows);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? *std::move(parsed) : SheetParseResult{};
}

absl::Status ParseError(std::string_view csv, CsvEncoding encoding = CsvEncoding::kAuto,
                        int max_rows = kMaxSheetRows) {
  auto parsed = ParseAnswerSheet(csv, encoding, TestChecklist(), max_rows);
  EXPECT_FALSE(parsed.ok()) << "parsed " << (parsed.ok() ? parsed->rows.size() : 0) << " rows";
  return parsed.status();
}

std::vector<std::pair<int, std::string>> Where(const SheetParseResult& r) {
  std::vector<std::pair<int, std::string>> out;
  for (const SheetError& e : r.errors) out.emplace_back(e.line, e.column);
  return out;
}

std::string ReasonAt(const SheetParseResult& r, int line, const std::string& column) {
  for (const SheetError& e : r.errors) {
    if (e.line == line && e.column == column) return e.reason;
  }
  return "<no error at line " + std::to_string(line) + ", column " + column + ">";
}

std::vector<std::string> Ids(const SheetParseResult& r) {
  std::vector<std::string> out;
  for (const SheetRow& row : r.rows) out.push_back(row.answer.item_id());
  return out;
}

bool Same(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

// ---- layout ----

TEST(AnswerSheetLayoutTest, ColumnsInDocumentedOrder) {
  std::vector<std::string> english;
  std::vector<std::string> japanese;
  std::vector<std::string> required;
  for (const CsvColumn& c : AnswerSheetColumns()) {
    english.emplace_back(c.english);
    japanese.emplace_back(c.japanese);
    if (c.required) required.emplace_back(c.english);
  }
  EXPECT_THAT(english, ElementsAre("item_id", "chapter", "question", "required", "carried_over",
                                   "result", "note", "evidence_title", "evidence_location",
                                   "evidence_sha256", "action", "owner", "due", "confirm"));
  EXPECT_THAT(japanese, ElementsAre("項目ID", "章", "点検項目", "必須", "前回から引継ぎ", "結果",
                                    "備考", "証跡", "証跡の保管場所", "証跡SHA-256", "改善措置",
                                    "担当", "期限", "確認"));
  EXPECT_THAT(required, ElementsAre("item_id", "result"));
}

// ---- writing and round trips ----

TEST(AnswerSheetWriteTest, WritesJapaneseHeaderOneRowPerItemAndCrLf) {
  auto sheet = WriteAnswerSheet(TestChecklist(), TestAssessment(), SheetEncoding::kUtf8);
  ASSERT_TRUE(sheet.ok()) << sheet.status();
  EXPECT_THAT(*sheet, StartsWith("項目ID (item_id),章 (chapter),点検項目 (question),必須 (required),"
                                 "前回から引継ぎ (carried_over),結果 (result),備考 (note),"
                                 "証跡 (evidence_title),証跡の保管場所 (evidence_location),"
                                 "証跡SHA-256 (evidence_sha256),改善措置 (action),担当 (owner),"
                                 "期限 (due),確認 (confirm)\r\n"));
  EXPECT_THAT(*sheet, HasSubstr("\r\n\"=\"\"1-2\"\"\",1. 組織体制,"
                                "緊急連絡網を整備し、年1回以上見直しているか。,,,一部実施,"
                                "連絡網はあるが見直しが未了,,,,連絡網を見直す,総務係,2026-09-30,\r\n"));
  // The unanswered item 7-1 has an empty result.
  EXPECT_THAT(*sheet, HasSubstr("\"=\"\"7-1\"\"\",7. 自己点検,自己点検を年1回実施しているか。,,,,,,,,,,,\r\n"));
  // Required and carried-over marks.
  EXPECT_THAT(*sheet, HasSubstr("1. 組織体制,情報セキュリティ責任者を定めているか。,○,○,実施,"));
  EXPECT_EQ(sheet->substr(0, 3), "項");  // no BOM
  auto parsed = ParseOk(*sheet);
  EXPECT_THAT(Where(parsed), IsEmpty());
  EXPECT_THAT(Ids(parsed), ElementsAre("1-1", "1-2", "3-2"));
  EXPECT_EQ(parsed.rows[0].line, 2);
  // 1-1 spans lines 2 to 6: a line break in each of note, evidence_title,
  // evidence_location and evidence_sha256.
  EXPECT_EQ(parsed.rows[1].line, 7);
}

TEST(AnswerSheetWriteTest, RoundTripGivesTheSameAnswersInEveryEncoding) {
  const v1::Assessment assessment = TestAssessment();
  for (SheetEncoding encoding :
       {SheetEncoding::kUtf8, SheetEncoding::kUtf8Bom, SheetEncoding::kCp932}) {
    SCOPED_TRACE(static_cast<int>(encoding));
    auto sheet = WriteAnswerSheet(TestChecklist(), assessment, encoding);
    ASSERT_TRUE(sheet.ok()) << sheet.status();
    EXPECT_EQ(sheet->substr(0, 3) == kUtf8Bom, encoding == SheetEncoding::kUtf8Bom);
    const SheetParseResult parsed = ParseOk(*sheet);
    EXPECT_EQ(parsed.encoding,
              encoding == SheetEncoding::kCp932 ? CsvEncoding::kCp932 : CsvEncoding::kUtf8);
    EXPECT_THAT(Where(parsed), IsEmpty());
    ASSERT_THAT(parsed.rows, SizeIs(assessment.answers_size()));
    for (int i = 0; i < assessment.answers_size(); ++i) {
      EXPECT_TRUE(Same(parsed.rows[i].answer, Readable(assessment.answers(i))))
          << parsed.rows[i].answer.DebugString() << "\nvs\n"
          << Readable(assessment.answers(i)).DebugString();
      EXPECT_FALSE(parsed.rows[i].confirm);
    }
    // Read with the encoding named, too.
    auto named = ParseAnswerSheet(*sheet,
                                  encoding == SheetEncoding::kCp932 ? CsvEncoding::kCp932
                                                                    : CsvEncoding::kUtf8,
                                  TestChecklist());
    ASSERT_TRUE(named.ok()) << named.status();
    EXPECT_THAT(named->rows, SizeIs(assessment.answers_size()));
  }
}

TEST(AnswerSheetWriteTest, Cp932RefusesACharacterWithoutAFormNamingTheLine) {
  v1::Assessment a = TestAssessment();
  a.mutable_answers(1)->set_note("寿司🍣");
  auto sheet = WriteAnswerSheet(TestChecklist(), a, SheetEncoding::kCp932);
  ASSERT_FALSE(sheet.ok());
  EXPECT_EQ(sheet.status().code(), absl::StatusCode::kInvalidArgument);
  // Header on line 1, 1-1 on lines 2-6, 1-2 on line 7.
  EXPECT_THAT(Message(sheet.status()), HasSubstr("line 7: \"🍣\" (U+1F363) has no Shift_JIS/CP932"));
  // UTF-8 has every character.
  EXPECT_TRUE(WriteAnswerSheet(TestChecklist(), a, SheetEncoding::kUtf8Bom).ok());
}

TEST(AnswerSheetWriteTest, RefusesAnotherChecklistOrAnUnknownItem) {
  v1::Assessment other = TestAssessment();
  other.set_checklist_version("2025.1");
  auto s1 = WriteAnswerSheet(TestChecklist(), other, SheetEncoding::kUtf8);
  ASSERT_FALSE(s1.ok());
  EXPECT_EQ(s1.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(s1.status()), HasSubstr("2025.1"));

  v1::Assessment stray = TestAssessment();
  stray.add_answers()->set_item_id("9-9");
  auto s2 = WriteAnswerSheet(TestChecklist(), stray, SheetEncoding::kUtf8);
  ASSERT_FALSE(s2.ok());
  EXPECT_EQ(s2.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(s2.status()), HasSubstr("item \"9-9\" is not in checklist 2026.1"));
}

TEST(AnswerSheetWriteTest, EmptyAssessmentIsEveryItemUnanswered) {
  v1::Assessment empty;
  auto sheet = WriteAnswerSheet(TestChecklist(), empty, SheetEncoding::kUtf8);
  ASSERT_TRUE(sheet.ok()) << sheet.status();
  const SheetParseResult parsed = ParseOk(*sheet);
  EXPECT_THAT(parsed.rows, IsEmpty());
  EXPECT_THAT(parsed.errors, IsEmpty());
}

// ---- headers ----

TEST(AnswerSheetHeaderTest, EnglishHeadersInAnyOrderWithOnlyRequiredColumns) {
  const SheetParseResult r = ParseOk("Result,ITEM_ID\n実施,1-1\npartial,3-2\n");
  EXPECT_THAT(Where(r), IsEmpty());
  ASSERT_THAT(Ids(r), ElementsAre("1-1", "3-2"));
  EXPECT_EQ(r.rows[0].answer.result(), v1::ITEM_RESULT_IMPLEMENTED);
  EXPECT_EQ(r.rows[1].answer.result(), v1::ITEM_RESULT_PARTIAL);
  EXPECT_EQ(r.rows[1].line, 3);
}

TEST(AnswerSheetHeaderTest, JapaneseHeaders) {
  const SheetParseResult r = ParseOk(
      "項目ID,結果,備考,証跡,証跡の保管場所,証跡SHA-256,改善措置,担当,期限,確認,章,点検項目,必須,"
      "前回から引継ぎ\n"
      "1-2,未実施,未整備,,,,整備する,総務係,令和8年12月1日,,1,質問,,\n");
  EXPECT_THAT(Where(r), IsEmpty());
  ASSERT_THAT(r.rows, SizeIs(1));
  const v1::ItemAnswer& a = r.rows[0].answer;
  EXPECT_EQ(a.result(), v1::ITEM_RESULT_NOT_IMPLEMENTED);
  EXPECT_EQ(a.note(), "未整備");
  EXPECT_EQ(a.remediation().action(), "整備する");
  EXPECT_EQ(a.remediation().owner(), "総務係");
  EXPECT_TRUE(Same(a.remediation().due(), D(2026, 12, 1)));
}

TEST(AnswerSheetHeaderTest, BadHeadersAreRefusedNamingTheColumn) {
  const struct {
    const char* csv;
    const char* message;
  } cases[] = {
      {"項目ID,備考\n1-1,x\n",
       "line 1: required column \"result\" (結果) is missing from the header"},
      {"result\n実施\n", "line 1: required column \"item_id\" (項目ID) is missing"},
      {"item_id,result,colour\n1-1,実施,red\n",
       "line 1: unknown column \"colour\" in the header"},
      {"item_id,result,colour\n1-1,実施,red\n", "see docs/answer-sheet.md"},
      {"item_id,結果,note,result\n1-1,実施,,実施\n",
       "line 1: column \"result\" appears twice in the header (2 and 4)"},
      {"item_id,,result\n1-1,,実施\n", "line 1: header cell 2 is empty"},
  };
  for (const auto& c : cases) {
    const absl::Status s = ParseError(c.csv);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.csv;
    EXPECT_THAT(Message(s), HasSubstr(c.message)) << c.csv;
  }
}

TEST(AnswerSheetHeaderTest, EmptyFilesAreRefused) {
  for (const char* csv : {"", "\r\n", " \n\n", "\xEF\xBB\xBF"}) {
    const absl::Status s = ParseError(csv);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << "\"" << csv << "\"";
    EXPECT_THAT(Message(s), HasSubstr("empty file")) << "\"" << csv << "\"";
  }
}

TEST(AnswerSheetHeaderTest, HeaderOnlyIsNoAnswer) {
  const SheetParseResult r = ParseOk("item_id,result\r\n");
  EXPECT_THAT(r.rows, IsEmpty());
  EXPECT_THAT(r.errors, IsEmpty());
}

// ---- encodings ----

TEST(AnswerSheetEncodingTest, BomIsSkipped) {
  const SheetParseResult r = ParseOk("\xEF\xBB\xBF項目ID,結果\r\n1-1,実施\r\n");
  EXPECT_EQ(r.encoding, CsvEncoding::kUtf8);
  EXPECT_THAT(Ids(r), ElementsAre("1-1"));
}

TEST(AnswerSheetEncodingTest, Cp932FromLiteralBytes) {
  // 項目ID,結果 / 1-1,実施 / 3-2,一部実施 in CP932, as Excel saves it.
  const std::string csv =
      "\x8D\x80\x96\xDA" "ID,\x8C\x8B\x89\xCA\r\n"
      "1-1,\x8E\xC0\x8E\x7B\r\n"
      "3-2,\x88\xEA\x95\x94\x8E\xC0\x8E\x7B\r\n";
  const SheetParseResult r = ParseOk(csv);
  EXPECT_EQ(r.encoding, CsvEncoding::kCp932);
  ASSERT_THAT(Ids(r), ElementsAre("1-1", "3-2"));
  EXPECT_EQ(r.rows[0].answer.result(), v1::ITEM_RESULT_IMPLEMENTED);
  EXPECT_EQ(r.rows[1].answer.result(), v1::ITEM_RESULT_PARTIAL);
  EXPECT_EQ(r.rows[1].line, 3);
}

TEST(AnswerSheetEncodingTest, MixedEncodingsAreRefused) {
  const std::string csv = "item_id,result,note\n1-1,実施,x\n1-2,\x8E\xC0\x8E\x7B,y\n";
  const absl::Status s = ParseError(csv);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(s), HasSubstr("mixed encodings: line 2 is UTF-8, line 3 is not"));
}

TEST(AnswerSheetEncodingTest, UndecodableBytesNameTheLine) {
  const absl::Status s = ParseError("item_id,result\n1-1,\x81\x20\n", CsvEncoding::kCp932);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(s), HasSubstr("line 2: bytes 0x81 0x20 at byte 5 are not valid Shift_JIS/CP932"));
  const absl::Status u = ParseError("item_id,result\n1-1,\x8E\xC0\n", CsvEncoding::kUtf8);
  EXPECT_THAT(Message(u), HasSubstr("line 2: is not valid UTF-8"));
}

// ---- quoting ----

TEST(AnswerSheetQuotingTest, QuotedFieldsWithCommasQuotesAndNewlines) {
  const SheetParseResult r = ParseOk(
      "item_id,result,note,evidence_title,evidence_location\r\n"
      "1-1,実施,\"規程, 第3条\r\n\"\"CISO\"\"\",\"規程\n任命通知\",\"共有, フォルダ\nキャビネット\"\r\n"
      "1-2,該当なし,,,\r\n");
  EXPECT_THAT(Where(r), IsEmpty());
  ASSERT_THAT(r.rows, SizeIs(2));
  const v1::ItemAnswer& a = r.rows[0].answer;
  EXPECT_EQ(a.note(), "規程, 第3条\r\n\"CISO\"");
  ASSERT_EQ(a.evidence_size(), 2);
  EXPECT_EQ(a.evidence(0).title(), "規程");
  EXPECT_EQ(a.evidence(0).location(), "共有, フォルダ");
  EXPECT_EQ(a.evidence(1).title(), "任命通知");
  EXPECT_EQ(a.evidence(1).location(), "キャビネット");
  EXPECT_EQ(r.rows[0].line, 2);
  EXPECT_EQ(r.rows[1].line, 6);  // 1-1 holds three line breaks
}

TEST(AnswerSheetQuotingTest, BrokenQuoteNamesTheLineWhereItOpenedAndTheColumn) {
  const absl::Status s = ParseError(
      "item_id,result,note\n"
      "1-1,実施,ok\n"
      "1-2,実施,\"never closed\n"
      "3-2,実施,x\n");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(s), HasSubstr("line 3, column note: unterminated quoted field"));
  const absl::Status after = ParseError("item_id,result,note\n1-1,\"実施\"x,\n");
  EXPECT_THAT(Message(after), HasSubstr("line 2, column result: text after the closing quote"));
}

// ---- rows ----

TEST(AnswerSheetRowTest, EveryBadRowAndCellIsReportedWithLineAndColumn) {
  const std::string big(5000, 'x');
  const std::string csv =
      "項目ID,結果,備考,証跡SHA-256,期限,確認\n"  // 1
      "1-1,実施,ok,,,\n"                          // 2 fine
      "9-9,実施,,,,\n"                            // 3 unknown item
      "1-1,実施,,,,\n"                            // 4 duplicate of line 2
      "1-2,済み,,,,\n"                            // 5 bad result
      "3-2,未実施,,,2026-02-30,\n"                // 6 impossible date
      "7-1,未実施,,,someday,\n"                   // 7 not a date
      ",実施,,,,\n"                               // 8 empty item id
      "8-1,実施,,abc,,\n"                         // 9 bad sha256
      "8-2,実施,,,,maybe\n"                       // 10 bad boolean
      "9-1,実施," + big + ",,,\n"                 // 11 cell over 4096 bytes
      "9-2,実施\n"                                // 12 wrong number of fields
      "9-2,済み,,zz,令和0年1月1日,\n";            // 13 three bad cells
  const SheetParseResult r = ParseOk(csv);
  EXPECT_THAT(Ids(r), ElementsAre("1-1"));
  EXPECT_THAT(Where(r),
              ElementsAre(P(3, "項目ID"), P(4, "項目ID"), P(5, "結果"),
                          P(6, "期限"), P(7, "期限"), P(8, "項目ID"),
                          P(9, "証跡SHA-256"), P(10, "確認"),
                          P(11, "備考"), P(12, ""), P(13, "結果"),
                          P(13, "証跡SHA-256"), P(13, "期限")));
  EXPECT_THAT(ReasonAt(r, 3, "項目ID"), HasSubstr("unknown item \"9-9\" (not in checklist 2026.1)"));
  EXPECT_THAT(ReasonAt(r, 4, "項目ID"), HasSubstr("item 1-1 appears twice (first on line 2)"));
  EXPECT_THAT(ReasonAt(r, 5, "結果"), HasSubstr("unknown value \"済み\"; expected IMPLEMENTED"));
  EXPECT_THAT(ReasonAt(r, 5, "結果"), HasSubstr("実施, 一部実施, 未実施, 該当なし"));
  EXPECT_THAT(ReasonAt(r, 6, "期限"), HasSubstr("2026-02-30"));
  EXPECT_THAT(ReasonAt(r, 7, "期限"), HasSubstr("someday"));
  EXPECT_THAT(ReasonAt(r, 8, "項目ID"), HasSubstr("must not be empty"));
  EXPECT_THAT(ReasonAt(r, 9, "証跡SHA-256"), HasSubstr("\"abc\" is not a SHA-256 (64 hexadecimal digits)"));
  EXPECT_THAT(ReasonAt(r, 10, "確認"), HasSubstr("unknown value \"maybe\""));
  EXPECT_THAT(ReasonAt(r, 11, "備考"), HasSubstr("exceeds 4096 bytes"));
  EXPECT_THAT(ReasonAt(r, 12, ""), HasSubstr("has 2 fields, the header has 6"));
  EXPECT_THAT(ReasonAt(r, 13, "期限"), HasSubstr("令和0年"));
}

TEST(AnswerSheetRowTest, DuplicateNamesTheFirstLineEvenAcrossQuotedLines) {
  const SheetParseResult r = ParseOk(
      "item_id,result,note\n"
      "3-2,実施,\"a\nb\"\n"
      "3-2,実施,\n");
  EXPECT_THAT(Where(r), ElementsAre(P(4, "item_id")));
  EXPECT_THAT(ReasonAt(r, 4, "item_id"), HasSubstr("first on line 2"));
}

TEST(AnswerSheetRowTest, UnansweredAndBlankRowsAreSkipped) {
  const SheetParseResult r = ParseOk(
      "item_id,result,note,confirm\n"
      "1-1,,まだ,\n"      // not answered yet
      ",,,\n"             // blank
      "　,  , ,\n"        // blank (spaces only)
      "1-2,実施,,いいえ\n"
      "3-2,,,\n");
  EXPECT_THAT(Where(r), IsEmpty());
  EXPECT_THAT(Ids(r), ElementsAre("1-2"));
  EXPECT_EQ(r.rows[0].line, 5);
}

TEST(AnswerSheetRowTest, UnansweredRowsStillNeedAKnownItem) {
  const SheetParseResult r = ParseOk("item_id,result\n8-8,\n");
  EXPECT_THAT(Where(r), ElementsAre(P(2, "item_id")));
}

TEST(AnswerSheetRowTest, ConfirmRowsMayLeaveTheResultEmpty) {
  const SheetParseResult r = ParseOk(
      "item_id,result,confirm\n"
      "1-1,,○\n"
      "1-2,実施,はい\n"
      "3-2,,true\n"
      "7-1,,×\n");
  EXPECT_THAT(Where(r), IsEmpty());
  ASSERT_THAT(Ids(r), ElementsAre("1-1", "1-2", "3-2"));
  EXPECT_TRUE(r.rows[0].confirm);
  EXPECT_EQ(r.rows[0].answer.result(), v1::ITEM_RESULT_UNSPECIFIED);
  EXPECT_TRUE(r.rows[1].confirm);
  EXPECT_EQ(r.rows[1].answer.result(), v1::ITEM_RESULT_IMPLEMENTED);
  EXPECT_TRUE(r.rows[2].confirm);
}

TEST(AnswerSheetRowTest, Booleans) {
  for (const char* yes : {"true", "YES", "1", "○", "◯", "はい", "１"}) {
    const SheetParseResult r = ParseOk(std::string("item_id,result,confirm\n1-1,,") + yes + "\n");
    ASSERT_THAT(r.rows, SizeIs(1)) << yes;
    EXPECT_TRUE(r.rows[0].confirm) << yes;
  }
  for (const char* no : {"false", "No", "0", "×", "いいえ", ""}) {
    const SheetParseResult r = ParseOk(std::string("item_id,result,confirm\n1-1,実施,") + no + "\n");
    EXPECT_THAT(Where(r), IsEmpty()) << no;
    ASSERT_THAT(r.rows, SizeIs(1)) << no;
    EXPECT_FALSE(r.rows[0].confirm) << no;
  }
}

TEST(AnswerSheetRowTest, DatesIsoAndWareki) {
  for (const char* date : {"2026-04-01", "2026/4/1", "令和8年4月1日", "R8.4.1", "２０２６－０４－０１"}) {
    const SheetParseResult r =
        ParseOk(std::string("item_id,result,due\n1-1,一部実施,") + date + "\n");
    EXPECT_THAT(Where(r), IsEmpty()) << date;
    ASSERT_THAT(r.rows, SizeIs(1)) << date;
    EXPECT_TRUE(Same(r.rows[0].answer.remediation().due(), D(2026, 4, 1))) << date;
  }
}

TEST(AnswerSheetRowTest, RemediationOnlyWhenSomethingIsGiven) {
  const SheetParseResult r = ParseOk(
      "item_id,result,action,owner,due\n"
      "1-1,実施,,,\n"
      "1-2,未実施,,総務係,\n");
  ASSERT_THAT(r.rows, SizeIs(2));
  EXPECT_FALSE(r.rows[0].answer.has_remediation());
  EXPECT_TRUE(r.rows[1].answer.has_remediation());
  EXPECT_EQ(r.rows[1].answer.remediation().owner(), "総務係");
  EXPECT_FALSE(r.rows[1].answer.remediation().has_due());
}

TEST(AnswerSheetRowTest, EvidenceByPositionWithLowercasedHashes) {
  const SheetParseResult r = ParseOk(
      "item_id,result,evidence_title,evidence_location,evidence_sha256\n"
      "1-1,実施,\"規程\n\n研修記録\n\",\"共有\n台帳\n\",\"" + std::string(kShaUpper) +
      "\n\n " + kSha + " \"\n");
  EXPECT_THAT(Where(r), IsEmpty());
  ASSERT_THAT(r.rows, SizeIs(1));
  const v1::ItemAnswer& a = r.rows[0].answer;
  ASSERT_EQ(a.evidence_size(), 3);
  EXPECT_EQ(a.evidence(0).title(), "規程");
  EXPECT_EQ(a.evidence(0).location(), "共有");
  EXPECT_EQ(a.evidence(0).sha256(), kSha);
  EXPECT_EQ(a.evidence(1).title(), "");
  EXPECT_EQ(a.evidence(1).location(), "台帳");
  EXPECT_EQ(a.evidence(1).sha256(), "");
  EXPECT_EQ(a.evidence(2).title(), "研修記録");
  EXPECT_EQ(a.evidence(2).location(), "");
  EXPECT_EQ(a.evidence(2).sha256(), kSha);
}

TEST(AnswerSheetRowTest, BadHashNamesTheEntry) {
  const SheetParseResult r = ParseOk(
      "item_id,result,evidence_title,evidence_sha256\n"
      "1-1,実施,\"a\nb\",\"" + std::string(kSha) + "\n" + std::string(kSha).substr(1) + "g\"\n");
  EXPECT_THAT(Where(r), ElementsAre(P(2, "evidence_sha256")));
  EXPECT_THAT(ReasonAt(r, 2, "evidence_sha256"), HasSubstr("entry 2: "));
}

TEST(AnswerSheetRowTest, ItemIdsAsExcelMakesThem) {
  const SheetParseResult r = ParseOk(
      "item_id,result\n"
      "=\"1-1\",実施\n"   // as WriteAnswerSheet writes it (quoted: ""=""1-1"""" is the same)
      "3月2日,実施\n"     // what Excel saved after reading 3-2 as a date
      " １－２ ,実施\n");  // full width, spaces
  EXPECT_THAT(Where(r), IsEmpty());
  EXPECT_THAT(Ids(r), ElementsAre("1-1", "3-2", "1-2"));
  // A month-day with no such item stays unknown.
  const SheetParseResult bad = ParseOk("item_id,result\n5月5日,実施\n");
  EXPECT_THAT(ReasonAt(bad, 2, "item_id"), HasSubstr("unknown item \"5月5日\""));
}

// ---- limits ----

TEST(AnswerSheetLimitTest, TenThousandRowsAreResourceExhausted) {
  std::string csv = "item_id,result\n";
  for (int i = 0; i < 10000; ++i) csv += "1-1,実施\n";
  const absl::Status s = ParseError(csv);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(Message(s), HasSubstr("line 502: too many rows: more than 500 data rows"));
  EXPECT_THAT(Message(s), HasSubstr("the limit is 500 rows per file"));
}

TEST(AnswerSheetLimitTest, ExactlyTheLimitIsFineAndBlankRowsDoNotCount) {
  const std::string csv = "item_id,result\n1-1,実施\n,\n1-2,実施\n\n3-2,実施\n";
  const SheetParseResult r = ParseOk(csv, CsvEncoding::kAuto, 3);
  EXPECT_THAT(Ids(r), ElementsAre("1-1", "1-2", "3-2"));
  const absl::Status s = ParseError(csv + "7-1,実施\n", CsvEncoding::kAuto, 3);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(Message(s), HasSubstr("line 7: too many rows: more than 3"));
}

TEST(AnswerSheetLimitTest, HugeRecordsDoNotHoldEveryField) {
  const std::string csv = "item_id,result\n1-1," + std::string(1000000, ',') + "\n";
  const SheetParseResult r = ParseOk(csv);
  EXPECT_THAT(Where(r), ElementsAre(P(2, "")));
  EXPECT_THAT(ReasonAt(r, 2, ""), HasSubstr("has 1000002 fields, the header has 2"));
}

}  // namespace
}  // namespace seccoord::assessment
