// Rendering of responses by the CLI (clients/seccoord/output.h): tables that
// align Japanese text, revisions, diffs, wareki dates, and protobuf JSON.
#include "clients/seccoord/output.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_split.h"
#include "common/civil_date.h"
#include "tests/support/cli_test_support.h"

namespace seccoord::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using seccoord::testing::ColumnOf;

v1::Date MakeDate(int y, int m, int d) {
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n');
}

v1::Revision SampleRevision() {
  v1::Revision rev;
  rev.set_document_id("basic-policy");
  rev.set_number(1);
  rev.set_state(v1::REVISION_STATE_PUBLISHED);
  rev.set_in_force(true);
  rev.set_title("笠間地方広域事務組合情報セキュリティ基本方針");
  *rev.mutable_effective_date() = MakeDate(2026, 4, 1);
  rev.set_content_hash(std::string(64, 'a'));
  rev.set_author("seccoord://kasama-union/staff1");
  rev.set_approver("seccoord://kasama-union/admin1");
  rev.set_change_summary("制定");
  v1::Article* a1 = rev.add_articles();
  a1->set_number("第1");
  a1->set_label("第１");
  a1->set_heading("目的");
  a1->set_body("この基本方針は、情報資産を守ることを目的とする。");
  v1::Article* a2 = rev.add_articles();
  a2->set_number("第2");
  a2->set_heading("定義");
  a2->set_body("（１）ネットワーク\nコンピュータ等を相互に接続するための通信網をいう。");
  v1::Article* a3 = rev.add_articles();
  a3->set_number("附則");
  a3->set_body("この基本方針は、令和8年4月1日から施行する。");
  return rev;
}

TEST(FormatDateTest, IsoWarekiAndUnset) {
  EXPECT_EQ(FormatDate(MakeDate(2026, 4, 1), false), "2026-04-01");
  EXPECT_EQ(FormatDate(MakeDate(2026, 4, 1), true), "令和8年4月1日");
  EXPECT_EQ(FormatDate(MakeDate(2019, 5, 1), true), "令和元年5月1日");
  EXPECT_EQ(FormatDate(v1::Date(), false), "-");
  EXPECT_EQ(FormatDate(v1::Date(), true), "-");
  EXPECT_EQ(FormatDateBoth(MakeDate(2026, 4, 1), false), "2026-04-01 (令和8年4月1日)");
  EXPECT_EQ(FormatDateBoth(MakeDate(2026, 4, 1), true), "令和8年4月1日 (2026-04-01)");
}

TEST(FormatTimeTest, JapanStandardTime) {
  EXPECT_EQ(FormatTimeUs(0), "-");
  // 2026-03-31T15:00:00Z is midnight of 2026-04-01 in Japan.
  const int64_t us =
      (DaysSinceEpoch(CivilDate{2026, 3, 31}) * 86400 + 15 * 3600) * int64_t{1000000} + 123;
  EXPECT_EQ(FormatTimeUs(us), "2026-04-01T00:00:00+09:00");
  EXPECT_EQ(FormatTimeUs(us + 3723 * int64_t{1000000}), "2026-04-01T01:02:03+09:00");
}

TEST(RenderRevisionTest, HeaderThenArticles) {
  const std::string text = RenderRevision(SampleRevision(), OutputOptions{});
  const std::vector<std::string> lines = Lines(text);
  EXPECT_EQ(lines[0], "笠間地方広域事務組合情報セキュリティ基本方針");
  EXPECT_THAT(text, HasSubstr("basic-policy"));
  EXPECT_THAT(text, HasSubstr("1 (PUBLISHED, in force)"));
  EXPECT_THAT(text, HasSubstr("2026-04-01 (令和8年4月1日)"));
  EXPECT_THAT(text, HasSubstr(std::string(64, 'a')));
  EXPECT_THAT(text, HasSubstr("制定"));
  // Articles: "第1 目的" (the normalised number) and the body lines as they are.
  EXPECT_THAT(text, HasSubstr("\n第1 目的\nこの基本方針は、情報資産を守ることを目的とする。\n"));
  EXPECT_THAT(text, HasSubstr("\n第2 定義\n（１）ネットワーク\nコンピュータ等を相互に接続するための通信網をいう。\n"));
  EXPECT_THAT(text, HasSubstr("\n附則\nこの基本方針は、令和8年4月1日から施行する。\n"));
  // Article order is kept.
  EXPECT_LT(text.find("第1 目的"), text.find("第2 定義"));
  EXPECT_LT(text.find("第2 定義"), text.find("附則\n"));
}

