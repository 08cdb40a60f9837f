#include "clients/seccoord/assessment_commands.h"

#include <yaml-cpp/yaml.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/seccoord/asset_commands.h"
#include "clients/seccoord/command.h"
#include "clients/seccoord/policy_commands.h"
#include "clients/seccoord/report.h"
#include "clients/seccoord/status_commands.h"
#include "clients/seccoord/yaml_input.h"
#include "common/answer_sheet.h"
#include "common/assessment_vocab.h"
#include "common/asset_csv.h"
#include "common/csv.h"
#include "common/policy_text.h"
#include "common/status.h"
#include "common/text_width.h"
#include "common/utf8.h"
#include "common/wareki.h"
#include "seccoord/v1/assessment.grpc.pb.h"

namespace seccoord::cli {
namespace {

using Stub = v1::AssessmentService::Stub;

constexpr int kPageSize = 100;
// Fiscal years of the report's trend sheet (推移), ending with the assessment's.
constexpr int kReportTrendYears = 5;

// ---- Small helpers.

bool HasRemediation(const v1::Remediation& r) {
  return !r.action().empty() || !r.owner().empty() || IsDateSet(r.due());
}

bool IsUrl(const std::string& location) { return location.find("://") != std::string::npos; }

// ---- RPC plumbing.

absl::StatusOr<std::unique_ptr<Stub>> AssessmentStub(CommandContext& ctx) {
  return NewServiceStub<v1::AssessmentService>(ctx, ServiceKind::kAssessment);
}

absl::StatusOr<v1::Assessment> ReadAssessment(CommandContext& ctx, Stub& stub,
                                              const std::string& id) {
  v1::GetAssessmentRequest request;
  request.set_assessment_id(id);
  return Unary(ctx, stub, &Stub::GetAssessment, request);
}

absl::StatusOr<v1::Checklist> ReadChecklist(CommandContext& ctx, Stub& stub,
                                            const std::string& version) {
  v1::GetChecklistRequest request;
  request.set_version(version);
  return Unary(ctx, stub, &Stub::GetChecklist, request);
}

absl::StatusOr<v1::Advice> ReadAdvice(CommandContext& ctx, Stub& stub, const std::string& id) {
  v1::GetAdviceRequest request;
  request.set_advice_id(id);
  return Unary(ctx, stub, &Stub::GetAdvice, request);
}

const v1::ChecklistItem* FindItem(const v1::Checklist& checklist, const std::string& item_id) {
  for (const v1::ChecklistItem& item : checklist.items()) {
    if (item.id() == item_id) return &item;
  }
  return nullptr;
}

std::string AdviceStatusLine(const v1::Advice& advice) {
  return absl::StrCat(advice.id(), ": ", AdviceStateText(advice.state()), " (etag ",
                      advice.etag(), ")\n");
}

// A change of advice `advice_id` on the version seen now: the advice is read
// for its etag, then `method` is called with `request` (its request id,
// advice id and etag set here), and the new state printed.
template <typename Request>
absl::Status ChangeAdvice(CommandContext& ctx, const std::string& advice_id, Request request,
                          grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                       v1::Advice*)) {
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssessmentStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::Advice current, ReadAdvice(ctx, *stub, advice_id));
  request.set_request_id(NewRequestId());
  request.set_advice_id(advice_id);
  request.set_etag(current.etag());
  SECCOORD_ASSIGN_OR_RETURN(v1::Advice response, Unary(ctx, *stub, method, request));
  return ctx.Print(response, [&] { return AdviceStatusLine(response); });
}

// The same for assessment `id`, printing its new state.
template <typename Request>
absl::Status ChangeAssessment(CommandContext& ctx, const std::string& id, Request request,
                              grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                           v1::Assessment*)) {
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssessmentStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::Assessment current, ReadAssessment(ctx, *stub, id));
  request.set_request_id(NewRequestId());
  request.set_assessment_id(id);
  request.set_etag(current.etag());
  SECCOORD_ASSIGN_OR_RETURN(v1::Assessment response, Unary(ctx, *stub, method, request));
  return ctx.Print(response, [&] { return RenderAssessmentStatus(response, ctx.output()); });
}

// ---- Command-line arguments (owned by the command tree, filled by CLI11).

struct IdArgs {
  std::string id;
};
struct ChecklistArgs {
  std::string version;
};
struct CreateArgs {
  CreateAssessmentFlags flags;
};
struct ListArgs {
  ListAssessmentsFlags flags;
};
struct ShowArgs {
  std::string id;
  std::string item;
};
struct AnswerArgs {
  std::string id;
  std::string item;
  std::string result, note, action, owner, due;
  CLI::Option *result_option = nullptr, *note_option = nullptr, *action_option = nullptr,
              *owner_option = nullptr, *due_option = nullptr;
  std::vector<std::string> evidence;
  std::vector<std::string> evidence_titles;
  bool confirm = false;

  static std::optional<std::string> Given(const CLI::Option* option, const std::string& value) {
    if (option == nullptr || option->count() == 0) return std::nullopt;
    return value;
  }
  AnswerFlags Flags() const {
    AnswerFlags f;
    f.result = Given(result_option, result);
    f.note = Given(note_option, note);
    f.evidence = evidence;
    f.evidence_titles = evidence_titles;
    f.action = Given(action_option, action);
    f.owner = Given(owner_option, owner);
    f.due = Given(due_option, due);
    f.confirm = confirm;
    return f;
  }
};
struct SheetArgs {
  std::string id;
  bool bom = false;
  std::string encoding;
  std::string file;
};
struct FillArgs {
  std::string id;
  std::string file;
  std::string encoding = "auto";
  bool dry_run = false;
};
struct ReviewArgs {
  std::string id;
  bool accept = false;
  bool return_for_correction = false;
  std::string comment;
  std::string advice_file;
};
struct AdviseArgs {
  std::string id;
  AdviseFlags flags;
};
struct AdviceListArgs {
  std::string assessment_id;
  std::string state;
};
struct AdviceTextArgs {
  std::string advice_id;
  std::string text;
};
struct ReopenAssessmentArgs {
  std::string id;
  std::string reason;
};
struct WatchArgs {
  int64_t since = 0;
  bool backlog = false;
};
struct CompareArgs {
  std::string base_id;
  std::string other_id;
};
struct ReportArgs {
  std::string id;
  std::string file;
};

// ---- The answer sheet.

// auto, utf-8 or cp932 (the spellings of `asset import --encoding`).
absl::StatusOr<CsvEncoding> ParseSheetInputEncoding(const std::string& text) {
  SECCOORD_ASSIGN_OR_RETURN(v1::CsvEncoding value, ParseCsvEncoding("--encoding", text));
  switch (value) {
    case v1::CSV_ENCODING_UTF8: return CsvEncoding::kUtf8;
    case v1::CSV_ENCODING_CP932: return CsvEncoding::kCp932;
    default: return CsvEncoding::kAuto;
  }
}

absl::StatusOr<assessment::SheetEncoding> SheetOutputEncoding(const SheetArgs& a) {
  if (a.encoding.empty() || a.encoding == "auto") {
    return a.bom ? assessment::SheetEncoding::kUtf8Bom : assessment::SheetEncoding::kUtf8;
  }
  SECCOORD_ASSIGN_OR_RETURN(v1::CsvEncoding value, ParseCsvEncoding("--encoding", a.encoding));
  if (value == v1::CSV_ENCODING_CP932) {
    if (a.bom) return UsageErrorAt("--bom", "only for UTF-8 (not with --encoding cp932)");
    return assessment::SheetEncoding::kCp932;
  }
  return a.bom ? assessment::SheetEncoding::kUtf8Bom : assessment::SheetEncoding::kUtf8;
}

// ---- Actions.

absl::Status RunChecklist(CommandContext& ctx, const ChecklistArgs& a) {
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssessmentStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::Checklist checklist, ReadChecklist(ctx, *stub, a.version));
  return ctx.Print(checklist, [&] { return RenderChecklist(checklist, ctx.output()); });
}

