#include "common/utf8.h"

#include <string>

#include <gtest/gtest.h>

namespace seccoord {
namespace {

TEST(IsValidUtf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("hello"));
  EXPECT_TRUE(IsValidUtf8("情報セキュリティ基本方針"));
  EXPECT_TRUE(IsValidUtf8("令和８年（１）ア"));
  EXPECT_TRUE(IsValidUtf8("\xC2\x80"));              // U+0080, smallest 2-byte
  EXPECT_TRUE(IsValidUtf8("\xDF\xBF"));              // U+07FF
  EXPECT_TRUE(IsValidUtf8("\xE0\xA0\x80"));          // U+0800, smallest 3-byte
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));          // U+D7FF, just below surrogates
  EXPECT_TRUE(IsValidUtf8("\xEE\x80\x80"));          // U+E000, just above surrogates
  EXPECT_TRUE(IsValidUtf8("\xEF\xBF\xBD"));          // U+FFFD
  EXPECT_TRUE(IsValidUtf8("\xF0\x90\x80\x80"));      // U+10000, smallest 4-byte
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));      // U+10FFFF, largest
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));      // emoji
  EXPECT_TRUE(IsValidUtf8(std::string("a\0b", 3)));  // NUL is valid UTF-8
}

TEST(IsValidUtf8Test, RejectsOverlongEncodings) {
  EXPECT_FALSE(IsValidUtf8("\xC0\x80"));          // NUL in two bytes
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // '/' in two bytes
  EXPECT_FALSE(IsValidUtf8("\xC1\xBF"));
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // '/' in three bytes
  EXPECT_FALSE(IsValidUtf8("\xE0\x9F\xBF"));      // U+07FF in three bytes
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));  // '/' in four bytes
  EXPECT_FALSE(IsValidUtf8("\xF0\x8F\xBF\xBF"));  // U+FFFF in four bytes
}

TEST(IsValidUtf8Test, RejectsSurrogates) {
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // U+D800
  EXPECT_FALSE(IsValidUtf8("\xED\xBF\xBF"));  // U+DFFF
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\xBD\xED\xB8\x80"));  // CESU-8 pair
}

TEST(IsValidUtf8Test, RejectsCodePointsAboveMax) {
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));      // U+110000
  EXPECT_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xF7\xBF\xBF\xBF"));
  EXPECT_FALSE(IsValidUtf8("\xF8\x88\x80\x80\x80"));  // old 5-byte form
  EXPECT_FALSE(IsValidUtf8("\xFC\x84\x80\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xFE"));
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

TEST(IsValidUtf8Test, RejectsStrayAndTruncatedSequences) {
  EXPECT_FALSE(IsValidUtf8("\x80"));
  EXPECT_FALSE(IsValidUtf8("a\xBF" "b"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));                // truncated at the end
  EXPECT_FALSE(IsValidUtf8("\xE6\x83"));            // 情 missing its last byte
  EXPECT_FALSE(IsValidUtf8("\xF0\x9F\x98"));
  EXPECT_FALSE(IsValidUtf8("\xE6\x83" "a"));        // continuation replaced by ASCII
  EXPECT_FALSE(IsValidUtf8("\xC3\xC3\xA9"));
  // Latin-1 and Shift_JIS bytes are not UTF-8.
  EXPECT_FALSE(IsValidUtf8("caf\xE9"));
  EXPECT_FALSE(IsValidUtf8("\x97\xDF\x98\x61"));    // 令和 in Shift_JIS
}

TEST(DecodeUtf8Test, DecodesAndAdvances) {
  const std::string text = "a情\xF0\x9F\x98\x80";
  size_t pos = 0;
  char32_t code_point = 0;
  ASSERT_TRUE(DecodeUtf8(text, &pos, &code_point));
  EXPECT_EQ(code_point, U'a');
  EXPECT_EQ(pos, 1u);
  ASSERT_TRUE(DecodeUtf8(text, &pos, &code_point));
  EXPECT_EQ(code_point, U'情');
  EXPECT_EQ(pos, 4u);
  ASSERT_TRUE(DecodeUtf8(text, &pos, &code_point));
  EXPECT_EQ(code_point, char32_t{0x1F600});
  EXPECT_EQ(pos, text.size());
}

