#include "services/runtime/auth/permissions.h"

#include <utility>

namespace seccoord::runtime {
namespace {

using P = Permission;

// Read access to published revisions of every visibility, the common core of
// the roles that see the whole policy.
#define SECCOORD_ALL_PUBLISHED                                              \
  P::kPublicRead, P::kReadPublicRevisions, P::kReadMembersRevisions,        \
      P::kReadUnionOnlyRevisions

// The role → permission matrix, row for row DESIGN.md's table.
const std::map<Role, std::set<Permission>>& RoleMatrix() {
  static const auto* const matrix = new std::map<Role, std::set<Permission>>{
      {Role::kUnionStaff,
       {SECCOORD_ALL_PUBLISHED, P::kReadDrafts, P::kCommentDrafts,
        P::kEditDrafts, P::kAcknowledge, P::kReadAssets,
        P::kReadFindingsSummary, P::kWriteAssets, P::kWriteAssessment,
        P::kReadChecklists, P::kReadAssessmentDetail, P::kReadStatus}},
      {Role::kUnionAdmin,
       {SECCOORD_ALL_PUBLISHED, P::kReadDrafts, P::kCommentDrafts,
        P::kEditDrafts, P::kApprovePublish, P::kAcknowledge, P::kReadAssets,
        P::kReadFindingsSummary, P::kWriteAssets, P::kWriteAssessment,
        P::kReadChecklists, P::kReadAssessmentDetail, P::kReadStatus,
        P::kReadAudit}},
      {Role::kAdvisor,
       {SECCOORD_ALL_PUBLISHED, P::kReadDrafts, P::kCommentDrafts,
        P::kAcknowledge, P::kReadAssets, P::kReadFindingsSummary,
        P::kReviewAssessment, P::kReadChecklists, P::kReadAssessmentDetail,
        P::kReadStatus, P::kReadAudit}},
      {Role::kMember,
       {P::kPublicRead, P::kReadPublicRevisions, P::kReadMembersRevisions,
        P::kAcknowledge, P::kReadStatus}},
      {Role::kAnonymous, {P::kPublicRead, P::kReadPublicRevisions}},
      // The assessment service binds an assessment to the revision in force
      // and lists documents whose review is due — of every tier, so of every
      // visibility, but published revisions only — and adds the asset
      // service's findings summary to the aggregated status.
      {Role::kService, {SECCOORD_ALL_PUBLISHED, P::kReadFindingsSummary}},
  };
  return *matrix;
}

#undef SECCOORD_ALL_PUBLISHED

}  // namespace

const std::vector<Role>& AllRoles() {
  static const auto* const roles = new std::vector<Role>{
      Role::kUnionStaff, Role::kUnionAdmin, Role::kAdvisor,
      Role::kMember,     Role::kAnonymous,  Role::kService};
  return *roles;
}

const std::vector<Permission>& AllPermissions() {
  static const auto* const permissions = new std::vector<Permission>{
      P::kPublicRead,          P::kReadPublicRevisions,
      P::kReadMembersRevisions, P::kReadUnionOnlyRevisions,
      P::kReadDrafts,          P::kCommentDrafts,
      P::kEditDrafts,          P::kApprovePublish,
      P::kAcknowledge,         P::kReadAssets,
      P::kReadFindingsSummary, P::kWriteAssets,
      P::kWriteAssessment,     P::kReviewAssessment,
      P::kReadChecklists,      P::kReadAssessmentDetail,
      P::kReadStatus,
      P::kReadAudit};
  return *permissions;
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kUnionStaff: return "union_staff";
    case Role::kUnionAdmin: return "union_admin";
    case Role::kAdvisor: return "advisor";
    case Role::kMember: return "member";
    case Role::kAnonymous: return "anonymous";
    case Role::kService: return "service";
  }
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role role : AllRoles()) {
    if (RoleName(role) == name) return role;
  }
  return std::nullopt;
}