absl::Status RunCreate(CommandContext& ctx, const CreateArgs& a) {
  SECCOORD_ASSIGN_OR_RETURN(v1::CreateAssessmentRequest request,
                            BuildCreateAssessmentRequest(a.flags, NewRequestId()));
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssessmentStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::Assessment response,
                            Unary(ctx, *stub, &Stub::CreateAssessment, request));
  // The id alone on stdout (for scripts); the details on stderr.
  return ctx.PrintCreated(response, response.id(), [&] {
    const OutputOptions opts = ctx.output();
    std::string details = absl::StrCat(
        "created ", response.id(), " (", FiscalYearText(response.fiscal_year(), opts.wareki),
        ", round ", response.round(), ", checklist ", response.checklist_version(), "; policy ",
        RenderPolicyBinding(response, opts), ")\n");
    if (!response.baseline_of().empty()) {
      absl::StrAppend(&details, "answers carried over from ", response.baseline_of(),
                      ": confirm or change each before submitting\n");
    }
    return details;
  });
}

absl::Status RunList(CommandContext& ctx, const ListArgs& a) {
  SECCOORD_ASSIGN_OR_RETURN(v1::ListAssessmentsRequest request,
                            BuildListAssessmentsRequest(a.flags));
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssessmentStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::ListAssessmentsResponse all,
                            AllPages(ctx, *stub, &Stub::ListAssessments, request,
                                     &v1::ListAssessmentsResponse::mutable_assessments));
  return ctx.Print(all, [&] { return RenderAssessmentList(all, ctx.output()); });
}

absl::Status RunShow(CommandContext& ctx, const ShowArgs& a) {
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssessmentStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::Assessment assessment, ReadAssessment(ctx, *stub, a.id));
  // The questions and chapters are the checklist's; the assessment holds
  // only the answers.
  SECCOORD_ASSIGN_OR_RETURN(v1::Checklist checklist,
                            ReadChecklist(ctx, *stub, assessment.checklist_version()));
  if (!a.item.empty() && FindItem(checklist, a.item) == nullptr) {
    return UsageErrorAt("--item", absl::StrCat("'", a.item, "' is not an item of checklist ",
                                               checklist.version()));
  }
  ctx.err() << RenderUnavailableWarnings(assessment);
  return ctx.Print(assessment,
                   [&] { return RenderAssessment(assessment, checklist, ctx.output(), a.item); });
}

absl::Status RunAnswer(CommandContext& ctx, const AnswerArgs& a) {
  const AnswerFlags flags = a.Flags();
  // Check the flags (and hash the evidence) before contacting the server: a
  // bad value is a usage error.
  SECCOORD_RETURN_IF_ERROR(BuildAnswerRequest(v1::Assessment(), a.item, flags, "").status());
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssessmentStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::Assessment current, ReadAssessment(ctx, *stub, a.id));
  SECCOORD_ASSIGN_OR_RETURN(v1::UpdateAnswersRequest request,
                            BuildAnswerRequest(current, a.item, flags, NewRequestId()));
  SECCOORD_ASSIGN_OR_RETURN(v1::Assessment response,
                            Unary(ctx, *stub, &Stub::UpdateAnswers, request));
  for (const v1::ItemAnswer& answer : request.answers()) {
    for (const v1::EvidenceReference& e : answer.evidence()) {
      if (e.sha256().empty() && !IsUrl(e.location())) {
        ctx.err() << "note: evidence '" << e.location()
                  << "' is not a local file; kept as a location without SHA-256\n";
      }
    }
  }
  return ctx.Print(response, [&] {
    std::string what = "carried-over answer confirmed";
    if (!request.answers().empty()) what = ItemResultText(request.answers(0).result());
    return absl::StrCat(response.id(), " ", a.item, ": ", what, " (etag ", response.etag(),
                        ")\n");
  });
}

absl::Status RunSheet(CommandContext& ctx, const SheetArgs& a) {
  SECCOORD_ASSIGN_OR_RETURN(assessment::SheetEncoding encoding, SheetOutputEncoding(a));
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssessmentStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::Assessment current, ReadAssessment(ctx, *stub, a.id));
  SECCOORD_ASSIGN_OR_RETURN(v1::Checklist checklist,
                            ReadChecklist(ctx, *stub, current.checklist_version()));
  absl::StatusOr<std::string> sheet = assessment::WriteAnswerSheet(checklist, current, encoding);
  // Text that has no CP932 form is the user's choice of encoding to revisit.
  if (!sheet.ok()) return UsageError(sheet.status());
  if (a.file.empty() || a.file == "-") {
    ctx.out().write(sheet->data(), static_cast<std::streamsize>(sheet->size()));
    ctx.out().flush();
    return absl::OkStatus();
  }
  SECCOORD_RETURN_IF_ERROR(WriteOutputFile(a.file, *sheet));
  ctx.err() << "wrote the answer sheet of " << current.id() << " (" << checklist.items_size()
            << " items) to " << a.file << "\n";
  return absl::OkStatus();
}

absl::Status RunFill(CommandContext& ctx, const FillArgs& a) {
  SECCOORD_ASSIGN_OR_RETURN(CsvEncoding encoding, ParseSheetInputEncoding(a.encoding));
  SECCOORD_ASSIGN_OR_RETURN(std::string bytes, ReadInputFile(a.file));
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssessmentStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::Assessment current, ReadAssessment(ctx, *stub, a.id));
  SECCOORD_ASSIGN_OR_RETURN(v1::Checklist checklist,
                            ReadChecklist(ctx, *stub, current.checklist_version()));
  absl::StatusOr<assessment::SheetParseResult> parsed =
      assessment::ParseAnswerSheet(bytes, encoding, checklist);
  if (!parsed.ok()) {
    return UsageError(absl::Status(parsed.status().code(),
                                   absl::StrCat(a.file, ": ", parsed.status().message())));
  }
  if (!parsed->errors.empty()) {
    // All rows or none: every error is reported and nothing is sent.
    ctx.err() << RenderSheetErrors(a.file, parsed->errors);
    return UsageError(absl::InvalidArgumentError(
        absl::StrCat(a.file, ": ", parsed->errors.size(),
                     parsed->errors.size() == 1 ? " error" : " errors", "; nothing sent")));
  }
  SheetUpdate update = BuildSheetUpdate(current, parsed->rows, NewRequestId());
  const std::string counts = absl::StrCat(
      update.request.answers_size(), update.request.answers_size() == 1 ? " answer, " : " answers, ",
      update.request.confirm_item_ids_size(),
      update.request.confirm_item_ids_size() == 1 ? " confirmation" : " confirmations");
  if (a.dry_run || (update.request.answers().empty() && update.request.confirm_item_ids().empty())) {
    if (ctx.output().format == OutputFormat::kJson) return ctx.Print(update.request, nullptr);
    ctx.out() << (a.dry_run ? "dry run: " : "") << a.file << ": " << counts << " (encoding "
              << std::string(CsvEncodingName(parsed->encoding)) << "); nothing sent\n";
    return absl::OkStatus();
  }
  absl::StatusOr<v1::Assessment> response =
      Unary(ctx, *stub, &Stub::UpdateAnswers, update.request);
  if (!response.ok()) {
    return AttributeToSheetLine(response.status(), a.file, update);
  }
  return ctx.Print(*response, [&] {
    return absl::StrCat("updated ", response->id(), " from ", a.file, ": ", counts,
                        " (etag ", response->etag(), ")\n");
  });
}

absl::Status RunSubmit(CommandContext& ctx, const IdArgs& a) {
  return ChangeAssessment(ctx, a.id, v1::SubmitAssessmentRequest(), &Stub::SubmitAssessment);
}

absl::Status RunReview(CommandContext& ctx, const ReviewArgs& a) {
  ReviewFlags flags;
  flags.accept = a.accept;
  flags.return_for_correction = a.return_for_correction;
  flags.comment = a.comment;
  if (!a.advice_file.empty()) {
    SECCOORD_ASSIGN_OR_RETURN(std::string yaml, ReadInputFile(a.advice_file));
    SECCOORD_ASSIGN_OR_RETURN(flags.advice, ParseAdviceYaml(a.advice_file, yaml));
  }
  // The flags are checked before anything is read from the server.
  SECCOORD_ASSIGN_OR_RETURN(v1::ReviewAssessmentRequest request,
                            BuildReviewRequest(a.id, 0, flags, NewRequestId()));
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssessmentStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::Assessment current, ReadAssessment(ctx, *stub, a.id));
  if (current.submissions().empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        a.id, " has no submission to review (state ", AssessmentStateText(current.state()), ")"));
  }
  // The decision is on the submission seen now; if another one arrives in
  // between, the server refuses with ABORTED rather than deciding unseen.
  request.set_submission_number(current.submissions().rbegin()->number());
  SECCOORD_ASSIGN_OR_RETURN(v1::Assessment response,
                            Unary(ctx, *stub, &Stub::ReviewAssessment, request));
  return ctx.Print(response, [&] {
    std::string line = RenderAssessmentStatus(response, ctx.output());
    if (!request.advice().empty()) {
      absl::StrAppend(&line, request.advice_size(),
                      request.advice_size() == 1 ? " advice item sent\n" : " advice items sent\n");
    }
    return line;
  });
}

