#include "services/assessment/workflow.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/assessment_vocab.h"
#include "common/civil_date.h"
#include "common/policy_text.h"
#include "common/proto_convert.h"

namespace seccoord::assessment {
namespace {

using State = v1::AssessmentState;

std::string StateName(State s) { return std::string(AssessmentStateName(s)); }

// The states an assessment action is allowed in.
std::vector<State> AllowedFrom(AssessmentAction action) {
  switch (action) {
    case AssessmentAction::kAnswer:
    case AssessmentAction::kSubmit:
      return {v1::ASSESSMENT_STATE_DRAFT, v1::ASSESSMENT_STATE_RETURNED};
    case AssessmentAction::kAccept:
    case AssessmentAction::kReturn:
      return {v1::ASSESSMENT_STATE_SUBMITTED};
    case AssessmentAction::kReopen:
      return {v1::ASSESSMENT_STATE_ACCEPTED};
    case AssessmentAction::kAdvise:
      return {v1::ASSESSMENT_STATE_SUBMITTED, v1::ASSESSMENT_STATE_ACCEPTED};
  }
  return {};
}

std::vector<v1::AdviceState> AllowedFrom(AdviceAction action) {
  switch (action) {
    case AdviceAction::kAnswer: return {v1::ADVICE_STATE_OPEN};
    case AdviceAction::kClose: return {v1::ADVICE_STATE_ANSWERED};
    case AdviceAction::kReopen: return {v1::ADVICE_STATE_ANSWERED, v1::ADVICE_STATE_CLOSED};
  }
  return {};
}

// Appends "name:length:value\n"; the length makes the form unambiguous
// whatever the value holds.
void Field(std::string* out, std::string_view name, std::string_view value) {
  absl::StrAppend(out, std::string(name), ":", value.size(), ":", std::string(value), "\n");
}

std::string DateText(const v1::Date& d) {
  if (d.year() == 0 && d.month() == 0 && d.day() == 0) return "";
  return FormatIsoDate(FromProtoDate(d));
}

}  // namespace

std::string_view ActionName(AssessmentAction action) {
  switch (action) {
    case AssessmentAction::kAnswer: return "answered";
    case AssessmentAction::kSubmit: return "submitted";
    case AssessmentAction::kAccept: return "accepted";
    case AssessmentAction::kReturn: return "returned";
    case AssessmentAction::kReopen: return "reopened";
    case AssessmentAction::kAdvise: return "advised on";
  }
  return "changed";
}

std::string_view ActionName(AdviceAction action) {
  switch (action) {
    case AdviceAction::kAnswer: return "answered";
    case AdviceAction::kClose: return "closed";
    case AdviceAction::kReopen: return "reopened";
  }
  return "changed";
}

absl::Status CheckAssessmentTransition(const std::string& assessment_id, State from,
                                       AssessmentAction action) {
  const std::vector<State> allowed = AllowedFrom(action);
  for (State s : allowed) {
    if (s == from) return absl::OkStatus();
  }
  std::vector<std::string> names;
  for (State s : allowed) names.push_back(StateName(s));
  return absl::FailedPreconditionError(absl::StrCat(
      "state: assessment ", assessment_id, " is ", StateName(from), "; only ",
      absl::StrJoin(names, " or "), " can be ", std::string(ActionName(action))));
}

State AssessmentStateAfter(State from, AssessmentAction action) {
  switch (action) {
    case AssessmentAction::kSubmit: return v1::ASSESSMENT_STATE_SUBMITTED;
    case AssessmentAction::kAccept: return v1::ASSESSMENT_STATE_ACCEPTED;
    case AssessmentAction::kReturn:
    case AssessmentAction::kReopen: return v1::ASSESSMENT_STATE_RETURNED;
    case AssessmentAction::kAnswer:
    case AssessmentAction::kAdvise: return from;
  }
  return from;
}

absl::Status CheckAdviceTransition(const std::string& advice_id, v1::AdviceState from,
                                   AdviceAction action) {
  const auto allowed = AllowedFrom(action);
  for (auto s : allowed) {
    if (s == from) return absl::OkStatus();
  }
  std::vector<std::string> names;
  for (auto s : allowed) names.push_back(std::string(AdviceStateName(s)));
  std::string hint;
  if (action == AdviceAction::kClose && from == v1::ADVICE_STATE_OPEN) {
    hint = " (the assessed organisation answers it first)";
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "state: advice ", advice_id, " is ", std::string(AdviceStateName(from)), "; only ",
      absl::StrJoin(names, " or "), " advice can be ", std::string(ActionName(action)), hint));
}

v1::AdviceState AdviceStateAfter(v1::AdviceState from, AdviceAction action) {
  switch (action) {
    case AdviceAction::kAnswer: return v1::ADVICE_STATE_ANSWERED;
    case AdviceAction::kClose: return v1::ADVICE_STATE_CLOSED;
    case AdviceAction::kReopen: return v1::ADVICE_STATE_OPEN;
  }
  return from;
}

