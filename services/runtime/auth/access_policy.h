// AccessPolicy: which roles each principal has, from the server's access
// policy file (YAML), so a role change needs no new certificate.
//
// File format (deploy/access-policy.yaml is the commented example):
//
//   organizations:                  # org id -> roles of all its principals
//     kasama-city: [advisor]
//     mito-city: [member]
//   principals:                     # principal URI -> roles of that principal
//     seccoord://kasama-union/admin1: [union_admin]
//     seccoord://service/assessmentd: [service]
//
// Both keys are optional; nothing else may appear at the top level. A
// principal entry REPLACES its organisation's roles (it does not add to them):
// the entry is the principal's complete role set, so one line says exactly
// what a principal may do, and an entry can narrow as well as widen (an empty
// list takes every role away). Role names are those of RoleName():
// union_staff, union_admin, advisor, member, service. "anonymous" cannot be
// assigned: it is what a caller without a certificate gets.
//
// Resolution (RolesOf):
//   - the anonymous principal: {anonymous} when anonymous access is on, else
//     no role;
//   - a certificate principal: its principal entry if any, else its
//     organisation's entry if any; when that yields no role and anonymous
//     access is on, {anonymous} — a caller never gets less by presenting a
//     valid certificate than by presenting none.
//
// Loading validates everything and fails naming the offending entry: unknown
// role, malformed principal URI or organisation id, wrong YAML shape.
//
// Thread-safety: immutable after loading; safe to share between threads.
#ifndef SECCOORD_SERVICES_RUNTIME_AUTH_ACCESS_POLICY_H_
#define SECCOORD_SERVICES_RUNTIME_AUTH_ACCESS_POLICY_H_

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "services/runtime/auth/permissions.h"
#include "services/runtime/auth/principal.h"

namespace seccoord::runtime {

class AccessPolicy {
 public:
  // An empty policy: nobody has a role (anonymous callers get {anonymous}
  // when allow_anonymous).
  explicit AccessPolicy(bool allow_anonymous = false)
      : allow_anonymous_(allow_anonymous) {}

  // Parses policy text. `source` names it in error messages (a file name).
  // INVALID_ARGUMENT naming the entry when the policy is malformed.
  static absl::StatusOr<AccessPolicy> Parse(std::string_view yaml_text,
                                            bool allow_anonymous,
                                            std::string_view source = "access policy");

  // Reads and parses a policy file; NOT_FOUND when it cannot be read.
  static absl::StatusOr<AccessPolicy> LoadFile(const std::string& path,
                                               bool allow_anonymous);

  // The roles of `principal` (see Resolution above).
  std::set<Role> RolesOf(const Principal& principal) const;

  bool allow_anonymous() const { return allow_anonymous_; }

  // The entries as loaded, keyed by principal URI / organisation id.
  const std::map<std::string, std::set<Role>>& principal_roles() const {
    return principal_roles_;
  }
  const std::map<std::string, std::set<Role>>& organization_roles() const {
    return organization_roles_;
  }

 private:
  bool allow_anonymous_;
  std::map<std::string, std::set<Role>> principal_roles_;
  std::map<std::string, std::set<Role>> organization_roles_;
};

}  // namespace seccoord::runtime

#endif  // SECCOORD_SERVICES_RUNTIME_AUTH_ACCESS_POLICY_H_