absl::Status RunAdvise(CommandContext& ctx, const AdviseArgs& a) {
  SECCOORD_ASSIGN_OR_RETURN(v1::SendAdviceRequest request,
                            BuildSendAdviceRequest(a.id, a.flags, NewRequestId()));
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssessmentStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::Advice response, Unary(ctx, *stub, &Stub::SendAdvice, request));
  return ctx.PrintCreated(response, response.id(), [&] {
    return absl::StrCat("sent ", response.id(), " on ", response.assessment_id(),
                        response.item_id().empty() ? "" : " item ", response.item_id(), " (",
                        SeverityText(response.severity()), ")\n");
  });
}

absl::Status RunAdviceList(CommandContext& ctx, const AdviceListArgs& a) {
  v1::ListAdviceRequest request;
  request.set_assessment_id(a.assessment_id);
  if (!a.state.empty()) {
    SECCOORD_ASSIGN_OR_RETURN(v1::AdviceState state, ParseAdviceStateArgument("--state", a.state));
    request.set_state(state);
  }
  request.set_page_size(kPageSize);
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssessmentStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::ListAdviceResponse all,
                            AllPages(ctx, *stub, &Stub::ListAdvice, request,
                                     &v1::ListAdviceResponse::mutable_advice));
  return ctx.Print(all, [&] { return RenderAdviceList(all, ctx.output()); });
}

absl::Status RunRespond(CommandContext& ctx, const AdviceTextArgs& a) {
  if (a.text.empty()) return UsageErrorAt("--text", "must not be empty");
  v1::AnswerAdviceRequest request;
  request.set_text(a.text);
  return ChangeAdvice(ctx, a.advice_id, std::move(request), &Stub::AnswerAdvice);
}

absl::Status RunCloseAdvice(CommandContext& ctx, const AdviceTextArgs& a) {
  v1::CloseAdviceRequest request;
  request.set_comment(a.text);
  return ChangeAdvice(ctx, a.advice_id, std::move(request), &Stub::CloseAdvice);
}

absl::Status RunReopenAdvice(CommandContext& ctx, const AdviceTextArgs& a) {
  if (a.text.empty()) return UsageErrorAt("--comment", "must not be empty (why it is reopened)");
  v1::ReopenAdviceRequest request;
  request.set_comment(a.text);
  return ChangeAdvice(ctx, a.advice_id, std::move(request), &Stub::ReopenAdvice);
}

absl::Status RunReopenAssessment(CommandContext& ctx, const ReopenAssessmentArgs& a) {
  if (a.reason.empty()) return UsageErrorAt("--reason", "must not be empty (why it is reopened)");
  v1::ReopenAssessmentRequest request;
  request.set_reason(a.reason);
  return ChangeAssessment(ctx, a.id, std::move(request), &Stub::ReopenAssessment);
}

absl::Status RunWatch(CommandContext& ctx, const WatchArgs& a) {
  v1::WatchAssessmentEventsRequest request;
  request.set_since_sequence(a.since);
  request.set_backlog_only(a.backlog);
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssessmentStub(ctx));
  // A live watch runs until interrupted; only --backlog has a deadline.
  return WatchEvents<v1::AssessmentEvent>(
      ctx, /*with_deadline=*/a.backlog, a.since,
      [&](grpc::ClientContext* call) { return stub->WatchAssessmentEvents(call, request); },
      &RenderAssessmentEventLine);
}

absl::Status RunCompare(CommandContext& ctx, const CompareArgs& a) {
  SECCOORD_ASSIGN_OR_RETURN(v1::CompareAssessmentsRequest request,
                            BuildCompareRequest(a.base_id, a.other_id));
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssessmentStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::AssessmentComparison response,
                            Unary(ctx, *stub, &Stub::CompareAssessments, request));
  return ctx.Print(response, [&] { return RenderComparison(response, ctx.output()); });
}

// `status` prefixed with what was being read ("reading the trend: …"); the
// exit class of `status` is kept.
absl::Status WhileReading(const absl::Status& status, const std::string& what) {
  if (status.ok()) return status;
  absl::Status prefixed(status.code(), absl::StrCat("reading ", what, ": ", status.message()));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    prefixed.SetPayload(url, payload);
  });
  return prefixed;
}

absl::Status RunReport(CommandContext& ctx, const ReportArgs& a) {
  if (a.file.empty() || a.file == "-") {
    return UsageErrorAt("--file", "required (the workbook to write, e.g. report.xlsx)");
  }
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssessmentStub(ctx));
  absl::StatusOr<v1::Assessment> assessment = ReadAssessment(ctx, *stub, a.id);
  if (!assessment.ok()) return WhileReading(assessment.status(), "the assessment");
  absl::StatusOr<v1::Checklist> checklist =
      ReadChecklist(ctx, *stub, assessment->checklist_version());
  if (!checklist.ok()) return WhileReading(checklist.status(), "the checklist");
  v1::ListAdviceRequest advice_request;
  advice_request.set_assessment_id(assessment->id());
  advice_request.set_page_size(kPageSize);
  absl::StatusOr<v1::ListAdviceResponse> advice =
      AllPages(ctx, *stub, &Stub::ListAdvice, advice_request,
               &v1::ListAdviceResponse::mutable_advice);
  if (!advice.ok()) return WhileReading(advice.status(), "the advice");
  v1::GetFederationStatusRequest trend_request;
  trend_request.set_fiscal_year(assessment->fiscal_year());
  trend_request.set_years(kReportTrendYears);
  absl::StatusOr<v1::FederationStatus> federation =
      ReadFederationStatus(ctx, *stub, trend_request);
  if (!federation.ok()) return WhileReading(federation.status(), "the status and trend");
  // The federation view has one short row per organisation; the chapters of
  // this organisation's summary come from its own status.
  v1::GetOrganizationStatusRequest status_request;
  status_request.set_organization(assessment->organization());
  status_request.set_fiscal_year(assessment->fiscal_year());
  absl::StatusOr<v1::OrganizationStatus> status =
      Unary(ctx, *stub, &Stub::GetOrganizationStatus, status_request);
  if (!status.ok()) return WhileReading(status.status(), "the status");
  for (v1::OrganizationStatus& row : *federation->mutable_organizations()) {
    if (row.organization() == status->organization()) row = *status;
  }
  absl::Status written =
      WriteAssessmentReport(*assessment, *checklist, *advice, *federation, a.file);
  if (!written.ok()) return UsageError(written);
  ctx.err() << "wrote the report of " << assessment->id() << " ("
            << checklist->items_size() << " items, " << advice->advice_size()
            << " advice, trend " << federation->first_fiscal_year() << "–"
            << federation->fiscal_year() << ") to " << a.file << "\n";
  return absl::OkStatus();
}

}  // namespace

// ---- Words as shown.

std::string OneLine(const std::string& text) {
  std::string line = text;
  for (char& c : line) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return line;
}

namespace {
std::string LabelAndName(const std::string& name, const std::string& label) {
  if (name.empty()) return "-";
  if (label.empty() || label == name) return name;
  return absl::StrCat(label, " (", name, ")");
}
}  // namespace