TEST(RenderRevisionTest, HeaderValuesAlignByDisplayWidth) {
  const std::vector<std::string> lines = Lines(RenderRevision(SampleRevision(), OutputOptions{}));
  int document_column = -1, effective_column = -1, summary_column = -1;
  for (const std::string& line : lines) {
    if (line.rfind("document:", 0) == 0) document_column = ColumnOf(line, "basic-policy");
    if (line.rfind("施行日:", 0) == 0) effective_column = ColumnOf(line, "2026-04-01");
    if (line.rfind("改正理由:", 0) == 0) summary_column = ColumnOf(line, "制定");
  }
  ASSERT_GT(document_column, 0);
  EXPECT_EQ(effective_column, document_column);
  EXPECT_EQ(summary_column, document_column);
}

TEST(RenderRevisionTest, WarekiEffectiveDateFirst) {
  const std::string text = RenderRevision(SampleRevision(), OutputOptions{OutputFormat::kTable, true});
  EXPECT_THAT(text, HasSubstr("令和8年4月1日 (2026-04-01)"));
}

TEST(RenderDocumentsTest, TableAlignsJapaneseTitlesAndShowsWareki) {
  v1::ListDocumentsResponse response;
  v1::Document* basic = response.add_documents();
  basic->set_id("basic-policy");
  basic->set_tier(v1::DOCUMENT_TIER_BASIC_POLICY);
  basic->set_visibility(v1::VISIBILITY_PUBLIC);
  basic->set_title("情報セキュリティ基本方針");
  basic->set_revision_in_force(1);
  *basic->mutable_in_force_since() = MakeDate(2026, 4, 1);
  *basic->mutable_review_due() = MakeDate(2027, 4, 1);
  v1::Document* standards = response.add_documents();
  standards->set_id("standards");
  standards->set_tier(v1::DOCUMENT_TIER_STANDARDS);
  standards->set_visibility(v1::VISIBILITY_MEMBERS);
  standards->set_title("対策基準");

  const std::string iso = RenderDocuments(response, OutputOptions{});
  std::vector<std::string> lines = Lines(iso);
  ASSERT_GE(lines.size(), 3u);
  EXPECT_THAT(lines[0], HasSubstr("ID"));
  EXPECT_THAT(lines[0], HasSubstr("REVIEW DUE"));
  EXPECT_THAT(lines[1], HasSubstr("BASIC_POLICY"));
  EXPECT_THAT(lines[1], HasSubstr("PUBLIC"));
  EXPECT_THAT(lines[1], HasSubstr("2026-04-01"));
  EXPECT_THAT(lines[1], HasSubstr("2027-04-01"));
  // The column after the title starts at the same display column on every
  // line, although the titles differ in width.
  EXPECT_EQ(ColumnOf(lines[0], "IN FORCE"), ColumnOf(lines[1], "1 "));
  const int since = ColumnOf(lines[0], "SINCE");
  EXPECT_EQ(ColumnOf(lines[1], "2026-04-01"), since);
  // Unset values show as "-".
  EXPECT_EQ(ColumnOf(lines[2], "-"), ColumnOf(lines[0], "IN FORCE"));

  const std::string wareki = RenderDocuments(response, OutputOptions{OutputFormat::kTable, true});
  EXPECT_THAT(wareki, HasSubstr("令和8年4月1日"));
  EXPECT_THAT(wareki, HasSubstr("令和9年4月1日"));
  EXPECT_THAT(wareki, Not(HasSubstr("2026-04-01")));
}

