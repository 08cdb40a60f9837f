// The inventory's CSV form: encodings (UTF-8 with and without BOM, CP932,
// mixed), headers (English, Japanese, any order, missing, unknown), RFC 4180
// quoting, every kind of row error with its line and column, file-level
// errors, the row limit, the value vocabulary, and write → parse round trips.
#include "common/asset_csv.h"

#include <iconv.h>

#include <algorithm>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

namespace seccoord::asset {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

constexpr char kRequiredHeader[] = "name,category,segment,confidentiality,integrity,availability";

const char kJapaneseHeader[] =
    "資産ID,組織,名称,分類,領域,機密性,完全性,可用性,管理者,設置場所,多要素認証,持ち出し不可,"
    "通信監視,暗号化,バックアップ,外部サービス,外部サービス名,接続先,状態,廃棄日,消去方法,"
    "立会者,備考,サンプル";

const char kJapaneseRow[] =
    "A-000001,kasama-union,斎場予約管理システム,情報システム,機微情報取扱系,3B,2,2,事務局,"
    "斎場 事務室,はい,いいえ,×,○,有,外部委託,保守業者,A-000002;A-000003:approved,使用中,,,,"
    "備考です,はい";

// UTF-8 → `to` with glibc iconv.
std::string Convert(const char* to, const std::string& utf8) {
  iconv_t cd = iconv_open(to, "UTF-8");
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string out(utf8.size() * 4 + 4, '\0');
  char* in_ptr = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* out_ptr = out.data();
  size_t out_left = out.size();
  const size_t rc = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
  EXPECT_NE(rc, static_cast<size_t>(-1)) << "cannot encode as " << to << ": " << utf8;
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

// As Excel's 「CSV (コンマ区切り)」 would write it.
std::string ToCp932(const std::string& utf8) { return Convert("CP932", utf8); }

// With its byte order mark, as Notepad's 「Unicode」 (LE) or 「Unicode big
// endian」 writes it.
std::string ToUtf16(const std::string& utf8, bool little_endian) {
  return little_endian ? "\xFF\xFE" + Convert("UTF-16LE", utf8)
                       : "\xFE\xFF" + Convert("UTF-16BE", utf8);
}

CsvParseResult ParseOk(std::string_view csv, v1::CsvEncoding encoding = v1::CSV_ENCODING_AUTO,
                       int max_rows = 10000) {
  auto parsed = ParseAssetCsv(csv, encoding, max_rows);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? *std::move(parsed) : CsvParseResult{};
}

absl::Status ParseError(std::string_view csv, v1::CsvEncoding encoding = v1::CSV_ENCODING_AUTO,
                        int max_rows = 10000) {
  auto parsed = ParseAssetCsv(csv, encoding, max_rows);
  EXPECT_FALSE(parsed.ok()) << "parsed " << (parsed.ok() ? parsed->rows.size() : 0) << " rows";
  return parsed.status();
}

std::string Message(const absl::Status& s) { return std::string(s.message()); }

std::vector<std::pair<int, std::string>> Where(const CsvParseResult& r) {
  std::vector<std::pair<int, std::string>> out;
  for (const auto& e : r.errors) out.emplace_back(e.line(), e.column());
  return out;
}

bool Same(const v1::Asset& a, const v1::Asset& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

// ---- layout ----

TEST(AssetCsvLayoutTest, ColumnsInDocumentedOrder) {
  std::vector<std::string> english;
  std::vector<std::string> japanese;
  for (const auto& c : AssetCsvColumns()) {
    english.emplace_back(c.english);
    japanese.emplace_back(c.japanese);
  }
  EXPECT_THAT(english,
              ElementsAre("id", "organization", "name", "category", "segment", "confidentiality",
                          "integrity", "availability", "custodian", "location", "mfa",
                          "export_blocked", "traffic_monitoring", "encryption", "backup",
                          "external_service", "external_service_name", "connections",
                          "lifecycle", "disposal_date", "erasure_method", "witness", "notes",
                          "sample", "etag"));
  EXPECT_EQ(japanese.front(), "資産ID");
  EXPECT_EQ(japanese.back(), "版");
}

// ---- encodings ----

TEST(AssetCsvEncodingTest, Utf8WithAndWithoutBomGiveTheSameRows) {
  const std::string csv = std::string(kJapaneseHeader) + "\r\n" + kJapaneseRow + "\r\n";
  const CsvParseResult plain = ParseOk(csv);
  const CsvParseResult bom = ParseOk("\xEF\xBB\xBF" + csv);
  EXPECT_EQ(plain.encoding, v1::CSV_ENCODING_UTF8);
  EXPECT_EQ(bom.encoding, v1::CSV_ENCODING_UTF8);
  ASSERT_THAT(plain.rows, SizeIs(1));
  ASSERT_THAT(bom.rows, SizeIs(1));
  EXPECT_TRUE(Same(plain.rows[0].asset, bom.rows[0].asset));
  EXPECT_EQ(bom.rows[0].asset.id(), "A-000001");  // the BOM is not part of the first header
  EXPECT_EQ(bom.rows[0].line, 2);
  // Explicit UTF-8 with a BOM too.
  EXPECT_THAT(ParseOk("\xEF\xBB\xBF" + csv, v1::CSV_ENCODING_UTF8).rows, SizeIs(1));
}

TEST(AssetCsvEncodingTest, Cp932IsDetectedAndDecoded) {
  const std::string utf8 = std::string(kJapaneseHeader) + "\r\n" + kJapaneseRow + "\r\n";
  const std::string cp932 = ToCp932(utf8);
  ASSERT_NE(cp932, utf8);
  const CsvParseResult expected = ParseOk(utf8);
  for (auto encoding : {v1::CSV_ENCODING_AUTO, v1::CSV_ENCODING_UNSPECIFIED,
                        v1::CSV_ENCODING_CP932}) {
    const CsvParseResult r = ParseOk(cp932, encoding);
    EXPECT_EQ(r.encoding, v1::CSV_ENCODING_CP932);
    ASSERT_THAT(r.rows, SizeIs(1));
    EXPECT_TRUE(Same(r.rows[0].asset, expected.rows[0].asset)) << r.rows[0].asset.DebugString();
    EXPECT_EQ(r.rows[0].asset.name(), "斎場予約管理システム");
  }
}

TEST(AssetCsvEncodingTest, Utf16WithBomIsDetectedAndReportedAsUtf16) {
  const std::string utf8 = std::string(kJapaneseHeader) + "\r\n" + kJapaneseRow + "\r\n";
  const CsvParseResult expected = ParseOk(utf8);
  for (bool little_endian : {true, false}) {
    const CsvParseResult r = ParseOk(ToUtf16(utf8, little_endian));
    EXPECT_EQ(r.encoding, v1::CSV_ENCODING_UTF16) << (little_endian ? "LE" : "BE");
    ASSERT_THAT(r.rows, SizeIs(1));
    EXPECT_TRUE(Same(r.rows[0].asset, expected.rows[0].asset)) << r.rows[0].asset.DebugString();
    EXPECT_EQ(r.rows[0].line, 2);
  }
  // UTF-16 is read by its BOM; it is not an encoding to ask for.
  const absl::Status asked = ParseError(ToUtf16(utf8, true), v1::CSV_ENCODING_UTF16);
  EXPECT_EQ(asked.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(asked), HasSubstr("encoding: UTF-16 is read when detected"));
}

TEST(AssetCsvEncodingTest, Cp932FromLiteralBytes) {
  // 名称,分類,領域,機密性,完全性,可用性 / ルータ,機器,なし,1,1,1 written in CP932
  // by hand, so the test does not only trust iconv's round trip.
  const std::string csv =
      "\x96\xBC\x8F\xCC,\x95\xAA\x97\xDE,\x97\xCC\x88\xE6,"
      "\x8B\x40\x96\xA7\x90\xAB,\x8A\xAE\x91\x53\x90\xAB,\x89\xC2\x97\x70\x90\xAB\r\n"
      "\x83\x8B\x81\x5B\x83\x5E,\x8B\x40\x8A\xED,\x82\xC8\x82\xB5,1,1,1\r\n";
  const CsvParseResult r = ParseOk(csv);
  EXPECT_EQ(r.encoding, v1::CSV_ENCODING_CP932);
  ASSERT_THAT(r.rows, SizeIs(1));
  EXPECT_EQ(r.rows[0].asset.name(), "ルータ");
  EXPECT_EQ(r.rows[0].asset.category(), v1::ASSET_CATEGORY_EQUIPMENT);
  EXPECT_EQ(r.rows[0].asset.segment(), v1::SEGMENT_NONE);
}

TEST(AssetCsvEncodingTest, Cp932WithQuotedMultilineFieldKeepsLineNumbers) {
  const std::string utf8 = std::string(kRequiredHeader) + ",備考\n"
                           "斎場予約管理システム,情報システム,機微情報取扱系,3B,2,2,\"一行目\n二行目\"\n"
                           "ルータ,機器,なし,9,1,1,\n";
  const CsvParseResult r = ParseOk(ToCp932(utf8));
  EXPECT_EQ(r.encoding, v1::CSV_ENCODING_CP932);
  ASSERT_THAT(r.rows, SizeIs(1));
  EXPECT_EQ(r.rows[0].asset.notes(), "一行目\n二行目");
  EXPECT_THAT(Where(r), ElementsAre(std::make_pair(4, std::string("confidentiality"))));
}

TEST(AssetCsvEncodingTest, MixedEncodingsAreRefusedNamingBothLines) {
  const std::string csv = std::string(kRequiredHeader) + "\n" +
                          "ルータ,機器,なし,1,1,1\n" +                   // line 2: UTF-8
                          "hub,EQUIPMENT,NONE,1,1,1\n" +                 // line 3: ASCII
                          ToCp932("ファイルサーバ,機器,なし,1,1,1") + "\n";  // line 4: CP932
  const absl::Status s = ParseError(csv);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(s), HasSubstr("mixed encodings: line 2 is UTF-8, line 4 is not"));
}

TEST(AssetCsvEncodingTest, BomFollowedByInvalidUtf8IsRefused) {
  const std::string csv = "\xEF\xBB\xBF" + std::string(kRequiredHeader) + "\n" +
                          ToCp932("ルータ,機器,なし,1,1,1") + "\n";
  EXPECT_THAT(Message(ParseError(csv)), HasSubstr("line 2: is not valid UTF-8"));
}

TEST(AssetCsvEncodingTest, ExplicitUtf8WithCp932BytesNamesTheLine) {
  const std::string csv = std::string(kRequiredHeader) + "\n" + "hub,EQUIPMENT,NONE,1,1,1\n" +
                          ToCp932("ルータ,機器,なし,1,1,1") + "\n";
  const absl::Status s = ParseError(csv, v1::CSV_ENCODING_UTF8);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(s), HasSubstr("line 3: is not valid UTF-8"));
}

TEST(AssetCsvEncodingTest, ExplicitCp932WithUndecodableBytesNamesTheLine) {
  const std::string csv = std::string(kRequiredHeader) + "\n" + "hub\x81\x20,EQUIPMENT,NONE,1,1,1\n";
  const absl::Status s = ParseError(csv, v1::CSV_ENCODING_CP932);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(s), HasSubstr("line 2: bytes 0x81 0x20 at byte 4 are not valid Shift_JIS/CP932"));
}