std::string AssessmentStateText(v1::AssessmentState state) {
  return LabelAndName(std::string(assessment::AssessmentStateName(state)),
                      std::string(assessment::AssessmentStateLabel(state)));
}
std::string ItemResultText(v1::ItemResult result) {
  if (result == v1::ITEM_RESULT_UNSPECIFIED) return "未回答";
  return LabelAndName(std::string(assessment::ResultName(result)),
                      std::string(assessment::ResultLabel(result)));
}
std::string AdviceStateText(v1::AdviceState state) {
  return LabelAndName(std::string(assessment::AdviceStateName(state)),
                      std::string(assessment::AdviceStateLabel(state)));
}
std::string SeverityText(v1::Severity severity) {
  return LabelAndName(std::string(assessment::SeverityName(severity)),
                      std::string(assessment::SeverityLabel(severity)));
}

std::string AdviceEntryKindName(v1::AdviceEntryKind kind) {
  std::string name = v1::AdviceEntryKind_Name(kind);
  constexpr absl::string_view kPrefix = "ADVICE_ENTRY_KIND_";
  if (absl::StartsWith(name, kPrefix)) name = name.substr(kPrefix.size());
  return name;
}

std::string RateText(double rate, bool has_rate) {
  if (!has_rate) return "-";
  return absl::StrFormat("%5.1f%%", rate * 100.0);
}

// ---- Values on the command line.

absl::StatusOr<v1::ItemResult> ParseResultArgument(std::string_view flag, std::string_view text) {
  return ParseValue(&assessment::ParseResultValue, flag, text);
}

absl::StatusOr<v1::AssessmentState> ParseAssessmentStateArgument(std::string_view flag,
                                                                 std::string_view text) {
  return ParseValue(&assessment::ParseAssessmentStateValue, flag, text);
}

absl::StatusOr<v1::AdviceState> ParseAdviceStateArgument(std::string_view flag,
                                                         std::string_view text) {
  return ParseValue(&assessment::ParseAdviceStateValue, flag, text);
}

absl::StatusOr<v1::Severity> ParseSeverityArgument(std::string_view flag, std::string_view text) {
  return ParseValue(&assessment::ParseSeverityValue, flag, text);
}

absl::StatusOr<int> ParseFiscalYearArgument(std::string_view flag, std::string_view text) {
  return ParseValue(&ParseFiscalYear, flag, text);
}

std::string FiscalYearText(int fiscal_year, bool wareki) {
  if (fiscal_year == 0) return "-";
  return wareki ? FormatFiscalYearOrNumber(fiscal_year) : absl::StrCat(fiscal_year);
}

// ---- Request builders.

absl::StatusOr<v1::CreateAssessmentRequest> BuildCreateAssessmentRequest(
    const CreateAssessmentFlags& flags, const std::string& request_id) {
  if (flags.fiscal_year.empty()) {
    return UsageErrorAt("--fy", "required (the fiscal year, e.g. 2026 or 令和8年度)");
  }
  if (flags.round < 0) return UsageErrorAt("--round", "must be 1 or more (0 = the next round)");
  v1::CreateAssessmentRequest request;
  request.set_request_id(request_id);
  SECCOORD_ASSIGN_OR_RETURN(int fiscal_year, ParseFiscalYearArgument("--fy", flags.fiscal_year));
  request.set_fiscal_year(fiscal_year);
  request.set_organization(flags.organization);
  request.set_round(flags.round);
  request.set_checklist_version(flags.checklist_version);
  request.set_from_last_accepted(flags.from_last_accepted);
  return request;
}

absl::StatusOr<v1::ListAssessmentsRequest> BuildListAssessmentsRequest(
    const ListAssessmentsFlags& flags) {
  v1::ListAssessmentsRequest request;
  request.set_organization(flags.organization);
  if (!flags.fiscal_year.empty()) {
    SECCOORD_ASSIGN_OR_RETURN(int fiscal_year, ParseFiscalYearArgument("--fy", flags.fiscal_year));
    request.set_fiscal_year(fiscal_year);
  }
  if (!flags.state.empty()) {
    SECCOORD_ASSIGN_OR_RETURN(v1::AssessmentState state,
                              ParseAssessmentStateArgument("--state", flags.state));
    request.set_state(state);
  }
  request.set_page_size(kPageSize);
  return request;
}

absl::StatusOr<v1::EvidenceReference> MakeEvidenceReference(const std::string& location,
                                                            const std::string& title) {
  if (location.empty()) return UsageErrorAt("--evidence", "must not be empty");
  v1::EvidenceReference evidence;
  evidence.set_location(location);
  std::error_code error;
  const std::filesystem::path path(location);
  if (!IsUrl(location) && std::filesystem::is_regular_file(path, error)) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in) return UsageErrorAt("--evidence", absl::StrCat(location, ": cannot read the file"));
    evidence.set_sha256(Sha256Hex(bytes.str()));
  }
  if (!title.empty()) {
    evidence.set_title(title);
  } else if (!IsUrl(location) && !path.filename().empty()) {
    evidence.set_title(path.filename().string());
  } else {
    evidence.set_title(location);
  }
  return evidence;
}

absl::StatusOr<v1::UpdateAnswersRequest> BuildAnswerRequest(const v1::Assessment& current,
                                                            const std::string& item_id,
                                                            const AnswerFlags& flags,
                                                            const std::string& request_id) {
  if (item_id.empty()) {
    return UsageErrorAt("ITEM", "must not be empty (a checklist item, e.g. 3-2)");
  }
  v1::UpdateAnswersRequest request;
  request.set_request_id(request_id);
  request.set_assessment_id(current.id());
  request.set_etag(current.etag());
  const bool changes_answer = flags.note || !flags.evidence.empty() ||
                              !flags.evidence_titles.empty() || flags.action || flags.owner ||
                              flags.due;
  if (!flags.result) {
    if (!flags.confirm) {
      return UsageErrorAt("--result", "required (or --confirm to confirm the carried-over answer)");
    }
    if (changes_answer) {
      return UsageErrorAt("--confirm",
                          "confirms the carried-over answer unchanged; to change it give --result");
    }
    request.add_confirm_item_ids(item_id);
    return request;
  }
  // A changed answer is no longer carried over: --confirm adds nothing.
  v1::ItemAnswer* answer = request.add_answers();
  for (const v1::ItemAnswer& existing : current.answers()) {
    if (existing.item_id() == item_id) *answer = existing;
  }
  answer->set_item_id(item_id);
  answer->clear_answered_by();
  answer->clear_answer_time_us();
  answer->clear_carried_over();
  SECCOORD_ASSIGN_OR_RETURN(v1::ItemResult result, ParseResultArgument("--result", *flags.result));
  answer->set_result(result);
  if (flags.note) answer->set_note(*flags.note);
  if (!flags.evidence_titles.empty() && flags.evidence_titles.size() != flags.evidence.size()) {
    return UsageErrorAt("--evidence-title",
                        absl::StrCat("give one per --evidence (", flags.evidence.size(),
                                     " --evidence, ", flags.evidence_titles.size(),
                                     " --evidence-title), or none"));
  }
  if (!flags.evidence.empty()) {
    answer->clear_evidence();
    for (size_t i = 0; i < flags.evidence.size(); ++i) {
      SECCOORD_ASSIGN_OR_RETURN(
          *answer->add_evidence(),
          MakeEvidenceReference(flags.evidence[i],
                                flags.evidence_titles.empty() ? "" : flags.evidence_titles[i]));
    }
  }
  v1::Remediation* remediation = answer->mutable_remediation();
  if (flags.action) remediation->set_action(*flags.action);
  if (flags.owner) remediation->set_owner(*flags.owner);
  if (flags.due) {
    SECCOORD_ASSIGN_OR_RETURN(*remediation->mutable_due(), ParseDateArgument("--due", *flags.due));
  }
  if (!HasRemediation(*remediation)) answer->clear_remediation();
  return request;
}

