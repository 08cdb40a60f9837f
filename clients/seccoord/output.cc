#include "clients/seccoord/output.h"

#include <google/protobuf/util/json_util.h>

#include <string_view>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/civil_date.h"
#include "common/policy_text.h"
#include "common/text_width.h"
#include "common/wareki.h"

namespace seccoord::cli {
namespace {

std::string StripPrefix(const std::string& name, absl::string_view prefix) {
  if (absl::StartsWith(name, prefix)) return name.substr(prefix.size());
  return name;
}

std::string RevisionNumberText(int64_t number) {
  return number > 0 ? absl::StrCat(number) : "-";
}

// "第6 情報セキュリティ対策" or "附則" when there is no heading.
std::string ArticleTitle(const std::string& number, const std::string& heading) {
  if (heading.empty()) return number;
  return absl::StrCat(number, " ", heading);
}

}  // namespace

std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

bool IsDateSet(const v1::Date& date) {
  return date.year() != 0 || date.month() != 0 || date.day() != 0;
}

std::string FormatDate(const v1::Date& date, bool wareki) {
  if (!IsDateSet(date)) return "-";
  const CivilDate civil{date.year(), date.month(), date.day()};
  if (!IsValidCivilDate(civil)) {
    return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
  }
  return wareki ? FormatWareki(civil) : FormatIsoDate(civil);
}

std::string FormatDateBoth(const v1::Date& date, bool wareki) {
  if (!IsDateSet(date)) return "-";
  const std::string first = FormatDate(date, wareki);
  const std::string second = FormatDate(date, !wareki);
  if (first == second) return first;
  return absl::StrCat(first, " (", second, ")");
}

std::string FormatTimeUs(int64_t time_us) {
  if (time_us == 0) return "-";
  int64_t seconds = time_us / 1000000;
  if (time_us % 1000000 < 0) --seconds;
  seconds += 9 * 3600;  // Japan Standard Time, no daylight saving
  int64_t days = seconds / 86400;
  int64_t second_of_day = seconds % 86400;
  if (second_of_day < 0) {
    second_of_day += 86400;
    --days;
  }
  const CivilDate date = CivilDateFromDaysSinceEpoch(days);
  return absl::StrFormat("%sT%02d:%02d:%02d+09:00", FormatIsoDate(date), second_of_day / 3600,
                         (second_of_day / 60) % 60, second_of_day % 60);
}

std::string RevisionStateName(v1::RevisionState state) {
  return StripPrefix(v1::RevisionState_Name(state), "REVISION_STATE_");
}
std::string DocumentTierName(v1::DocumentTier tier) {
  return StripPrefix(v1::DocumentTier_Name(tier), "DOCUMENT_TIER_");
}
std::string VisibilityName(v1::Visibility visibility) {
  return StripPrefix(v1::Visibility_Name(visibility), "VISIBILITY_");
}
std::string RevisionEventTypeName(v1::RevisionEventType type) {
  return StripPrefix(v1::RevisionEventType_Name(type), "REVISION_EVENT_TYPE_");
}
std::string AuditOutcomeName(v1::AuditOutcome outcome) {
  return StripPrefix(v1::AuditOutcome_Name(outcome), "AUDIT_OUTCOME_");
}

absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message, bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  options.always_print_primitive_fields = true;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("cannot render ", message.GetTypeName(),
                                            " as JSON: ", status.ToString()));
  }
  if (json.empty() || json.back() != '\n') json.push_back('\n');
  return json;
}

std::string RenderDocuments(const v1::ListDocumentsResponse& response, const OutputOptions& opts) {
  std::vector<std::vector<std::string>> rows;
  for (const v1::Document& doc : response.documents()) {
    rows.push_back({doc.id(), DocumentTierName(doc.tier()), VisibilityName(doc.visibility()),
                    doc.title(), RevisionNumberText(doc.revision_in_force()),
                    FormatDate(doc.in_force_since(), opts.wareki),
                    FormatDate(doc.review_due(), opts.wareki)});
  }
  if (rows.empty()) return "(no documents visible)\n";
  return RenderTable({"ID", "TIER", "VISIBILITY", "TITLE", "IN FORCE", "SINCE", "REVIEW DUE"},
                     rows);
}