TEST(AssetCsvEncodingTest, ExplicitCp932WithBomIsRefused) {
  const std::string csv = "\xEF\xBB\xBF" + std::string(kRequiredHeader) + "\n";
  EXPECT_THAT(Message(ParseError(csv, v1::CSV_ENCODING_CP932)), HasSubstr("byte order mark"));
}

TEST(AssetCsvEncodingTest, UnknownEncodingValueIsRefused) {
  EXPECT_THAT(Message(ParseError(kRequiredHeader, static_cast<v1::CsvEncoding>(42))),
              HasSubstr("encoding"));
}

// ---- headers ----

TEST(AssetCsvHeaderTest, JapaneseHeadersAndValues) {
  const CsvParseResult r =
      ParseOk(std::string(kJapaneseHeader) + "\n" + kJapaneseRow + "\n");
  ASSERT_THAT(r.errors, IsEmpty());
  ASSERT_THAT(r.rows, SizeIs(1));
  const v1::Asset& a = r.rows[0].asset;
  EXPECT_EQ(a.id(), "A-000001");
  EXPECT_EQ(a.organization(), "kasama-union");
  EXPECT_EQ(a.name(), "斎場予約管理システム");
  EXPECT_EQ(a.category(), v1::ASSET_CATEGORY_INFORMATION_SYSTEM);
  EXPECT_EQ(a.segment(), v1::SEGMENT_SENSITIVE);
  EXPECT_EQ(a.confidentiality(), v1::CONFIDENTIALITY_3B);
  EXPECT_EQ(a.integrity(), v1::INTEGRITY_2);
  EXPECT_EQ(a.availability(), v1::AVAILABILITY_2);
  EXPECT_EQ(a.custodian(), "事務局");
  EXPECT_EQ(a.location(), "斎場 事務室");
  EXPECT_TRUE(a.controls().mfa());
  EXPECT_FALSE(a.controls().export_blocked());
  EXPECT_FALSE(a.controls().traffic_monitoring());
  EXPECT_TRUE(a.controls().encryption());
  EXPECT_TRUE(a.controls().backup());
  EXPECT_EQ(a.external_service(), v1::EXTERNAL_SERVICE_USE_CONTRACTED);
  EXPECT_EQ(a.external_service_name(), "保守業者");
  ASSERT_EQ(a.connections_size(), 2);
  EXPECT_EQ(a.connections(0).asset_id(), "A-000002");
  EXPECT_FALSE(a.connections(0).approved());
  EXPECT_EQ(a.connections(1).asset_id(), "A-000003");
  EXPECT_TRUE(a.connections(1).approved());
  EXPECT_EQ(a.lifecycle(), v1::LIFECYCLE_ACTIVE);
  EXPECT_FALSE(a.has_disposal());
  EXPECT_EQ(a.notes(), "備考です");
  EXPECT_TRUE(a.sample());
}