absl::StatusOr<std::vector<v1::AdviceDraft>> ParseAdviceYaml(std::string_view file_name,
                                                             std::string_view yaml) {
  SECCOORD_ASSIGN_OR_RETURN(YAML::Node root, LoadYamlFile(file_name, yaml));
  std::vector<v1::AdviceDraft> drafts;
  if (root.IsNull()) return drafts;
  if (!root.IsSequence()) {
    return UsageErrorAt(file_name, "must be a YAML list of advice ({item, text, severity, due, "
                                   "policy_review})");
  }
  const std::string file(file_name);
  int index = 0;
  for (const YAML::Node& entry : root) {
    const std::string at = absl::StrCat("[", index++, "]");
    if (!entry.IsMap()) return UsageErrorAt(file_name, absl::StrCat(at, ": must be a map"));
    v1::AdviceDraft draft;
    for (const auto& field : entry) {
      const std::string key = field.first.as<std::string>("");
      const std::string path = absl::StrCat(at, ".", key);
      SECCOORD_ASSIGN_OR_RETURN(std::string value, YamlString(file_name, field.second, path));
      const std::string where = absl::StrCat(file, ": ", path);
      if (key == "item") {
        draft.set_item_id(value);
      } else if (key == "text") {
        draft.set_text(value);
      } else if (key == "severity") {
        SECCOORD_ASSIGN_OR_RETURN(v1::Severity severity, ParseSeverityArgument(where, value));
        draft.set_severity(severity);
      } else if (key == "due") {
        if (!value.empty()) {
          SECCOORD_ASSIGN_OR_RETURN(*draft.mutable_due(), ParseDateArgument(where, value));
        }
      } else if (key == "policy_review") {
        SECCOORD_ASSIGN_OR_RETURN(bool flag, ParseValue(&asset::ParseBooleanValue, where, value));
        draft.set_policy_review_needed(flag);
      } else {
        return UsageErrorAt(file_name,
                            absl::StrCat("unknown key '", path,
                                         "' (known: item, text, severity, due, policy_review)"));
      }
    }
    if (draft.text().empty()) {
      return UsageErrorAt(file_name, absl::StrCat(at, ".text: required (the advice)"));
    }
    drafts.push_back(std::move(draft));
  }
  return drafts;
}

absl::StatusOr<v1::ReviewAssessmentRequest> BuildReviewRequest(const std::string& assessment_id,
                                                               int64_t submission_number,
                                                               const ReviewFlags& flags,
                                                               const std::string& request_id) {
  if (flags.accept == flags.return_for_correction) {
    return UsageErrorAt("--accept", "give exactly one of --accept and --return");
  }
  if (flags.return_for_correction && flags.comment.empty()) {
    return UsageErrorAt("--comment", "required with --return (the reason it is returned)");
  }
  v1::ReviewAssessmentRequest request;
  request.set_request_id(request_id);
  request.set_assessment_id(assessment_id);
  request.set_submission_number(submission_number);
  request.set_decision(flags.accept ? v1::REVIEW_DECISION_ACCEPT : v1::REVIEW_DECISION_RETURN);
  request.set_comment(flags.comment);
  for (const v1::AdviceDraft& draft : flags.advice) *request.add_advice() = draft;
  return request;
}

absl::StatusOr<v1::SendAdviceRequest> BuildSendAdviceRequest(const std::string& assessment_id,
                                                             const AdviseFlags& flags,
                                                             const std::string& request_id) {
  if (flags.text.empty()) return UsageErrorAt("--text", "required (the advice)");
  v1::SendAdviceRequest request;
  request.set_request_id(request_id);
  request.set_assessment_id(assessment_id);
  v1::AdviceDraft* advice = request.mutable_advice();
  advice->set_item_id(flags.item_id);
  advice->set_text(flags.text);
  if (!flags.severity.empty()) {
    SECCOORD_ASSIGN_OR_RETURN(v1::Severity severity,
                              ParseSeverityArgument("--severity", flags.severity));
    advice->set_severity(severity);
  }
  if (!flags.due.empty()) {
    SECCOORD_ASSIGN_OR_RETURN(*advice->mutable_due(), ParseDateArgument("--due", flags.due));
  }
  advice->set_policy_review_needed(flags.policy_review);
  return request;
}

absl::StatusOr<v1::CompareAssessmentsRequest> BuildCompareRequest(const std::string& base_id,
                                                                  const std::string& other_id) {
  if (base_id.empty()) return UsageErrorAt("A", "must not be empty (the earlier assessment)");
  if (other_id.empty()) return UsageErrorAt("B", "must not be empty (the later assessment)");
  if (base_id == other_id) {
    return UsageErrorAt("B", absl::StrCat("is ", base_id, " again; name two assessments"));
  }
  v1::CompareAssessmentsRequest request;
  request.set_base_assessment_id(base_id);
  request.set_other_assessment_id(other_id);
  return request;
}

// ---- The answer sheet.

SheetUpdate BuildSheetUpdate(const v1::Assessment& current,
                             const std::vector<assessment::SheetRow>& rows,
                             const std::string& request_id) {
  SheetUpdate update;
  update.request.set_request_id(request_id);
  update.request.set_assessment_id(current.id());
  update.request.set_etag(current.etag());
  for (const assessment::SheetRow& row : rows) {
    if (row.confirm) {
      update.request.add_confirm_item_ids(row.answer.item_id());
      update.confirm_lines.push_back(row.line);
    } else {
      *update.request.add_answers() = row.answer;
      update.answer_lines.push_back(row.line);
    }
  }
  return update;
}

absl::Status AttributeToSheetLine(const absl::Status& status, const std::string& file,
                                  const SheetUpdate& update) {
  if (status.code() != absl::StatusCode::kInvalidArgument) return status;
  const std::string message(status.message());
  static const std::regex* const kIndexed =
      new std::regex(R"((answers|confirm_item_ids)\[(\d+)\])");
  std::smatch match;
  if (!std::regex_search(message, match, *kIndexed)) return status;
  const std::vector<int>& lines =
      match[1] == "answers" ? update.answer_lines : update.confirm_lines;
  const size_t index = std::stoul(match[2]);
  if (index >= lines.size()) return status;
  absl::Status attributed(status.code(), absl::StrCat(file, ":", lines[index], ": ", message));
  // Keep the exit class (a refusal by the server) of the original.
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    attributed.SetPayload(url, payload);
  });
  return attributed;
}

std::string RenderSheetErrors(const std::string& file,
                              const std::vector<assessment::SheetError>& errors) {
  std::string out;
  for (const assessment::SheetError& e : errors) {
    absl::StrAppend(&out, file, ":", e.line, ": ", e.column.empty() ? "-" : e.column, ": ",
                    e.reason, "\n");
  }
  return out;
}

// ---- Rendering.

namespace {

// Chapters in checklist order, each with its items.
struct Chapter {
  int number = 0;
  std::string title;
  std::vector<const v1::ChecklistItem*> items;
};

std::vector<Chapter> ChaptersOf(const v1::Checklist& checklist) {
  std::vector<Chapter> chapters;
  for (const v1::ChecklistItem& item : checklist.items()) {
    if (chapters.empty() || chapters.back().number != item.chapter()) {
      chapters.push_back(Chapter{item.chapter(), item.chapter_title(), {}});
    }
    chapters.back().items.push_back(&item);
  }
  return chapters;
}

std::string ChapterHeading(const Chapter& chapter) {
  return absl::StrCat(chapter.number, ". ", chapter.title, "\n");
}

std::string Indent(const std::string& text, const std::string& prefix) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size() - 1;
    absl::StrAppend(&out, prefix, text.substr(start, end - start + 1));
    start = end + 1;
  }
  return out;
}

std::string ShortBinding(const v1::Assessment& a) {
  if (a.policy_unavailable() && !a.has_policy()) return "unavailable";
  if (!a.has_policy()) return "-";
  if (a.policy().none_in_force()) return "none in force";
  return absl::StrCat(a.policy().document_id(), " r", a.policy().revision_number());
}

std::string PrincipalAndTime(const std::string& who, int64_t time_us) {
  return absl::StrCat(OrDash(who), " at ", FormatTimeUs(time_us));
}

// "資産: 2 件 (重大 1) SENSITIVE_MFA_EXPORT".
std::string FindingsText(const v1::ItemFindings& findings) {
  std::string text = absl::StrCat(findings.count(), " 件");
  if (findings.critical() > 0) absl::StrAppend(&text, " (重大 ", findings.critical(), ")");
  if (!findings.rule_ids().empty()) {
    absl::StrAppend(&text, " ", absl::StrJoin(findings.rule_ids(), ", "));
  }
  return text;
}

std::string EvidenceText(const v1::EvidenceReference& e) {
  std::string text = e.title();
  if (e.location() != e.title()) {
    absl::StrAppend(&text, text.empty() ? "" : " — ", e.location());
  }
  if (!e.sha256().empty()) absl::StrAppend(&text, " (sha256 ", e.sha256(), ")");
  return OneLine(text);
}

