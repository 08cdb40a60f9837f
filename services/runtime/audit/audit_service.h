// AuditServiceImpl: the gRPC handler of seccoord.v1.AuditService, served by
// every seccoord server for its own audit chain.
//
// Handler only: authorize through the RpcGuard (both methods need
// read_audit: union_admin, advisor), validate the request naming the field,
// call the AuditLog, convert. Page tokens are opaque to clients: the
// web-safe base64 of "v1:<last sequence returned>:<outcome filter>", so a
// token is refused when it is replayed with another outcome filter.
//
// Thread-safety: safe for concurrent calls (the AuditLog and RpcGuard are).
#ifndef SECCOORD_SERVICES_RUNTIME_AUDIT_AUDIT_SERVICE_H_
#define SECCOORD_SERVICES_RUNTIME_AUDIT_AUDIT_SERVICE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "seccoord/v1/audit.grpc.pb.h"
#include "services/runtime/audit/audit_log.h"
#include "services/runtime/server/rpc_guard.h"

namespace seccoord::runtime {

// Page size when the request gives 0.
inline constexpr int kDefaultAuditPageSize = 100;

// Where the next page starts and which filter the token was made for.
struct AuditPageToken {
  int64_t after_sequence = 0;
  v1::AuditOutcome outcome = v1::AUDIT_OUTCOME_UNSPECIFIED;
};

std::string EncodeAuditPageToken(const AuditPageToken& token);
// INVALID_ARGUMENT "page_token: ..." when the token is not one of ours.
absl::StatusOr<AuditPageToken> DecodeAuditPageToken(std::string_view token);

// Conversions between the stored entry and the wire message.
v1::AuditEntry ToProto(const AuditEntry& entry);

class AuditServiceImpl final : public v1::AuditService::Service {
 public:
  // Both must outlive the service.
  AuditServiceImpl(AuditLog& log, RpcGuard& guard);

  grpc::Status ListAuditEntries(grpc::ServerContext* context,
                                const v1::ListAuditEntriesRequest* request,
                                v1::ListAuditEntriesResponse* response) override;
  grpc::Status VerifyAuditChain(grpc::ServerContext* context,
                                const v1::VerifyAuditChainRequest* request,
                                v1::VerifyAuditChainResponse* response) override;

 private:
  AuditLog& log_;
  RpcGuard& guard_;
};

}  // namespace seccoord::runtime

#endif  // SECCOORD_SERVICES_RUNTIME_AUDIT_AUDIT_SERVICE_H_