TEST(RenderRevisionListTest, RevisionsWithStateAndDates) {
  v1::ListRevisionsResponse response;
  v1::Revision* r1 = response.add_revisions();
  r1->set_number(1);
  r1->set_state(v1::REVISION_STATE_PUBLISHED);
  r1->set_in_force(true);
  *r1->mutable_effective_date() = MakeDate(2026, 4, 1);
  r1->set_author("seccoord://kasama-union/staff1");
  r1->set_approver("seccoord://kasama-union/admin1");
  r1->set_change_summary("制定");
  v1::Revision* r2 = response.add_revisions();
  r2->set_number(2);
  r2->set_state(v1::REVISION_STATE_DRAFT);
  r2->set_author("seccoord://kasama-union/staff1");
  r2->set_change_summary("第6の改正");
  const std::vector<std::string> lines =
      Lines(RenderRevisionList(response, OutputOptions{OutputFormat::kTable, true}));
  EXPECT_THAT(lines[0], HasSubstr("REV"));
  EXPECT_THAT(lines[1], HasSubstr("PUBLISHED (in force)"));
  EXPECT_THAT(lines[1], HasSubstr("令和8年4月1日"));
  EXPECT_THAT(lines[2], HasSubstr("DRAFT"));
  EXPECT_EQ(ColumnOf(lines[1], "制定"), ColumnOf(lines[2], "第6の改正"));
  EXPECT_EQ(RenderRevisionList(v1::ListRevisionsResponse(), OutputOptions{}),
            "(no revisions visible)\n");
}

TEST(RenderDiffTest, ArticleByArticle) {
  v1::DiffRevisionsResponse diff;
  diff.set_document_id("basic-policy");
  diff.set_from_number(1);
  diff.set_to_number(2);
  diff.set_old_title("基本方針");
  diff.set_new_title("基本方針");
  v1::ArticleDiff* changed = diff.add_articles();
  changed->set_number("第6");
  changed->set_kind(v1::ARTICLE_CHANGE_KIND_CHANGED);
  changed->set_old_heading("情報セキュリティ対策");
  changed->set_new_heading("情報セキュリティ対策");
  auto add_line = [](v1::ArticleDiff* a, v1::DiffLine::Op op, const std::string& text) {
    v1::DiffLine* line = a->add_lines();
    line->set_op(op);
    line->set_text(text);
  };
  add_line(changed, v1::DiffLine::OP_KEEP, "（１）組織体制");
  add_line(changed, v1::DiffLine::OP_REMOVE, "旧い対策");
  add_line(changed, v1::DiffLine::OP_ADD, "新しい対策");
  v1::ArticleDiff* removed = diff.add_articles();
  removed->set_number("第3");
  removed->set_kind(v1::ARTICLE_CHANGE_KIND_REMOVED);
  removed->set_old_heading("対象範囲");
  add_line(removed, v1::DiffLine::OP_REMOVE, "旧第3の本文");
  v1::ArticleDiff* added = diff.add_articles();
  added->set_number("第11");
  added->set_kind(v1::ARTICLE_CHANGE_KIND_ADDED);
  added->set_new_heading("クラウドサービス");
  add_line(added, v1::DiffLine::OP_ADD, "新第11の本文");
  v1::ArticleDiff* unchanged = diff.add_articles();
  unchanged->set_number("第1");
  unchanged->set_kind(v1::ARTICLE_CHANGE_KIND_UNCHANGED);
  unchanged->set_new_heading("目的");

  const std::string text = RenderDiff(diff, OutputOptions{});
  EXPECT_EQ(text,
            "diff basic-policy revision 1 → 2\n"
            "~ 第6 情報セキュリティ対策\n"
            "  - 旧い対策\n"
            "  + 新しい対策\n"
            "- 第3 対象範囲\n"
            "  - 旧第3の本文\n"
            "+ 第11 クラウドサービス\n"
            "  + 新第11の本文\n");
}

TEST(RenderDiffTest, HeadingAndTitleChangesAndNoDifferences) {
  v1::DiffRevisionsResponse diff;
  diff.set_document_id("standards");
  diff.set_from_number(2);
  diff.set_to_number(3);
  diff.set_old_title("旧表題");
  diff.set_new_title("新表題");
  v1::ArticleDiff* changed = diff.add_articles();
  changed->set_number("第2");
  changed->set_kind(v1::ARTICLE_CHANGE_KIND_CHANGED);
  changed->set_old_heading("定義");
  changed->set_new_heading("用語の定義");
  const std::string text = RenderDiff(diff, OutputOptions{});
  EXPECT_THAT(text, HasSubstr("~ 表題\n  - 旧表題\n  + 新表題\n"));
  EXPECT_THAT(text, HasSubstr("~ 第2 用語の定義\n  見出し: 定義 → 用語の定義\n"));

  // An article moved to another chapter: the chapters on one line each side.
  v1::ArticleDiff* moved = diff.add_articles();
  moved->set_number("第3条");
  moved->set_kind(v1::ARTICLE_CHANGE_KIND_CHANGED);
  moved->set_old_heading("（組織）");
  moved->set_new_heading("（組織）");
  moved->set_old_chapter("第１章　総則");
  moved->set_new_chapter("第２章　組織\n第１節　体制");
  EXPECT_THAT(RenderDiff(diff, OutputOptions{}),
              HasSubstr("~ 第3条 （組織）\n  章: 第１章　総則 → 第２章　組織 第１節　体制\n"));

  v1::DiffRevisionsResponse same;
  same.set_document_id("standards");
  same.set_from_number(3);
  same.set_to_number(3);
  EXPECT_THAT(RenderDiff(same, OutputOptions{}), HasSubstr("(no differences)"));
}