std::string RemediationText(const v1::Remediation& r, const OutputOptions& opts) {
  std::vector<std::string> parts;
  parts.push_back(OrDash(OneLine(r.action())));
  parts.push_back(absl::StrCat("担当 ", OrDash(OneLine(r.owner()))));
  parts.push_back(absl::StrCat("期限 ", FormatDate(r.due(), opts.wareki)));
  return absl::StrJoin(parts, " / ");
}

}  // namespace

std::string RenderChecklist(const v1::Checklist& checklist, const OutputOptions&) {
  std::vector<std::vector<std::string>> header = {
      {"version:", absl::StrCat(checklist.version(), checklist.is_default() ? " (default)" : "")},
  };
  if (checklist.has_derived_from()) {
    const v1::ChecklistSource& s = checklist.derived_from();
    header.push_back({"derived from:", absl::StrCat(s.document_id(), " revision ",
                                                    s.revision_number(), " (content hash ",
                                                    OrDash(s.content_hash()), ")")});
  }
  const int count = checklist.items().empty() ? checklist.item_count() : checklist.items_size();
  header.push_back({"items:", absl::StrCat(count, " (* = required)")});
  std::string out = absl::StrCat(OrDash(checklist.title()), "\n", RenderTable({}, header));
  for (const Chapter& chapter : ChaptersOf(checklist)) {
    std::vector<std::vector<std::string>> rows;
    for (const v1::ChecklistItem* item : chapter.items) {
      rows.push_back({item->id(), item->required() ? "*" : "", OrDash(item->article()),
                      item->question(),
                      item->asset_rule_ids().empty() ? "-"
                                                     : absl::StrJoin(item->asset_rule_ids(), ", ")});
    }
    absl::StrAppend(&out, "\n", ChapterHeading(chapter),
                    Indent(RenderTable({"ID", "必須", "ARTICLE", "QUESTION", "ASSET RULES"}, rows),
                           "  "));
  }
  return out;
}

std::string RenderPolicyBinding(const v1::Assessment& a, const OutputOptions& opts) {
  if (!a.has_policy()) {
    if (a.policy_unavailable()) return "unavailable — will be bound at submission";
    return "-";
  }
  const v1::PolicyBinding& p = a.policy();
  const std::string on = FormatDate(p.in_force_on(), opts.wareki);
  if (p.none_in_force()) {
    return absl::StrCat(OrDash(p.document_id()), ": none in force on ", on);
  }
  return absl::StrCat(p.document_id(), " revision ", p.revision_number(), " (content hash ",
                      OrDash(p.content_hash()), ", 施行日 ",
                      FormatDate(p.effective_date(), opts.wareki), "; in force on ", on, ")");
}

std::string RenderAssessmentList(const v1::ListAssessmentsResponse& response,
                                 const OutputOptions& opts) {
  if (response.assessments().empty()) return "(no assessments)\n";
  std::vector<std::vector<std::string>> rows;
  for (const v1::Assessment& a : response.assessments()) {
    rows.push_back({a.id(), a.organization(), FiscalYearText(a.fiscal_year(), opts.wareki),
                    absl::StrCat(a.round()), AssessmentStateText(a.state()), OrDash(a.checklist_version()),
                    ShortBinding(a),
                    a.submissions().empty()
                        ? "-"
                        : absl::StrCat("#", a.submissions().rbegin()->number()),
                    FormatTimeUs(a.update_time_us())});
  }
  return RenderTable({"ID", "ORG", "年度", "ROUND", "STATE", "CHECKLIST", "BINDING", "SUBMISSION",
                      "UPDATED"},
                     rows);
}

std::string RenderAssessment(const v1::Assessment& a, const v1::Checklist& checklist,
                             const OutputOptions& opts, const std::string& only_item) {
  std::vector<std::vector<std::string>> header = {
      {"organization:", a.organization()},
      {"年度:", FiscalYearText(a.fiscal_year(), opts.wareki)},
      {"round:", absl::StrCat(a.round())},
      {"state:", AssessmentStateText(a.state())},
      {"checklist:", absl::StrCat(OrDash(a.checklist_version()),
                                  checklist.title().empty() ? "" : " ", checklist.title())},
  };
  if (!a.baseline_of().empty()) {
    header.push_back({"carried over from:", a.baseline_of()});
  }
  header.push_back({"created:", PrincipalAndTime(a.created_by(), a.create_time_us())});
  if (a.submissions().empty()) {
    header.push_back({"submitted:", "-"});
  } else {
    const v1::SubmissionRef& s = *a.submissions().rbegin();
    header.push_back({"submitted:", absl::StrCat("#", s.number(), " by ",
                                                 PrincipalAndTime(s.submitted_by(),
                                                                  s.submit_time_us()),
                                                 " (sha256 ", OrDash(s.sha256()), ")")});
  }
  if (!a.reviewed_by().empty() || a.review_time_us() != 0) {
    header.push_back({"reviewed:", PrincipalAndTime(a.reviewed_by(), a.review_time_us())});
  }
  if (!a.review_comment().empty()) {
    header.push_back({"review comment:", OneLine(a.review_comment())});
  }
  header.push_back({"policy:", RenderPolicyBinding(a, opts)});
  if (a.findings_time_us() != 0) {
    header.push_back({"findings read:", FormatTimeUs(a.findings_time_us())});
  }
  header.push_back({"etag:", OrDash(a.etag())});
  std::string out = absl::StrCat(a.id(), "\n", RenderTable({}, header));

  std::map<std::string, const v1::ItemAnswer*> answers;
  for (const v1::ItemAnswer& answer : a.answers()) answers[answer.item_id()] = &answer;
  std::map<std::string, const v1::ItemFindings*> findings;
  for (const v1::ItemFindings& f : a.item_findings()) findings[f.item_id()] = &f;

  // Item ids (ASCII, but measured by display width all the same) set the
  // indentation of every detail line.
  int id_width = 0;
  for (const v1::ChecklistItem& item : checklist.items()) {
    id_width = std::max(id_width, DisplayWidth(item.id()));
  }
  const std::string detail_indent(2 + id_width + 2, ' ');

  for (const Chapter& chapter : ChaptersOf(checklist)) {
    std::string block;
    for (const v1::ChecklistItem* item : chapter.items) {
      if (!only_item.empty() && item->id() != only_item) continue;
      absl::StrAppend(&block, "  ", PadToWidth(item->id(), id_width), "  ",
                      OneLine(item->question()), "\n");
      auto found = answers.find(item->id());
      const v1::ItemAnswer* answer = found == answers.end() ? nullptr : found->second;
      std::string result = ItemResultText(answer == nullptr ? v1::ITEM_RESULT_UNSPECIFIED
                                                        : answer->result());
      if (answer != nullptr && answer->carried_over()) {
        absl::StrAppend(&result, "  ※前回から引継・未確認 (carried over)");
      }
      absl::StrAppend(&block, detail_indent, "結果: ", result, "\n");
      if (answer != nullptr) {
        if (!answer->note().empty()) {
          absl::StrAppend(&block, detail_indent, "備考: ", OneLine(answer->note()), "\n");
        }
        for (const v1::EvidenceReference& e : answer->evidence()) {
          absl::StrAppend(&block, detail_indent, "証跡: ", EvidenceText(e), "\n");
        }
        if (answer->has_remediation() && HasRemediation(answer->remediation())) {
          absl::StrAppend(&block, detail_indent, "改善: ",
                          RemediationText(answer->remediation(), opts), "\n");
        }
      }
      if (!item->asset_rule_ids().empty()) {
        auto f = findings.find(item->id());
        if (f != findings.end()) {
          absl::StrAppend(&block, detail_indent, "資産: ", FindingsText(*f->second), "\n");
        } else if (!a.unavailable().empty()) {
          absl::StrAppend(&block, detail_indent, "資産: 不明 (",
                          absl::StrJoin(item->asset_rule_ids(), ", "),
                          "; findings unavailable)\n");
        }
      }
    }
    if (!block.empty()) absl::StrAppend(&out, "\n", ChapterHeading(chapter), block);
  }
  return out;
}

std::string RenderUnavailableWarnings(const v1::Assessment& assessment) {
  std::string out;
  for (const std::string& what : assessment.unavailable()) {
    absl::StrAppend(&out, "注意: ", what, "\n");
  }
  return out;
}