std::string RenderRevisionList(const v1::ListRevisionsResponse& response,
                               const OutputOptions& opts) {
  std::vector<std::vector<std::string>> rows;
  for (const v1::Revision& rev : response.revisions()) {
    std::string state = RevisionStateName(rev.state());
    if (rev.in_force()) absl::StrAppend(&state, " (in force)");
    rows.push_back({absl::StrCat(rev.number()), state, FormatDate(rev.effective_date(), opts.wareki),
                    OrDash(rev.author()), OrDash(rev.approver()), OrDash(rev.change_summary())});
  }
  if (rows.empty()) return "(no revisions visible)\n";
  return RenderTable({"REV", "STATE", "EFFECTIVE", "AUTHOR", "APPROVER", "SUMMARY"}, rows);
}

std::string RenderRevision(const v1::Revision& revision, const OutputOptions& opts) {
  std::string state = RevisionStateName(revision.state());
  if (revision.in_force()) absl::StrAppend(&state, ", in force");
  std::vector<std::vector<std::string>> header = {
      {"document:", revision.document_id()},
      {"revision:", absl::StrCat(revision.number(), " (", state, ")")},
      {"施行日:", FormatDateBoth(revision.effective_date(), opts.wareki)},
      {"content hash:", OrDash(revision.content_hash())},
  };
  if (!revision.chain_hash().empty()) header.push_back({"chain hash:", revision.chain_hash()});
  if (revision.base_revision() > 0) {
    header.push_back({"base revision:", absl::StrCat(revision.base_revision())});
  }
  if (!revision.author().empty()) header.push_back({"author:", revision.author()});
  if (!revision.approver().empty()) header.push_back({"approver:", revision.approver()});
  if (!revision.change_summary().empty()) {
    header.push_back({"改正理由:", revision.change_summary()});
  }
  std::string out = absl::StrCat(revision.title(), "\n", RenderTable({}, header));
  std::string_view chapter;
  for (const v1::Article& article : revision.articles()) {
    // A chapter (第１章 総則) and its section (第１節 通則) are shown once,
    // above their first article.
    const std::vector<std::string_view> above = ChapterLinesAbove(chapter, article.chapter());
    if (!above.empty()) out.push_back('\n');
    for (std::string_view line : above) out.append(line).push_back('\n');
    chapter = article.chapter();
    absl::StrAppend(&out, "\n", ArticleTitle(article.number(), article.heading()), "\n");
    for (absl::string_view line : absl::StrSplit(article.body(), '\n', absl::SkipEmpty())) {
      absl::StrAppend(&out, line, "\n");
    }
  }
  return out;
}

std::string RenderRevisionStatus(const v1::Revision& revision, const OutputOptions& opts) {
  std::string line = absl::StrCat(revision.document_id(), " revision ", revision.number(), ": ",
                                  RevisionStateName(revision.state()));
  if (revision.state() == v1::REVISION_STATE_PUBLISHED ||
      revision.state() == v1::REVISION_STATE_SUPERSEDED) {
    absl::StrAppend(&line, " (施行日 ", FormatDate(revision.effective_date(), opts.wareki),
                    revision.chain_hash().empty() ? "" : ", chain hash ", revision.chain_hash(),
                    ")");
  }
  return absl::StrCat(line, "\n");
}

std::string RenderDiff(const v1::DiffRevisionsResponse& diff, const OutputOptions&) {
  std::string out = absl::StrCat("diff ", diff.document_id(), " revision ", diff.from_number(),
                                 " → ", diff.to_number(), "\n");
  bool any = false;
  if (diff.old_title() != diff.new_title()) {
    absl::StrAppend(&out, "~ 表題\n  - ", diff.old_title(), "\n  + ", diff.new_title(), "\n");
    any = true;
  }
  for (const v1::ArticleDiff& article : diff.articles()) {
    switch (article.kind()) {
      case v1::ARTICLE_CHANGE_KIND_ADDED:
        absl::StrAppend(&out, "+ ", ArticleTitle(article.number(), article.new_heading()), "\n");
        break;
      case v1::ARTICLE_CHANGE_KIND_REMOVED:
        absl::StrAppend(&out, "- ", ArticleTitle(article.number(), article.old_heading()), "\n");
        break;
      case v1::ARTICLE_CHANGE_KIND_CHANGED:
        absl::StrAppend(&out, "~ ", ArticleTitle(article.number(), article.new_heading()), "\n");
        if (article.old_chapter() != article.new_chapter()) {
          // A chapter with its section is one line here: "第１章　総則 第２節　適用".
          auto one_line = [](const std::string& chapter) {
            return OrDash(absl::StrReplaceAll(chapter, {{"\n", " "}}));
          };
          absl::StrAppend(&out, "  章: ", one_line(article.old_chapter()), " → ",
                          one_line(article.new_chapter()), "\n");
        }
        if (article.old_heading() != article.new_heading()) {
          absl::StrAppend(&out, "  見出し: ", OrDash(article.old_heading()), " → ",
                          OrDash(article.new_heading()), "\n");
        }
        break;
      default:
        continue;  // unchanged articles are not shown
    }
    any = true;
    for (const v1::DiffLine& line : article.lines()) {
      if (line.op() == v1::DiffLine::OP_ADD) absl::StrAppend(&out, "  + ", line.text(), "\n");
      if (line.op() == v1::DiffLine::OP_REMOVE) absl::StrAppend(&out, "  - ", line.text(), "\n");
    }
  }
  if (!any) absl::StrAppend(&out, "(no differences)\n");
  return out;
}

