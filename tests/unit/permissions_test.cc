// THE permission table against the API, and the role matrix against
// DESIGN.md's table.
#include "services/runtime/auth/permissions.h"

#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "seccoord/v1/assessment.grpc.pb.h"
#include "seccoord/v1/asset.grpc.pb.h"
#include "seccoord/v1/audit.grpc.pb.h"
#include "seccoord/v1/policy.grpc.pb.h"

namespace seccoord::runtime {
namespace {

using google::protobuf::DescriptorPool;
using google::protobuf::FileDescriptor;
using google::protobuf::MethodDescriptor;
using google::protobuf::ServiceDescriptor;

// The generated descriptors register themselves when their object files are
// linked; naming one message of each file makes sure they are.
std::vector<const FileDescriptor*> ApiFiles() {
  return {
      v1::GetRevisionRequest::descriptor()->file(),
      v1::GetAssetRequest::descriptor()->file(),
      v1::GetAssessmentRequest::descriptor()->file(),
      v1::ListAuditEntriesRequest::descriptor()->file(),
  };
}

// Every method of every service in package seccoord.v1, as
// "/seccoord.v1.Service/Method".
std::set<std::string> ApiMethods() {
  std::set<std::string> methods;
  for (const FileDescriptor* file : ApiFiles()) {
    EXPECT_EQ(file->package(), "seccoord.v1") << file->name();
    for (int s = 0; s < file->service_count(); ++s) {
      const ServiceDescriptor* service = file->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        methods.insert("/" + service->full_name() + "/" +
                       service->method(m)->name());
      }
    }
  }
  return methods;
}

TEST(MethodAccessTableTest, TheFourServicesAreThere) {
  const DescriptorPool* pool = DescriptorPool::generated_pool();
  ApiFiles();  // link the generated code
  for (const char* name :
       {"seccoord.v1.PolicyService", "seccoord.v1.AssetService",
        "seccoord.v1.AssessmentService", "seccoord.v1.AuditService"}) {
    const ServiceDescriptor* service = pool->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name;
    EXPECT_GT(service->method_count(), 0) << name;
  }
}

TEST(MethodAccessTableTest, EveryRpcHasARow) {
  std::set<std::string> methods = ApiMethods();
  ASSERT_GT(methods.size(), 40u) << "the API descriptors look incomplete";
  for (const std::string& method : methods) {
    EXPECT_NE(FindMethodAccess(method), nullptr)
        << method << " has no row in MethodAccessTable() (permissions.cc): "
        << "every RPC needs one, or it is refused";
  }
}

TEST(MethodAccessTableTest, EveryRowNamesAnExistingRpc) {
  const DescriptorPool* pool = DescriptorPool::generated_pool();
  ApiFiles();
  for (const auto& [method, access] : MethodAccessTable()) {
    ASSERT_GE(method.size(), 3u);
    ASSERT_EQ(method[0], '/') << method;
    size_t slash = method.find('/', 1);
    ASSERT_NE(slash, std::string::npos) << method;
    std::string service_name = method.substr(1, slash - 1);
    std::string method_name = method.substr(slash + 1);
    const ServiceDescriptor* service = pool->FindServiceByName(service_name);
    ASSERT_NE(service, nullptr)
        << method << ": no service " << service_name;
    EXPECT_NE(service->FindMethodByName(method_name), nullptr)
        << method << ": no such method in " << service_name;
  }
}

TEST(MethodAccessTableTest, HealthAndReflectionAreOutsideTheTable) {
  for (const auto& [method, access] : MethodAccessTable()) {
    EXPECT_EQ(method.rfind("/seccoord.v1.", 0), 0u) << method;
  }
  EXPECT_EQ(FindMethodAccess("/grpc.health.v1.Health/Check"), nullptr);
  EXPECT_EQ(FindMethodAccess("/seccoord.v1.PolicyService/NoSuchMethod"),
            nullptr);
}

// Methods whose names say they change state are mutations, and only they.
TEST(MethodAccessTableTest, MutationsAreMarked) {
  const std::vector<std::string> mutating_verbs = {
      "Create", "Update", "Submit", "Approve", "Publish", "Withdraw",
      "Acknowledge", "Add", "Retire", "Import", "Review", "Answer", "Close",
      "Reopen", "Send"};
  for (const auto& [method, access] : MethodAccessTable()) {
    std::string name = method.substr(method.rfind('/') + 1);
    bool mutating = false;
    for (const std::string& verb : mutating_verbs) {
      if (name.rfind(verb, 0) == 0) mutating = true;
    }
    EXPECT_EQ(access.kind == CallKind::kMutation, mutating) << method;
  }
}

TEST(MethodAccessTableTest, SelectedRows) {
  auto permission_of = [](const std::string& method) {
    const MethodAccess* access = FindMethodAccess(method);
    EXPECT_NE(access, nullptr) << method;
    return access == nullptr ? Permission::kReadAudit : access->permission;
  };
  EXPECT_EQ(permission_of("/seccoord.v1.PolicyService/GetRevision"),
            Permission::kPublicRead);
  EXPECT_EQ(permission_of("/seccoord.v1.PolicyService/PublishRevision"),
            Permission::kApprovePublish);
  EXPECT_EQ(permission_of("/seccoord.v1.PolicyService/CreateRevision"),
            Permission::kEditDrafts);
  EXPECT_EQ(permission_of("/seccoord.v1.AssetService/GetFindingsSummary"),
            Permission::kReadFindingsSummary);
  EXPECT_EQ(permission_of("/seccoord.v1.AssessmentService/ReviewAssessment"),
            Permission::kReviewAssessment);
  EXPECT_EQ(permission_of("/seccoord.v1.AuditService/VerifyAuditChain"),
            Permission::kReadAudit);
}

// DESIGN.md's table, one row per line: which of union_staff, union_admin,
// advisor, member, anonymous has the permission.
struct MatrixRow {
  Permission permission;
  bool staff, admin, advisor, member, anonymous;
};

const std::vector<MatrixRow>& DesignTable() {
  static const auto* const rows = new std::vector<MatrixRow>{
      {Permission::kPublicRead, true, true, true, true, true},
      {Permission::kReadPublicRevisions, true, true, true, true, true},
      {Permission::kReadMembersRevisions, true, true, true, true, false},
      {Permission::kReadUnionOnlyRevisions, true, true, true, false, false},
      {Permission::kReadDrafts, true, true, true, false, false},
      {Permission::kCommentDrafts, true, true, true, false, false},
      {Permission::kEditDrafts, true, true, false, false, false},
      {Permission::kApprovePublish, false, true, false, false, false},
      {Permission::kAcknowledge, true, true, true, true, false},
      {Permission::kReadAssets, true, true, true, false, false},
      {Permission::kReadFindingsSummary, true, true, true, false, false},
      {Permission::kWriteAssets, true, true, false, false, false},
      {Permission::kWriteAssessment, true, true, false, false, false},
      {Permission::kReviewAssessment, false, false, true, false, false},
      {Permission::kReadChecklists, true, true, true, false, false},
      {Permission::kReadAssessmentDetail, true, true, true, false, false},
      {Permission::kReadStatus, true, true, true, true, false},
      {Permission::kReadAudit, false, true, true, false, false},
  };
  return *rows;
}

TEST(RoleMatrixTest, MatchesTheDesignTable) {
  ASSERT_EQ(DesignTable().size(), AllPermissions().size())
      << "a permission is missing from this test's copy of the table";
  for (const MatrixRow& row : DesignTable()) {
    SCOPED_TRACE(std::string(PermissionName(row.permission)));
    EXPECT_EQ(RoleGrants(Role::kUnionStaff, row.permission), row.staff);
    EXPECT_EQ(RoleGrants(Role::kUnionAdmin, row.permission), row.admin);
    EXPECT_EQ(RoleGrants(Role::kAdvisor, row.permission), row.advisor);
    EXPECT_EQ(RoleGrants(Role::kMember, row.permission), row.member);
    EXPECT_EQ(RoleGrants(Role::kAnonymous, row.permission), row.anonymous);
  }
}

TEST(RoleMatrixTest, SpotChecks) {
  EXPECT_FALSE(RoleGrants(Role::kMember, Permission::kReadUnionOnlyRevisions));
  EXPECT_FALSE(RoleGrants(Role::kAdvisor, Permission::kEditDrafts));
  EXPECT_FALSE(RoleGrants(Role::kUnionStaff, Permission::kApprovePublish));
  EXPECT_FALSE(RoleGrants(Role::kUnionAdmin, Permission::kReviewAssessment));
  EXPECT_FALSE(RoleGrants(Role::kUnionStaff, Permission::kReadAudit));
  EXPECT_EQ(PermissionsOf(Role::kAnonymous),
            (std::set<Permission>{Permission::kPublicRead,
                                  Permission::kReadPublicRevisions}));
}

TEST(RoleMatrixTest, ServiceRoleReadsPublishedRevisionsAndFindingsSummaryOnly) {
  EXPECT_EQ(PermissionsOf(Role::kService),
            (std::set<Permission>{Permission::kPublicRead,
                                  Permission::kReadPublicRevisions,
                                  Permission::kReadMembersRevisions,
                                  Permission::kReadUnionOnlyRevisions,
                                  Permission::kReadFindingsSummary}));
  // What the assessment service calls.
  for (const char* method : {"/seccoord.v1.PolicyService/GetRevision",
                             "/seccoord.v1.PolicyService/ListDocuments",
                             "/seccoord.v1.AssetService/GetFindingsSummary"}) {
    EXPECT_TRUE(RoleGrants(Role::kService, FindMethodAccess(method)->permission))
        << method;
  }
  EXPECT_FALSE(RoleGrants(Role::kService, Permission::kReadDrafts));
  EXPECT_FALSE(RoleGrants(Role::kService, Permission::kReadAssets));
}

TEST(RoleNamesTest, RoundTrip) {
  for (Role role : AllRoles()) {
    EXPECT_EQ(ParseRole(RoleName(role)), role);
  }
  EXPECT_FALSE(ParseRole("admin").has_value());
  EXPECT_FALSE(ParseRole("Union_Admin").has_value());
  std::set<std::string_view> names;
  for (Permission permission : AllPermissions()) {
    EXPECT_TRUE(names.insert(PermissionName(permission)).second);
  }
}

}  // namespace
}  // namespace seccoord::runtime
