// Roles, permissions, and THE table from RPC method to the permission it needs.
//
// Authorization lives in one place (DESIGN.md "Identity and access"):
//   1. at the door, RpcGuard looks the fully-qualified method up in
//      MethodAccessTable() and refuses the call unless one of the caller's
//      roles grants the permission named there; a method missing from the
//      table is refused (fail closed);
//   2. per object, the domain checks what the door cannot know from the
//      method alone — visibility of a document, own organisation, approver ≠
//      author — with the same Permission values (Caller::Has).
// For reads whose result depends on visibility, the table names the weakest
// permission that can see anything (kPublicRead for GetRevision) and the
// domain filters.
//
// grpc.health.v1.Health and grpc.reflection.* are NOT in the table: they are
// answered by gRPC itself (no handler of ours runs, so no guard could), they
// reveal nothing but liveness and the public API schema, and load balancers
// and probes must reach them without a client identity. Their callers still
// pass the TLS handshake (a certificate of our CA when one is required).
//
// Thread-safety: everything here is immutable after static initialisation;
// safe from any thread.
#ifndef SECCOORD_SERVICES_RUNTIME_AUTH_PERMISSIONS_H_
#define SECCOORD_SERVICES_RUNTIME_AUTH_PERMISSIONS_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace seccoord::runtime {

// What a principal is to the union; assigned by the access policy file.
enum class Role {
  // Staff of the union office (kasama-union): keeps assets, drafts policy,
  // runs the self-inspection.
  kUnionStaff,
  // Union administrator: everything staff may do, plus approve and publish
  // revisions and read the audit chains.
  kUnionAdmin,
  // Kasama city, the manager's department: reviews assessments, sends advice.
  kAdvisor,
  // Staff of a member municipality (Mito city, Shirosato town).
  kMember,
  // A caller without a client certificate, when anonymous access is on.
  // Never assigned by the policy file.
  kAnonymous,
  // Another seccoord server calling as seccoord://service/<name>: reads what
  // service-to-service calls need and nothing else.
  kService,
};

// One row of DESIGN.md's permission table (plus kPublicRead, the door
// permission of calls open to everyone, and kReadFindingsSummary, the narrow
// part of "read assets and findings" that the service role needs).
enum class Permission {
  // May call a read method whose results are filtered by visibility (list or
  // get documents and revisions, diff, watch revision events). Everyone has
  // it, anonymous callers included; what they then see depends on the
  // kRead*Revisions permissions below.
  kPublicRead,
  // Read published PUBLIC revisions (基本方針).
  kReadPublicRevisions,
  // Read published MEMBERS revisions (対策基準).
  kReadMembersRevisions,
  // Read UNION_ONLY revisions (実施手順, 非公開 by 第10).
  kReadUnionOnlyRevisions,
  // Read revisions that are not published (drafts, in review, approved,
  // withdrawn) and their comments.
  kReadDrafts,
  // Comment on a draft or in-review revision.
  kCommentDrafts,
  // Create and edit drafts, submit them for review, withdraw them.
  kEditDrafts,
  // Approve and publish a revision (the domain also requires approver ≠
  // author).
  kApprovePublish,
  // Record that one has read a published revision (職員等の遵守義務), and see
  // acknowledgement coverage.
  kAcknowledge,
  // Read assets, their history and compliance findings; export the inventory.
  kReadAssets,
  // Read the per-organisation counts of findings (no asset detail); what the
  // assessment service needs for the aggregated status.
  kReadFindingsSummary,
  // Create, update, retire and import assets.
  kWriteAssets,
  // Create and submit one's own organisation's assessment, answer advice
  // (the domain checks "own organisation").
  kWriteAssessment,
  // Review an assessment and send or close advice (the domain checks "never
  // one's own organisation").
  kReviewAssessment,
  // Read the self-inspection checklists (their questions and the articles
  // they check).
  kReadChecklists,
  // Read assessment detail: item results, notes, advice, assessment events.
  kReadAssessmentDetail,
  // Read the aggregated status and the federation view (figures only).
  kReadStatus,
  // List and verify the audit chain.
  kReadAudit,
};

// Whether a call changes state; every mutation is written to the audit chain
// whatever its outcome, a read only when it is denied.
enum class CallKind {
  kRead,
  kMutation,
};

// What a method needs at the door.
struct MethodAccess {
  Permission permission;
  CallKind kind;
};

// All roles and permissions, in declaration order (for tests and listings).
const std::vector<Role>& AllRoles();
const std::vector<Permission>& AllPermissions();

// "union_staff", "union_admin", "advisor", "member", "anonymous", "service".
std::string_view RoleName(Role role);
// The role named `name` (exactly as RoleName spells it), if any.
std::optional<Role> ParseRole(std::string_view name);

// "public_read", "read_public_revisions", ... (snake case of the enum).
std::string_view PermissionName(Permission permission);

// The permissions a role grants (DESIGN.md's table).
const std::set<Permission>& PermissionsOf(Role role);
// True when `role` grants `permission`.
bool RoleGrants(Role role, Permission permission);
// True when any of `roles` grants `permission`.
bool AnyRoleGrants(const std::set<Role>& roles, Permission permission);

// THE permission table: fully-qualified method ("/seccoord.v1.PolicyService/
// GetRevision") → what it needs. Every RPC of package seccoord.v1 has exactly
// one row (tests/unit/permissions_test.cc checks it against the descriptors).
const std::map<std::string, MethodAccess, std::less<>>& MethodAccessTable();

// The row of `full_method`, or nullptr when the method is not in the table.
const MethodAccess* FindMethodAccess(std::string_view full_method);

}  // namespace seccoord::runtime

#endif  // SECCOORD_SERVICES_RUNTIME_AUTH_PERMISSIONS_H_