absl::Status CheckSubmission(const v1::Checklist& checklist, const v1::Assessment& assessment) {
  std::map<std::string, const v1::ItemAnswer*> answers;
  for (const auto& a : assessment.answers()) answers[a.item_id()] = &a;
  std::vector<std::string> unanswered, no_plan, carried;
  for (const auto& item : checklist.items()) {
    auto it = answers.find(item.id());
    const v1::ItemAnswer* a = it == answers.end() ? nullptr : it->second;
    if (a == nullptr || a->result() == v1::ITEM_RESULT_UNSPECIFIED) {
      if (item.required()) unanswered.push_back(item.id());
      continue;
    }
    if (a->carried_over()) carried.push_back(item.id());
    if ((a->result() == v1::ITEM_RESULT_PARTIAL ||
         a->result() == v1::ITEM_RESULT_NOT_IMPLEMENTED) &&
        (a->remediation().action().empty() || a->remediation().due().year() == 0)) {
      no_plan.push_back(item.id());
    }
  }
  std::vector<std::string> gaps;
  if (!unanswered.empty()) {
    gaps.push_back(absl::StrCat("required items not answered: ", absl::StrJoin(unanswered, ", ")));
  }
  if (!no_plan.empty()) {
    gaps.push_back(absl::StrCat(
        "一部実施/未実施 without a remediation plan (action and due date): ",
        absl::StrJoin(no_plan, ", ")));
  }
  if (!carried.empty()) {
    gaps.push_back(absl::StrCat("carried-over answers not yet confirmed or changed: ",
                                absl::StrJoin(carried, ", ")));
  }
  if (gaps.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "cannot submit ", assessment.id(), ": ", absl::StrJoin(gaps, "; ")));
}

std::vector<std::string> CriticalRules(const v1::ChecklistItem& item,
                                       const v1::FindingsSummary& summary) {
  std::set<std::string> critical;
  for (const auto& rc : summary.by_rule()) {
    if (rc.severity() == v1::SEVERITY_CRITICAL && rc.count() > 0) critical.insert(rc.rule_id());
  }
  std::vector<std::string> out;
  for (const auto& rule : item.asset_rule_ids()) {
    if (critical.count(rule) > 0) out.push_back(rule);
  }
  return out;
}

absl::Status CheckCriticalFindings(std::string_view field, const v1::ChecklistItem& item,
                                   const v1::ItemAnswer& answer,
                                   const v1::FindingsSummary& summary) {
  if (answer.result() != v1::ITEM_RESULT_IMPLEMENTED || !answer.note().empty()) {
    return absl::OkStatus();
  }
  std::vector<std::string> rules = CriticalRules(item, summary);
  if (rules.empty()) return absl::OkStatus();
  std::vector<std::string> counted;
  for (const auto& rule : rules) {
    int count = 0;
    for (const auto& rc : summary.by_rule()) {
      if (rc.rule_id() == rule && rc.severity() == v1::SEVERITY_CRITICAL) count += rc.count();
    }
    counted.push_back(absl::StrCat(rule, " (", count, ")"));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      std::string(field), ": item ", item.id(), " is answered 実施 (IMPLEMENTED) but ",
      summary.organization(), " has open CRITICAL asset findings of its rules ",
      absl::StrJoin(counted, ", "), "; explain in a note how the item is met despite them"));
}

std::vector<v1::ItemFindings> FindingsBesideItems(const v1::Checklist& checklist,
                                                  const v1::FindingsSummary& summary) {
  std::map<std::string, std::pair<int, int>> by_rule;  // rule → (count, critical)
  for (const auto& rc : summary.by_rule()) {
    auto& c = by_rule[rc.rule_id()];
    c.first += rc.count();
    if (rc.severity() == v1::SEVERITY_CRITICAL) c.second += rc.count();
  }
  std::vector<v1::ItemFindings> out;
  for (const auto& item : checklist.items()) {
    if (item.asset_rule_ids().empty()) continue;
    v1::ItemFindings f;
    f.set_item_id(item.id());
    for (const auto& rule : item.asset_rule_ids()) {
      f.add_rule_ids(rule);
      auto it = by_rule.find(rule);
      if (it == by_rule.end()) continue;
      f.set_count(f.count() + it->second.first);
      f.set_critical(f.critical() + it->second.second);
    }
    out.push_back(std::move(f));
  }
  return out;
}

std::string CanonicalSubmission(const v1::Assessment& s, int64_t number) {
  std::string out = "seccoord-submission-v1\n";
  Field(&out, "assessment", s.id());
  Field(&out, "organization", s.organization());
  Field(&out, "fiscal_year", absl::StrCat(s.fiscal_year()));
  Field(&out, "round", absl::StrCat(s.round()));
  Field(&out, "submission", absl::StrCat(number));
  Field(&out, "checklist", s.checklist_version());
  const v1::PolicyBinding& b = s.policy();
  Field(&out, "policy.document", b.document_id());
  Field(&out, "policy.in_force_on", DateText(b.in_force_on()));
  Field(&out, "policy.none_in_force", b.none_in_force() ? "1" : "0");
  Field(&out, "policy.revision", absl::StrCat(b.revision_number()));
  Field(&out, "policy.content_hash", b.content_hash());
  Field(&out, "policy.effective_date", DateText(b.effective_date()));
  Field(&out, "answers", absl::StrCat(s.answers_size()));
  for (const auto& a : s.answers()) {
    Field(&out, "item", a.item_id());
    Field(&out, "result", ResultName(a.result()));
    Field(&out, "note", a.note());
    Field(&out, "evidence", absl::StrCat(a.evidence_size()));
    for (const auto& e : a.evidence()) {
      Field(&out, "evidence.title", e.title());
      Field(&out, "evidence.location", e.location());
      Field(&out, "evidence.sha256", e.sha256());
    }
    Field(&out, "remediation.action", a.remediation().action());
    Field(&out, "remediation.owner", a.remediation().owner());
    Field(&out, "remediation.due", DateText(a.remediation().due()));
    Field(&out, "answered_by", a.answered_by());
    Field(&out, "answer_time_us", absl::StrCat(a.answer_time_us()));
  }
  return out;
}

std::string SubmissionSha256(const v1::Assessment& snapshot, int64_t number) {
  return Sha256Hex(CanonicalSubmission(snapshot, number));
}

}  // namespace seccoord::assessment