std::string RenderEventLine(const v1::RevisionEvent& event, const OutputOptions& opts) {
  std::string line = absl::StrCat("#", event.sequence(), " ", RevisionEventTypeName(event.type()),
                                  " ", event.document_id(), " revision ",
                                  event.revision_number());
  if (IsDateSet(event.effective_date())) {
    absl::StrAppend(&line, " 施行日 ", FormatDate(event.effective_date(), opts.wareki));
  }
  if (!event.actor().empty()) absl::StrAppend(&line, " by ", event.actor());
  absl::StrAppend(&line, " at ", FormatTimeUs(event.time_us()), "\n");
  return line;
}

namespace {
std::string PrincipalText(const v1::Principal& principal) {
  if (principal.organization().empty() && principal.user().empty()) return "-";
  return absl::StrCat("seccoord://", principal.organization(), "/", principal.user());
}
}  // namespace

std::string RenderAcknowledgement(const v1::Acknowledgement& ack, const OutputOptions&) {
  return absl::StrCat("acknowledged ", ack.document_id(), " revision ", ack.revision_number(),
                      " as ", PrincipalText(ack.principal()), " at ", FormatTimeUs(ack.time_us()),
                      "\n");
}

std::string RenderCoverage(const v1::ListAcknowledgementsResponse& response,
                           const OutputOptions&) {
  std::vector<std::vector<std::string>> rows;
  for (const v1::AcknowledgementCoverage& org : response.coverage()) {
    rows.push_back({org.organization(), absl::StrCat(org.acknowledged_users()),
                    org.users().empty() ? "-" : absl::StrJoin(org.users(), ", ")});
  }
  std::string out = RenderTable({"ORGANIZATION", "ACKNOWLEDGED", "USERS"}, rows);
  if (response.has_own() && response.own().time_us() != 0) {
    absl::StrAppend(&out, "you acknowledged it at ", FormatTimeUs(response.own().time_us()), "\n");
  } else {
    absl::StrAppend(&out, "you have not acknowledged it\n");
  }
  return out;
}

std::string RenderComments(const v1::ListRevisionCommentsResponse& response,
                           const OutputOptions&) {
  if (response.comments().empty()) return "(no comments)\n";
  std::vector<std::vector<std::string>> rows;
  for (const v1::RevisionComment& c : response.comments()) {
    rows.push_back({absl::StrCat(c.id()), c.article_number().empty() ? "(all)" : c.article_number(),
                    c.author(), FormatTimeUs(c.create_time_us()), c.text()});
  }
  return RenderTable({"ID", "ARTICLE", "AUTHOR", "TIME", "TEXT"}, rows);
}

std::string RenderAuditEntries(const v1::ListAuditEntriesResponse& response,
                               const OutputOptions&) {
  if (response.entries().empty()) return "(no audit entries)\n";
  std::vector<std::vector<std::string>> rows;
  for (const v1::AuditEntry& e : response.entries()) {
    rows.push_back({absl::StrCat(e.sequence()), FormatTimeUs(e.time_us()), e.principal(),
                    StripPrefix(e.method(), "/seccoord.v1."), OrDash(e.target()),
                    AuditOutcomeName(e.outcome()), e.status_code(), OrDash(e.detail())});
  }
  return RenderTable({"SEQ", "TIME", "PRINCIPAL", "METHOD", "TARGET", "OUTCOME", "CODE", "DETAIL"},
                     rows);
}

std::string RenderAuditVerify(const v1::VerifyAuditChainResponse& response,
                              const OutputOptions&) {
  if (response.intact()) {
    return absl::StrCat("intact: ", response.entries_checked(), " entries checked, head ",
                        OrDash(response.head_hash()), "\n");
  }
  return absl::StrCat("NOT INTACT: first bad entry #", response.first_bad_sequence(), ": ",
                      response.problem(), " (", response.entries_checked(),
                      " entries checked)\n");
}

}  // namespace seccoord::cli
