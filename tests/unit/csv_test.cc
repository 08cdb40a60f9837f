// The shared CSV unit: decoding (UTF-8 with and without BOM, CP932, mixed,
// explicit encodings), RFC 4180 records with their line numbers, the bounds
// on fields, whole-file reading, field writing, and CP932 encoding with its
// refusals.
#include "common/csv.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace seccoord {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string Message(const absl::Status& s) { return std::string(s.message()); }

// "実施" and "結果" in CP932.
constexpr char kJisshiCp932[] = "\x8E\xC0\x8E\x7B";
constexpr char kKekkaCp932[] = "\x8C\x8B\x89\xCA";

std::vector<std::vector<std::string>> Fields(const CsvText& text) {
  std::vector<std::vector<std::string>> out;
  for (const CsvRecord& r : text.records) out.push_back(r.fields);
  return out;
}

std::vector<int> Lines(const CsvText& text) {
  std::vector<int> out;
  for (const CsvRecord& r : text.records) out.push_back(r.line);
  return out;
}

CsvText ReadOk(std::string_view bytes, CsvEncoding encoding = CsvEncoding::kAuto,
               CsvReadOptions options = {}) {
  auto read = ReadCsv(bytes, encoding, options);
  EXPECT_TRUE(read.ok()) << read.status();
  return read.ok() ? *std::move(read) : CsvText{};
}

absl::Status ReadError(std::string_view bytes, CsvEncoding encoding = CsvEncoding::kAuto) {
  auto read = ReadCsv(bytes, encoding);
  EXPECT_FALSE(read.ok());
  return read.status();
}

// ---- decoding ----

TEST(CsvDecodeTest, Utf8WithAndWithoutBomGiveTheSameText) {
  auto plain = DecodeCsv("a,結果\r\n", CsvEncoding::kAuto);
  auto bom = DecodeCsv("\xEF\xBB\xBF" "a,結果\r\n", CsvEncoding::kAuto);
  auto explicit_bom = DecodeCsv("\xEF\xBB\xBF" "a,結果\r\n", CsvEncoding::kUtf8);
  ASSERT_TRUE(plain.ok() && bom.ok() && explicit_bom.ok());
  EXPECT_EQ(plain->text, "a,結果\r\n");
  EXPECT_EQ(bom->text, "a,結果\r\n");
  EXPECT_EQ(explicit_bom->text, "a,結果\r\n");
  EXPECT_EQ(bom->encoding, CsvEncoding::kUtf8);
}

TEST(CsvDecodeTest, AsciiOnlyIsUtf8) {
  auto d = DecodeCsv("a,b\n1,2\n", CsvEncoding::kAuto);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->encoding, CsvEncoding::kUtf8);
}

TEST(CsvDecodeTest, Cp932IsDetectedAndDecoded) {
  const std::string bytes = std::string("item,") + kKekkaCp932 + "\r\n1-1," + kJisshiCp932 + "\r\n";
  auto d = DecodeCsv(bytes, CsvEncoding::kAuto);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->encoding, CsvEncoding::kCp932);
  EXPECT_EQ(d->text, "item,結果\r\n1-1,実施\r\n");
  auto explicit_cp932 = DecodeCsv(bytes, CsvEncoding::kCp932);
  ASSERT_TRUE(explicit_cp932.ok());
  EXPECT_EQ(explicit_cp932->text, d->text);
}

TEST(CsvDecodeTest, MixedEncodingsNameBothLines) {
  const std::string bytes = std::string("a\n結果\nb\n") + kJisshiCp932 + "\n";
  auto d = DecodeCsv(bytes, CsvEncoding::kAuto);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(d.status()), HasSubstr("mixed encodings: line 2 is UTF-8, line 4 is not"));
}

TEST(CsvDecodeTest, BomFollowedByInvalidUtf8NamesTheLine) {
  const std::string bytes = std::string("\xEF\xBB\xBF" "a\n") + kJisshiCp932 + "\n";
  auto d = DecodeCsv(bytes, CsvEncoding::kAuto);
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(Message(d.status()), HasSubstr("line 2: is not valid UTF-8"));
  EXPECT_THAT(Message(d.status()), HasSubstr("mixed encodings"));
}

TEST(CsvDecodeTest, ExplicitUtf8WithCp932BytesNamesTheLine) {
  const std::string bytes = std::string("a\nb\n") + kJisshiCp932 + "\n";
  auto d = DecodeCsv(bytes, CsvEncoding::kUtf8);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(d.status()), HasSubstr("line 3: is not valid UTF-8"));
}

TEST(CsvDecodeTest, ExplicitCp932WithUndecodableBytesNamesTheLineAndByte) {
  auto d = DecodeCsv("a\r\nxyz\x81\x20\r\n", CsvEncoding::kCp932);
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(Message(d.status()),
              HasSubstr("line 2: bytes 0x81 0x20 at byte 4 are not valid Shift_JIS/CP932"));
}

TEST(CsvDecodeTest, ExplicitCp932WithBomIsRefused) {
  auto d = DecodeCsv("\xEF\xBB\xBF" "a\n", CsvEncoding::kCp932);
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(Message(d.status()), HasSubstr("line 1: "));
  EXPECT_THAT(Message(d.status()), HasSubstr("byte order mark"));
}

