// ServeRead / ServeMutation: the shape every seccoord unary handler shares.
//
//   authorize at the door (RpcGuard, THE permission table)
//   → run the domain with the Caller
//   → audit: reads only when refused by a per-object check; mutations when
//     they fail (a committed mutation was audited inside its own transaction
//     by the MutationAuditor this file provides, see mutation.h)
//   → map absl::Status to grpc::Status.
// Handlers stay one statement each; no service copies this plumbing.
//
// Thread-safety: stateless; safe from any thread.
#ifndef SECCOORD_SERVICES_RUNTIME_SERVER_SERVE_H_
#define SECCOORD_SERVICES_RUNTIME_SERVER_SERVE_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/status.h"
#include "services/runtime/mutation.h"
#include "services/runtime/server/rpc_guard.h"

namespace seccoord::runtime {

// The auditor that appends a committed mutation's OK entry to this server's
// chain inside the mutation's transaction.
inline MutationAuditor AuditInTransaction(RpcGuard& guard) {
  return [&guard](db::Transaction& tx, const Caller& caller,
                  const std::string& target) -> absl::Status {
    auto record = guard.OutcomeRecord(caller, target, absl::OkStatus());
    if (!record) return absl::OkStatus();
    return guard.audit_log().AppendIn(tx, *record).status();
  };
}

template <typename Response>
grpc::Status ServeRead(RpcGuard& guard, grpc::ServerContext* context,
                       std::string_view full_method, std::string_view target,
                       const std::function<absl::StatusOr<Response>(const Caller&)>& call,
                       Response* response) {
  auto caller = guard.Authorize(context, full_method);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<Response> result = call(*caller);
  if (result.ok()) *response = std::move(*result);
  return guard.Finish(*caller, target, result.status());
}

template <typename Response>
grpc::Status ServeMutation(RpcGuard& guard, grpc::ServerContext* context,
                           std::string_view full_method, std::string_view target,
                           std::string_view request_id,
                           const std::function<absl::StatusOr<Response>(const Caller&)>& call,
                           Response* response) {
  auto caller = guard.Authorize(context, full_method, request_id);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<Response> result = call(*caller);
  if (!result.ok()) return guard.Finish(*caller, target, result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

}  // namespace seccoord::runtime

#endif  // SECCOORD_SERVICES_RUNTIME_SERVER_SERVE_H_
