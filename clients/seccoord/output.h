// Rendering of responses for the terminal (aligned tables, Japanese text
// measured by display width) and as protobuf JSON (-o json).
//
// Every function here is pure: it takes a response message and returns text,
// so the layout is tested without a server.
//
// Thread-safety: stateless functions.
#ifndef SECCOORD_CLIENTS_SECCOORD_OUTPUT_H_
#define SECCOORD_CLIENTS_SECCOORD_OUTPUT_H_

#include <google/protobuf/message.h>

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "seccoord/v1/audit.pb.h"
#include "seccoord/v1/common.pb.h"
#include "seccoord/v1/policy.pb.h"

namespace seccoord::cli {

enum class OutputFormat { kTable, kJson };

struct OutputOptions {
  OutputFormat format = OutputFormat::kTable;
  // Dates as 令和8年4月1日 instead of 2026-04-01.
  bool wareki = false;
};

// `text`, or "-" when it is empty (a cell or value that was not given).
std::string OrDash(const std::string& text);

// Whether a date is set (not 0-0-0).
bool IsDateSet(const v1::Date& date);

// "2026-04-01", or "令和8年4月1日" with `wareki`; "-" for an unset date
// (0-0-0) and the raw numbers for an invalid one.
std::string FormatDate(const v1::Date& date, bool wareki);

// Both forms, the chosen one first: "2026-04-01 (令和8年4月1日)" or
// "令和8年4月1日 (2026-04-01)"; "-" when unset.
std::string FormatDateBoth(const v1::Date& date, bool wareki);

// UTC microseconds as Japan time, "2026-04-01T09:30:00+09:00"; "-" for 0.
std::string FormatTimeUs(int64_t time_us);

// Enum names without their prefix: "PUBLISHED", "BASIC_POLICY", "PUBLIC",
// "SUBMITTED", "OK".
std::string RevisionStateName(v1::RevisionState state);
std::string DocumentTierName(v1::DocumentTier tier);
std::string VisibilityName(v1::Visibility visibility);
std::string RevisionEventTypeName(v1::RevisionEventType type);
std::string AuditOutcomeName(v1::AuditOutcome outcome);

// The protobuf JSON of a message (lowerCamelCase fields, enum names, zero
// values included). `pretty` = indented over several lines; otherwise one
// line (JSON lines for streams). Ends with "\n".
absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message, bool pretty = true);

// `policy docs`: ID TIER VISIBILITY TITLE IN FORCE SINCE REVIEW DUE.
std::string RenderDocuments(const v1::ListDocumentsResponse& response, const OutputOptions& opts);

// `policy list`: REV STATE EFFECTIVE AUTHOR APPROVER SUMMARY.
std::string RenderRevisionList(const v1::ListRevisionsResponse& response,
                               const OutputOptions& opts);

// `policy show`: a header (title, document, revision and state, 施行日 in both
// forms, content hash, change summary) then every article as "第1 目的"
// followed by its body lines, articles separated by a blank line.
std::string RenderRevision(const v1::Revision& revision, const OutputOptions& opts);

// One line for a state change: "basic-policy revision 2: PUBLISHED (施行日 …)".
std::string RenderRevisionStatus(const v1::Revision& revision, const OutputOptions& opts);

// `policy diff`: article by article,
//   ~ 第6 情報セキュリティ対策        changed, then its changed lines
//     - removed line
//     + added line
//   + 第11 新しい条                   added, then its lines as "+ "
//   - 第3 旧い条                      removed, then its lines as "- "
// "(no differences)" when nothing changed.
std::string RenderDiff(const v1::DiffRevisionsResponse& diff, const OutputOptions& opts);

// `policy watch`: one line per event,
// "#12 PUBLISHED basic-policy revision 2 施行日 2026-04-01 by seccoord://… at …".
std::string RenderEventLine(const v1::RevisionEvent& event, const OutputOptions& opts);

// `policy ack`: "acknowledged basic-policy revision 1 as … at …".
std::string RenderAcknowledgement(const v1::Acknowledgement& ack, const OutputOptions& opts);

// `policy acks`: ORGANIZATION ACKNOWLEDGED USERS, and the caller's own record.
std::string RenderCoverage(const v1::ListAcknowledgementsResponse& response,
                           const OutputOptions& opts);

// `policy comments`: ID ARTICLE AUTHOR TIME TEXT.
std::string RenderComments(const v1::ListRevisionCommentsResponse& response,
                           const OutputOptions& opts);

// `audit list`: SEQ TIME PRINCIPAL METHOD TARGET OUTCOME CODE DETAIL.
std::string RenderAuditEntries(const v1::ListAuditEntriesResponse& response,
                               const OutputOptions& opts);

// `audit verify`: "intact: N entries checked, head …" or
// "NOT INTACT: first bad entry #7: problem (N entries checked)".
std::string RenderAuditVerify(const v1::VerifyAuditChainResponse& response,
                              const OutputOptions& opts);

}  // namespace seccoord::cli

#endif  // SECCOORD_CLIENTS_SECCOORD_OUTPUT_H_
