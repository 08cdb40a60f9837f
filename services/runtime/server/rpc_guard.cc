#include "services/runtime/server/rpc_guard.h"

#include <grpc/grpc_security_constants.h>
#include <openssl/rand.h>

#include <cstring>
#include <mutex>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/status.h"
#include "services/runtime/auth/concealed_refusal.h"
#include "services/runtime/internal/views.h"
#include "services/runtime/server/rpc_log.h"

namespace seccoord::runtime {
namespace {

using internal::Av;

// Distinct certificates whose principal is remembered (RpcGuard::IdentifyPeer).
constexpr size_t kMaxCachedPrincipals = 4096;

// Request ids travel in headers and log lines: keep them short and plain.
constexpr size_t kMaxCallRequestIdBytes = 64;

bool IsPlainRequestId(std::string_view id) {
  if (id.empty() || id.size() > kMaxCallRequestIdBytes) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' ||
              c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string NewRequestId() {
  constexpr size_t kIdBytes = 12;
  // RAND_bytes costs about as much per call as for a few kilobytes, and the
  // sync server's worker threads come and go: one process-wide pool of
  // random bytes for 1024 ids, refilled under its lock.
  constexpr size_t kBatch = 1024 * kIdBytes;
  static std::mutex* const mu = new std::mutex;
  static unsigned char* const pool = new unsigned char[kBatch];
  static size_t used = kBatch;  // guarded by *mu
  unsigned char id[kIdBytes];
  {
    std::lock_guard<std::mutex> lock(*mu);
    if (used == kBatch) {
      if (RAND_bytes(pool, kBatch) != 1) {
        // Only a correlation id, not a secret: a clock-based id will do.
        return absl::StrCat("t", absl::ToUnixNanos(absl::Now()));
      }
      used = 0;
    }
    std::memcpy(id, pool + used, kIdBytes);
    used += kIdBytes;
  }
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(id), kIdBytes));
}

std::string ChooseRequestId(std::string_view from_request,
                            const grpc::ServerContextBase* context) {
  if (IsPlainRequestId(from_request)) return std::string(from_request);
  if (context != nullptr) {
    const auto& metadata = context->client_metadata();
    auto it = metadata.find(kRequestIdMetadataKey);
    if (it != metadata.end()) {
      std::string_view header(it->second.data(), it->second.size());
      if (IsPlainRequestId(header)) return std::string(header);
    }
  }
  return NewRequestId();
}

bool IsDenial(const absl::Status& status) {
  return status.code() == absl::StatusCode::kPermissionDenied ||
         status.code() == absl::StatusCode::kUnauthenticated ||
         ConcealedReason(status).has_value();
}

}  // namespace

RpcGuard::RpcGuard(const AccessPolicy& policy, AuditLog& audit)
    : policy_(policy), audit_(audit) {}

absl::StatusOr<Principal> RpcGuard::IdentifyPeer(
    const grpc::AuthContext* auth_context, bool allow_anonymous) {
  if (auth_context == nullptr) {
    if (allow_anonymous) return Principal::Anonymous();
    return absl::UnauthenticatedError("client certificate required");
  }
  std::vector<grpc::string_ref> pems =
      auth_context->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (pems.empty()) {
    return PrincipalFromAuthContext(*auth_context, allow_anonymous);
  }
  // Looked up by the hash of the PEM and confirmed on the whole PEM, so
  // the certificate is not copied on every call.
  const std::string_view pem(pems.front().data(), pems.front().size());
  const size_t hash = std::hash<std::string_view>()(pem);
  {
    std::lock_guard<std::mutex> lock(principal_cache_mu_);
    auto it = principal_cache_.find(hash);
    if (it != principal_cache_.end() && it->second.first == pem) return it->second.second;
  }
  absl::StatusOr<Principal> principal =
      PrincipalFromAuthContext(*auth_context, allow_anonymous);
  if (principal.ok()) {
    std::lock_guard<std::mutex> lock(principal_cache_mu_);
    if (principal_cache_.size() >= kMaxCachedPrincipals) {
      principal_cache_.clear();
    }
    // Another certificate with the same hash gives up its place.
    principal_cache_[hash] = {std::string(pem), *principal};
  }
  return principal;
}

