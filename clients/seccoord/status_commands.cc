#include "clients/seccoord/status_commands.h"

#include <CLI/CLI.hpp>

#include <cmath>
#include <map>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/seccoord/assessment_commands.h"
#include "clients/seccoord/command.h"
#include "common/status.h"
#include "common/text_width.h"
#include "common/wareki.h"
#include "seccoord/v1/assessment.grpc.pb.h"

namespace seccoord::cli {
namespace {

using Stub = v1::AssessmentService::Stub;

// Width of a right-aligned figure column (" 82.5%", "100.0%").
constexpr int kFigureWidth = 6;
// The year-free mark of a trend year without assessment.
constexpr char kNoAssessmentMark[] = "—";

// `text` preceded by spaces up to `width` display columns.
std::string RightAlign(const std::string& text, int width) {
  const int pad = width - DisplayWidth(text);
  return pad > 0 ? absl::StrCat(std::string(pad, ' '), text) : text;
}

std::string Rate(const v1::ResultCounts& counts) {
  return RightAlign(RateText(counts.implementation_rate(), counts.has_rate()), kFigureWidth);
}

// The binding of the status's assessment in the words of `assessment show`.
std::string PolicyText(const v1::OrganizationStatus& s, const OutputOptions& opts) {
  v1::Assessment binding;
  if (s.has_policy()) *binding.mutable_policy() = s.policy();
  binding.set_policy_unavailable(s.policy_unavailable());
  return RenderPolicyBinding(binding, opts);
}

// " as of TIME" and ", stale" when the fact is older than the refresh period
// or its last refresh failed; "never read" without a time.
std::string AsOf(int64_t time_us, bool stale) {
  if (time_us == 0) return stale ? " (never read, stale)" : " (never read)";
  return absl::StrCat(" (as of ", FormatTimeUs(time_us), stale ? ", stale)" : ")");
}

std::string FindingsText(const v1::OrganizationStatus& s) {
  std::string text;
  if (s.has_asset_findings()) {
    const v1::FindingsSummary& f = s.asset_findings();
    text = absl::StrCat(f.total(), " (重大 ", f.critical(), ", 注意 ", f.warning(), ", 情報 ",
                        f.info(), "; ", f.assets_evaluated(), " assets evaluated)");
  } else {
    text = "unknown";
  }
  return absl::StrCat(text, AsOf(s.asset_findings_time_us(), s.asset_findings_stale()));
}

std::string DocumentsText(const v1::OrganizationStatus& s, const OutputOptions& opts) {
  std::vector<std::string> documents;
  for (const v1::DocumentReview& d : s.documents_review_due()) {
    documents.push_back(absl::StrCat(d.document_id(), d.title().empty() ? "" : " ", d.title(),
                                     " r", d.revision_in_force(), ", due ",
                                     FormatDate(d.review_due(), opts.wareki)));
  }
  return absl::StrCat(documents.empty() ? "none" : absl::StrJoin(documents, "; "),
                      AsOf(s.documents_time_us(), s.documents_stale()));
}

// The lines after the chapter table: advice, remediations and peer facts.
std::string FactsTable(const v1::OrganizationStatus& s, const OutputOptions& opts) {
  std::vector<std::vector<std::string>> rows;
  if (s.has_assessment()) {
    std::string advice = absl::StrCat(s.open_advice());
    if (s.open_advice() > 0) {
      absl::StrAppend(&advice, " (oldest ", s.oldest_open_advice_age_days(), " days, sent ",
                      FormatTimeUs(s.oldest_open_advice_time_us()), ")");
    }
    rows.push_back({"open advice:", advice});
    rows.push_back({"policy review advice (第8):", absl::StrCat(s.policy_review_advice())});
    rows.push_back({"overdue remediations:", absl::StrCat(s.overdue_remediations())});
  }
  rows.push_back({"asset findings:", FindingsText(s)});
  rows.push_back({"review due (第8):", DocumentsText(s, opts)});
  std::string out = RenderTable({}, rows);
  if (s.checklist_outdated()) {
    absl::StrAppend(&out, "checklist derived from basic-policy r", s.checklist_revision(), ", r",
                    s.revision_in_force(), " in force\n");
  }
  return out;
}

std::vector<std::string> CountsRow(const std::string& number, const std::string& title,
                                   const v1::ResultCounts& c) {
  return {number,
          title,
          absl::StrCat(c.implemented()),
          absl::StrCat(c.partial()),
          absl::StrCat(c.not_implemented()),
          absl::StrCat(c.not_applicable()),
          absl::StrCat(c.unanswered()),
          Rate(c),
          RateBar(c)};
}

// ---- Command-line arguments (owned by the command tree, filled by CLI11).

struct OrganizationArgs {
  OrganizationStatusFlags flags;
};
struct FederationArgs {
  std::string fiscal_year;
  int years = 0;
  CLI::Option* years_option = nullptr;
};

absl::StatusOr<std::unique_ptr<Stub>> AssessmentStub(CommandContext& ctx) {
  return NewServiceStub<v1::AssessmentService>(ctx, ServiceKind::kAssessment);
}

absl::Status RunOrganizationStatus(CommandContext& ctx, const OrganizationArgs& a) {
  SECCOORD_ASSIGN_OR_RETURN(v1::GetOrganizationStatusRequest request,
                            BuildOrganizationStatusRequest(a.flags));
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssessmentStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::OrganizationStatus response,
                            Unary(ctx, *stub, &Stub::GetOrganizationStatus, request));
  return ctx.Print(response, [&] { return RenderOrganizationStatus(response, ctx.output()); });
}

absl::Status RunFederationStatus(CommandContext& ctx, const FederationArgs& a) {
  FederationStatusFlags flags;
  flags.fiscal_year = a.fiscal_year;
  if (a.years_option != nullptr && a.years_option->count() > 0) flags.years = a.years;
  SECCOORD_ASSIGN_OR_RETURN(v1::GetFederationStatusRequest request,
                            BuildFederationStatusRequest(flags));
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssessmentStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::FederationStatus response,
                            ReadFederationStatus(ctx, *stub, request));
  return ctx.Print(response, [&] { return RenderFederationStatus(response, ctx.output()); });
}

}  // namespace

