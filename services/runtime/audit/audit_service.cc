#include "services/runtime/audit/audit_service.h"

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status.h"
#include "services/runtime/internal/views.h"
#include "services/runtime/server/serve.h"

namespace seccoord::runtime {
namespace {

constexpr char kListMethod[] = "/seccoord.v1.AuditService/ListAuditEntries";
constexpr char kVerifyMethod[] = "/seccoord.v1.AuditService/VerifyAuditChain";
// Tokens are short; anything longer is not one of ours.
constexpr size_t kMaxPageTokenBytes = 128;

std::optional<AuditOutcome> FromProto(v1::AuditOutcome outcome) {
  switch (outcome) {
    case v1::AUDIT_OUTCOME_OK: return AuditOutcome::kOk;
    case v1::AUDIT_OUTCOME_DENIED: return AuditOutcome::kDenied;
    case v1::AUDIT_OUTCOME_FAILED: return AuditOutcome::kFailed;
    default: return std::nullopt;
  }
}

v1::AuditOutcome OutcomeToProto(AuditOutcome outcome) {
  switch (outcome) {
    case AuditOutcome::kOk: return v1::AUDIT_OUTCOME_OK;
    case AuditOutcome::kDenied: return v1::AUDIT_OUTCOME_DENIED;
    case AuditOutcome::kFailed: return v1::AUDIT_OUTCOME_FAILED;
  }
  return v1::AUDIT_OUTCOME_UNSPECIFIED;
}

// Validates the request; returns where to start and the page size.
absl::Status ValidateList(const v1::ListAuditEntriesRequest& request,
                          int64_t* after, int* page_size) {
  if (request.page_size() < 0 || request.page_size() > kMaxAuditPageSize) {
    return InvalidField("page_size", absl::StrCat("must be between 0 and ",
                                                  kMaxAuditPageSize,
                                                  " (0 = ", kDefaultAuditPageSize,
                                                  ")"));
  }
  if (request.after_sequence() < 0) {
    return InvalidField("after_sequence", "must not be negative");
  }
  if (!v1::AuditOutcome_IsValid(request.outcome())) {
    return InvalidField("outcome", "unknown value");
  }
  *page_size =
      request.page_size() == 0 ? kDefaultAuditPageSize : request.page_size();
  *after = request.after_sequence();
  if (!request.page_token().empty()) {
    SECCOORD_ASSIGN_OR_RETURN(AuditPageToken token,
                              DecodeAuditPageToken(request.page_token()));
    if (token.outcome != request.outcome()) {
      return InvalidField("page_token",
                          "was made for another outcome filter");
    }
    // The token continues the listing; after_sequence only starts one.
    *after = std::max(*after, token.after_sequence);
  }
  return absl::OkStatus();
}

}  // namespace

std::string EncodeAuditPageToken(const AuditPageToken& token) {
  return absl::WebSafeBase64Escape(absl::StrCat(
      "v1:", token.after_sequence, ":", static_cast<int>(token.outcome)));
}

absl::StatusOr<AuditPageToken> DecodeAuditPageToken(std::string_view token) {
  const absl::Status malformed =
      InvalidField("page_token", "malformed (use next_page_token as given)");
  if (token.size() > kMaxPageTokenBytes) return malformed;
  std::string decoded;
  if (!absl::WebSafeBase64Unescape(internal::Av(token), &decoded)) {
    return malformed;
  }
  std::vector<absl::string_view> parts = absl::StrSplit(decoded, ':');
  AuditPageToken result;
  int outcome = 0;
  if (parts.size() != 3 || parts[0] != "v1" ||
      !absl::SimpleAtoi(parts[1], &result.after_sequence) ||
      result.after_sequence < 0 || !absl::SimpleAtoi(parts[2], &outcome) ||
      !v1::AuditOutcome_IsValid(outcome)) {
    return malformed;
  }
  result.outcome = static_cast<v1::AuditOutcome>(outcome);
  return result;
}

v1::AuditEntry ToProto(const AuditEntry& entry) {
  v1::AuditEntry out;
  out.set_sequence(entry.sequence);
  out.set_time_us(entry.time_us);
  out.set_principal(entry.principal);
  out.set_method(entry.method);
  out.set_target(entry.target);
  out.set_outcome(OutcomeToProto(entry.outcome));
  out.set_status_code(entry.status_code);
  out.set_detail(entry.detail);
  out.set_previous_hash(entry.previous_hash);
  out.set_hash(entry.hash);
  return out;
}

AuditServiceImpl::AuditServiceImpl(AuditLog& log, RpcGuard& guard)
    : log_(log), guard_(guard) {}

grpc::Status AuditServiceImpl::ListAuditEntries(
    grpc::ServerContext* context, const v1::ListAuditEntriesRequest* request,
    v1::ListAuditEntriesResponse* response) {
  absl::StatusOr<Caller> caller = AdmitRequest(guard_, context, kListMethod, "audit", *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());

  int64_t after = 0;
  int page_size = 0;
  absl::Status valid = ValidateList(*request, &after, &page_size);
  if (!valid.ok()) return guard_.Finish(*caller, "audit", valid);

  absl::StatusOr<AuditPage> page =
      log_.List(after, page_size, FromProto(request->outcome()));
  if (!page.ok()) return guard_.Finish(*caller, "audit", page.status());
  for (const AuditEntry& entry : page->entries) {
    *response->add_entries() = ToProto(entry);
  }
  if (page->more && !page->entries.empty()) {
    response->set_next_page_token(EncodeAuditPageToken(
        {page->entries.back().sequence, request->outcome()}));
  }
  return guard_.Finish(*caller, "audit", absl::OkStatus());
}

grpc::Status AuditServiceImpl::VerifyAuditChain(
    grpc::ServerContext* context, const v1::VerifyAuditChainRequest* request,
    v1::VerifyAuditChainResponse* response) {
  absl::StatusOr<Caller> caller = AdmitRequest(guard_, context, kVerifyMethod, "audit", *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());

  absl::StatusOr<AuditVerification> verification = log_.Verify();
  if (!verification.ok()) {
    return guard_.Finish(*caller, "audit", verification.status());
  }
  response->set_intact(verification->intact);
  response->set_entries_checked(verification->entries_checked);
  response->set_first_bad_sequence(verification->first_bad_sequence);
  response->set_problem(verification->problem);
  response->set_head_hash(verification->head_hash);
  return guard_.Finish(*caller, "audit", absl::OkStatus());
}

}  // namespace seccoord::runtime
