// `seccoord policy …`: the commands of PolicyService.
//
// Each command is three parts: a pure request builder (tested without a
// server), the RPC call (in policy_commands.cc), and a pure renderer
// (output.h, or below for verify).
#ifndef SECCOORD_CLIENTS_SECCOORD_POLICY_COMMANDS_H_
#define SECCOORD_CLIENTS_SECCOORD_POLICY_COMMANDS_H_

#include <google/protobuf/struct.pb.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/seccoord/output.h"
#include "common/policy_text.h"
#include "seccoord/v1/policy.pb.h"

namespace CLI {
class App;
}  // namespace CLI

namespace seccoord::cli {

class CommandContext;

// Adds `policy` and its subcommands to `root`.
void RegisterPolicyCommands(CLI::App& root, CommandContext& ctx);

// A date given on the command line (--on, --effective): ISO or wareki
// (2026-04-01, 令和8年4月1日, R8.4.1). INVALID_ARGUMENT "<flag>: reason",
// marked as a usage error.
absl::StatusOr<v1::Date> ParseDateArgument(std::string_view flag, std::string_view text);

// `policy show DOC [--revision N | --on DATE]`: by number, in force on a date,
// or (neither) in force today.
absl::StatusOr<v1::GetRevisionRequest> BuildShowRequest(const std::string& document_id,
                                                        std::optional<int64_t> revision,
                                                        const std::string& on_date);

// `policy import DOC FILE --summary TEXT`: parses `text` (the file's content)
// into articles. `file_name` names the file in errors (usage errors).
absl::StatusOr<v1::CreateRevisionRequest> BuildImportRequest(
    const std::string& document_id, std::string_view file_name, std::string_view text,
    const std::string& summary, int64_t base_revision, const std::string& request_id);
// The same from a parsed policy (ParseImportFile).
absl::StatusOr<v1::CreateRevisionRequest> BuildImportRequest(
    const std::string& document_id, const PolicyText& policy, const std::string& summary,
    int64_t base_revision, const std::string& request_id);

// `policy import DOC FILE [--dry-run] [--strict]`: the file's bytes decoded
// (UTF-8 with or without BOM, CP932, UTF-16 with BOM) and parsed, then
// checked against the policy service's bounds (CheckPolicyLimits). Errors
// name `file_name` and are usage errors; with `strict`, a parse with
// warnings is refused (each warning named). *encoding gets what was read.
absl::StatusOr<ParsedPolicy> ParseImportFile(std::string_view file_name, std::string_view bytes,
                                             bool strict, std::string* encoding);

// The outline `policy import` prints: title, preamble, chapters, each
// article's number as written and normalised, heading, item count and first
// characters of its body, each 附則, the dropped page furniture and the
// warnings, with their lines. As a table, and as the Struct of -o json.
std::string RenderImportOutline(const ParsedPolicy& parsed, std::string_view encoding,
                                const OutputOptions& opts);
google::protobuf::Struct ImportOutlineToStruct(const ParsedPolicy& parsed,
                                               std::string_view encoding);

// What `policy import -o json` prints after a real import: one object
// {"revision": the created revision (its protobuf JSON), "outline":
// ImportOutlineToStruct}. INTERNAL if the revision cannot be put into JSON.
absl::StatusOr<google::protobuf::Struct> ImportResultToStruct(const v1::Revision& revision,
                                                              const ParsedPolicy& parsed,
                                                              std::string_view encoding);

// `policy submit|approve|withdraw DOC REV`.
v1::TransitionRevisionRequest BuildTransitionRequest(const std::string& document_id,
                                                     int64_t number,
                                                     const std::string& request_id);

// `policy publish DOC REV --effective DATE`.
absl::StatusOr<v1::PublishRevisionRequest> BuildPublishRequest(const std::string& document_id,
                                                               int64_t number,
                                                               const std::string& effective,
                                                               const std::string& request_id);

// `policy comment DOC REV TEXT [--article 第N]`; the article label is
// normalised (第６ → 第6, 附 則 → 附則).
absl::StatusOr<v1::AddRevisionCommentRequest> BuildCommentRequest(
    const std::string& document_id, int64_t number, const std::string& text,
    const std::string& article, const std::string& request_id);

// The check of one revision by `policy verify`.
struct RevisionCheck {
  int64_t number = 0;
  v1::RevisionState state = v1::REVISION_STATE_UNSPECIFIED;
  std::string stored_content_hash;
  std::string computed_content_hash;
  bool content_ok = false;
  // Published or superseded: part of the chain.
  bool chained = false;
  std::string stored_previous_chain_hash;
  std::string expected_previous_chain_hash;
  std::string stored_chain_hash;
  std::string computed_chain_hash;
  bool chain_ok = false;  // meaningful when chained
  // Why the revision fails ("" when it passes).
  std::string problem;
};

// The result of `policy verify`.
struct VerifyReport {
  std::string document_id;
  std::vector<RevisionCheck> checks;  // in revision-number order
  bool ok = true;
  int64_t first_bad_revision = 0;  // 0 when ok
  std::string first_problem;
  std::string chain_head;  // chain hash of the last published revision
};

// Recomputes every revision's content hash from its title and articles
// (ContentHashHex) and, for published and superseded revisions in the order
// they were published (publish time, then number), the chain: each one's
// previous_chain_hash must equal the chain hash of the one before ("" for
// the first) and its chain_hash must equal ChainHashHex(previous, content
// hash, number, effective date as ISO).
VerifyReport VerifyRevisions(const std::string& document_id,
                             std::vector<v1::Revision> revisions);

// One line per revision in number order up to and including the first
// mismatch: "revision 1 PUBLISHED content OK chain OK", then a summary line.
std::string RenderVerifyReport(const VerifyReport& report, const OutputOptions& opts);

// The report as a protobuf Struct (for -o json).
google::protobuf::Struct VerifyReportToStruct(const VerifyReport& report);

}  // namespace seccoord::cli

#endif  // SECCOORD_CLIENTS_SECCOORD_POLICY_COMMANDS_H_
