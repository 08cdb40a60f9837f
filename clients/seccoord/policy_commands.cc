#include "clients/seccoord/policy_commands.h"

#include <CLI/CLI.hpp>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "clients/seccoord/command.h"
#include "common/civil_date.h"
#include "common/policy_text.h"
#include "common/proto_convert.h"
#include "common/status.h"
#include "common/text_width.h"
#include "common/utf8.h"
#include "common/wareki.h"
#include "seccoord/v1/policy.grpc.pb.h"

namespace seccoord::cli {
namespace {

using Stub = v1::PolicyService::Stub;

constexpr int kPageSize = 100;
constexpr char kDocHelp[] = "Document id (basic-policy, standards, procedures)";

absl::StatusOr<std::unique_ptr<Stub>> PolicyStub(CommandContext& ctx) {
  return NewServiceStub<v1::PolicyService>(ctx, ServiceKind::kPolicy);
}

// All revisions of a document the caller can see, every page.
absl::StatusOr<v1::ListRevisionsResponse> ListAllRevisions(CommandContext& ctx, Stub& stub,
                                                           const std::string& document_id,
                                                           bool headers_only) {
  v1::ListRevisionsRequest request;
  request.set_document_id(document_id);
  request.set_page_size(kPageSize);
  request.set_headers_only(headers_only);
  return AllPages(ctx, stub, &Stub::ListRevisions, request,
                  &v1::ListRevisionsResponse::mutable_revisions);
}

// ---- Arguments of each command (owned by the command tree, filled by CLI11).

struct DocArgs {
  std::string doc;
};
struct RevArgs {
  std::string doc;
  int64_t rev = 0;
};
struct ShowArgs {
  std::string doc;
  int64_t revision = 0;
  std::string on;
  CLI::Option* revision_option = nullptr;
};
struct ImportArgs {
  std::string doc;
  std::string file;
  std::string summary;
  bool dry_run = false;
  bool strict = false;
  int64_t base = 0;
  CLI::Option* base_option = nullptr;
};
struct PublishArgs {
  std::string doc;
  int64_t rev = 0;
  std::string effective;
};
struct DiffArgs {
  std::string doc;
  int64_t from = 0;
  int64_t to = 0;
};
struct WatchArgs {
  int64_t since = 0;
  std::string doc;
  bool once = false;
};
struct CommentArgs {
  std::string doc;
  int64_t rev = 0;
  std::string text;
  std::string article;
};

void AddDoc(CLI::App* c, std::string* doc) {
  c->add_option("DOC", *doc, kDocHelp)->required();
}
void AddRev(CLI::App* c, int64_t* rev, const char* name = "REV",
            const char* help = "Revision number") {
  c->add_option(name, *rev, help)->required()->check(CLI::PositiveNumber);
}

// ---- Actions.

absl::Status RunDocs(CommandContext& ctx) {
  SECCOORD_ASSIGN_OR_RETURN(auto stub, PolicyStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::ListDocumentsResponse response,
                            Unary(ctx, *stub, &Stub::ListDocuments, v1::ListDocumentsRequest()));
  return ctx.Print(response, [&] { return RenderDocuments(response, ctx.output()); });
}

absl::Status RunList(CommandContext& ctx, const DocArgs& a) {
  SECCOORD_ASSIGN_OR_RETURN(auto stub, PolicyStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::ListRevisionsResponse response,
                            ListAllRevisions(ctx, *stub, a.doc, /*headers_only=*/true));
  return ctx.Print(response, [&] { return RenderRevisionList(response, ctx.output()); });
}

absl::Status RunShow(CommandContext& ctx, const ShowArgs& a) {
  std::optional<int64_t> revision;
  if (a.revision_option != nullptr && a.revision_option->count() > 0) revision = a.revision;
  SECCOORD_ASSIGN_OR_RETURN(v1::GetRevisionRequest request,
                            BuildShowRequest(a.doc, revision, a.on));
  SECCOORD_ASSIGN_OR_RETURN(auto stub, PolicyStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::Revision response,
                            Unary(ctx, *stub, &Stub::GetRevision, request));
  return ctx.Print(response, [&] { return RenderRevision(response, ctx.output()); });
}

absl::Status RunImport(CommandContext& ctx, const ImportArgs& a) {
  SECCOORD_ASSIGN_OR_RETURN(std::string bytes, ReadInputFile(a.file));
  // Parse before contacting the server: a bad file is reported as such.
  std::string encoding;
  SECCOORD_ASSIGN_OR_RETURN(ParsedPolicy parsed,
                            ParseImportFile(a.file, bytes, a.strict, &encoding));
  if (a.dry_run) {
    return ctx.Print(ImportOutlineToStruct(parsed, encoding),
                     [&] { return RenderImportOutline(parsed, encoding, ctx.output()); });
  }
  SECCOORD_ASSIGN_OR_RETURN(
      v1::CreateRevisionRequest request,
      BuildImportRequest(a.doc, parsed.policy, a.summary, 0, NewRequestId()));
  SECCOORD_ASSIGN_OR_RETURN(auto stub, PolicyStub(ctx));
  int64_t base = a.base;
  if (a.base_option == nullptr || a.base_option->count() == 0) {
    v1::GetDocumentRequest get;
    get.set_document_id(a.doc);
    SECCOORD_ASSIGN_OR_RETURN(v1::Document document,
                              Unary(ctx, *stub, &Stub::GetDocument, get));
    base = document.latest_revision();
  }
  request.set_base_revision(base);
  SECCOORD_ASSIGN_OR_RETURN(v1::Revision response,
                            Unary(ctx, *stub, &Stub::CreateRevision, request));
  if (ctx.output().format == OutputFormat::kJson) {
    SECCOORD_ASSIGN_OR_RETURN(google::protobuf::Struct result,
                              ImportResultToStruct(response, parsed, encoding));
    return ctx.Print(result, nullptr);
  }
  // The number alone on stdout (for scripts); the details and the outline
  // of what was imported on stderr.
  return ctx.PrintCreated(response, absl::StrCat(response.number()), [&] {
    return absl::StrCat("created draft ", response.document_id(), " revision ",
                        response.number(), " (base revision ", base, ", ",
                        response.articles_size(), " articles, content hash ",
                        response.content_hash(), ")\n",
                        RenderImportOutline(parsed, encoding, ctx.output()));
  });
}

using TransitionMethod = grpc::Status (Stub::*)(grpc::ClientContext*,
                                                const v1::TransitionRevisionRequest&,
                                                v1::Revision*);

absl::Status RunTransition(CommandContext& ctx, const RevArgs& a, TransitionMethod method) {
  const v1::TransitionRevisionRequest request = BuildTransitionRequest(a.doc, a.rev, NewRequestId());
  SECCOORD_ASSIGN_OR_RETURN(auto stub, PolicyStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::Revision response, Unary(ctx, *stub, method, request));
  return ctx.Print(response, [&] { return RenderRevisionStatus(response, ctx.output()); });
}

absl::Status RunPublish(CommandContext& ctx, const PublishArgs& a) {
  SECCOORD_ASSIGN_OR_RETURN(v1::PublishRevisionRequest request,
                            BuildPublishRequest(a.doc, a.rev, a.effective, NewRequestId()));
  SECCOORD_ASSIGN_OR_RETURN(auto stub, PolicyStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::Revision response,
                            Unary(ctx, *stub, &Stub::PublishRevision, request));
  return ctx.Print(response, [&] { return RenderRevisionStatus(response, ctx.output()); });
}

absl::Status RunDiff(CommandContext& ctx, const DiffArgs& a) {
  v1::DiffRevisionsRequest request;
  request.set_document_id(a.doc);
  request.set_from_number(a.from);
  request.set_to_number(a.to);
  SECCOORD_ASSIGN_OR_RETURN(auto stub, PolicyStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::DiffRevisionsResponse response,
                            Unary(ctx, *stub, &Stub::DiffRevisions, request));
  return ctx.Print(response, [&] { return RenderDiff(response, ctx.output()); });
}

absl::Status RunWatch(CommandContext& ctx, const WatchArgs& a) {
  v1::WatchRevisionEventsRequest request;
  request.set_since_sequence(a.since);
  request.set_document_id(a.doc);
  request.set_backlog_only(a.once);
  SECCOORD_ASSIGN_OR_RETURN(auto stub, PolicyStub(ctx));
  // A live watch runs until interrupted; only --once has a deadline.
  return WatchEvents<v1::RevisionEvent>(
      ctx, /*with_deadline=*/a.once, a.since,
      [&](grpc::ClientContext* call) { return stub->WatchRevisionEvents(call, request); },
      &RenderEventLine);
}

absl::Status RunAck(CommandContext& ctx, const RevArgs& a) {
  v1::AcknowledgeRevisionRequest request;
  request.set_request_id(NewRequestId());
  request.set_document_id(a.doc);
  request.set_number(a.rev);
  SECCOORD_ASSIGN_OR_RETURN(auto stub, PolicyStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::Acknowledgement response,
                            Unary(ctx, *stub, &Stub::AcknowledgeRevision, request));
  return ctx.Print(response, [&] { return RenderAcknowledgement(response, ctx.output()); });
}

absl::Status RunAcks(CommandContext& ctx, const RevArgs& a) {
  v1::ListAcknowledgementsRequest request;
  request.set_document_id(a.doc);
  request.set_number(a.rev);
  SECCOORD_ASSIGN_OR_RETURN(auto stub, PolicyStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::ListAcknowledgementsResponse response,
                            Unary(ctx, *stub, &Stub::ListAcknowledgements, request));
  return ctx.Print(response, [&] { return RenderCoverage(response, ctx.output()); });
}

absl::Status RunComment(CommandContext& ctx, const CommentArgs& a) {
  SECCOORD_ASSIGN_OR_RETURN(v1::AddRevisionCommentRequest request,
                            BuildCommentRequest(a.doc, a.rev, a.text, a.article, NewRequestId()));
  SECCOORD_ASSIGN_OR_RETURN(auto stub, PolicyStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::RevisionComment response,
                            Unary(ctx, *stub, &Stub::AddRevisionComment, request));
  return ctx.Print(response, [&] {
    return absl::StrCat("comment ", response.id(), " added to ", response.document_id(),
                        " revision ", response.revision_number(),
                        response.article_number().empty() ? "" : " ", response.article_number(),
                        "\n");
  });
}

absl::Status RunComments(CommandContext& ctx, const RevArgs& a) {
  v1::ListRevisionCommentsRequest request;
  request.set_document_id(a.doc);
  request.set_number(a.rev);
  SECCOORD_ASSIGN_OR_RETURN(auto stub, PolicyStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::ListRevisionCommentsResponse response,
                            Unary(ctx, *stub, &Stub::ListRevisionComments, request));
  return ctx.Print(response, [&] { return RenderComments(response, ctx.output()); });
}

absl::Status RunVerify(CommandContext& ctx, const DocArgs& a) {
  SECCOORD_ASSIGN_OR_RETURN(auto stub, PolicyStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::ListRevisionsResponse listed,
                            ListAllRevisions(ctx, *stub, a.doc, /*headers_only=*/false));
  std::vector<v1::Revision> revisions(listed.revisions().begin(), listed.revisions().end());
  const VerifyReport report = VerifyRevisions(a.doc, std::move(revisions));
  SECCOORD_RETURN_IF_ERROR(ctx.Print(VerifyReportToStruct(report), [&] {
    return RenderVerifyReport(report, ctx.output());
  }));
  if (!report.ok) {
    return VerificationError(absl::DataLossError(
        absl::StrCat(a.doc, " revision ", report.first_bad_revision, ": ", report.first_problem)));
  }
  return absl::OkStatus();
}

}  // namespace

// ---- Pure request builders.

absl::StatusOr<v1::Date> ParseDateArgument(std::string_view flag, std::string_view text) {
  auto date = ParseDate(text);
  if (!date.ok()) return UsageErrorAt(flag, date.status());
  return ToProtoDate(*date);
}

absl::StatusOr<v1::GetRevisionRequest> BuildShowRequest(const std::string& document_id,
                                                        std::optional<int64_t> revision,
                                                        const std::string& on_date) {
  v1::GetRevisionRequest request;
  request.set_document_id(document_id);
  if (revision.has_value() && !on_date.empty()) {
    return UsageError(absl::InvalidArgumentError("--revision and --on exclude each other"));
  }
  if (revision.has_value()) {
    if (*revision <= 0) {
      return UsageError(absl::InvalidArgumentError("--revision: must be a positive number"));
    }
    request.set_number(*revision);
  } else if (!on_date.empty()) {
    SECCOORD_ASSIGN_OR_RETURN(*request.mutable_in_force_on(), ParseDateArgument("--on", on_date));
  }
  return request;
}

absl::StatusOr<ParsedPolicy> ParseImportFile(std::string_view file_name, std::string_view bytes,
                                             bool strict, std::string* encoding) {
  auto in_file = [&](const absl::Status& status) {
    return UsageError(absl::Status(
        status.code(), absl::StrCat(std::string(file_name), ": ", status.message())));
  };
  absl::StatusOr<ParsedPolicy> parsed = ParsePolicyFile(bytes, encoding);
  if (!parsed.ok()) return in_file(parsed.status());
  if (absl::Status limits = CheckPolicyLimits(*parsed); !limits.ok()) return in_file(limits);
  if (strict && !parsed->warnings.empty()) {
    std::string message = absl::StrCat("--strict: ", parsed->warnings.size(),
                                       " warning(s) about the structure:");
    for (const PolicyTextNote& warning : parsed->warnings) {
      absl::StrAppend(&message, " line ", warning.line, ": ", warning.text, ";");
    }
    message.pop_back();
    return in_file(absl::FailedPreconditionError(message));
  }
  return parsed;
}

absl::StatusOr<v1::CreateRevisionRequest> BuildImportRequest(
    const std::string& document_id, std::string_view file_name, std::string_view text,
    const std::string& summary, int64_t base_revision, const std::string& request_id) {
  SECCOORD_ASSIGN_OR_RETURN(ParsedPolicy parsed,
                            ParseImportFile(file_name, text, /*strict=*/false, nullptr));
  return BuildImportRequest(document_id, parsed.policy, summary, base_revision, request_id);
}

absl::StatusOr<v1::CreateRevisionRequest> BuildImportRequest(
    const std::string& document_id, const PolicyText& policy, const std::string& summary,
    int64_t base_revision, const std::string& request_id) {
  if (summary.empty()) {
    return UsageError(absl::InvalidArgumentError("--summary: must not be empty (改正理由)"));
  }
  v1::CreateRevisionRequest request;
  request.set_request_id(request_id);
  request.set_document_id(document_id);
  request.set_base_revision(base_revision);
  request.set_title(policy.title);
  SetArticles(policy, request.mutable_articles());
  request.set_change_summary(summary);
  return request;
}

v1::TransitionRevisionRequest BuildTransitionRequest(const std::string& document_id,
                                                     int64_t number,
                                                     const std::string& request_id) {
  v1::TransitionRevisionRequest request;
  request.set_request_id(request_id);
  request.set_document_id(document_id);
  request.set_number(number);
  return request;
}

absl::StatusOr<v1::PublishRevisionRequest> BuildPublishRequest(const std::string& document_id,
                                                               int64_t number,
                                                               const std::string& effective,
                                                               const std::string& request_id) {
  v1::PublishRevisionRequest request;
  request.set_request_id(request_id);
  request.set_document_id(document_id);
  request.set_number(number);
  SECCOORD_ASSIGN_OR_RETURN(*request.mutable_effective_date(),
                            ParseDateArgument("--effective", effective));
  return request;
}

absl::StatusOr<v1::AddRevisionCommentRequest> BuildCommentRequest(
    const std::string& document_id, int64_t number, const std::string& text,
    const std::string& article, const std::string& request_id) {
  v1::AddRevisionCommentRequest request;
  request.set_request_id(request_id);
  request.set_document_id(document_id);
  request.set_number(number);
  if (text.empty()) return UsageError(absl::InvalidArgumentError("TEXT: must not be empty"));
  request.set_text(text);
  if (!article.empty()) {
    auto normalized = NormalizeArticleNumber(article);
    if (!normalized.ok()) {
      return UsageError(absl::InvalidArgumentError(
          absl::StrCat("--article: ", normalized.status().message())));
    }
    request.set_article_number(*normalized);
  }
  return request;
}

// ---- Verification.

VerifyReport VerifyRevisions(const std::string& document_id, std::vector<v1::Revision> revisions) {
  VerifyReport report;
  report.document_id = document_id;
  std::sort(revisions.begin(), revisions.end(),
            [](const v1::Revision& a, const v1::Revision& b) { return a.number() < b.number(); });

  report.checks.resize(revisions.size());
  for (size_t i = 0; i < revisions.size(); ++i) {
    const v1::Revision& rev = revisions[i];
    RevisionCheck& check = report.checks[i];
    check.number = rev.number();
    check.state = rev.state();
    check.stored_content_hash = rev.content_hash();
    check.computed_content_hash = ContentHashHex(PolicyTextOf(rev));
    check.content_ok = check.computed_content_hash == check.stored_content_hash;
    if (!check.content_ok) {
      check.problem = absl::StrCat("content hash mismatch: server says ",
                                   check.stored_content_hash.empty() ? "(none)"
                                                                     : check.stored_content_hash,
                                   ", content hashes to ", check.computed_content_hash);
    }
    check.chained = rev.state() == v1::REVISION_STATE_PUBLISHED ||
                    rev.state() == v1::REVISION_STATE_SUPERSEDED;
  }

  // The chain, in the order the revisions were published.
  std::vector<size_t> chain_order;
  for (size_t i = 0; i < revisions.size(); ++i) {
    if (report.checks[i].chained) chain_order.push_back(i);
  }
  std::stable_sort(chain_order.begin(), chain_order.end(), [&](size_t a, size_t b) {
    const int64_t ta = revisions[a].publish_time_us();
    const int64_t tb = revisions[b].publish_time_us();
    if (ta != tb) return ta < tb;
    return revisions[a].number() < revisions[b].number();
  });
  std::string head;
  int64_t head_number = 0;
  for (size_t i : chain_order) {
    const v1::Revision& rev = revisions[i];
    RevisionCheck& check = report.checks[i];
    check.stored_previous_chain_hash = rev.previous_chain_hash();
    check.expected_previous_chain_hash = head;
    check.stored_chain_hash = rev.chain_hash();
    const v1::Date& d = rev.effective_date();
    const CivilDate effective{d.year(), d.month(), d.day()};
    std::string problem;
    if (!IsValidCivilDate(effective)) {
      problem = "published without a valid effective date";
    } else {
      check.computed_chain_hash = ChainHashHex(head, check.computed_content_hash, rev.number(),
                                               FormatIsoDate(effective));
      if (check.stored_previous_chain_hash != head) {
        problem = head_number == 0
                      ? absl::StrCat("previous_chain_hash should be empty for the first published "
                                     "revision, server says ",
                                     check.stored_previous_chain_hash)
                      : absl::StrCat("previous_chain_hash does not link to revision ", head_number,
                                     " (expected ", head, ", server says ",
                                     check.stored_previous_chain_hash.empty()
                                         ? "(none)"
                                         : check.stored_previous_chain_hash,
                                     ")");
      } else if (check.computed_chain_hash != check.stored_chain_hash) {
        problem = absl::StrCat("chain hash mismatch: server says ",
                               check.stored_chain_hash.empty() ? "(none)" : check.stored_chain_hash,
                               ", recomputed ", check.computed_chain_hash);
      }
    }
    check.chain_ok = problem.empty();
    if (check.problem.empty()) check.problem = problem;
    head = rev.chain_hash();
    head_number = rev.number();
  }
  report.chain_head = head;

  for (const RevisionCheck& check : report.checks) {
    if (!check.problem.empty()) {
      report.ok = false;
      report.first_bad_revision = check.number;
      report.first_problem = check.problem;
      break;
    }
  }
  return report;
}

// ---- The import outline.

namespace {

// How many characters of a body the outline shows.
constexpr size_t kOutlineBodyChars = 24;

// The first `chars` characters of the first line of `body`, "…" when cut.
std::string BodyStart(std::string_view body) {
  const std::string_view first = body.substr(0, body.find('\n'));
  size_t pos = 0;
  size_t chars = 0;
  while (pos < first.size() && chars < kOutlineBodyChars) {
    char32_t cp = 0;
    DecodeUtf8(first, &pos, &cp);
    ++chars;
  }
  std::string out(first.substr(0, pos));
  if (pos < body.size()) out.append("…");
  return out;
}

}  // namespace

std::string RenderImportOutline(const ParsedPolicy& parsed, std::string_view encoding,
                                const OutputOptions&) {
  const PolicyText& policy = parsed.policy;
  std::string out = absl::StrCat("title: ", policy.title.empty() ? "(none)" : policy.title,
                                 "\nencoding: ", std::string(encoding), "\n");
  std::vector<std::vector<std::string>> rows;
  std::string_view chapter;
  for (size_t i = 0; i < policy.articles.size(); ++i) {
    const Article& a = policy.articles[i];
    for (std::string_view line : ChapterLinesAbove(chapter, a.chapter)) {
      rows.push_back({"", std::string(line)});
    }
    chapter = a.chapter;
    rows.push_back({absl::StrCat(parsed.article_lines[i]),
                    a.label.empty() ? a.number : a.label, a.number, a.heading,
                    absl::StrCat(CountItems(a.body)), BodyStart(a.body)});
  }
  out.append(RenderTable({"LINE", "AS WRITTEN", "NUMBER", "HEADING", "ITEMS", "TEXT"}, rows));
  absl::StrAppend(&out, policy.articles.size(), " provisions\n");
  for (const auto& [what, unit, notes] :
       {std::tuple<const char*, const char*, const std::vector<PolicyTextNote>*>{
            "dropped page furniture", " lines", &parsed.dropped},
        {"warnings", "", &parsed.warnings}}) {
    if (notes->empty()) continue;
    absl::StrAppend(&out, what, " (", notes->size(), unit, "):\n");
    for (const PolicyTextNote& note : *notes) {
      absl::StrAppend(&out, "  line ", note.line, ": ", note.text, "\n");
    }
  }
  return out;
}

google::protobuf::Struct ImportOutlineToStruct(const ParsedPolicy& parsed,
                                               std::string_view encoding) {
  google::protobuf::Struct out;
  auto& fields = *out.mutable_fields();
  fields["title"].set_string_value(parsed.policy.title);
  fields["encoding"].set_string_value(std::string(encoding));
  auto* articles = fields["articles"].mutable_list_value();
  for (size_t i = 0; i < parsed.policy.articles.size(); ++i) {
    const Article& a = parsed.policy.articles[i];
    auto& f = *articles->add_values()->mutable_struct_value()->mutable_fields();
    f["line"].set_number_value(parsed.article_lines[i]);
    f["number"].set_string_value(a.number);
    f["label"].set_string_value(a.label);
    f["heading"].set_string_value(a.heading);
    f["chapter"].set_string_value(a.chapter);
    f["items"].set_number_value(CountItems(a.body));
    f["bodyStart"].set_string_value(BodyStart(a.body));
  }
  for (const auto& [name, notes] :
       {std::pair<const char*, const std::vector<PolicyTextNote>*>{"dropped", &parsed.dropped},
        {"warnings", &parsed.warnings}}) {
    auto* list = fields[name].mutable_list_value();
    for (const PolicyTextNote& note : *notes) {
      auto& f = *list->add_values()->mutable_struct_value()->mutable_fields();
      f["line"].set_number_value(note.line);
      f["text"].set_string_value(note.text);
    }
  }
  return out;
}

absl::StatusOr<google::protobuf::Struct> ImportResultToStruct(const v1::Revision& revision,
                                                              const ParsedPolicy& parsed,
                                                              std::string_view encoding) {
  google::protobuf::Struct out;
  auto& fields = *out.mutable_fields();
  // The revision as `policy show -o json` prints it, so that scripts read
  // one form of it.
  SECCOORD_ASSIGN_OR_RETURN(std::string json, ToJson(revision, /*pretty=*/false));
  if (!google::protobuf::util::JsonStringToMessage(json, fields["revision"].mutable_struct_value())
           .ok()) {
    return absl::InternalError("cannot put the created revision into the JSON result");
  }
  *fields["outline"].mutable_struct_value() = ImportOutlineToStruct(parsed, encoding);
  return out;
}

std::string RenderVerifyReport(const VerifyReport& report, const OutputOptions&) {
  std::string out;
  for (const RevisionCheck& check : report.checks) {
    absl::StrAppend(&out, "revision ", check.number, " ", RevisionStateName(check.state), " ");
    if (!check.problem.empty()) {
      absl::StrAppend(&out, "MISMATCH: ", check.problem, "\n");
      return out;
    }
    absl::StrAppend(&out, "content OK",
                    check.chained ? " chain OK" : " (not published: no chain)", "\n");
  }
  if (report.checks.empty()) {
    absl::StrAppend(&out, "no revisions of ", report.document_id, " visible\n");
  } else {
    absl::StrAppend(&out, "OK: ", report.document_id, ": ", report.checks.size(),
                    " revisions verified",
                    report.chain_head.empty() ? "" : ", chain head ", report.chain_head, "\n");
  }
  return out;
}

google::protobuf::Struct VerifyReportToStruct(const VerifyReport& report) {
  google::protobuf::Struct out;
  auto& fields = *out.mutable_fields();
  fields["documentId"].set_string_value(report.document_id);
  fields["ok"].set_bool_value(report.ok);
  fields["firstBadRevision"].set_number_value(static_cast<double>(report.first_bad_revision));
  fields["problem"].set_string_value(report.first_problem);
  fields["chainHead"].set_string_value(report.chain_head);
  auto* list = fields["revisions"].mutable_list_value();
  for (const RevisionCheck& check : report.checks) {
    auto& f = *list->add_values()->mutable_struct_value()->mutable_fields();
    f["number"].set_number_value(static_cast<double>(check.number));
    f["state"].set_string_value(v1::RevisionState_Name(check.state));
    f["contentHash"].set_string_value(check.stored_content_hash);
    f["computedContentHash"].set_string_value(check.computed_content_hash);
    f["contentOk"].set_bool_value(check.content_ok);
    f["chained"].set_bool_value(check.chained);
    if (check.chained) {
      f["previousChainHash"].set_string_value(check.stored_previous_chain_hash);
      f["chainHash"].set_string_value(check.stored_chain_hash);
      f["computedChainHash"].set_string_value(check.computed_chain_hash);
      f["chainOk"].set_bool_value(check.chain_ok);
    }
    f["problem"].set_string_value(check.problem);
  }
  return out;
}

// ---- Registration.

void RegisterPolicyCommands(CLI::App& root, CommandContext& ctx) {
  CLI::App* policy = root.add_subcommand(
      "policy", "Policy documents and their revisions (基本方針, 対策基準, 実施手順)");
  policy->require_subcommand(1);

  {
    CLI::App* c = policy->add_subcommand(
        "docs", "List the documents: tier, visibility, revision in force, review due");
    SetAction(c, ctx, [&ctx] { return RunDocs(ctx); });
  }
  {
    auto a = std::make_shared<DocArgs>();
    CLI::App* c = policy->add_subcommand("list", "List a document's revisions (headers only)");
    AddDoc(c, &a->doc);
    SetAction(c, ctx, [&ctx, a] { return RunList(ctx, *a); });
  }
  {
    auto a = std::make_shared<ShowArgs>();
    CLI::App* c = policy->add_subcommand(
        "show", "Show a revision with its articles (default: the one in force today)");
    AddDoc(c, &a->doc);
    a->revision_option = c->add_option("-r,--revision", a->revision, "Revision number")
                             ->check(CLI::PositiveNumber);
    CLI::Option* on = c->add_option(
        "--on", a->on, "The revision in force on DATE (2026-04-01, 令和8年4月1日, R8.4.1)");
    a->revision_option->excludes(on);
    SetAction(c, ctx, [&ctx, a] { return RunShow(ctx, *a); });
  }
  {
    auto a = std::make_shared<ImportArgs>();
    CLI::App* c = policy->add_subcommand(
        "import", "Parse a plain-text policy (UTF-8, Shift_JIS/CP932 or UTF-16) into "
                  "articles and create a draft revision; prints the new revision number, "
                  "and the outline of what was parsed on stderr");
    AddDoc(c, &a->doc);
    c->add_option("FILE", a->file, "Plain-text policy file (- = standard input)")->required();
    c->add_option("-s,--summary", a->summary,
                  "Change summary (改正理由); required unless --dry-run");
    c->add_flag("--dry-run", a->dry_run,
                "Print the parsed outline (articles, 附則, dropped page furniture, warnings) "
                "and create nothing");
    c->add_flag("--strict", a->strict, "Refuse a file whose structure draws warnings");
    a->base_option = c->add_option(
        "--base", a->base,
        "Revision the draft is based on (default: the latest revision you can see)");
    a->base_option->check(CLI::NonNegativeNumber);
    SetAction(c, ctx, [&ctx, a] { return RunImport(ctx, *a); });
  }
  struct Transition {
    const char* name;
    const char* help;
    TransitionMethod method;
  };
  for (const Transition& t : {
           Transition{"submit", "Submit a draft for review (DRAFT → IN_REVIEW)",
                      &Stub::SubmitRevision},
           Transition{"approve",
                      "Approve a revision in review (IN_REVIEW → APPROVED; approver ≠ author)",
                      &Stub::ApproveRevision},
           Transition{"withdraw", "Withdraw an unpublished revision (→ WITHDRAWN)",
                      &Stub::WithdrawRevision},
       }) {
    auto a = std::make_shared<RevArgs>();
    CLI::App* c = policy->add_subcommand(t.name, t.help);
    AddDoc(c, &a->doc);
    AddRev(c, &a->rev);
    TransitionMethod method = t.method;
    SetAction(c, ctx, [&ctx, a, method] { return RunTransition(ctx, *a, method); });
  }
  {
    auto a = std::make_shared<PublishArgs>();
    CLI::App* c = policy->add_subcommand(
        "publish", "Publish an approved revision with its effective date (施行日)");
    AddDoc(c, &a->doc);
    AddRev(c, &a->rev);
    c->add_option("--effective", a->effective,
                  "施行日: 2026-04-01, 令和8年4月1日 or R8.4.1")
        ->required();
    SetAction(c, ctx, [&ctx, a] { return RunPublish(ctx, *a); });
  }
  {
    auto a = std::make_shared<DiffArgs>();
    CLI::App* c = policy->add_subcommand("diff", "Compare two revisions article by article");
    AddDoc(c, &a->doc);
    AddRev(c, &a->from, "FROM", "The older revision");
    AddRev(c, &a->to, "TO", "The newer revision");
    SetAction(c, ctx, [&ctx, a] { return RunDiff(ctx, *a); });
  }
  {
    auto a = std::make_shared<WatchArgs>();
    CLI::App* c = policy->add_subcommand(
        "watch", "Print revision events as they happen, one line each (JSON lines with -o json)");
    c->add_option("--since", a->since, "Only events after this sequence number (resume token)")
        ->check(CLI::NonNegativeNumber);
    c->add_option("--doc", a->doc, "Only events of this document");
    c->add_flag("--once", a->once, "Print the stored events and exit instead of waiting");
    SetAction(c, ctx, [&ctx, a] { return RunWatch(ctx, *a); });
  }
  {
    auto a = std::make_shared<RevArgs>();
    CLI::App* c = policy->add_subcommand("ack", "Record that you have read a published revision");
    AddDoc(c, &a->doc);
    AddRev(c, &a->rev);
    SetAction(c, ctx, [&ctx, a] { return RunAck(ctx, *a); });
  }
  {
    auto a = std::make_shared<RevArgs>();
    CLI::App* c = policy->add_subcommand("acks", "Acknowledgement coverage per organisation");
    AddDoc(c, &a->doc);
    AddRev(c, &a->rev);
    SetAction(c, ctx, [&ctx, a] { return RunAcks(ctx, *a); });
  }
  {
    auto a = std::make_shared<CommentArgs>();
    CLI::App* c = policy->add_subcommand("comment", "Comment on a draft or a revision in review");
    AddDoc(c, &a->doc);
    AddRev(c, &a->rev);
    c->add_option("TEXT", a->text, "The comment")->required();
    c->add_option("--article", a->article, "The article commented on, e.g. 第6");
    SetAction(c, ctx, [&ctx, a] { return RunComment(ctx, *a); });
  }
  {
    auto a = std::make_shared<RevArgs>();
    CLI::App* c = policy->add_subcommand("comments", "List the comments on a revision");
    AddDoc(c, &a->doc);
    AddRev(c, &a->rev);
    SetAction(c, ctx, [&ctx, a] { return RunComments(ctx, *a); });
  }
  {
    auto a = std::make_shared<DocArgs>();
    CLI::App* c = policy->add_subcommand(
        "verify",
        "Recompute the content hash of every revision you can see and the chain of published "
        "ones; exit 4 on any mismatch");
    AddDoc(c, &a->doc);
    SetAction(c, ctx, [&ctx, a] { return RunVerify(ctx, *a); });
  }
}

}  // namespace seccoord::cli
