// RpcGuard: authentication, authorization at the door, and audit of outcomes,
// handed to every handler.
//
// Every handler starts with Authorize — through AdmitRequest or
// ServeRead/ServeMutation (serve.h), which also check the request's enum
// fields — and ends with Finish (or RecordOutcome):
//
//   grpc::Status PolicyServiceImpl::PublishRevision(
//       grpc::ServerContext* context, const v1::PublishRevisionRequest* request,
//       v1::Revision* response) {
//     absl::StatusOr<Caller> caller = guard_.Authorize(
//         context, "/seccoord.v1.PolicyService/PublishRevision",
//         request->request_id());
//     if (!caller.ok()) return ToGrpcStatus(caller.status());
//     absl::Status status = domain_.Publish(*caller, *request, response);
//     return guard_.Finish(*caller, RevisionTarget(*request), status);
//   }
//
// Authorize
//   1. reads the principal from the client certificate
//      (PrincipalFromAuthContext; UNAUTHENTICATED without one unless
//      anonymous access is on),
//   2. looks its roles up in the access policy,
//   3. looks the method up in THE permission table (permissions.h); a method
//      missing from it is refused — fail closed,
//   4. refuses with PERMISSION_DENIED "<principal> (roles: …) lacks permission
//      <p> for method <m>" unless a role grants the permission.
// Every refusal (UNAUTHENTICATED or PERMISSION_DENIED) is written to the
// audit chain as a DENIED entry before it is returned.
//
// Finish / RecordOutcome append to the audit chain
//   - a DENIED entry for a PERMISSION_DENIED or UNAUTHENTICATED returned by the
//     domain (per-object checks: visibility, own organisation, approver ≠
//     author), and for a ConcealedRefusal (auth/concealed_refusal.h: the
//     caller sees "not found", the entry keeps the real reason), for reads
//     and mutations alike;
//   - an OK or FAILED entry for every mutation (CallKind::kMutation in the
//     table), whatever its outcome;
//   - nothing for other outcomes of reads.
// They run their own transaction: call them after the handler's transaction
// has ended. A handler that wants the entry committed atomically with its
// change calls OutcomeRecord and AuditLog::AppendIn inside its transaction
// instead (and then returns ToGrpcStatus itself).
//
// Per-call data for the request log: Authorize attaches the principal URI and
// the request id to the call as trailing metadata (kPrincipalMetadataKey,
// kRequestIdMetadataKey), where the logging interceptor (rpc_log.h) reads
// them and clients can see them. The request id is the mutation's
// request_id when the handler passes one, else the client's
// "seccoord-request-id" header, else a fresh random id.
//
// While the server starts (migrations running) Authorize answers UNAVAILABLE;
// the bootstrap calls SetAccepting(true) once the schema is ready.
//
// Thread-safety: safe to use from many threads at once.
#ifndef SECCOORD_SERVICES_RUNTIME_SERVER_RPC_GUARD_H_
#define SECCOORD_SERVICES_RUNTIME_SERVER_RPC_GUARD_H_

#include <grpcpp/security/auth_context.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/runtime/audit/audit_log.h"
#include "services/runtime/auth/access_policy.h"
#include "services/runtime/auth/caller.h"
#include "services/runtime/auth/permissions.h"
#include "services/runtime/auth/principal.h"

namespace seccoord::runtime {

// Trailing metadata keys set by Authorize; also the request header a client
// may send to choose the request id of a call.
inline constexpr char kPrincipalMetadataKey[] = "seccoord-principal";
inline constexpr char kRequestIdMetadataKey[] = "seccoord-request-id";
// What the audit chain records as principal for a certificate whose identity
// could not be read.
inline constexpr std::string_view kUnidentifiedPrincipalName = "unidentified";

// Caller (the authenticated, authorized caller of one RPC) is defined in
// services/runtime/auth/caller.h so the domain can use it without gRPC.

class RpcGuard {
 public:
  // `policy` and `audit` must outlive the guard.
  RpcGuard(const AccessPolicy& policy, AuditLog& audit);

  RpcGuard(const RpcGuard&) = delete;
  RpcGuard& operator=(const RpcGuard&) = delete;

  // Authenticates and authorizes a call (see above). `request_id` is the
  // request message's request_id for mutations ("" for reads).
  absl::StatusOr<Caller> Authorize(grpc::ServerContextBase* context,
                                   std::string_view full_method,
                                   std::string_view request_id = {});

