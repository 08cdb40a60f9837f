#include "services/assessment/status.h"

#include <map>
#include <string>

#include "common/assessment_vocab.h"
#include "common/proto_convert.h"

namespace seccoord::assessment {
namespace {

using Answers = google::protobuf::RepeatedPtrField<v1::ItemAnswer>;

std::map<std::string, const v1::ItemAnswer*> ByItem(const Answers& answers) {
  std::map<std::string, const v1::ItemAnswer*> out;
  for (const auto& a : answers) out[a.item_id()] = &a;
  return out;
}

v1::ItemResult ResultOf(const std::map<std::string, const v1::ItemAnswer*>& by_item,
                        const std::string& id) {
  auto it = by_item.find(id);
  return it == by_item.end() ? v1::ITEM_RESULT_UNSPECIFIED : it->second->result();
}

void Add(v1::ItemResult result, v1::ResultCounts* c) {
  c->set_items(c->items() + 1);
  switch (result) {
    case v1::ITEM_RESULT_IMPLEMENTED: c->set_implemented(c->implemented() + 1); break;
    case v1::ITEM_RESULT_PARTIAL: c->set_partial(c->partial() + 1); break;
    case v1::ITEM_RESULT_NOT_IMPLEMENTED: c->set_not_implemented(c->not_implemented() + 1); break;
    case v1::ITEM_RESULT_NOT_APPLICABLE: c->set_not_applicable(c->not_applicable() + 1); break;
    default: c->set_unanswered(c->unanswered() + 1); break;
  }
}

void SetRate(v1::ResultCounts* c) {
  auto rate = ImplementationRate(c->implemented(), c->partial(), c->not_implemented(),
                                 c->not_applicable(), c->unanswered());
  c->set_has_rate(rate.has_value());
  c->set_implementation_rate(rate.value_or(0));
}

// 未実施 0 < 一部実施 1 < 実施 2; others have no rank.
int Rank(v1::ItemResult r) {
  switch (r) {
    case v1::ITEM_RESULT_NOT_IMPLEMENTED: return 0;
    case v1::ITEM_RESULT_PARTIAL: return 1;
    case v1::ITEM_RESULT_IMPLEMENTED: return 2;
    default: return -1;
  }
}

}  // namespace

v1::ResultCounts CountResults(const v1::Checklist& checklist, const Answers& answers,
                              int chapter) {
  const auto by_item = ByItem(answers);
  v1::ResultCounts c;
  for (const auto& item : checklist.items()) {
    if (chapter > 0 && item.chapter() != chapter) continue;
    Add(ResultOf(by_item, item.id()), &c);
  }
  SetRate(&c);
  return c;
}

v1::OrganizationStatus SummarizeAssessment(const v1::Assessment& a, const v1::Checklist& checklist,
                                           const Answers& counted, int64_t counted_submission,
                                           const std::vector<v1::Advice>& advice,
                                           int64_t now_us) {
  v1::OrganizationStatus s;
  s.set_organization(a.organization());
  s.set_fiscal_year(a.fiscal_year());
  s.set_has_assessment(true);
  s.set_assessment_id(a.id());
  s.set_round(a.round());
  s.set_state(a.state());
  s.set_checklist_version(a.checklist_version());
  if (a.has_policy()) *s.mutable_policy() = a.policy();
  s.set_policy_unavailable(a.policy_unavailable());
  s.set_counted_submission(counted_submission);
  *s.mutable_counts() = CountResults(checklist, counted);
  std::map<int, std::string> chapters;
  for (const auto& item : checklist.items()) chapters.emplace(item.chapter(), item.chapter_title());
  for (const auto& [chapter, title] : chapters) {
    v1::ChapterStatus* cs = s.add_chapters();
    cs->set_chapter(chapter);
    cs->set_chapter_title(title);
    *cs->mutable_counts() = CountResults(checklist, counted, chapter);
  }
  for (const auto& answer : counted) {
    if (answer.result() == v1::ITEM_RESULT_IMPLEMENTED ||
        answer.result() == v1::ITEM_RESULT_NOT_APPLICABLE ||
        answer.result() == v1::ITEM_RESULT_UNSPECIFIED) {
      continue;
    }
    const v1::Date& due = answer.remediation().due();
    if (due.year() != 0) *s.add_remediation_due_dates() = due;
  }
  for (const auto& ad : advice) {
    if (ad.state() == v1::ADVICE_STATE_CLOSED) continue;
    s.set_open_advice(s.open_advice() + 1);
    if (s.oldest_open_advice_time_us() == 0 ||
        ad.create_time_us() < s.oldest_open_advice_time_us()) {
      s.set_oldest_open_advice_time_us(ad.create_time_us());
    }
    if (ad.policy_review_needed()) s.set_policy_review_advice(s.policy_review_advice() + 1);
  }
  s.set_checklist_revision(checklist.derived_from().revision_number());
  s.set_update_time_us(now_us);
  return s;
}

void CompleteAtRead(const CivilDate& today, int64_t now_us, v1::OrganizationStatus* s) {
  int overdue = 0;
  for (const auto& due : s->remediation_due_dates()) {
    if (IsValidCivilDate(due.year(), due.month(), due.day()) && FromProtoDate(due) < today) {
      ++overdue;
    }
  }
  s->set_overdue_remediations(overdue);
  if (s->oldest_open_advice_time_us() > 0 && now_us > s->oldest_open_advice_time_us()) {
    constexpr int64_t kDayUs = int64_t{86400} * 1000 * 1000;
    s->set_oldest_open_advice_age_days(
        static_cast<int32_t>((now_us - s->oldest_open_advice_time_us()) / kDayUs));
  } else {
    s->set_oldest_open_advice_age_days(0);
  }
}

v1::ItemChangeKind ClassifyChange(v1::ItemResult base, v1::ItemResult other) {
  if (base == other) return v1::ITEM_CHANGE_KIND_UNSPECIFIED;
  const int a = Rank(base), b = Rank(other);
  if (a < 0 || b < 0) return v1::ITEM_CHANGE_KIND_CHANGED;
  return b > a ? v1::ITEM_CHANGE_KIND_IMPROVED : v1::ITEM_CHANGE_KIND_REGRESSED;
}

v1::AssessmentComparison CompareAnswers(const v1::Checklist& checklist, const Answers& base,
                                        const Answers& other) {
  const auto b = ByItem(base), o = ByItem(other);
  v1::AssessmentComparison out;
  for (const auto& item : checklist.items()) {
    const v1::ItemResult rb = ResultOf(b, item.id()), ro = ResultOf(o, item.id());
    const v1::ItemChangeKind kind = ClassifyChange(rb, ro);
    if (kind == v1::ITEM_CHANGE_KIND_UNSPECIFIED) continue;
    v1::ItemChange* change = out.add_changes();
    change->set_item_id(item.id());
    change->set_chapter(item.chapter());
    change->set_question(item.question());
    change->set_kind(kind);
    if (auto it = b.find(item.id()); it != b.end()) *change->mutable_base() = *it->second;
    else change->mutable_base()->set_item_id(item.id());
    if (auto it = o.find(item.id()); it != o.end()) *change->mutable_other() = *it->second;
    else change->mutable_other()->set_item_id(item.id());
    if (kind == v1::ITEM_CHANGE_KIND_IMPROVED) out.set_improved(out.improved() + 1);
    if (kind == v1::ITEM_CHANGE_KIND_REGRESSED) out.set_regressed(out.regressed() + 1);
    if (kind == v1::ITEM_CHANGE_KIND_CHANGED) out.set_changed(out.changed() + 1);
  }
  *out.mutable_base_counts() = CountResults(checklist, base);
  *out.mutable_other_counts() = CountResults(checklist, other);
  return out;
}

}  // namespace seccoord::assessment
