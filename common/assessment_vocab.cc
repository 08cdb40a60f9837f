#include "common/assessment_vocab.h"

#include "absl/strings/str_cat.h"
#include "common/code_values.h"
#include "common/status.h"

namespace seccoord::assessment {
namespace {

const EnumSpec& ResultSpec() {
  static const EnumSpec* const spec = new EnumSpec{
      {"ITEM_RESULT_"},
      {{v1::ITEM_RESULT_IMPLEMENTED, "IMPLEMENTED", "実施", {}},
       {v1::ITEM_RESULT_PARTIAL, "PARTIAL", "一部実施", {}},
       {v1::ITEM_RESULT_NOT_IMPLEMENTED, "NOT_IMPLEMENTED", "未実施", {}},
       {v1::ITEM_RESULT_NOT_APPLICABLE, "NOT_APPLICABLE", "該当なし", {}}}};
  return *spec;
}

const EnumSpec& AssessmentStateSpec() {
  static const EnumSpec* const spec = new EnumSpec{
      {"ASSESSMENT_STATE_"},
      {{v1::ASSESSMENT_STATE_DRAFT, "DRAFT", "下書き", {}},
       {v1::ASSESSMENT_STATE_SUBMITTED, "SUBMITTED", "提出済", {"提出済み"}},
       {v1::ASSESSMENT_STATE_RETURNED, "RETURNED", "差戻し", {"差し戻し", "差戻"}},
       {v1::ASSESSMENT_STATE_ACCEPTED, "ACCEPTED", "受理", {"受理済", "受理済み"}}}};
  return *spec;
}

const EnumSpec& AdviceStateSpec() {
  static const EnumSpec* const spec = new EnumSpec{
      {"ADVICE_STATE_"},
      {{v1::ADVICE_STATE_OPEN, "OPEN", "未回答", {}},
       {v1::ADVICE_STATE_ANSWERED, "ANSWERED", "回答済", {"回答済み"}},
       {v1::ADVICE_STATE_CLOSED, "CLOSED", "完了", {}}}};
  return *spec;
}

const EnumSpec& SeveritySpec() {
  static const EnumSpec* const spec = new EnumSpec{
      {"SEVERITY_"},
      {{v1::SEVERITY_INFO, "INFO", "情報", {}},
       {v1::SEVERITY_WARNING, "WARNING", "注意", {}},
       {v1::SEVERITY_CRITICAL, "CRITICAL", "重大", {}}}};
  return *spec;
}

const EnumSpec& EventTypeSpec() {
  static const EnumSpec* const spec = new EnumSpec{
      {"ASSESSMENT_EVENT_TYPE_"},
      {{v1::ASSESSMENT_EVENT_TYPE_SUBMITTED, "SUBMITTED", "提出", {}},
       {v1::ASSESSMENT_EVENT_TYPE_RETURNED, "RETURNED", "差戻し", {}},
       {v1::ASSESSMENT_EVENT_TYPE_ACCEPTED, "ACCEPTED", "受理", {}},
       {v1::ASSESSMENT_EVENT_TYPE_REOPENED, "REOPENED", "再開", {}},
       {v1::ASSESSMENT_EVENT_TYPE_ADVICE_SENT, "ADVICE_SENT", "助言送付", {}},
       {v1::ASSESSMENT_EVENT_TYPE_ADVICE_ANSWERED, "ADVICE_ANSWERED", "助言回答", {}},
       {v1::ASSESSMENT_EVENT_TYPE_ADVICE_CLOSED, "ADVICE_CLOSED", "助言完了", {}},
       {v1::ASSESSMENT_EVENT_TYPE_ADVICE_REOPENED, "ADVICE_REOPENED", "助言再開", {}}}};
  return *spec;
}

}  // namespace

absl::StatusOr<v1::ItemResult> ParseResultValue(std::string_view text) {
  SECCOORD_ASSIGN_OR_RETURN(int v, ParseChoice(ResultSpec(), text));
  return static_cast<v1::ItemResult>(v);
}
std::string_view ResultName(v1::ItemResult result) { return NameIn(ResultSpec(), result); }
std::string_view ResultLabel(v1::ItemResult result) {
  if (result == v1::ITEM_RESULT_UNSPECIFIED) return "未回答";
  return LabelIn(ResultSpec(), result);
}

absl::StatusOr<v1::AssessmentState> ParseAssessmentStateValue(std::string_view text) {
  SECCOORD_ASSIGN_OR_RETURN(int v, ParseChoice(AssessmentStateSpec(), text));
  return static_cast<v1::AssessmentState>(v);
}
std::string_view AssessmentStateName(v1::AssessmentState state) {
  return NameIn(AssessmentStateSpec(), state);
}
std::string_view AssessmentStateLabel(v1::AssessmentState state) {
  return LabelIn(AssessmentStateSpec(), state);
}

absl::StatusOr<v1::AdviceState> ParseAdviceStateValue(std::string_view text) {
  SECCOORD_ASSIGN_OR_RETURN(int v, ParseChoice(AdviceStateSpec(), text));
  return static_cast<v1::AdviceState>(v);
}
std::string_view AdviceStateName(v1::AdviceState state) {
  return NameIn(AdviceStateSpec(), state);
}
std::string_view AdviceStateLabel(v1::AdviceState state) {
  return LabelIn(AdviceStateSpec(), state);
}

absl::StatusOr<v1::Severity> ParseSeverityValue(std::string_view text) {
  SECCOORD_ASSIGN_OR_RETURN(int v, ParseChoice(SeveritySpec(), text));
  return static_cast<v1::Severity>(v);
}
std::string_view SeverityName(v1::Severity severity) { return NameIn(SeveritySpec(), severity); }
std::string_view SeverityLabel(v1::Severity severity) {
  return LabelIn(SeveritySpec(), severity);
}

std::string_view EventTypeName(v1::AssessmentEventType type) {
  return NameIn(EventTypeSpec(), type);
}
std::string_view EventTypeLabel(v1::AssessmentEventType type) {
  return LabelIn(EventTypeSpec(), type);
}

std::string FormatAssessmentId(std::string_view organization, int fiscal_year, int round) {
  return absl::StrCat(std::string(organization), "-", fiscal_year, "-", round);
}

std::optional<double> ImplementationRate(int implemented, int partial, int not_implemented,
                                         int not_applicable, int unanswered) {
  if (implemented < 0 || partial < 0 || not_implemented < 0 || not_applicable < 0 ||
      unanswered < 0) {
    return std::nullopt;
  }
  // In 64 bits: the sum of five int counts cannot overflow there.
  const long long items = static_cast<long long>(implemented) + partial + not_implemented +
                          not_applicable + unanswered;
  const long long denominator = items - not_applicable;
  if (denominator <= 0) return std::nullopt;
  return (static_cast<double>(implemented) + 0.5 * static_cast<double>(partial)) /
         static_cast<double>(denominator);
}

}  // namespace seccoord::assessment
