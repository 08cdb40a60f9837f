#include "common/text_width.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace seccoord {
namespace {

TEST(CodePointWidthTest, Classes) {
  EXPECT_EQ(CodePointWidth(U'a'), 1);
  EXPECT_EQ(CodePointWidth(U' '), 1);
  EXPECT_EQ(CodePointWidth(U'~'), 1);
  EXPECT_EQ(CodePointWidth(U'\t'), 0);
  EXPECT_EQ(CodePointWidth(0x7F), 0);
  EXPECT_EQ(CodePointWidth(0x85), 0);
  EXPECT_EQ(CodePointWidth(U'é'), 1);
  EXPECT_EQ(CodePointWidth(U'情'), 2);     // CJK ideograph
  EXPECT_EQ(CodePointWidth(U'あ'), 2);     // hiragana
  EXPECT_EQ(CodePointWidth(U'ア'), 2);     // katakana
  EXPECT_EQ(CodePointWidth(U'ｱ'), 1);      // half-width katakana
  EXPECT_EQ(CodePointWidth(U'８'), 2);     // full-width digit
  EXPECT_EQ(CodePointWidth(U'（'), 2);     // full-width parenthesis
  EXPECT_EQ(CodePointWidth(U'、'), 2);     // ideographic comma
  EXPECT_EQ(CodePointWidth(U'「'), 2);
  EXPECT_EQ(CodePointWidth(0x3000), 2);    // ideographic space
  EXPECT_EQ(CodePointWidth(U'한'), 2);     // Hangul syllable
  EXPECT_EQ(CodePointWidth(0x1100), 2);    // Hangul leading jamo
  EXPECT_EQ(CodePointWidth(U'㍻'), 2);
  EXPECT_EQ(CodePointWidth(U'㋿'), 2);
  EXPECT_EQ(CodePointWidth(0x20B9F), 2);   // 𠮟, CJK extension B
  EXPECT_EQ(CodePointWidth(0x1F600), 2);   // emoji
  EXPECT_EQ(CodePointWidth(0x0301), 0);    // combining acute accent
  EXPECT_EQ(CodePointWidth(0x3099), 0);    // combining dakuten
  EXPECT_EQ(CodePointWidth(0x200B), 0);    // zero-width space
  EXPECT_EQ(CodePointWidth(0x200D), 0);    // zero-width joiner
  EXPECT_EQ(CodePointWidth(0xFE0F), 0);    // variation selector
  EXPECT_EQ(CodePointWidth(0xFEFF), 0);    // byte order mark
  EXPECT_EQ(CodePointWidth(U'○'), 1);     // ambiguous: narrow
  EXPECT_EQ(CodePointWidth(U'①'), 1);
  EXPECT_EQ(CodePointWidth(U'α'), 1);
  EXPECT_EQ(CodePointWidth(0x303F), 1);    // half-fill space, narrow
}

TEST(DisplayWidthTest, Strings) {
  EXPECT_EQ(DisplayWidth(""), 0);
  EXPECT_EQ(DisplayWidth("3A"), 2);
  EXPECT_EQ(DisplayWidth("機密性"), 6);
  EXPECT_EQ(DisplayWidth("令和8年4月1日"), 13);
  EXPECT_EQ(DisplayWidth("令和８年"), 8);
  EXPECT_EQ(DisplayWidth("第6(3)ア"), 8);
  EXPECT_EQ(DisplayWidth("ｶﾀｶﾅ"), 4);
  EXPECT_EQ(DisplayWidth("e\xCC\x81"), 1);           // e + combining acute
  EXPECT_EQ(DisplayWidth("か\xE3\x82\x99"), 2);      // か + combining dakuten
  EXPECT_EQ(DisplayWidth("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB"), 2);  // conjoining 한
  EXPECT_EQ(DisplayWidth("ab\xFF" "c"), 4);          // malformed byte counts as one
}

TEST(PadToWidthTest, PadsByDisplayWidth) {
  EXPECT_EQ(PadToWidth("ab", 5), "ab   ");
  EXPECT_EQ(PadToWidth("機密", 6), "機密  ");
  EXPECT_EQ(PadToWidth("機密性", 6), "機密性");
  EXPECT_EQ(PadToWidth("機密性", 4), "機密性");  // never truncated
  EXPECT_EQ(PadToWidth("", 3), "   ");
  EXPECT_EQ(PadToWidth("x", -1), "x");
  EXPECT_EQ(DisplayWidth(PadToWidth("令和８年", 11)), 11);
}

TEST(RenderTableTest, AlignsMixedWidthColumns) {
  const std::string table = RenderTable(
      {"ID", "名称", "機密性"},
      {{"asset-1", "住民基本台帳システム", "3B"},
       {"asset-22", "ホームページ", "1"}});
  EXPECT_EQ(table,
            "ID        名称                  機密性\n"
            "asset-1   住民基本台帳システム  3B\n"
            "asset-22  ホームページ          1\n");
}

TEST(RenderTableTest, ColumnsLineUpByDisplayWidth) {
  const std::string table =
      RenderTable({"a", "b"}, {{"令和8年度", "x"}, {"R8", "y"}, {"２０２６年度", "z"}});
  // Every line's second column starts at the same display column.
  size_t line_start = 0;
  int lines = 0;
  while (line_start < table.size()) {
    const size_t line_end = table.find('\n', line_start);
    ASSERT_NE(line_end, std::string::npos);
    const std::string line = table.substr(line_start, line_end - line_start);
    const size_t last_space = line.rfind(' ');
    ASSERT_NE(last_space, std::string::npos) << line;
    EXPECT_EQ(DisplayWidth(line.substr(0, last_space + 1)), 14) << line;
    line_start = line_end + 1;
    ++lines;
  }
  EXPECT_EQ(lines, 4);
}

TEST(RenderTableTest, RaggedRowsAndNoHeader) {
  EXPECT_EQ(RenderTable({}, {{"a", "bb"}, {"ccc"}, {"d", "e", "f"}}),
            "a    bb\n"
            "ccc\n"
            "d    e   f\n");
  EXPECT_EQ(RenderTable({"h1", "h2"}, {}), "h1  h2\n");
  EXPECT_EQ(RenderTable({}, {}), "");
}

TEST(RenderTableTest, LineBreaksInCellsBecomeSpaces) {
  EXPECT_EQ(RenderTable({"k", "v"}, {{"a", "line1\nline2\tend"}}),
            "k  v\n"
            "a  line1 line2 end\n");
}

TEST(RenderTableTest, EmptyCellsAndTrailingSpaceTrimmed) {
  EXPECT_EQ(RenderTable({"名前", "備考"}, {{"笠間市", ""}, {"", "なし"}}),
            "名前    備考\n"
            "笠間市\n"
            "        なし\n");
}

}  // namespace
}  // namespace seccoord