TEST(AssetCsvHeaderTest, OnlyRequiredColumnsInAnyOrderWithDefaults) {
  const CsvParseResult r = ParseOk(
      "Availability, SEGMENT ,name,confidentiality,integrity,category\n"
      "2,INTERNET,インターネット回線,1,1,NETWORK\n");
  ASSERT_THAT(r.rows, SizeIs(1));
  const v1::Asset& a = r.rows[0].asset;
  EXPECT_EQ(a.name(), "インターネット回線");
  EXPECT_EQ(a.category(), v1::ASSET_CATEGORY_NETWORK);
  EXPECT_EQ(a.segment(), v1::SEGMENT_INTERNET);
  EXPECT_EQ(a.availability(), v1::AVAILABILITY_2);
  EXPECT_EQ(a.id(), "");
  EXPECT_EQ(a.external_service(), v1::EXTERNAL_SERVICE_USE_NONE);
  EXPECT_EQ(a.lifecycle(), v1::LIFECYCLE_ACTIVE);
  EXPECT_FALSE(a.controls().mfa());
  EXPECT_FALSE(a.sample());
}

TEST(AssetCsvHeaderTest, MissingRequiredColumnIsNamed) {
  const absl::Status s = ParseError("name,category,confidentiality,integrity,availability\n");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(s), HasSubstr("line 1: required column \"segment\" (領域) is missing"));
  EXPECT_THAT(Message(ParseError("名称,分類,領域,機密性,完全性\n")),
              HasSubstr("\"availability\" (可用性)"));
}

TEST(AssetCsvHeaderTest, UnknownHeaderIsNamed) {
  const absl::Status s = ParseError(std::string(kRequiredHeader) + ",colour\n");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(s), HasSubstr("line 1: unknown column \"colour\""));
}

TEST(AssetCsvHeaderTest, DuplicateAndEmptyHeaderCellsAreRefused) {
  EXPECT_THAT(Message(ParseError(std::string(kRequiredHeader) + ",名称\n")),
              HasSubstr("column \"名称\" appears twice in the header (1 and 7)"));
  EXPECT_THAT(Message(ParseError(std::string(kRequiredHeader) + ",\n")),
              HasSubstr("line 1: header cell 7 is empty"));
}

TEST(AssetCsvHeaderTest, EmptyFilesAreRefused) {
  for (const std::string csv : {"", "\xEF\xBB\xBF", "\r\n", "\n\n", " "}) {
    const absl::Status s = ParseError(csv);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(Message(s), HasSubstr("empty file")) << "\"" << csv << "\"";
  }
}

TEST(AssetCsvHeaderTest, HeaderOnlyIsAnEmptyInventory) {
  const CsvParseResult r = ParseOk(std::string(kRequiredHeader));
  EXPECT_THAT(r.rows, IsEmpty());
  EXPECT_THAT(r.errors, IsEmpty());
}

// ---- RFC 4180 ----