TEST(DecodeUtf8Test, MalformedBytesGiveReplacementAndAdvanceOne) {
  const std::string text = "\xE6\x83" "a";
  size_t pos = 0;
  char32_t code_point = 0;
  EXPECT_FALSE(DecodeUtf8(text, &pos, &code_point));
  EXPECT_EQ(code_point, kReplacementCharacter);
  EXPECT_EQ(pos, 1u);
  EXPECT_FALSE(DecodeUtf8(text, &pos, &code_point));
  EXPECT_EQ(pos, 2u);
  EXPECT_TRUE(DecodeUtf8(text, &pos, &code_point));
  EXPECT_EQ(code_point, U'a');
}

TEST(AppendUtf8Test, EncodesAndRoundTrips) {
  std::string out;
  AppendUtf8(U'a', &out);
  AppendUtf8(0xE9, &out);
  AppendUtf8(U'令', &out);
  AppendUtf8(0x1F600, &out);
  EXPECT_EQ(out, "a\xC3\xA9令\xF0\x9F\x98\x80");
  out.clear();
  AppendUtf8(0xD800, &out);
  AppendUtf8(0x110000, &out);
  EXPECT_EQ(out, "\xEF\xBF\xBD\xEF\xBF\xBD");

  // Every scalar value encodes to valid UTF-8 and decodes back to itself.
  for (char32_t cp = 0; cp <= kMaxCodePoint; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    std::string encoded;
    AppendUtf8(cp, &encoded);
    ASSERT_TRUE(IsValidUtf8(encoded)) << cp;
    size_t pos = 0;
    char32_t decoded = 0;
    ASSERT_TRUE(DecodeUtf8(encoded, &pos, &decoded)) << cp;
    ASSERT_EQ(decoded, cp);
    ASSERT_EQ(pos, encoded.size());
  }
}

TEST(ValidateTextTest, AcceptsValidText) {
  EXPECT_TRUE(ValidateText("title", "情報セキュリティ基本方針", 100, false).ok());
  EXPECT_TRUE(ValidateText("note", "", 100, true).ok());
  EXPECT_TRUE(ValidateText("name", "abc", 3, false).ok());  // exactly at the limit
}

TEST(ValidateTextTest, RejectsEmptyWhenRequired) {
  const absl::Status status = ValidateText("title", "", 100, false);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "title: must not be empty");
}

TEST(ValidateTextTest, RejectsInvalidUtf8) {
  const absl::Status status = ValidateText("asset.name", "caf\xE9", 100, false);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "asset.name: is not valid UTF-8");
  EXPECT_EQ(ValidateText("x", "\xC0\x80", 100, true).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ValidateTextTest, RejectsOversizeWithResourceExhausted) {
  const absl::Status status = ValidateText("note", "abcd", 3, false);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(status.message(), "note: exceeds 3 bytes");
  // The limit is in bytes, not characters: 令和 is 6 bytes.
  EXPECT_EQ(ValidateText("era", "令和", 5, false).code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(ValidateText("era", "令和", 6, false).ok());
}

TEST(FoldFullWidthAsciiTest, FoldsDigitsLettersAndPunctuation) {
  EXPECT_EQ(FoldFullWidthAscii("令和８年３月27日"), "令和8年3月27日");
  EXPECT_EQ(FoldFullWidthAscii("０１２３４５６７８９"), "0123456789");
  EXPECT_EQ(FoldFullWidthAscii("ＡＢＣＸＹＺａｂｃｘｙｚ"), "ABCXYZabcxyz");
  EXPECT_EQ(FoldFullWidthAscii("Ｒ８．４．１"), "R8.4.1");
  EXPECT_EQ(FoldFullWidthAscii("！～（）／－"), "!~()/-");
  EXPECT_EQ(FoldFullWidthAscii("第６（３）ア"), "第6(3)ア");
  EXPECT_EQ(FoldFullWidthAscii("a　b"), "a b");  // ideographic space
}

TEST(FoldFullWidthAsciiTest, LeavesEverythingElseAlone) {
  EXPECT_EQ(FoldFullWidthAscii(""), "");
  EXPECT_EQ(FoldFullWidthAscii("plain ASCII 123"), "plain ASCII 123");
  EXPECT_EQ(FoldFullWidthAscii("情報資産、機密性。ｶﾀｶﾅ"), "情報資産、機密性。ｶﾀｶﾅ");
  EXPECT_EQ(FoldFullWidthAscii("￥"), "￥");  // U+FFE5 is outside U+FF01..U+FF5E
  EXPECT_EQ(FoldFullWidthAscii("ab\xFF\xE6\x83"), "ab\xFF\xE6\x83");  // malformed kept
}

}  // namespace
}  // namespace seccoord