std::string_view PermissionName(Permission permission) {
  switch (permission) {
    case P::kPublicRead: return "public_read";
    case P::kReadPublicRevisions: return "read_public_revisions";
    case P::kReadMembersRevisions: return "read_members_revisions";
    case P::kReadUnionOnlyRevisions: return "read_union_only_revisions";
    case P::kReadDrafts: return "read_drafts";
    case P::kCommentDrafts: return "comment_drafts";
    case P::kEditDrafts: return "edit_drafts";
    case P::kApprovePublish: return "approve_publish";
    case P::kAcknowledge: return "acknowledge";
    case P::kReadAssets: return "read_assets";
    case P::kReadFindingsSummary: return "read_findings_summary";
    case P::kWriteAssets: return "write_assets";
    case P::kWriteAssessment: return "write_assessment";
    case P::kReviewAssessment: return "review_assessment";
    case P::kReadChecklists: return "read_checklists";
    case P::kReadAssessmentDetail: return "read_assessment_detail";
    case P::kReadStatus: return "read_status";
    case P::kReadAudit: return "read_audit";
  }
  return "unknown";
}

const std::set<Permission>& PermissionsOf(Role role) {
  return RoleMatrix().at(role);
}

bool RoleGrants(Role role, Permission permission) {
  return PermissionsOf(role).count(permission) > 0;
}

bool AnyRoleGrants(const std::set<Role>& roles, Permission permission) {
  for (Role role : roles) {
    if (RoleGrants(role, permission)) return true;
  }
  return false;
}