TEST(AssetCsvQuotingTest, QuotedFieldsWithCommasQuotesAndNewlines) {
  const std::string csv = std::string(kRequiredHeader) + ",notes,location\r\n" +
                          "\"ファイルサーバ, 2号機\",EQUIPMENT,SENSITIVE,3C,2,2,"
                          "\"彼は\"\"重要\"\"と言った\",\"斎場\r\n事務室\nラック\"\r\n" +
                          "\"\",EQUIPMENT,NONE,1,1,1,,\r\n" +  // line 5: empty name
                          "last,EQUIPMENT,NONE,1,1,1,\"\",x";  // line 6, no final newline
  const CsvParseResult r = ParseOk(csv);
  ASSERT_THAT(r.rows, SizeIs(2));
  const v1::Asset& a = r.rows[0].asset;
  EXPECT_EQ(a.name(), "ファイルサーバ, 2号機");
  EXPECT_EQ(a.notes(), "彼は\"重要\"と言った");
  EXPECT_EQ(a.location(), "斎場\r\n事務室\nラック");  // kept byte for byte
  EXPECT_EQ(r.rows[0].line, 2);
  EXPECT_EQ(r.rows[1].line, 6);  // the record on line 2 spans lines 2-4
  EXPECT_EQ(r.rows[1].asset.location(), "x");
  EXPECT_THAT(Where(r), ElementsAre(std::make_pair(5, std::string("name"))));
}

TEST(AssetCsvQuotingTest, LfCrLfAndCrLineEndsCountLines) {
  const std::string csv = std::string(kRequiredHeader) + "\r" + "a,EQUIPMENT,NONE,1,1,1\n" +
                          "b,EQUIPMENT,NONE,X,1,1\r\n" + "c,EQUIPMENT,NONE,1,1,1\r\n";
  const CsvParseResult r = ParseOk(csv);
  EXPECT_THAT(r.rows, SizeIs(2));
  EXPECT_THAT(Where(r), ElementsAre(std::make_pair(3, std::string("confidentiality"))));
}

TEST(AssetCsvQuotingTest, UnterminatedQuoteNamesTheLineWhereItOpened) {
  const std::string csv = std::string(kRequiredHeader) + "\n" + "a,EQUIPMENT,NONE,1,1,1\n" +
                          "\"b,EQUIPMENT,NONE,1,1,1\n" + "c,EQUIPMENT,NONE,1,1,1\n";
  const absl::Status s = ParseError(csv);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(s), HasSubstr("line 3, column name: unterminated quoted field"));
}

TEST(AssetCsvQuotingTest, TextAfterClosingQuoteIsRefused) {
  const std::string csv =
      std::string(kRequiredHeader) + "\n" + "a,EQUIPMENT,\"NONE\"x,1,1,1\n";
  EXPECT_THAT(Message(ParseError(csv)), HasSubstr("line 2, column segment: text after the closing quote"));
}

TEST(AssetCsvQuotingTest, QuoteInsideUnquotedFieldIsOrdinary) {
  const CsvParseResult r =
      ParseOk(std::string(kRequiredHeader) + "\n" + "19\" rack,EQUIPMENT,NONE,1,1,1\n");
  ASSERT_THAT(r.rows, SizeIs(1));
  EXPECT_EQ(r.rows[0].asset.name(), "19\" rack");
}

TEST(AssetCsvQuotingTest, BlankRecordsAreSkipped) {
  const std::string csv = std::string(kRequiredHeader) + "\n\n" + ",,,,,\n" +
                          "a,EQUIPMENT,NONE,1,1,1\n" + " , ,　,,,\n\n";
  const CsvParseResult r = ParseOk(csv);
  ASSERT_THAT(r.rows, SizeIs(1));
  EXPECT_EQ(r.rows[0].line, 4);
  EXPECT_THAT(r.errors, IsEmpty());
}

// ---- row errors ----

