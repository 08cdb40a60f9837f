// Caller: who is calling and what they may do, as established at the door.
//
// Built by RpcGuard::Authorize (server/rpc_guard.h) from the client
// certificate, the access policy and the permission table,
// then handed to the domain, which uses Has() for per-object checks
// (visibility, own organisation, separation of duties). Plain data: domain
// logic is tested by constructing Callers directly, without gRPC.
//
// Thread-safety: immutable after construction; safe to share.
#ifndef SECCOORD_SERVICES_RUNTIME_AUTH_CALLER_H_
#define SECCOORD_SERVICES_RUNTIME_AUTH_CALLER_H_

#include <set>
#include <string>

#include "services/runtime/auth/permissions.h"
#include "services/runtime/auth/principal.h"

namespace seccoord::runtime {

struct Caller {
  Principal principal;
  std::set<Role> roles;
  // Fully-qualified method, e.g. "/seccoord.v1.PolicyService/GetRevision".
  std::string method;
  // The method's row of the permission table.
  MethodAccess access{Permission::kPublicRead, CallKind::kRead};
  // Correlates the log line, the audit entry and the client's retry.
  std::string request_id;

  // True when one of the caller's roles grants `permission` (per-object
  // checks in the domain use this too).
  bool Has(Permission permission) const {
    return AnyRoleGrants(roles, permission);
  }
  // "member, advisor" — for messages.
  std::string RoleList() const;
  // Principal URI (seccoord://org/user) or "anonymous".
  std::string Uri() const { return principal.Uri(); }
};

}  // namespace seccoord::runtime

#endif  // SECCOORD_SERVICES_RUNTIME_AUTH_CALLER_H_