void RpcGuard::AppendDoorRecord(std::string_view principal, std::string_view full_method,
                                AuditOutcome outcome, const absl::Status& status,
                                std::string_view what) {
  AuditRecord record;
  record.principal = std::string(principal);
  record.method = std::string(full_method);
  record.outcome = outcome;
  record.status_code = std::string(StatusCodeName(status.code()));
  record.detail = std::string(status.message());
  absl::StatusOr<AuditEntry> appended = audit_.Append(record);
  if (!appended.ok()) {
    LogServerEvent("error", absl::StrCat("audit append failed for ", Av(what), ": ",
                                         appended.status().ToString()));
  }
}

absl::Status RpcGuard::DenyAtDoor(std::string_view principal,
                                  std::string_view full_method,
                                  const absl::Status& status) {
  AppendDoorRecord(principal, full_method, AuditOutcome::kDenied, status, "a denial");
  return status;
}

RpcGuard::Door RpcGuard::Decide(const grpc::AuthContext* auth_context,
                                std::string_view full_method, Caller* caller,
                                absl::Status* identity_error) {
  if (!accepting()) return Door::kNotAccepting;
  absl::StatusOr<Principal> principal =
      IdentifyPeer(auth_context, policy_.allow_anonymous());
  if (!principal.ok()) {
    *identity_error = principal.status();
    return Door::kUnidentified;
  }
  caller->principal = *std::move(principal);
  caller->roles = policy_.RolesOf(caller->principal);
  const MethodAccess* access = FindMethodAccess(full_method);
  if (access == nullptr) return Door::kNotInTable;
  caller->access = *access;
  return caller->Has(access->permission) ? Door::kAdmitted : Door::kLacksPermission;
}

bool RpcGuard::Admits(const grpc::ServerContextBase* context, std::string_view full_method) {
  std::shared_ptr<const grpc::AuthContext> auth_context = context->auth_context();
  Caller caller;
  absl::Status identity_error;
  return Decide(auth_context.get(), full_method, &caller, &identity_error) == Door::kAdmitted;
}

absl::StatusOr<Caller> RpcGuard::AuthorizeAuthContext(
    const grpc::AuthContext* auth_context, std::string_view full_method,
    std::string_view request_id) {
  Caller caller;
  caller.method = std::string(full_method);
  caller.request_id = std::string(request_id);
  absl::Status identity_error;
  switch (Decide(auth_context, full_method, &caller, &identity_error)) {
    case Door::kNotAccepting:
      return absl::UnavailableError("server is not serving (starting or shutting down)");
    case Door::kUnidentified: {
      // No certificate → "anonymous"; a certificate we could not read an
      // identity from → "unidentified".
      const bool had_certificate =
          auth_context != nullptr &&
          !auth_context->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME).empty();
      return DenyAtDoor(had_certificate ? kUnidentifiedPrincipalName : kAnonymousPrincipalName,
                        full_method, identity_error);
    }
    case Door::kNotInTable:
      return DenyAtDoor(caller.principal.Uri(), full_method,
                        absl::PermissionDeniedError(absl::StrCat(
                            "method ", Av(full_method),
                            " is not in the permission table; refused (fail closed)")));
    case Door::kLacksPermission:
      return DenyAtDoor(
          caller.principal.Uri(), full_method,
          absl::PermissionDeniedError(absl::StrCat(
              caller.principal.Uri(), " (roles: ", caller.RoleList(), ") lacks permission ",
              Av(PermissionName(caller.access.permission)), " for method ", Av(full_method))));
    case Door::kAdmitted:
      break;
  }
  return caller;
}