// ---- Reading.

absl::StatusOr<v1::FederationStatus> ReadFederationStatus(
    CommandContext& ctx, v1::AssessmentService::Stub& stub,
    v1::GetFederationStatusRequest request) {
  v1::FederationStatus all;
  request.clear_page_token();
  while (true) {
    absl::StatusOr<v1::FederationStatus> page =
        Unary(ctx, stub, &v1::AssessmentService::Stub::GetFederationStatus, request);
    if (!page.ok()) return page.status();
    if (request.page_token().empty()) {
      all = *page;
      all.clear_organizations();
      all.clear_trends();
    }
    for (auto& o : *page->mutable_organizations()) *all.add_organizations() = std::move(o);
    for (auto& t : *page->mutable_trends()) *all.add_trends() = std::move(t);
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  all.clear_next_page_token();
  return all;
}

// ---- Request builders.

absl::StatusOr<v1::GetOrganizationStatusRequest> BuildOrganizationStatusRequest(
    const OrganizationStatusFlags& flags) {
  v1::GetOrganizationStatusRequest request;
  request.set_organization(flags.organization);
  if (!flags.fiscal_year.empty()) {
    SECCOORD_ASSIGN_OR_RETURN(int fiscal_year, ParseFiscalYearArgument("--fy", flags.fiscal_year));
    request.set_fiscal_year(fiscal_year);
  }
  return request;
}

absl::StatusOr<v1::GetFederationStatusRequest> BuildFederationStatusRequest(
    const FederationStatusFlags& flags) {
  v1::GetFederationStatusRequest request;
  if (!flags.fiscal_year.empty()) {
    SECCOORD_ASSIGN_OR_RETURN(int fiscal_year, ParseFiscalYearArgument("--fy", flags.fiscal_year));
    request.set_fiscal_year(fiscal_year);
  }
  if (flags.years) {
    if (*flags.years < 1 || *flags.years > kMaxTrendYears) {
      return UsageErrorAt("--years", absl::StrCat("must be 1 to ", kMaxTrendYears,
                                                  " fiscal years (got ", *flags.years, ")"));
    }
    request.set_years(*flags.years);
  }
  return request;
}

// ---- Rendering.

std::string RateBar(const v1::ResultCounts& counts, int cells) {
  if (!counts.has_rate() || cells <= 0) return "";
  const double rate = std::fmin(1.0, std::fmax(0.0, counts.implementation_rate()));
  const int filled = static_cast<int>(std::lround(rate * cells));
  std::string bar;
  for (int i = 0; i < cells; ++i) absl::StrAppend(&bar, i < filled ? "█" : "░");
  return bar;
}

std::string TrendYearHeader(int fiscal_year, bool wareki) {
  if (!wareki) return absl::StrCat(fiscal_year);
  const EraInfo* era = EraOfFiscalYear(fiscal_year);
  if (era == nullptr) return absl::StrCat(fiscal_year);
  return absl::StrCat(std::string(1, era->initial), fiscal_year - era->first_day.year + 1);
}

std::string RenderOrganizationStatus(const v1::OrganizationStatus& s, const OutputOptions& opts) {
  if (!s.has_assessment()) {
    return absl::StrCat(OrDash(s.organization()), ": no assessment for ",
                        FormatFiscalYearOrNumber(s.fiscal_year()), "\n", FactsTable(s, opts));
  }
  std::vector<std::vector<std::string>> header = {
      {"organization:", s.organization()},
      {"年度:", FiscalYearText(s.fiscal_year(), opts.wareki)},
      {"assessment:", absl::StrCat(s.assessment_id(), " (round ", s.round(), ") ",
                                   AssessmentStateText(s.state()))},
      {"checklist:", OrDash(s.checklist_version())},
      {"policy:", PolicyText(s, opts)},
      {"counted:", s.counted_submission() > 0
                       ? absl::StrCat("submission #", s.counted_submission())
                       : "current answers (never submitted)"},
  };
  if (s.update_time_us() != 0) header.push_back({"updated:", FormatTimeUs(s.update_time_us())});
  std::vector<std::vector<std::string>> rows;
  for (const v1::ChapterStatus& chapter : s.chapters()) {
    rows.push_back(CountsRow(absl::StrCat(chapter.chapter()), chapter.chapter_title(),
                             chapter.counts()));
  }
  rows.push_back(CountsRow("", "計", s.counts()));
  return absl::StrCat(
      RenderTable({}, header), "\n",
      RenderTable({"番号", "章", "実施", "一部", "未実施", "該当なし", "未回答",
                   RightAlign("実施率", kFigureWidth), ""},
                  rows),
      "\n", FactsTable(s, opts));
}

std::string RenderFederationStatus(const v1::FederationStatus& f, const OutputOptions& opts) {
  std::string out = absl::StrCat("federation status ", FiscalYearText(f.fiscal_year(), opts.wareki),
                                 "\n");
  std::vector<std::vector<std::string>> rows;
  for (const v1::OrganizationStatus& s : f.organizations()) {
    if (!s.has_assessment()) {
      rows.push_back({s.organization(), "no assessment", RightAlign("-", kFigureWidth), "-", "-"});
      continue;
    }
    rows.push_back({s.organization(), AssessmentStateText(s.state()), Rate(s.counts()),
                    absl::StrCat(s.open_advice()), absl::StrCat(s.overdue_remediations())});
  }
  absl::StrAppend(&out,
                  rows.empty() ? "(no organisations)\n"
                               : RenderTable({"ORGANIZATION", "STATE",
                                              RightAlign("実施率", kFigureWidth), "OPEN ADVICE",
                                              "OVERDUE"},
                                             rows));
  if (f.trends().empty()) return out;

  const int first = f.first_fiscal_year() > 0 ? f.first_fiscal_year() : f.fiscal_year();
  std::vector<std::string> trend_header = {"ORGANIZATION"};
  for (int fy = first; fy <= f.fiscal_year(); ++fy) {
    trend_header.push_back(RightAlign(TrendYearHeader(fy, opts.wareki), kFigureWidth));
  }
  std::vector<std::vector<std::string>> trend_rows;
  for (const v1::OrganizationTrend& trend : f.trends()) {
    std::map<int, const v1::TrendPoint*> by_year;
    for (const v1::TrendPoint& point : trend.points()) by_year[point.fiscal_year()] = &point;
    std::vector<std::string> row = {trend.organization()};
    for (int fy = first; fy <= f.fiscal_year(); ++fy) {
      auto found = by_year.find(fy);
      if (found == by_year.end() || !found->second->has_assessment()) {
        row.push_back(RightAlign(kNoAssessmentMark, kFigureWidth));
      } else {
        row.push_back(RightAlign(
            RateText(found->second->implementation_rate(), found->second->has_rate()),
            kFigureWidth));
      }
    }
    trend_rows.push_back(std::move(row));
  }
  absl::StrAppend(&out, "\ntrend of 実施率 ", FiscalYearText(first, opts.wareki), "–",
                  FiscalYearText(f.fiscal_year(), opts.wareki), " (", kNoAssessmentMark,
                  " = no assessment)\n", RenderTable(trend_header, trend_rows));
  return out;
}

// ---- Registration.

void RegisterStatusCommands(CLI::App& root, CommandContext& ctx) {
  auto org = std::make_shared<OrganizationArgs>();
  CLI::App* status = root.add_subcommand(
      "status", "The aggregated status of an organisation's self-inspection: per chapter "
                "counts and 実施率, advice, remediations, peer facts");
  status->add_option("--org", org->flags.organization, "Organisation (default: your own)");
  status->add_option("--fy", org->flags.fiscal_year,
                     "Fiscal year: 2026 or 令和8年度 (default: the current one)");
  SetAction(status, ctx, [&ctx, org] { return RunOrganizationStatus(ctx, *org); });

  auto fed = std::make_shared<FederationArgs>();
  CLI::App* federation = status->add_subcommand(
      "federation", "Every organisation's status for a fiscal year, and the trend of 実施率");
  federation->add_option("--fy", fed->fiscal_year,
                         "Fiscal year: 2026 or 令和8年度 (default: the current one)");
  fed->years_option = federation->add_option(
      "--years", fed->years, "Fiscal years of the trend, ending with --fy: 1 to 10 (default 5)");
  SetAction(federation, ctx, [&ctx, fed] { return RunFederationStatus(ctx, *fed); });
}

}  // namespace seccoord::cli