TEST(CsvDecodeTest, EncodingNames) {
  EXPECT_EQ(CsvEncodingName(CsvEncoding::kAuto), "auto");
  EXPECT_EQ(CsvEncodingName(CsvEncoding::kUtf8), "UTF-8");
  EXPECT_EQ(CsvEncodingName(CsvEncoding::kCp932), "CP932");
}

// ---- records ----

TEST(CsvReaderTest, QuotedFieldsWithCommasQuotesAndNewlines) {
  const CsvText t = ReadOk(
      "id,note\r\n"
      "1-1,\"a, b\"\r\n"
      "1-2,\"say \"\"hi\"\"\"\r\n"
      "3-2,\"two\nlines\r\nthree\"\r\n"
      "9-9,last\r\n");
  EXPECT_THAT(Fields(t), ElementsAre(ElementsAre("id", "note"), ElementsAre("1-1", "a, b"),
                                     ElementsAre("1-2", "say \"hi\""),
                                     ElementsAre("3-2", "two\nlines\r\nthree"),
                                     ElementsAre("9-9", "last")));
  // The quoted cell spans lines 4 to 6.
  EXPECT_THAT(Lines(t), ElementsAre(1, 2, 3, 4, 7));
}

TEST(CsvReaderTest, LfCrLfAndCrLineEndsAndNoFinalLineEnd) {
  const CsvText t = ReadOk("a,b\n1,2\r\n3,4\r5,6");
  EXPECT_THAT(Fields(t), ElementsAre(ElementsAre("a", "b"), ElementsAre("1", "2"),
                                     ElementsAre("3", "4"), ElementsAre("5", "6")));
  EXPECT_THAT(Lines(t), ElementsAre(1, 2, 3, 4));
}

TEST(CsvReaderTest, EmptyFieldsAndTrailingComma) {
  const CsvText t = ReadOk("a,b,c\n,x,\n\"\",,\"\"\ny,,\n");
  // Line 3 has only empty fields: blank, skipped.
  EXPECT_THAT(Fields(t), ElementsAre(ElementsAre("a", "b", "c"), ElementsAre("", "x", ""),
                                     ElementsAre("y", "", "")));
  EXPECT_THAT(Lines(t), ElementsAre(1, 2, 4));
}

TEST(CsvReaderTest, QuoteInsideUnquotedFieldIsOrdinary) {
  const CsvText t = ReadOk("a,b\n5\" disk,x\n");
  EXPECT_THAT(Fields(t), ElementsAre(ElementsAre("a", "b"), ElementsAre("5\" disk", "x")));
}

TEST(CsvReaderTest, BlankRecordsAreSkippedByReadCsv) {
  const CsvText t = ReadOk("a,b\n,\n\n 　, \n1,2\n,,,\n");
  EXPECT_THAT(Fields(t), ElementsAre(ElementsAre("a", "b"), ElementsAre("1", "2")));
  EXPECT_THAT(Lines(t), ElementsAre(1, 5));
}

TEST(CsvReaderTest, EmptyTextHasNoRecords) {
  EXPECT_THAT(ReadOk("").records, IsEmpty());
  EXPECT_THAT(ReadOk("\r\n\r\n").records, IsEmpty());
}

TEST(CsvReaderTest, UnterminatedQuoteNamesTheLineWhereItOpenedAndTheColumn) {
  const absl::Status s = ReadError("id,note\n1-1,ok\n1-2,\"never\nclosed,\n3-2,x\n");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(s), HasSubstr("line 3, column note: unterminated quoted field"));
}

TEST(CsvReaderTest, UnterminatedQuoteInTheHeaderNamesTheField) {
  const absl::Status s = ReadError("id,\"note\n");
  EXPECT_THAT(Message(s), HasSubstr("line 1, field 2: unterminated quoted field"));
}

TEST(CsvReaderTest, TextAfterClosingQuoteIsRefused) {
  const absl::Status s = ReadError("id,note\n1-1,\"a\"b\n");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(s), HasSubstr("line 2, column note: text after the closing quote"));
}

TEST(CsvReaderTest, StreamingReaderNamesColumnsOnlyOnceTold) {
  const std::string text = "a,\"x\"y\n";
  CsvReader reader(text);
  CsvRecord record;
  auto first = reader.Next(&record);
  ASSERT_FALSE(first.ok());
  EXPECT_THAT(Message(first.status()), HasSubstr("line 1, field 2: text after"));

  const std::vector<std::string> names = {"id", "note"};
  const std::string text2 = "id,note\n1,\"x\"y\n";
  CsvReader reader2(text2);
  ASSERT_TRUE(*reader2.Next(&record));
  reader2.set_column_names(&names);
  auto second = reader2.Next(&record);
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(Message(second.status()), HasSubstr("line 2, column note: text after"));
}