  // Whether Authorize would let the call in, deciding it without any side
  // effect (no audit entry, no metadata): for a handler that must choose,
  // before authorizing, where to run a call — a refusal writes the audit
  // chain, which waits for the database.
  bool Admits(const grpc::ServerContextBase* context, std::string_view full_method);

  // The same decision from an auth context alone (unit tests, or calls that
  // have no ServerContext); `auth_context` may be null (insecure transport:
  // treated as no certificate). Writes denials to the audit chain, attaches
  // nothing to a call.
  absl::StatusOr<Caller> AuthorizeAuthContext(
      const grpc::AuthContext* auth_context, std::string_view full_method,
      std::string_view request_id = {});

  // Appends the entry the outcome of a call needs (see above), if any.
  // `target` names the object acted on, e.g. "documents/basic-policy/
  // revisions/2". An audit failure is logged, never turned into the call's
  // result (a committed mutation stays committed).
  void RecordOutcome(const Caller& caller, std::string_view target,
                     const absl::Status& status);
  // Explicit form: method and kind given by the caller instead of the table.
  void RecordOutcome(const Caller& caller, std::string_view full_method,
                     std::string_view target, const absl::Status& status,
                     bool is_mutation);

  // RecordOutcome, then the grpc::Status to return.
  grpc::Status Finish(const Caller& caller, std::string_view target,
                      const absl::Status& status);

  // The audit record RecordOutcome would append, or nullopt when the outcome
  // needs none; for handlers that append inside their own transaction.
  std::optional<AuditRecord> OutcomeRecord(const Caller& caller,
                                           std::string_view target,
                                           const absl::Status& status) const;

  // PERMISSION_DENIED for a per-object check, worded like the door's:
  // "<principal> may not <what>". Recorded by Finish/RecordOutcome.
  static absl::Status Denied(const Caller& caller, std::string_view what);

  // The answer to a request gRPC could not parse into its message (proto3
  // refuses a string field that is not valid UTF-8 before any handler runs,
  // and gRPC 1.51 answers INTERNAL with an empty message): INVALID_ARGUMENT
  // saying so, with a FAILED entry in the audit chain naming the caller and
  // the method. The field cannot be named: the parser does not say which.
  // Used by the server's request-parse interceptor (server_main.cc).
  grpc::Status RefuseUnparsableRequest(grpc::ServerContextBase* context,
                                       std::string_view full_method);

  // Calls are refused with UNAVAILABLE until this is set (the bootstrap sets
  // it once migrations ran). A new guard accepts calls.
  void SetAccepting(bool accepting) { accepting_.store(accepting); }
  bool accepting() const { return accepting_.load(); }

  const AccessPolicy& access_policy() const { return policy_; }
  AuditLog& audit_log() { return audit_; }

 private:
  // The principal of a peer (PrincipalFromAuthContext), remembered per
  // certificate: reading the URI SAN out of a PEM costs more than the rest
  // of a small call, and a certificate's identity never changes.
  absl::StatusOr<Principal> IdentifyPeer(const grpc::AuthContext* auth_context,
                                         bool allow_anonymous);

  // The door's decision, shared by Authorize and Admits, without side
  // effects: kAdmitted fills *caller's principal, roles and access; the
  // others say why not (kUnidentified with the identification error).
  enum class Door { kNotAccepting, kUnidentified, kNotInTable, kLacksPermission, kAdmitted };
  Door Decide(const grpc::AuthContext* auth_context, std::string_view full_method,
              Caller* caller, absl::Status* identity_error);

  // Appends an entry for a call refused before any handler ran (the door,
  // an unparsable request); an append failure is logged naming `what`.
  void AppendDoorRecord(std::string_view principal, std::string_view full_method,
                        AuditOutcome outcome, const absl::Status& status, std::string_view what);

  // Writes a DENIED entry for a refusal at the door and returns `status`.
  absl::Status DenyAtDoor(std::string_view principal,
                          std::string_view full_method,
                          const absl::Status& status);

  const AccessPolicy& policy_;
  AuditLog& audit_;
  std::atomic<bool> accepting_{true};

  // Hash of a certificate PEM → (that PEM, its principal), for
  // certificates that named one. Bounded: cleared when full (a server sees
  // few distinct certificates).
  std::mutex principal_cache_mu_;
  std::unordered_map<size_t, std::pair<std::string, Principal>> principal_cache_;
};

}  // namespace seccoord::runtime

#endif  // SECCOORD_SERVICES_RUNTIME_SERVER_RPC_GUARD_H_