const std::map<std::string, MethodAccess, std::less<>>& MethodAccessTable() {
  constexpr CallKind kRead = CallKind::kRead;
  constexpr CallKind kMutation = CallKind::kMutation;
  static const auto* const table =
      new std::map<std::string, MethodAccess, std::less<>>{
          // ---- PolicyService. Reads are open at the door (kPublicRead):
          // the domain shows each caller only the revisions its
          // kRead*Revisions / kReadDrafts permissions allow.
          {"/seccoord.v1.PolicyService/ListDocuments", {P::kPublicRead, kRead}},
          {"/seccoord.v1.PolicyService/GetDocument", {P::kPublicRead, kRead}},
          {"/seccoord.v1.PolicyService/ListRevisions", {P::kPublicRead, kRead}},
          {"/seccoord.v1.PolicyService/GetRevision", {P::kPublicRead, kRead}},
          {"/seccoord.v1.PolicyService/DiffRevisions", {P::kPublicRead, kRead}},
          {"/seccoord.v1.PolicyService/WatchRevisionEvents",
           {P::kPublicRead, kRead}},
          {"/seccoord.v1.PolicyService/CreateRevision",
           {P::kEditDrafts, kMutation}},
          {"/seccoord.v1.PolicyService/UpdateRevision",
           {P::kEditDrafts, kMutation}},
          {"/seccoord.v1.PolicyService/SubmitRevision",
           {P::kEditDrafts, kMutation}},
          // Withdrawing abandons an unpublished revision: an editor's act.
          // (Whether an APPROVED one may be withdrawn by staff is the
          // domain's call.)
          {"/seccoord.v1.PolicyService/WithdrawRevision",
           {P::kEditDrafts, kMutation}},
          {"/seccoord.v1.PolicyService/ApproveRevision",
           {P::kApprovePublish, kMutation}},
          {"/seccoord.v1.PolicyService/PublishRevision",
           {P::kApprovePublish, kMutation}},
          {"/seccoord.v1.PolicyService/AcknowledgeRevision",
           {P::kAcknowledge, kMutation}},
          // Coverage names who acknowledged: shown to those who take part in
          // acknowledging, never to anonymous callers.
          {"/seccoord.v1.PolicyService/ListAcknowledgements",
           {P::kAcknowledge, kRead}},
          {"/seccoord.v1.PolicyService/AddRevisionComment",
           {P::kCommentDrafts, kMutation}},
          {"/seccoord.v1.PolicyService/ListRevisionComments",
           {P::kReadDrafts, kRead}},

          // ---- AssetService.
          {"/seccoord.v1.AssetService/GetAsset", {P::kReadAssets, kRead}},
          {"/seccoord.v1.AssetService/ListAssets", {P::kReadAssets, kRead}},
          {"/seccoord.v1.AssetService/ListAssetHistory",
           {P::kReadAssets, kRead}},
          {"/seccoord.v1.AssetService/ListFindings", {P::kReadAssets, kRead}},
          {"/seccoord.v1.AssetService/ExportAssets", {P::kReadAssets, kRead}},
          {"/seccoord.v1.AssetService/GetFindingsSummary",
           {P::kReadFindingsSummary, kRead}},
          {"/seccoord.v1.AssetService/CreateAsset",
           {P::kWriteAssets, kMutation}},
          {"/seccoord.v1.AssetService/UpdateAsset",
           {P::kWriteAssets, kMutation}},
          {"/seccoord.v1.AssetService/RetireAsset",
           {P::kWriteAssets, kMutation}},
          {"/seccoord.v1.AssetService/ImportAssets",
           {P::kWriteAssets, kMutation}},

          // ---- AssessmentService.
          // Checklists: those who fill in or review an inspection
          // (DESIGN.md "read checklists").
          {"/seccoord.v1.AssessmentService/GetChecklist",
           {P::kReadChecklists, kRead}},
          {"/seccoord.v1.AssessmentService/ListChecklists",
           {P::kReadChecklists, kRead}},
          // Detail: the domain shows union staff their own organisation's
          // assessments only (another's is NOT_FOUND), advisors all.
          {"/seccoord.v1.AssessmentService/GetAssessment",
           {P::kReadAssessmentDetail, kRead}},
          {"/seccoord.v1.AssessmentService/ListAssessments",
           {P::kReadAssessmentDetail, kRead}},
          {"/seccoord.v1.AssessmentService/GetAdvice",
           {P::kReadAssessmentDetail, kRead}},
          {"/seccoord.v1.AssessmentService/ListAdvice",
           {P::kReadAssessmentDetail, kRead}},
          // Events for reviewers (submitted) and the union (advice sent).
          {"/seccoord.v1.AssessmentService/WatchAssessmentEvents",
           {P::kReadAssessmentDetail, kRead}},
          // Comparison shows both answers of changed items: detail.
          {"/seccoord.v1.AssessmentService/CompareAssessments",
           {P::kReadAssessmentDetail, kRead}},
          // Summary figures of every organisation, members included.
          {"/seccoord.v1.AssessmentService/GetOrganizationStatus",
           {P::kReadStatus, kRead}},
          {"/seccoord.v1.AssessmentService/GetFederationStatus",
           {P::kReadStatus, kRead}},
          // The assessed organisation fills in, submits and answers advice
          // (the domain checks "own organisation")...
          {"/seccoord.v1.AssessmentService/CreateAssessment",
           {P::kWriteAssessment, kMutation}},
          {"/seccoord.v1.AssessmentService/UpdateAnswers",
           {P::kWriteAssessment, kMutation}},
          {"/seccoord.v1.AssessmentService/SubmitAssessment",
           {P::kWriteAssessment, kMutation}},
          {"/seccoord.v1.AssessmentService/AnswerAdvice",
           {P::kWriteAssessment, kMutation}},
          // ...and the advisor reviews, reopens, advises, closes and reopens
          // advice (the domain checks "never one's own organisation").
          {"/seccoord.v1.AssessmentService/ReviewAssessment",
           {P::kReviewAssessment, kMutation}},
          {"/seccoord.v1.AssessmentService/ReopenAssessment",
           {P::kReviewAssessment, kMutation}},
          {"/seccoord.v1.AssessmentService/SendAdvice",
           {P::kReviewAssessment, kMutation}},
          {"/seccoord.v1.AssessmentService/CloseAdvice",
           {P::kReviewAssessment, kMutation}},
          {"/seccoord.v1.AssessmentService/ReopenAdvice",
           {P::kReviewAssessment, kMutation}},

          // ---- AuditService (served by every server).
          {"/seccoord.v1.AuditService/ListAuditEntries",
           {P::kReadAudit, kRead}},
          {"/seccoord.v1.AuditService/VerifyAuditChain",
           {P::kReadAudit, kRead}},
      };
  return *table;
}

const MethodAccess* FindMethodAccess(std::string_view full_method) {
  const auto& table = MethodAccessTable();
  auto it = table.find(full_method);
  return it == table.end() ? nullptr : &it->second;
}

}  // namespace seccoord::runtime