TEST(AssetCsvRowErrorTest, EveryBadRowAndCellIsReportedWithLineAndColumn) {
  const std::string header = std::string(kRequiredHeader) +
                             ",mfa,disposal_date,connections,external_service,lifecycle,notes";
  const std::string csv =
      header + "\n" +
      "good,EQUIPMENT,NONE,1,1,1,yes,,,NONE,ACTIVE,\n" +       // 2 ok
      "bad enum,サーバ,NONE,1,1,1,,,,,,\n" +                    // 3 category
      "bad level,EQUIPMENT,NONE,4,3,0,,,,,,\n" +                // 4 three levels
      "bad bool,EQUIPMENT,NONE,1,1,1,maybe,,,,,\n" +            // 5 mfa
      "bad date,EQUIPMENT,NONE,1,1,1,,2026-02-30,,,,\n" +       // 6 disposal_date
      "bad wareki,EQUIPMENT,NONE,1,1,1,,令和0年1月1日,,,,\n" +  // 7 disposal_date
      "too few,EQUIPMENT,NONE,1,1\n" +                          // 8 whole row
      "too many,EQUIPMENT,NONE,1,1,1,,,,,,,extra\n" +           // 9 whole row
      ",EQUIPMENT,,1,1,1,,,,,,\n" +                             // 10 name, segment
      "bad conn,EQUIPMENT,NONE,1,1,1,,,A-1:maybe,,,\n" +        // 11 connections
      "bad conn2,EQUIPMENT,NONE,1,1,1,,,:approved,,,\n" +       // 12 connections
      "bad ext,EQUIPMENT,NONE,1,1,1,,,,cloud,,\n" +             // 13 external_service
      "bad life,EQUIPMENT,NONE,1,1,1,,,,,lost,\n" +             // 14 lifecycle
      "\"multi\nline\",EQUIPMENT,NONE,1,1,X,,,,,,\n" +          // 15-16 availability
      "big,EQUIPMENT,NONE,1,1,1,,,,,," + std::string(kMaxCsvFieldBytes + 1, 'x') + "\n" +  // 17
      "good too,EQUIPMENT,NONE,1,1,1,,,,,,\"" + std::string(kMaxCsvFieldBytes, 'y') + "\"\n";  // 18
  const CsvParseResult r = ParseOk(csv);
  ASSERT_THAT(r.rows, SizeIs(2));
  EXPECT_EQ(r.rows[0].line, 2);
  EXPECT_EQ(r.rows[1].line, 18);
  using P = std::pair<int, std::string>;
  EXPECT_THAT(Where(r), ElementsAre(P(3, "category"), P(4, "confidentiality"), P(4, "integrity"),
                                    P(4, "availability"), P(5, "mfa"), P(6, "disposal_date"),
                                    P(7, "disposal_date"), P(8, ""), P(9, ""), P(10, "name"),
                                    P(10, "segment"), P(11, "connections"), P(12, "connections"),
                                    P(13, "external_service"), P(14, "lifecycle"),
                                    P(15, "availability"), P(17, "notes")));
  auto reason = [&](int line, const std::string& column) {
    for (const auto& e : r.errors) {
      if (e.line() == line && e.column() == column) return e.reason();
    }
    return std::string("<none>");
  };
  EXPECT_THAT(reason(3, "category"), HasSubstr("unknown value \"サーバ\""));
  EXPECT_THAT(reason(3, "category"), HasSubstr("NETWORK"));
  EXPECT_THAT(reason(3, "category"), HasSubstr("ネットワーク"));
  EXPECT_THAT(reason(4, "confidentiality"), HasSubstr("3A, 3B, 3C, 2, 1"));
  EXPECT_THAT(reason(5, "mfa"), HasSubstr("unknown value \"maybe\""));
  EXPECT_THAT(reason(6, "disposal_date"), HasSubstr("2026-02-30"));
  EXPECT_THAT(reason(6, "disposal_date"), HasSubstr("not a valid date"));
  EXPECT_THAT(reason(7, "disposal_date"), HasSubstr("令和0年"));
  EXPECT_THAT(reason(8, ""), HasSubstr("has 5 fields, the header has 12"));
  EXPECT_THAT(reason(9, ""), HasSubstr("has 13 fields, the header has 12"));
  EXPECT_THAT(reason(10, "name"), HasSubstr("must not be empty"));
  EXPECT_THAT(reason(11, "connections"), HasSubstr("unknown flag \"maybe\""));
  EXPECT_THAT(reason(12, "connections"), HasSubstr("no asset id"));
  EXPECT_THAT(reason(17, "notes"), HasSubstr("exceeds 4096 bytes"));
}

TEST(AssetCsvRowErrorTest, ColumnIsTheHeaderAsWritten) {
  const CsvParseResult r = ParseOk("名称,分類,領域,機密性,完全性,可用性\nルータ,機器,なし,5,1,1\n");
  ASSERT_THAT(r.errors, SizeIs(1));
  EXPECT_EQ(r.errors[0].line(), 2);
  EXPECT_EQ(r.errors[0].column(), "機密性");
  EXPECT_THAT(r.errors[0].reason(), HasSubstr("unknown value \"5\""));
}

TEST(AssetCsvRowErrorTest, TooManyConnections) {
  std::string list;
  for (int i = 0; i <= kMaxCsvConnections; ++i) list += "A-" + std::to_string(i) + ";";
  const CsvParseResult r =
      ParseOk(std::string(kRequiredHeader) + ",connections\na,EQUIPMENT,NONE,1,1,1," + list + "\n");
  ASSERT_THAT(r.errors, SizeIs(1));
  EXPECT_THAT(r.errors[0].reason(), HasSubstr("more than 100 connections"));
}

// ---- row limit ----

TEST(AssetCsvLimitTest, MoreThanMaxRowsIsResourceExhausted) {
  std::string csv = std::string(kRequiredHeader) + "\n";
  for (int i = 0; i < 4; ++i) csv += "a,EQUIPMENT,NONE,1,1,1\n";
  EXPECT_THAT(ParseOk(csv, v1::CSV_ENCODING_AUTO, 4).rows, SizeIs(4));
  const absl::Status s = ParseError(csv, v1::CSV_ENCODING_AUTO, 3);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(Message(s), HasSubstr("line 5: too many rows: more than 3 data rows"));
}

TEST(AssetCsvLimitTest, HundredThousandRowsAreRefused) {
  std::string csv = std::string(kRequiredHeader) + "\n";
  for (int i = 0; i < 100000; ++i) csv += "a,EQUIPMENT,NONE,1,1,1\n";
  const absl::Status s = ParseError(csv, v1::CSV_ENCODING_AUTO, 10000);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(Message(s), HasSubstr("limit is 10000"));
}

TEST(AssetCsvLimitTest, HugeRecordsDoNotHoldEveryField) {
  const std::string csv = std::string(kRequiredHeader) + "\n" + std::string(1000000, ',') + "x\n";
  const CsvParseResult r = ParseOk(csv);
  ASSERT_THAT(r.errors, SizeIs(1));
  EXPECT_THAT(r.errors[0].reason(), HasSubstr("has 1000001 fields"));
}

// ---- values ----

