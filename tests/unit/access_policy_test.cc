// The access policy file: parsing, validation, role resolution.
#include "services/runtime/auth/access_policy.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace seccoord::runtime {
namespace {

Principal P(const std::string& uri) {
  absl::StatusOr<Principal> principal = ParsePrincipalUri(uri);
  EXPECT_TRUE(principal.ok()) << principal.status();
  return principal.value_or(Principal{});
}

std::string DeployPolicyPath() {
  const char* source = std::getenv("SECCOORD_SOURCE_DIR");
  return std::string(source == nullptr ? "." : source) +
         "/deploy/access-policy.yaml";
}

TEST(AccessPolicyTest, TheDeployedExampleGivesTheSampleRoles) {
  absl::StatusOr<AccessPolicy> policy =
      AccessPolicy::LoadFile(DeployPolicyPath(), /*allow_anonymous=*/false);
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->RolesOf(P("seccoord://kasama-union/staff1")),
            std::set<Role>{Role::kUnionStaff});
  EXPECT_EQ(policy->RolesOf(P("seccoord://kasama-union/admin1")),
            std::set<Role>{Role::kUnionAdmin});
  EXPECT_EQ(policy->RolesOf(P("seccoord://kasama-union/admin2")),
            std::set<Role>{Role::kUnionAdmin});
  EXPECT_EQ(policy->RolesOf(P("seccoord://kasama-city/advisor1")),
            std::set<Role>{Role::kAdvisor});
  EXPECT_EQ(policy->RolesOf(P("seccoord://mito-city/member1")),
            std::set<Role>{Role::kMember});
  EXPECT_EQ(policy->RolesOf(P("seccoord://shirosato-town/member1")),
            std::set<Role>{Role::kMember});
  EXPECT_EQ(policy->RolesOf(P("seccoord://service/assessmentd")),
            std::set<Role>{Role::kService});
  // Not listed: nothing.
  EXPECT_TRUE(policy->RolesOf(P("seccoord://kasama-union/someone")).empty());
  EXPECT_TRUE(policy->RolesOf(P("seccoord://service/policyd")).empty());
  EXPECT_TRUE(policy->RolesOf(Principal::Anonymous()).empty());
}

TEST(AccessPolicyTest, PrincipalEntryReplacesOrganizationRoles) {
  absl::StatusOr<AccessPolicy> policy = AccessPolicy::Parse(R"(
organizations:
  kasama-city: [advisor]
principals:
  seccoord://kasama-city/clerk: [member]
  seccoord://kasama-city/former: []
)",
                                                            false);
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->RolesOf(P("seccoord://kasama-city/advisor9")),
            std::set<Role>{Role::kAdvisor});
  EXPECT_EQ(policy->RolesOf(P("seccoord://kasama-city/clerk")),
            std::set<Role>{Role::kMember});
  EXPECT_TRUE(policy->RolesOf(P("seccoord://kasama-city/former")).empty());
}

TEST(AccessPolicyTest, AnonymousAccess) {
  absl::StatusOr<AccessPolicy> on = AccessPolicy::Parse(
      "principals:\n  seccoord://kasama-union/admin1: [union_admin]\n", true);
  ASSERT_TRUE(on.ok());
  EXPECT_EQ(on->RolesOf(Principal::Anonymous()), std::set<Role>{Role::kAnonymous});
  // A certificate never gets less than no certificate.
  EXPECT_EQ(on->RolesOf(P("seccoord://mito-city/nobody")),
            std::set<Role>{Role::kAnonymous});
  EXPECT_EQ(on->RolesOf(P("seccoord://kasama-union/admin1")),
            std::set<Role>{Role::kUnionAdmin});

  absl::StatusOr<AccessPolicy> off = AccessPolicy::Parse(
      "principals:\n  seccoord://kasama-union/admin1: [union_admin]\n", false);
  ASSERT_TRUE(off.ok());
  EXPECT_TRUE(off->RolesOf(Principal::Anonymous()).empty());
}

TEST(AccessPolicyTest, EmptyFileIsAnEmptyPolicy) {
  absl::StatusOr<AccessPolicy> policy = AccessPolicy::Parse("", false);
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_TRUE(policy->RolesOf(P("seccoord://kasama-union/admin1")).empty());
}

void ExpectRefused(const std::string& yaml, const std::string& must_mention) {
  absl::StatusOr<AccessPolicy> policy = AccessPolicy::Parse(yaml, false, "test.yaml");
  ASSERT_FALSE(policy.ok()) << yaml;
  EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(policy.status().message()).find(must_mention),
            std::string::npos)
      << policy.status() << " should mention " << must_mention;
  EXPECT_NE(std::string(policy.status().message()).find("test.yaml"),
            std::string::npos);
}

TEST(AccessPolicyTest, RefusesMalformedPolicies) {
  ExpectRefused("principals:\n  seccoord://kasama-union/admin1: [superuser]\n",
                "principals.seccoord://kasama-union/admin1");
  ExpectRefused("principals:\n  seccoord://kasama-union/admin1: [superuser]\n",
                "unknown role \"superuser\"");
  ExpectRefused("organizations:\n  mito-city: [member, root]\n",
                "organizations.mito-city");
  ExpectRefused("organizations:\n  Mito_City: [member]\n",
                "organizations.Mito_City");
  ExpectRefused("principals:\n  https://x/y: [member]\n", "principals.https://x/y");
  ExpectRefused("principals:\n  seccoord://a/b: member\n", "must be a list");
  ExpectRefused("principals:\n  seccoord://a/b: [anonymous]\n",
                "anonymous cannot be assigned");
  ExpectRefused("roles:\n  x: [member]\n", "unknown key");
  ExpectRefused("- a\n- b\n", "top level");
  ExpectRefused("principals: [\n", "YAML");
  ExpectRefused("principals:\n  seccoord://a/b: [member]\n  seccoord://a/b: [advisor]\n",
                "seccoord://a/b");
}

TEST(AccessPolicyTest, MissingFileIsNotFound) {
  EXPECT_EQ(AccessPolicy::LoadFile("/nonexistent/policy.yaml", false).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace seccoord::runtime