TEST(CsvReaderTest, StreamingReaderStopsAtTheEnd) {
  const std::string text = "a\nb";
  CsvReader reader(text);
  CsvRecord record;
  ASSERT_TRUE(*reader.Next(&record));
  EXPECT_EQ(record.line, 1);
  ASSERT_TRUE(*reader.Next(&record));
  EXPECT_EQ(record.line, 2);
  EXPECT_THAT(record.fields, ElementsAre("b"));
  EXPECT_FALSE(*reader.Next(&record));
}

TEST(CsvReaderTest, BoundsKeepOneByteOverTheLimitAndCountUnstoredFields) {
  const std::string big(10000, 'x');
  const std::string text = "a,b\n" + big + "," + std::string(2000000, ',') + "\n";
  const CsvText t = ReadOk(text, CsvEncoding::kUtf8, CsvReadOptions{100, 8});
  ASSERT_EQ(t.records.size(), 2u);
  EXPECT_EQ(t.records[1].fields.size(), 8u);
  EXPECT_EQ(t.records[1].field_count, 2000002);
  EXPECT_EQ(t.records[1].fields[0].size(), 101u);
  // A record with more fields than stored is never blank.
  CsvRecord wide{1, {"", ""}, 3};
  EXPECT_FALSE(IsBlankCsvRecord(wide));
}

TEST(CsvReaderTest, Cp932QuotedMultilineKeepsLineNumbers) {
  const std::string bytes = std::string("a,b\r\n1,\"") + kJisshiCp932 + "\r\n" + kKekkaCp932 +
                            "\"\r\n2," + kJisshiCp932 + "\r\n";
  const CsvText t = ReadOk(bytes);
  EXPECT_EQ(t.encoding, CsvEncoding::kCp932);
  EXPECT_THAT(Fields(t), ElementsAre(ElementsAre("a", "b"), ElementsAre("1", "実施\r\n結果"),
                                     ElementsAre("2", "実施")));
  EXPECT_THAT(Lines(t), ElementsAre(1, 2, 4));
}

// ---- writing ----

TEST(CsvWriteTest, FieldsAreQuotedOnlyWhenNeeded) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("実施 です"), "実施 です");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField("cr\r"), "\"cr\r\"");
}

TEST(CsvWriteTest, RecordsEndWithCrLfAndReadBack) {
  std::string out;
  AppendCsvRecord({"id", "note"}, &out);
  AppendCsvRecord({"1-1", "a, \"b\"\nc"}, &out);
  AppendCsvRecord({"", ""}, &out);
  AppendCsvRecord({"x", ""}, &out);
  EXPECT_EQ(out, "id,note\r\n1-1,\"a, \"\"b\"\"\nc\"\r\n,\r\nx,\r\n");
  const CsvText t = ReadOk(out);
  EXPECT_THAT(Fields(t), ElementsAre(ElementsAre("id", "note"), ElementsAre("1-1", "a, \"b\"\nc"),
                                     ElementsAre("x", "")));
}

// ---- CP932 ----

TEST(CsvCp932Test, EncodesAndReadsBack) {
  const std::string text = "項目ID,結果\r\n1-1,実施 ｶﾀｶﾅ ①～ー\r\n";
  auto encoded = EncodeCp932(text);
  ASSERT_TRUE(encoded.ok()) << encoded.status();
  EXPECT_EQ(encoded->substr(0, 6), "\x8D\x80\x96\xDA" "ID");
  auto back = DecodeCsv(*encoded, CsvEncoding::kAuto);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->encoding, CsvEncoding::kCp932);
  EXPECT_EQ(back->text, text);
}

TEST(CsvCp932Test, CharacterWithoutAFormIsNamedWithItsLine) {
  auto encoded = EncodeCp932("a\r\nb\r\n寿司🍣\r\n");
  ASSERT_FALSE(encoded.ok());
  EXPECT_EQ(encoded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(encoded.status()),
              HasSubstr("line 3: \"🍣\" (U+1F363) has no Shift_JIS/CP932 form"));
}

TEST(CsvCp932Test, LookAlikeMappingsAreRefusedBecauseTheyDoNotReadBack) {
  auto wave = EncodeCp932("4月〜6月");
  ASSERT_FALSE(wave.ok());
  EXPECT_EQ(wave.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(wave.status()), HasSubstr("line 1: \"〜\" (U+301C) has no Shift_JIS/CP932 "
                                                "form of its own (it would read back as \"～\" "
                                                "(U+FF5E))"));
  auto yen = EncodeCp932("x\n¥100");
  ASSERT_FALSE(yen.ok());
  EXPECT_THAT(Message(yen.status()), HasSubstr("line 2: \"¥\" (U+00A5)"));
}

TEST(CsvCp932Test, InvalidUtf8IsRefused) {
  auto encoded = EncodeCp932("ok\nbad\xFF\n");
  ASSERT_FALSE(encoded.ok());
  EXPECT_EQ(encoded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(encoded.status()), HasSubstr("line 2: is not valid UTF-8"));
}

TEST(CsvCp932Test, EmptyAndAscii) {
  EXPECT_EQ(*EncodeCp932(""), "");
  EXPECT_EQ(*EncodeCp932("a,b\r\n"), "a,b\r\n");
}

}  // namespace
}  // namespace seccoord