TEST(AssetCsvValueTest, EnumsAcceptShortNamesFullNamesAndJapaneseLabels) {
  EXPECT_EQ(*ParseCategoryValue("network"), v1::ASSET_CATEGORY_NETWORK);
  EXPECT_EQ(*ParseCategoryValue("ASSET_CATEGORY_EQUIPMENT"), v1::ASSET_CATEGORY_EQUIPMENT);
  EXPECT_EQ(*ParseCategoryValue("Information System"), v1::ASSET_CATEGORY_INFORMATION_SYSTEM);
  EXPECT_EQ(*ParseCategoryValue("ネットワーク"), v1::ASSET_CATEGORY_NETWORK);
  EXPECT_EQ(*ParseCategoryValue("情報システム"), v1::ASSET_CATEGORY_INFORMATION_SYSTEM);
  EXPECT_EQ(*ParseCategoryValue(" 機器 "), v1::ASSET_CATEGORY_EQUIPMENT);
  EXPECT_EQ(*ParseCategoryValue("設備・機器"), v1::ASSET_CATEGORY_EQUIPMENT);
  EXPECT_EQ(*ParseCategoryValue("記録媒体"), v1::ASSET_CATEGORY_STORAGE_MEDIA);
  EXPECT_EQ(*ParseCategoryValue("電磁的記録媒体"), v1::ASSET_CATEGORY_STORAGE_MEDIA);
  EXPECT_EQ(*ParseCategoryValue("情報"), v1::ASSET_CATEGORY_INFORMATION);
  EXPECT_EQ(*ParseCategoryValue("システム関連文書"), v1::ASSET_CATEGORY_SYSTEM_DOCUMENT);
  EXPECT_FALSE(ParseCategoryValue("UNSPECIFIED").ok());
  EXPECT_FALSE(ParseCategoryValue("").ok());

  EXPECT_EQ(*ParseSegmentValue("sensitive"), v1::SEGMENT_SENSITIVE);
  EXPECT_EQ(*ParseSegmentValue("機微情報取扱系"), v1::SEGMENT_SENSITIVE);
  EXPECT_EQ(*ParseSegmentValue("インターネット接続系"), v1::SEGMENT_INTERNET);
  EXPECT_EQ(*ParseSegmentValue("なし"), v1::SEGMENT_NONE);
  EXPECT_EQ(*ParseSegmentValue("SEGMENT_NONE"), v1::SEGMENT_NONE);
  // Read, so that the import refuses them by name (第6).
  EXPECT_EQ(*ParseSegmentValue("マイナンバー利用事務系"), v1::SEGMENT_MY_NUMBER);
  EXPECT_EQ(*ParseSegmentValue("LGWAN接続系"), v1::SEGMENT_LGWAN);
  EXPECT_EQ(*ParseSegmentValue("ＬＧＷＡＮ接続系"), v1::SEGMENT_LGWAN);
  EXPECT_EQ(*ParseSegmentValue("lgwan"), v1::SEGMENT_LGWAN);

  EXPECT_EQ(*ParseExternalServiceValue("terms_based"), v1::EXTERNAL_SERVICE_USE_TERMS_BASED);
  EXPECT_EQ(*ParseExternalServiceValue("terms-based"), v1::EXTERNAL_SERVICE_USE_TERMS_BASED);
  EXPECT_EQ(*ParseExternalServiceValue("約款"), v1::EXTERNAL_SERVICE_USE_TERMS_BASED);
  EXPECT_EQ(*ParseExternalServiceValue("約款による外部サービス"), v1::EXTERNAL_SERVICE_USE_TERMS_BASED);
  EXPECT_EQ(*ParseExternalServiceValue("外部委託"), v1::EXTERNAL_SERVICE_USE_CONTRACTED);
  EXPECT_EQ(*ParseExternalServiceValue("なし"), v1::EXTERNAL_SERVICE_USE_NONE);

  EXPECT_EQ(*ParseLifecycleValue("active"), v1::LIFECYCLE_ACTIVE);
  EXPECT_EQ(*ParseLifecycleValue("使用中"), v1::LIFECYCLE_ACTIVE);
  EXPECT_EQ(*ParseLifecycleValue("廃棄"), v1::LIFECYCLE_RETIRED);
  EXPECT_EQ(*ParseLifecycleValue("LIFECYCLE_RETIRED"), v1::LIFECYCLE_RETIRED);
}

TEST(AssetCsvValueTest, LevelsAcceptFullWidthLowerCaseAndPrefixes) {
  EXPECT_EQ(*ParseConfidentialityValue("3A"), v1::CONFIDENTIALITY_3A);
  EXPECT_EQ(*ParseConfidentialityValue("3b"), v1::CONFIDENTIALITY_3B);
  EXPECT_EQ(*ParseConfidentialityValue("３Ｃ"), v1::CONFIDENTIALITY_3C);
  EXPECT_EQ(*ParseConfidentialityValue("２"), v1::CONFIDENTIALITY_2);
  EXPECT_EQ(*ParseConfidentialityValue("1"), v1::CONFIDENTIALITY_1);
  EXPECT_EQ(*ParseConfidentialityValue("機密性3A"), v1::CONFIDENTIALITY_3A);
  EXPECT_EQ(*ParseConfidentialityValue("CONFIDENTIALITY_2"), v1::CONFIDENTIALITY_2);
  // The former single level 3: refused with a hint to choose 3A, 3B or 3C.
  EXPECT_THAT(Message(ParseConfidentialityValue("3").status()), HasSubstr("3A・3B・3C"));
  EXPECT_THAT(Message(ParseConfidentialityValue("機密性３").status()), HasSubstr("3A・3B・3C"));
  EXPECT_FALSE(ParseConfidentialityValue("0").ok());
  EXPECT_EQ(*ParseIntegrityValue("２"), v1::INTEGRITY_2);
  EXPECT_EQ(*ParseIntegrityValue("完全性1"), v1::INTEGRITY_1);
  EXPECT_FALSE(ParseIntegrityValue("3").ok());
  EXPECT_EQ(*ParseAvailabilityValue("AVAILABILITY_2"), v1::AVAILABILITY_2);
  EXPECT_FALSE(ParseAvailabilityValue("3A").ok());
}

TEST(AssetCsvValueTest, Booleans) {
  for (const char* t : {"yes", "YES", "true", "True", "1", "１", "○", "◯", "はい", "有", "あり"}) {
    auto b = ParseBooleanValue(t);
    ASSERT_TRUE(b.ok()) << t;
    EXPECT_TRUE(*b) << t;
  }
  for (const char* f : {"no", "false", "FALSE", "0", "×", "いいえ", "無", "なし", "", "  "}) {
    auto b = ParseBooleanValue(f);
    ASSERT_TRUE(b.ok()) << f;
    EXPECT_FALSE(*b) << f;
  }
  EXPECT_FALSE(ParseBooleanValue("maybe").ok());
  EXPECT_FALSE(ParseBooleanValue("2").ok());
}