grpc::Status RpcGuard::RefuseUnparsableRequest(grpc::ServerContextBase* context,
                                               std::string_view full_method) {
  const absl::Status refusal = absl::InvalidArgumentError(absl::StrCat(
      "request: the message could not be parsed for ", Av(full_method),
      " (a string field is not valid UTF-8, or the bytes are not a protobuf message of the "
      "request type)"));
  std::shared_ptr<const grpc::AuthContext> auth_context = context->auth_context();
  absl::StatusOr<Principal> who = IdentifyPeer(auth_context.get(), /*allow_anonymous=*/true);
  AppendDoorRecord(who.ok() ? who->Uri() : std::string(kUnidentifiedPrincipalName), full_method,
                   AuditOutcome::kFailed, refusal, "an unparsable request");
  return ToGrpcStatus(refusal);
}

absl::StatusOr<Caller> RpcGuard::Authorize(grpc::ServerContextBase* context,
                                           std::string_view full_method,
                                           std::string_view request_id) {
  std::string chosen_id = ChooseRequestId(request_id, context);
  std::shared_ptr<const grpc::AuthContext> auth_context =
      context->auth_context();
  absl::StatusOr<Caller> caller =
      AuthorizeAuthContext(auth_context.get(), full_method, chosen_id);
  std::string principal;
  if (caller.ok()) {
    principal = caller->principal.Uri();
  } else {
    // Name who was refused in the log line too, when we know it.
    absl::StatusOr<Principal> who =
        IdentifyPeer(auth_context.get(), /*allow_anonymous=*/true);
    principal = who.ok() ? who->Uri() : std::string(kUnidentifiedPrincipalName);
  }
  context->AddTrailingMetadata(kPrincipalMetadataKey, principal);
  context->AddTrailingMetadata(kRequestIdMetadataKey, chosen_id);
  return caller;
}

std::optional<AuditRecord> RpcGuard::OutcomeRecord(
    const Caller& caller, std::string_view target,
    const absl::Status& status) const {
  AuditRecord record;
  if (IsDenial(status)) {
    record.outcome = AuditOutcome::kDenied;
  } else if (caller.access.kind == CallKind::kMutation) {
    record.outcome = status.ok() ? AuditOutcome::kOk : AuditOutcome::kFailed;
  } else {
    return std::nullopt;
  }
  record.principal = caller.principal.Uri();
  record.method = caller.method;
  record.target = std::string(target);
  record.status_code = std::string(StatusCodeName(status.code()));
  // A concealed refusal shows the caller "not found"; the chain keeps why.
  std::optional<std::string> concealed = ConcealedReason(status);
  record.detail = concealed ? *concealed : std::string(status.message());
  return record;
}

void RpcGuard::RecordOutcome(const Caller& caller, std::string_view target,
                             const absl::Status& status) {
  std::optional<AuditRecord> record = OutcomeRecord(caller, target, status);
  if (!record.has_value()) return;
  absl::StatusOr<AuditEntry> appended = audit_.Append(*record);
  if (!appended.ok()) {
    LogServerEvent("error",
                   absl::StrCat("audit append failed for ", caller.method,
                                " by ", caller.principal.Uri(), " (request ",
                                caller.request_id,
                                "): ", appended.status().ToString()));
  }
}

void RpcGuard::RecordOutcome(const Caller& caller, std::string_view full_method,
                             std::string_view target,
                             const absl::Status& status, bool is_mutation) {
  Caller adjusted = caller;
  adjusted.method = std::string(full_method);
  adjusted.access.kind = is_mutation ? CallKind::kMutation : CallKind::kRead;
  RecordOutcome(adjusted, target, status);
}

grpc::Status RpcGuard::Finish(const Caller& caller, std::string_view target,
                              const absl::Status& status) {
  RecordOutcome(caller, target, status);
  return ToGrpcStatus(status);
}

absl::Status RpcGuard::Denied(const Caller& caller, std::string_view what) {
  return absl::PermissionDeniedError(
      absl::StrCat(caller.principal.Uri(), " may not ", Av(what)));
}

}  // namespace seccoord::runtime
