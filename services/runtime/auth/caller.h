// Caller: who is calling and what they may do, as established at the door.
//
// Built by the RpcGuard from the client certificate and the access policy,
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

  bool Has(Permission permission) const { return AnyRoleGrants(roles, permission); }
  // Principal URI (seccoord://org/user) or "anonymous".
  std::string Uri() const { return principal.Uri(); }
};

}  // namespace seccoord::runtime

#endif  // SECCOORD_SERVICES_RUNTIME_AUTH_CALLER_H_