TEST(AssetCsvValueTest, DatesIsoAndWareki) {
  const std::string header = std::string(kRequiredHeader) + ",lifecycle,disposal_date,witness";
  const CsvParseResult r = ParseOk(header + "\n" + "a,記録媒体,なし,2,1,1,廃棄,2023-03-31,\n" +
                                   "b,記録媒体,なし,2,1,1,廃棄,令和5年3月31日,\n" +
                                   "c,記録媒体,なし,2,1,1,廃棄,R5.3.31,\n" +
                                   "d,記録媒体,なし,2,1,1,廃棄,令和５年３月３１日,\n" +
                                   "e,記録媒体,なし,2,1,1,廃棄,,佐藤\n");
  ASSERT_THAT(r.errors, IsEmpty());
  ASSERT_THAT(r.rows, SizeIs(5));
  for (int i = 0; i < 4; ++i) {
    const v1::Asset& a = r.rows[i].asset;
    EXPECT_EQ(a.lifecycle(), v1::LIFECYCLE_RETIRED);
    ASSERT_TRUE(a.has_disposal()) << a.name();
    EXPECT_EQ(a.disposal().date().year(), 2023) << a.name();
    EXPECT_EQ(a.disposal().date().month(), 3);
    EXPECT_EQ(a.disposal().date().day(), 31);
  }
  EXPECT_FALSE(r.rows[4].asset.disposal().has_date());
  EXPECT_EQ(r.rows[4].asset.disposal().witness(), "佐藤");
}

TEST(AssetCsvValueTest, Connections) {
  const CsvParseResult r = ParseOk(
      std::string(kRequiredHeader) + ",connections\n" +
      "a,機器,なし,1,1,1, A-000001 ; A-000002:Approved ;A-000003::note: with colon;"
      "A-000004:承認:semi\\;colon and back\\\\slash;;\n");
  ASSERT_THAT(r.errors, IsEmpty());
  ASSERT_THAT(r.rows, SizeIs(1));
  const v1::Asset& a = r.rows[0].asset;
  ASSERT_EQ(a.connections_size(), 4);
  EXPECT_EQ(a.connections(0).asset_id(), "A-000001");
  EXPECT_FALSE(a.connections(0).approved());
  EXPECT_EQ(a.connections(1).asset_id(), "A-000002");
  EXPECT_TRUE(a.connections(1).approved());
  EXPECT_EQ(a.connections(2).asset_id(), "A-000003");
  EXPECT_FALSE(a.connections(2).approved());
  EXPECT_EQ(a.connections(2).note(), "note: with colon");
  EXPECT_TRUE(a.connections(3).approved());
  EXPECT_EQ(a.connections(3).note(), "semi;colon and back\\slash");
}

TEST(AssetCsvValueTest, NamesAndLabels) {
  EXPECT_EQ(CategoryName(v1::ASSET_CATEGORY_STORAGE_MEDIA), "STORAGE_MEDIA");
  EXPECT_EQ(CategoryLabel(v1::ASSET_CATEGORY_STORAGE_MEDIA), "記録媒体");
  EXPECT_EQ(SegmentName(v1::SEGMENT_LGWAN), "LGWAN");
  EXPECT_EQ(ConfidentialityName(v1::CONFIDENTIALITY_3C), "3C");
  EXPECT_EQ(IntegrityName(v1::INTEGRITY_2), "2");
  EXPECT_EQ(AvailabilityName(v1::AVAILABILITY_1), "1");
  EXPECT_EQ(ExternalServiceName(v1::EXTERNAL_SERVICE_USE_TERMS_BASED), "TERMS_BASED");
  EXPECT_EQ(ExternalServiceLabel(v1::EXTERNAL_SERVICE_USE_TERMS_BASED), "約款");
  EXPECT_EQ(LifecycleName(v1::LIFECYCLE_RETIRED), "RETIRED");
  EXPECT_EQ(LifecycleLabel(v1::LIFECYCLE_ACTIVE), "使用中");
  EXPECT_EQ(CategoryName(v1::ASSET_CATEGORY_UNSPECIFIED), "");
}

// ---- writing and round trips ----

