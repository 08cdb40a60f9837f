#include "tests/report/sample_report.h"

#include <string>
#include <vector>

namespace seccoord::testing {
namespace {

void SetDate(v1::Date* date, int year, int month, int day) {
  date->set_year(year);
  date->set_month(month);
  date->set_day(day);
}

v1::ResultCounts Counts(int implemented, int partial, int not_implemented, int not_applicable,
                        int unanswered, double rate) {
  v1::ResultCounts c;
  c.set_items(implemented + partial + not_implemented + not_applicable + unanswered);
  c.set_implemented(implemented);
  c.set_partial(partial);
  c.set_not_implemented(not_implemented);
  c.set_not_applicable(not_applicable);
  c.set_unanswered(unanswered);
  c.set_implementation_rate(rate);
  c.set_has_rate(true);
  return c;
}

}  // namespace

SampleReport MakeSampleReport() {
  SampleReport r;
  v1::Checklist& c = r.checklist;
  c.set_version("2026.1");
  c.set_title("令和8年度 情報セキュリティ自己点検票");
  auto add = [&](const char* id, int chapter, const char* title, const char* question) {
    v1::ChecklistItem* item = c.add_items();
    item->set_id(id);
    item->set_chapter(chapter);
    item->set_chapter_title(title);
    item->set_question(question);
    item->set_required(true);
  };
  add("1-1", 1, "組織体制", "情報セキュリティ管理者を定めているか");
  add("3-1", 3, "情報システム全体の強靭性の向上",
      "機微情報取扱系の端末に多要素認証を導入しているか");
  add("3-2", 3, "情報システム全体の強靭性の向上", "外部媒体の持出しを制限しているか");
  c.set_item_count(c.items_size());

  v1::Assessment& a = r.assessment;
  a.set_id("kasama-union-2026-1");
  a.set_organization("kasama-union");
  a.set_fiscal_year(2026);
  a.set_round(1);
  a.set_checklist_version("2026.1");
  a.set_state(v1::ASSESSMENT_STATE_ACCEPTED);
  v1::PolicyBinding* p = a.mutable_policy();
  p->set_document_id("basic-policy");
  p->set_revision_number(3);
  std::string content_hash;
  for (int i = 0; i < 32; ++i) content_hash += "ab";
  p->set_content_hash(content_hash);
  SetDate(p->mutable_effective_date(), 2026, 4, 1);
  SetDate(p->mutable_in_force_on(), 2026, 5, 1);
  a.set_created_by("seccoord://kasama-union/staff1");
  a.set_create_time_us(1777593600000000);  // 2026-05-01T09:00:00+09:00
  v1::SubmissionRef* s = a.add_submissions();
  s->set_number(1);
  s->set_sha256(std::string(64, 'd'));
  s->set_submitted_by("seccoord://kasama-union/staff1");
  s->set_submit_time_us(1780272000000000);
  a.set_reviewed_by("seccoord://kasama-city/advisor1");
  a.set_review_time_us(1780876800000000);
  a.set_review_comment("受理します");
  v1::ItemAnswer* implemented = a.add_answers();
  implemented->set_item_id("1-1");
  implemented->set_result(v1::ITEM_RESULT_IMPLEMENTED);
  implemented->set_note("情報セキュリティ管理者を任命済み");
  v1::ItemAnswer* partial = a.add_answers();
  partial->set_item_id("3-1");
  partial->set_result(v1::ITEM_RESULT_PARTIAL);
  partial->set_note("一部の端末のみ導入済み");
  v1::EvidenceReference* e = partial->add_evidence();
  e->set_title("導入状況一覧");
  e->set_location("書庫A-3");
  partial->mutable_remediation()->set_action("全端末へ多要素認証を導入する");
  partial->mutable_remediation()->set_owner("情報係");
  SetDate(partial->mutable_remediation()->mutable_due(), 2027, 3, 31);

  v1::Advice* advice = r.advice.add_advice();
  advice->set_id("ADV-000001");
  advice->set_assessment_id(a.id());
  advice->set_organization(a.organization());
  advice->set_fiscal_year(2026);
  advice->set_item_id("3-1");
  advice->set_text("多要素認証の導入計画を示してください");
  advice->set_severity(v1::SEVERITY_WARNING);
  advice->set_state(v1::ADVICE_STATE_ANSWERED);
  SetDate(advice->mutable_due(), 2026, 12, 28);
  advice->set_author("seccoord://kasama-city/advisor1");
  advice->set_create_time_us(1780876800000000);
  v1::AdviceEntry* entry = advice->add_thread();
  entry->set_kind(v1::ADVICE_ENTRY_KIND_ANSWER);
  entry->set_text("令和9年3月までに導入します");
  entry->set_author("seccoord://kasama-union/staff1");
  entry->set_time_us(1781481600000000);

  v1::FederationStatus& f = r.federation;
  f.set_fiscal_year(2026);
  f.set_first_fiscal_year(2022);
  v1::OrganizationStatus* row = f.add_organizations();
  row->set_organization("kasama-union");
  row->set_fiscal_year(2026);
  row->set_has_assessment(true);
  row->set_assessment_id(a.id());
  row->set_round(1);
  row->set_state(v1::ASSESSMENT_STATE_ACCEPTED);
  row->set_counted_submission(1);
  *row->mutable_counts() = Counts(1, 1, 0, 0, 1, 0.5);
  v1::ChapterStatus* ch1 = row->add_chapters();
  ch1->set_chapter(1);
  ch1->set_chapter_title("組織体制");
  *ch1->mutable_counts() = Counts(1, 0, 0, 0, 0, 1.0);
  v1::ChapterStatus* ch3 = row->add_chapters();
  ch3->set_chapter(3);
  ch3->set_chapter_title("情報システム全体の強靭性の向上");
  *ch3->mutable_counts() = Counts(0, 1, 0, 0, 1, 0.25);
  v1::OrganizationTrend* trend = f.add_trends();
  trend->set_organization("kasama-union");
  const std::vector<double> rates = {0, 0, 0.6, 0.75, 0.5};
  for (int i = 0; i < 5; ++i) {
    v1::TrendPoint* point = trend->add_points();
    point->set_fiscal_year(2022 + i);
    if (i < 2) continue;
    point->set_has_assessment(true);
    point->set_state(v1::ASSESSMENT_STATE_ACCEPTED);
    point->set_implementation_rate(rates[i]);
    point->set_has_rate(true);
  }
  return r;
}

}  // namespace seccoord::testing