TEST(RenderEventTest, OneLinePerEvent) {
  v1::RevisionEvent event;
  event.set_sequence(12);
  event.set_type(v1::REVISION_EVENT_TYPE_PUBLISHED);
  event.set_document_id("basic-policy");
  event.set_revision_number(2);
  *event.mutable_effective_date() = MakeDate(2027, 4, 1);
  event.set_actor("seccoord://kasama-union/admin1");
  const std::string line = RenderEventLine(event, OutputOptions{OutputFormat::kTable, true});
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_THAT(line, HasSubstr("#12 PUBLISHED basic-policy revision 2 施行日 令和9年4月1日 by "
                              "seccoord://kasama-union/admin1"));
}

TEST(RenderCoverageTest, PerOrganisation) {
  v1::ListAcknowledgementsResponse response;
  auto* union_org = response.add_coverage();
  union_org->set_organization("kasama-union");
  union_org->set_acknowledged_users(2);
  union_org->add_users("seccoord://kasama-union/admin1");
  union_org->add_users("seccoord://kasama-union/staff1");
  auto* mito = response.add_coverage();
  mito->set_organization("mito-city");
  const std::string text = RenderCoverage(response, OutputOptions{});
  EXPECT_THAT(text, HasSubstr("ORGANIZATION"));
  EXPECT_THAT(text, HasSubstr("seccoord://kasama-union/admin1, seccoord://kasama-union/staff1"));
  EXPECT_THAT(text, HasSubstr("you have not acknowledged it"));
}

TEST(RenderAuditTest, VerifyNamesTheFirstBadEntry) {
  v1::VerifyAuditChainResponse ok;
  ok.set_intact(true);
  ok.set_entries_checked(7);
  ok.set_head_hash("abc");
  EXPECT_EQ(RenderAuditVerify(ok, OutputOptions{}), "intact: 7 entries checked, head abc\n");
  v1::VerifyAuditChainResponse bad;
  bad.set_entries_checked(9);
  bad.set_first_bad_sequence(4);
  bad.set_problem("hash mismatch (entry altered)");
  EXPECT_EQ(RenderAuditVerify(bad, OutputOptions{}),
            "NOT INTACT: first bad entry #4: hash mismatch (entry altered) (9 entries checked)\n");
}

TEST(JsonTest, IsValidProtobufJsonThatParsesBack) {
  const v1::Revision revision = SampleRevision();
  auto json = ToJson(revision);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_THAT(*json, HasSubstr("\"documentId\": \"basic-policy\""));
  EXPECT_THAT(*json, HasSubstr("\"state\": \"REVISION_STATE_PUBLISHED\""));
  EXPECT_THAT(*json, HasSubstr("\"effectiveDate\""));
  EXPECT_THAT(*json, HasSubstr("笠間地方広域事務組合"));  // UTF-8 kept as is
  // Zero values are printed too, so scripts can rely on every field.
  EXPECT_THAT(*json, HasSubstr("\"baseRevision\": \"0\""));

  v1::Revision parsed;
  auto status = google::protobuf::util::JsonStringToMessage(*json, &parsed);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(parsed, revision));
}

TEST(JsonTest, CompactFormIsOneLine) {
  v1::RevisionEvent event;
  event.set_sequence(3);
  event.set_type(v1::REVISION_EVENT_TYPE_SUBMITTED);
  event.set_document_id("basic-policy");
  auto json = ToJson(event, /*pretty=*/false);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->find('\n'), json->size() - 1);
  v1::RevisionEvent parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(*json, &parsed).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(parsed, event));
}

}  // namespace
}  // namespace seccoord::cli