std::vector<v1::Asset> Inventory() {
  std::vector<v1::Asset> assets;
  {
    v1::Asset a;
    a.set_id("A-000001");
    a.set_organization("kasama-union");
    a.set_name("斎場予約管理システム, 本番");
    a.set_category(v1::ASSET_CATEGORY_INFORMATION_SYSTEM);
    a.set_segment(v1::SEGMENT_SENSITIVE);
    a.set_confidentiality(v1::CONFIDENTIALITY_3B);
    a.set_integrity(v1::INTEGRITY_2);
    a.set_availability(v1::AVAILABILITY_2);
    a.set_custodian("事務局 業務係");
    a.set_location(" 斎場 \"事務室\" ");
    a.mutable_controls()->set_mfa(true);
    a.mutable_controls()->set_backup(true);
    a.set_external_service(v1::EXTERNAL_SERVICE_USE_CONTRACTED);
    a.set_external_service_name("保守業者");
    v1::Connection* c = a.add_connections();
    c->set_asset_id("A-000002");
    c = a.add_connections();
    c->set_asset_id("A-000003");
    c->set_approved(true);
    c->set_note("承認番号: R7-12; 夜間のみ \\ 例外");
    c = a.add_connections();
    c->set_asset_id("A-000004");
    c->set_note(":colon first");
    a.set_lifecycle(v1::LIFECYCLE_ACTIVE);
    a.set_notes("一行目\n二行目, \"引用\"\r\n三行目");
    a.set_sample(true);
    a.set_etag("7");
    a.set_create_time_us(1);
    a.set_update_time_us(2);
    assets.push_back(a);
  }
  {
    v1::Asset a;
    a.set_id("A-000002");
    a.set_organization("kasama-union");
    a.set_name("USBメモリ（旧）");
    a.set_category(v1::ASSET_CATEGORY_STORAGE_MEDIA);
    a.set_segment(v1::SEGMENT_NONE);
    a.set_confidentiality(v1::CONFIDENTIALITY_2);
    a.set_integrity(v1::INTEGRITY_1);
    a.set_availability(v1::AVAILABILITY_1);
    a.mutable_controls();
    a.set_external_service(v1::EXTERNAL_SERVICE_USE_NONE);
    a.set_lifecycle(v1::LIFECYCLE_RETIRED);
    a.mutable_disposal()->mutable_date()->set_year(2023);
    a.mutable_disposal()->mutable_date()->set_month(3);
    a.mutable_disposal()->mutable_date()->set_day(31);
    a.mutable_disposal()->set_erasure_method("物理破壊");
    a.mutable_disposal()->set_witness("総務係 佐藤");
    assets.push_back(a);
  }
  {
    v1::Asset a;  // no id or organization: assigned on import
    a.set_name("ホームページ");
    a.set_category(v1::ASSET_CATEGORY_INFORMATION_SYSTEM);
    a.set_segment(v1::SEGMENT_INTERNET);
    a.set_confidentiality(v1::CONFIDENTIALITY_1);
    a.set_integrity(v1::INTEGRITY_2);
    a.set_availability(v1::AVAILABILITY_1);
    a.mutable_controls()->set_traffic_monitoring(true);
    a.mutable_controls()->set_export_blocked(true);
    a.mutable_controls()->set_encryption(true);
    a.set_external_service(v1::EXTERNAL_SERVICE_USE_TERMS_BASED);
    a.set_external_service_name("レンタルサーバ");
    a.set_lifecycle(v1::LIFECYCLE_ACTIVE);
    assets.push_back(a);
  }
  return assets;
}

TEST(AssetCsvWriteTest, WritesEnglishHeaderAndQuotesWhereNeeded) {
  const std::string csv = WriteAssetCsv(Inventory(), /*bom=*/false);
  EXPECT_EQ(csv.rfind(
                "id,organization,name,category,segment,confidentiality,integrity,availability,"
                "custodian,location,mfa,export_blocked,traffic_monitoring,encryption,backup,"
                "external_service,external_service_name,connections,lifecycle,disposal_date,"
                "erasure_method,witness,notes,sample,etag\r\n",
                0),
            0u);
  EXPECT_THAT(csv, HasSubstr("A-000001,kasama-union,\"斎場予約管理システム, 本番\","
                             "INFORMATION_SYSTEM,SENSITIVE,3B,2,2,事務局 業務係,"
                             "\" 斎場 \"\"事務室\"\" \",true,false,false,false,true,CONTRACTED,"));
  EXPECT_THAT(csv, HasSubstr("STORAGE_MEDIA,NONE,2,1,1,,,false,false,false,false,false,NONE,,,"
                             "RETIRED,2023-03-31,物理破壊,総務係 佐藤,,false,\r\n"));
  // The etag is written as the asset's version (the guard of an import
  // with update).
  EXPECT_THAT(csv, HasSubstr(",true,7\r\n"));
  EXPECT_THAT(csv, Not(HasSubstr("\xEF\xBB\xBF")));
  EXPECT_EQ(WriteAssetCsv(Inventory(), /*bom=*/true).rfind("\xEF\xBB\xBF" "id,", 0), 0u);
}

TEST(AssetCsvWriteTest, RoundTripGivesBackEveryField) {
  const std::vector<v1::Asset> assets = Inventory();
  for (bool bom : {false, true}) {
    const std::string csv = WriteAssetCsv(assets, bom);
    const CsvParseResult r = ParseOk(csv, v1::CSV_ENCODING_AUTO);
    ASSERT_THAT(r.errors, IsEmpty());
    ASSERT_THAT(r.rows, SizeIs(assets.size()));
    for (size_t i = 0; i < assets.size(); ++i) {
      v1::Asset expected = assets[i];  // the etag column reads back too
      expected.clear_create_time_us();
      expected.clear_update_time_us();
      EXPECT_TRUE(Same(r.rows[i].asset, expected))
          << "got:\n" << r.rows[i].asset.DebugString() << "want:\n" << expected.DebugString();
    }
    // And once more: the written form is stable.
    std::vector<v1::Asset> again;
    for (const auto& row : r.rows) again.push_back(row.asset);
    EXPECT_EQ(WriteAssetCsv(again, bom), csv);
  }
}

TEST(AssetCsvWriteTest, RoundTripThroughCp932) {
  // An office opens the export in Excel and saves it as 「CSV (コンマ区切り)」.
  const std::vector<v1::Asset> assets = Inventory();
  const CsvParseResult r = ParseOk(ToCp932(WriteAssetCsv(assets, false)));
  EXPECT_EQ(r.encoding, v1::CSV_ENCODING_CP932);
  ASSERT_THAT(r.rows, SizeIs(assets.size()));
  EXPECT_EQ(r.rows[1].asset.disposal().witness(), "総務係 佐藤");
  EXPECT_EQ(r.rows[0].asset.notes(), assets[0].notes());
}

TEST(AssetCsvWriteTest, EmptyInventoryIsHeaderOnly) {
  const std::string csv = WriteAssetCsv({}, false);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1);
  EXPECT_THAT(ParseOk(csv).rows, IsEmpty());
}

}  // namespace
}  // namespace seccoord::asset