std::string RenderAssessmentStatus(const v1::Assessment& a, const OutputOptions& opts) {
  std::string line = absl::StrCat(a.id(), ": ", AssessmentStateText(a.state()));
  if (!a.submissions().empty() && a.state() != v1::ASSESSMENT_STATE_DRAFT) {
    const v1::SubmissionRef& s = *a.submissions().rbegin();
    absl::StrAppend(&line, ", submission #", s.number());
    if (a.state() == v1::ASSESSMENT_STATE_SUBMITTED && !s.sha256().empty()) {
      absl::StrAppend(&line, " (sha256 ", s.sha256(), ")");
    }
  }
  absl::StrAppend(&line, "; policy ", RenderPolicyBinding(a, opts), "\n");
  if (!a.review_comment().empty() && (a.state() == v1::ASSESSMENT_STATE_RETURNED ||
                                      a.state() == v1::ASSESSMENT_STATE_ACCEPTED)) {
    absl::StrAppend(&line, "comment: ", OneLine(a.review_comment()), "\n");
  }
  return line;
}

std::string RenderAdvice(const v1::Advice& advice, const OutputOptions& opts) {
  std::string line = absl::StrCat(advice.id(), "  ", AdviceStateText(advice.state()), "  ",
                                  advice.assessment_id());
  absl::StrAppend(&line, advice.item_id().empty() ? "  (whole assessment)"
                                                  : absl::StrCat("  item ", advice.item_id()));
  absl::StrAppend(&line, "  ", SeverityText(advice.severity()));
  if (IsDateSet(advice.due())) {
    absl::StrAppend(&line, "  期限 ", FormatDate(advice.due(), opts.wareki));
  }
  if (advice.policy_review_needed()) absl::StrAppend(&line, "  要方針見直し (policy review)");
  std::string out = absl::StrCat(line, "\n    ", OneLine(advice.text()), "\n    sent by ",
                                 PrincipalAndTime(advice.author(), advice.create_time_us()));
  if (advice.submission_number() > 0) {
    absl::StrAppend(&out, " (submission #", advice.submission_number(), ")");
  }
  absl::StrAppend(&out, "\n");
  for (const v1::AdviceEntry& entry : advice.thread()) {
    absl::StrAppend(&out, "    ", AdviceEntryKindName(entry.kind()), " by ",
                    PrincipalAndTime(entry.author(), entry.time_us()));
    if (!entry.text().empty()) absl::StrAppend(&out, ": ", OneLine(entry.text()));
    absl::StrAppend(&out, "\n");
  }
  return out;
}

std::string RenderAdviceList(const v1::ListAdviceResponse& response, const OutputOptions& opts) {
  if (response.advice().empty()) return "(no advice)\n";
  std::string out;
  for (const v1::Advice& advice : response.advice()) {
    if (!out.empty()) absl::StrAppend(&out, "\n");
    absl::StrAppend(&out, RenderAdvice(advice, opts));
  }
  return out;
}

std::string ItemChangeKindText(v1::ItemChangeKind kind) {
  switch (kind) {
    case v1::ITEM_CHANGE_KIND_IMPROVED: return LabelAndName("IMPROVED", "改善");
    case v1::ITEM_CHANGE_KIND_REGRESSED: return LabelAndName("REGRESSED", "後退");
    case v1::ITEM_CHANGE_KIND_CHANGED: return LabelAndName("CHANGED", "変更");
    default: return "-";
  }
}

std::string RenderComparison(const v1::AssessmentComparison& comparison,
                             const OutputOptions&) {
  const auto side = [](const v1::Assessment& a, const v1::ResultCounts& counts) {
    return absl::StrCat(OrDash(a.id()), " (実施率 ",
                        RateText(counts.implementation_rate(), counts.has_rate()), ")");
  };
  std::string out = absl::StrCat(side(comparison.base(), comparison.base_counts()), " → ",
                                 side(comparison.other(), comparison.other_counts()), "\n");
  if (comparison.changes().empty()) return absl::StrCat(out, "(no changes)\n");
  const auto result = [](const v1::ItemAnswer& answer) {
    return std::string(assessment::ResultLabel(answer.result()));
  };
  std::vector<std::vector<std::string>> rows;
  for (const v1::ItemChange& change : comparison.changes()) {
    rows.push_back({change.item_id(), ItemChangeKindText(change.kind()),
                    absl::StrCat(result(change.base()), " → ", result(change.other())),
                    OneLine(change.question())});
  }
  absl::StrAppend(&out, RenderTable({"ID", "KIND", "RESULT", "QUESTION"}, rows),
                  "改善 ", comparison.improved(), ", 後退 ", comparison.regressed(), ", 変更 ",
                  comparison.changed(), "\n");
  return out;
}

std::string RenderAssessmentEventLine(const v1::AssessmentEvent& event, const OutputOptions&) {
  std::string line = absl::StrCat(event.sequence(), " ", FormatTimeUs(event.time_us()), " ",
                                  std::string(assessment::EventTypeName(event.type())), " ",
                                  event.assessment_id());
  if (!event.advice_id().empty()) absl::StrAppend(&line, " ", event.advice_id());
  absl::StrAppend(&line, " ", OrDash(event.actor()), "\n");
  return line;
}

// ---- Registration.

void RegisterAssessmentCommands(CLI::App& root, CommandContext& ctx) {
  CLI::App* group = root.add_subcommand(
      "assessment",
      "The self-inspection (自己点検, 第7), its answer sheet, review and advice (助言)");
  group->require_subcommand(1);

  {
    auto a = std::make_shared<ChecklistArgs>();
    CLI::App* c = group->add_subcommand(
        "checklist", "The checklist's items by chapter: id, required, article, question, asset "
                     "rules");
    c->add_option("--version", a->version, "Checklist version, e.g. 2026.1 (default: the "
                                           "default checklist)");
    SetAction(c, ctx, [&ctx, a] { return RunChecklist(ctx, *a); });
  }
  {
    auto a = std::make_shared<CreateArgs>();
    CLI::App* c = group->add_subcommand(
        "create", "Start a self-inspection of your organisation, bound to the basic policy in "
                  "force; prints the new id");
    c->add_option("--fy", a->flags.fiscal_year, "Fiscal year: 2026 or 令和8年度")->required();
    c->add_option("--org", a->flags.organization, "Organisation (default: your own)");
    c->add_option("--round", a->flags.round, "Round within the fiscal year (default: the next)")
        ->check(CLI::NonNegativeNumber);
    c->add_option("--checklist", a->flags.checklist_version,
                  "Checklist version (default: the default checklist)");
    c->add_flag("--from-last-accepted", a->flags.from_last_accepted,
                "Carry over the answers of the last accepted assessment (each must then be "
                "confirmed or changed)");
    SetAction(c, ctx, [&ctx, a] { return RunCreate(ctx, *a); });
  }
  {
    auto a = std::make_shared<ListArgs>();
    CLI::App* c = group->add_subcommand("list", "List assessments, one row each (every page)");
    c->add_option("--org", a->flags.organization, "Only this organisation");
    c->add_option("--fy", a->flags.fiscal_year, "Only this fiscal year (2026 or 令和8年度)");
    c->add_option("--state", a->flags.state,
                  "Only this state: DRAFT, SUBMITTED, RETURNED, ACCEPTED (or 差戻し, …)");
    SetAction(c, ctx, [&ctx, a] { return RunList(ctx, *a); });
  }
  {
    auto a = std::make_shared<ShowArgs>();
    CLI::App* c = group->add_subcommand(
        "show", "An assessment: header, policy binding, and every item with its answer and "
                "asset findings");
    c->add_option("ID", a->id, "Assessment id, e.g. kasama-union-2026-1")->required();
    c->add_option("--item", a->item, "Only this item, e.g. 3-2");
    SetAction(c, ctx, [&ctx, a] { return RunShow(ctx, *a); });
  }
  {
    auto a = std::make_shared<AnswerArgs>();
    CLI::App* c = group->add_subcommand(
        "answer", "Answer one item (fields not given keep the current answer), or --confirm a "
                  "carried-over answer");
    c->add_option("ID", a->id, "Assessment id")->required();
    c->add_option("ITEM", a->item, "Checklist item, e.g. 3-2")->required();
    a->result_option = c->add_option(
        "--result", a->result,
        "IMPLEMENTED, PARTIAL, NOT_IMPLEMENTED, NOT_APPLICABLE (or 実施, 一部実施, 未実施, 該当なし)");
    a->note_option = c->add_option("--note", a->note, "Note: how it is done, or why not");
    c->add_option("--evidence", a->evidence,
                  "Evidence: a local file (its SHA-256 is recorded), a URL or a place; "
                  "repeatable (replaces the evidence list)")
        ->allow_extra_args(false);
    c->add_option("--evidence-title", a->evidence_titles,
                  "Title of each --evidence, in order (default: the file name)")
        ->allow_extra_args(false);
    a->action_option = c->add_option("--action", a->action, "Remediation: what will be done");
    a->owner_option = c->add_option("--owner", a->owner, "Remediation: who is responsible");
    a->due_option = c->add_option("--due", a->due,
                                  "Remediation: by when (2027-03-31, 令和9年3月31日, R9.3.31)");
    c->add_flag("--confirm", a->confirm,
                "Without --result: confirm the carried-over answer unchanged");
    SetAction(c, ctx, [&ctx, a] { return RunAnswer(ctx, *a); });
  }
  {
    auto a = std::make_shared<SheetArgs>();
    CLI::App* c = group->add_subcommand(
        "sheet", "Export the answer sheet as CSV for Excel (fill it in, then `assessment fill`)");
    c->add_option("ID", a->id, "Assessment id")->required();
    c->add_flag("--bom", a->bom, "UTF-8 with a BOM (Excel's 「CSV UTF-8」)");
    c->add_option("--encoding", a->encoding, "utf-8 (default) or cp932 (Excel's Shift_JIS CSV)");
    c->add_option("-f,--file", a->file, "Write to FILE (default: standard output)");
    SetAction(c, ctx, [&ctx, a] { return RunSheet(ctx, *a); });
  }
  {
    auto a = std::make_shared<FillArgs>();
    CLI::App* c = group->add_subcommand(
        "fill", "Import a filled answer sheet: all rows or none; every bad row is reported as "
                "FILE:LINE: COLUMN: reason (exit 2)");
    c->add_option("ID", a->id, "Assessment id")->required();
    c->add_option("FILE", a->file, "CSV file (- = standard input)")->required();
    c->add_option("--encoding", a->encoding, "auto, utf-8 or cp932 (Shift_JIS)")
        ->capture_default_str();
    c->add_flag("--dry-run", a->dry_run, "Check the sheet and count its rows; send nothing");
    SetAction(c, ctx, [&ctx, a] { return RunFill(ctx, *a); });
  }
  {
    auto a = std::make_shared<IdArgs>();
    CLI::App* c = group->add_subcommand("submit", "Submit the assessment for review");
    c->add_option("ID", a->id, "Assessment id")->required();
    SetAction(c, ctx, [&ctx, a] { return RunSubmit(ctx, *a); });
  }
  {
    auto a = std::make_shared<ReviewArgs>();
    CLI::App* c = group->add_subcommand(
        "review", "Decide on the latest submission (advisor): --accept, or --return with a "
                  "comment; optionally with advice");
    c->add_option("ID", a->id, "Assessment id")->required();
    c->add_flag("--accept", a->accept, "Accept: the assessment is locked");
    c->add_flag("--return", a->return_for_correction, "Return for correction (差戻し)");
    c->add_option("--comment", a->comment, "Comment; required with --return (the reason)");
    c->add_option("--advice-file", a->advice_file,
                  "YAML list of advice sent with the review: {item, text, severity, due, "
                  "policy_review}");
    SetAction(c, ctx, [&ctx, a] { return RunReview(ctx, *a); });
  }
  {
    auto a = std::make_shared<AdviseArgs>();
    CLI::App* c = group->add_subcommand(
        "advise", "Send advice (助言) on a submitted or accepted assessment (advisor); prints "
                  "the advice id");
    c->add_option("ID", a->id, "Assessment id")->required();
    c->add_option("--item", a->flags.item_id, "The item it is about (default: the whole "
                                              "assessment)");
    c->add_option("--text", a->flags.text, "The advice")->required();
    c->add_option("--severity", a->flags.severity,
                  "INFO, WARNING (default) or CRITICAL (or their Japanese labels)");
    c->add_option("--due", a->flags.due, "Date by which an answer is expected");
    c->add_flag("--policy-review", a->flags.policy_review,
                "The policy itself needs review (第8)");
    SetAction(c, ctx, [&ctx, a] { return RunAdvise(ctx, *a); });
  }
  {
    auto a = std::make_shared<AdviceListArgs>();
    CLI::App* c = group->add_subcommand("advice", "List advice, each with its thread (every page)");
    c->add_option("ID", a->assessment_id, "Only advice on this assessment");
    c->add_option("--state", a->state, "Only this state: OPEN, ANSWERED, CLOSED");
    SetAction(c, ctx, [&ctx, a] { return RunAdviceList(ctx, *a); });
  }
  {
    auto a = std::make_shared<AdviceTextArgs>();
    CLI::App* c = group->add_subcommand("respond", "Answer advice (the assessed organisation)");
    c->add_option("ADVICE", a->advice_id, "Advice id, e.g. ADV-000001")->required();
    c->add_option("--text", a->text, "The answer")->required();
    SetAction(c, ctx, [&ctx, a] { return RunRespond(ctx, *a); });
  }
  {
    auto a = std::make_shared<AdviceTextArgs>();
    CLI::App* c = group->add_subcommand("close", "Close answered advice (advisor)");
    c->add_option("ADVICE", a->advice_id, "Advice id")->required();
    c->add_option("--comment", a->text, "Optional comment");
    SetAction(c, ctx, [&ctx, a] { return RunCloseAdvice(ctx, *a); });
  }
  {
    auto a = std::make_shared<AdviceTextArgs>();
    CLI::App* c = group->add_subcommand("reopen", "Reopen answered or closed advice (advisor)");
    c->add_option("ADVICE", a->advice_id, "Advice id")->required();
    c->add_option("--comment", a->text, "Why it is reopened")->required();
    SetAction(c, ctx, [&ctx, a] { return RunReopenAdvice(ctx, *a); });
  }
  {
    auto a = std::make_shared<ReopenAssessmentArgs>();
    CLI::App* c = group->add_subcommand(
        "reopen-assessment", "Reopen an accepted assessment (advisor): it goes back to RETURNED");
    c->add_option("ID", a->id, "Assessment id")->required();
    c->add_option("--reason", a->reason, "Why it is reopened")->required();
    SetAction(c, ctx, [&ctx, a] { return RunReopenAssessment(ctx, *a); });
  }
  {
    auto a = std::make_shared<CompareArgs>();
    CLI::App* c = group->add_subcommand(
        "compare", "The items whose result changed between two assessments of one "
                   "organisation (改善 / 後退 / 変更)");
    c->add_option("A", a->base_id, "The earlier assessment, e.g. kasama-union-2025-1")->required();
    c->add_option("B", a->other_id, "The later assessment, e.g. kasama-union-2026-1")->required();
    SetAction(c, ctx, [&ctx, a] { return RunCompare(ctx, *a); });
  }
  {
    auto a = std::make_shared<ReportArgs>();
    CLI::App* c = group->add_subcommand(
        "report", "Write the report of an assessment as an Excel workbook (.xlsx): cover, "
                  "items, chapter summary, advice, trend chart");
    c->add_option("ID", a->id, "Assessment id")->required();
    c->add_option("-f,--file", a->file, "The workbook to write, e.g. report.xlsx")->required();
    SetAction(c, ctx, [&ctx, a] { return RunReport(ctx, *a); });
  }
  {
    auto a = std::make_shared<WatchArgs>();
    CLI::App* c = group->add_subcommand(
        "watch", "Print assessment events as they happen, one line each (JSON lines with -o "
                 "json)");
    c->add_option("--since", a->since, "Only events after this sequence number (resume token)")
        ->check(CLI::NonNegativeNumber);
    c->add_flag("--backlog", a->backlog, "Print the stored events and exit instead of waiting");
    SetAction(c, ctx, [&ctx, a] { return RunWatch(ctx, *a); });
  }
}

}  // namespace seccoord::cli
