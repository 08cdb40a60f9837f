// RpcGuard: the door's decisions and what they write to the audit chain,
// driven through a fake auth context holding the dev certificates.
#include "services/runtime/server/rpc_guard.h"

#include <grpc/grpc_security_constants.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "services/runtime/db/migrations.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace seccoord::runtime {
namespace {

// An auth context with only the peer certificate property (or nothing).
class FakeAuthContext : public grpc::AuthContext {
 public:
  explicit FakeAuthContext(std::string pem) : pem_(std::move(pem)) {}

  bool IsPeerAuthenticated() const override { return !pem_.empty(); }
  std::vector<grpc::string_ref> GetPeerIdentity() const override { return {}; }
  std::string GetPeerIdentityPropertyName() const override { return ""; }
  std::vector<grpc::string_ref> FindPropertyValues(
      const std::string& name) const override {
    if (name != GRPC_X509_PEM_CERT_PROPERTY_NAME || pem_.empty()) return {};
    return {grpc::string_ref(pem_)};
  }
  grpc::AuthPropertyIterator begin() const override { return EmptyIterator(); }
  grpc::AuthPropertyIterator end() const override { return EmptyIterator(); }
  void AddProperty(const std::string&, const grpc::string_ref&) override {}
  bool SetPeerIdentityPropertyName(const std::string&) override { return false; }

 private:
  struct EmptyIterator : grpc::AuthPropertyIterator {
    EmptyIterator() = default;
  };
  std::string pem_;
};

std::string ReadCert(const std::string& name) {
  std::ifstream in(seccoord::testing::TestCertDir() + "/" + name + ".crt");
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_FALSE(text.str().empty()) << name;
  return text.str();
}

constexpr char kListAudit[] = "/seccoord.v1.AuditService/ListAuditEntries";
constexpr char kGetRevision[] = "/seccoord.v1.PolicyService/GetRevision";
constexpr char kCreateRevision[] = "/seccoord.v1.PolicyService/CreateRevision";

class RpcGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<seccoord::testing::TestDatabase>> db =
        seccoord::testing::TestDatabase::Create("sqlite");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    ASSERT_TRUE(db::ApplyMigrations(db_->db(), AuditLog::kMigrationComponent,
                                    AuditLog::Migrations())
                    .ok());
    audit_ = std::make_unique<AuditLog>(db_->db());
    UsePolicy(/*allow_anonymous=*/false);
  }

  void UsePolicy(bool allow_anonymous) {
    guard_.reset();
    absl::StatusOr<AccessPolicy> policy = AccessPolicy::LoadFile(
        seccoord::testing::TestAccessPolicyPath(), allow_anonymous);
    ASSERT_TRUE(policy.ok()) << policy.status();
    policy_ = std::make_unique<AccessPolicy>(*std::move(policy));
    guard_ = std::make_unique<RpcGuard>(*policy_, *audit_);
  }

  absl::StatusOr<Caller> As(const std::string& cert, const std::string& method) {
    FakeAuthContext context(cert.empty() ? "" : ReadCert(cert));
    return guard_->AuthorizeAuthContext(&context, method, "req-1");
  }

  std::vector<AuditEntry> Entries() {
    absl::StatusOr<AuditPage> page = audit_->List(0, 1000);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->entries : std::vector<AuditEntry>{};
  }

  std::unique_ptr<seccoord::testing::TestDatabase> db_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<AccessPolicy> policy_;
  std::unique_ptr<RpcGuard> guard_;
};

TEST_F(RpcGuardTest, AllowsWhatTheRoleGrants) {
  absl::StatusOr<Caller> caller = As("admin1", kListAudit);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->principal.Uri(), "seccoord://kasama-union/admin1");
  EXPECT_EQ(caller->roles, std::set<Role>{Role::kUnionAdmin});
  EXPECT_EQ(caller->method, kListAudit);
  EXPECT_EQ(caller->request_id, "req-1");
  EXPECT_TRUE(caller->Has(Permission::kApprovePublish));
  EXPECT_FALSE(caller->Has(Permission::kReviewAssessment));
  EXPECT_TRUE(As("advisor1", kListAudit).ok());
  EXPECT_TRUE(As("mito-member1", kGetRevision).ok());
  EXPECT_TRUE(As("assessmentd", kGetRevision).ok());
  EXPECT_TRUE(Entries().empty()) << "allowed reads are not audited";
}

TEST_F(RpcGuardTest, RefusesAndAuditsWhatTheRoleLacks) {
  absl::StatusOr<Caller> caller = As("mito-member1", kListAudit);
  ASSERT_EQ(caller.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(caller.status().message(),
            "seccoord://mito-city/member1 (roles: member) lacks permission "
            "read_audit for method /seccoord.v1.AuditService/ListAuditEntries");
  EXPECT_EQ(As("staff1", kListAudit).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(As("advisor1", kCreateRevision).status().code(),
            absl::StatusCode::kPermissionDenied);
  // policyd's identity has no role at all.
  EXPECT_EQ(As("policyd", kGetRevision).status().code(),
            absl::StatusCode::kPermissionDenied);

  std::vector<AuditEntry> entries = Entries();
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].principal, "seccoord://mito-city/member1");
  EXPECT_EQ(entries[0].method, kListAudit);
  EXPECT_EQ(entries[0].outcome, AuditOutcome::kDenied);
  EXPECT_EQ(entries[0].status_code, "PERMISSION_DENIED");
  EXPECT_NE(entries[0].detail.find("lacks permission read_audit"), std::string::npos);
  EXPECT_EQ(entries[1].principal, "seccoord://kasama-union/staff1");
  EXPECT_EQ(entries[2].principal, "seccoord://kasama-city/advisor1");
  EXPECT_EQ(entries[3].principal, "seccoord://service/policyd");
}

TEST_F(RpcGuardTest, MethodOutsideTheTableIsRefused) {
  absl::StatusOr<Caller> caller =
      As("admin1", "/seccoord.v1.PolicyService/DropEverything");
  ASSERT_EQ(caller.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(std::string(caller.status().message()).find("not in the permission table"),
            std::string::npos);
  ASSERT_EQ(Entries().size(), 1u);
}

TEST_F(RpcGuardTest, NoCertificateWithoutAnonymousAccess) {
  absl::StatusOr<Caller> caller = As("", kGetRevision);
  ASSERT_EQ(caller.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(caller.status().message(), "client certificate required");
  EXPECT_EQ(guard_->AuthorizeAuthContext(nullptr, kGetRevision).status().code(),
            absl::StatusCode::kUnauthenticated);
  std::vector<AuditEntry> entries = Entries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].principal, "anonymous");
  EXPECT_EQ(entries[0].status_code, "UNAUTHENTICATED");
  EXPECT_EQ(entries[0].outcome, AuditOutcome::kDenied);
}

TEST_F(RpcGuardTest, AnonymousAccessReadsPublicOnly) {
  UsePolicy(/*allow_anonymous=*/true);
  absl::StatusOr<Caller> caller = As("", kGetRevision);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_TRUE(caller->principal.anonymous);
  EXPECT_EQ(caller->roles, std::set<Role>{Role::kAnonymous});
  EXPECT_TRUE(caller->Has(Permission::kReadPublicRevisions));
  EXPECT_FALSE(caller->Has(Permission::kReadMembersRevisions));
  absl::StatusOr<Caller> create = As("", kCreateRevision);
  ASSERT_EQ(create.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(create.status().message(),
            "anonymous (roles: anonymous) lacks permission edit_drafts for "
            "method /seccoord.v1.PolicyService/CreateRevision");
}

TEST_F(RpcGuardTest, CertificateWithoutPrincipalIsUnidentified) {
  // The CA certificate has no URI SAN.
  absl::StatusOr<Caller> caller = As("ca", kGetRevision);
  ASSERT_EQ(caller.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(std::string(caller.status().message()).find("no seccoord:// URI SAN"),
            std::string::npos);
  std::vector<AuditEntry> entries = Entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].principal, "unidentified");
}

TEST_F(RpcGuardTest, SameCertificateSameAnswerEveryTime) {
  // The second and later calls are answered from the guard's cache.
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<Caller> admin = As("admin1", kListAudit);
    ASSERT_TRUE(admin.ok()) << admin.status();
    EXPECT_EQ(admin->principal.Uri(), "seccoord://kasama-union/admin1");
    absl::StatusOr<Caller> member = As("mito-member1", kListAudit);
    EXPECT_EQ(member.status().code(), absl::StatusCode::kPermissionDenied);
    // Failures are not remembered as principals.
    EXPECT_EQ(As("ca", kListAudit).status().code(),
              absl::StatusCode::kUnauthenticated);
  }
}

TEST_F(RpcGuardTest, RefusesWhileNotAccepting) {
  guard_->SetAccepting(false);
  EXPECT_EQ(As("admin1", kListAudit).status().code(), absl::StatusCode::kUnavailable);
  guard_->SetAccepting(true);
  EXPECT_TRUE(As("admin1", kListAudit).ok());
}

TEST_F(RpcGuardTest, RecordsMutationsAndLaterDenials) {
  absl::StatusOr<Caller> staff = As("staff1", kCreateRevision);
  ASSERT_TRUE(staff.ok());
  guard_->RecordOutcome(*staff, "documents/standards/revisions/3", absl::OkStatus());
  guard_->RecordOutcome(*staff, "documents/standards/revisions/4",
                        absl::AbortedError("stale etag"));
  // A denial by a per-object check.
  grpc::Status finished = guard_->Finish(
      *staff, "documents/standards/revisions/5",
      RpcGuard::Denied(*staff, "edit a revision that is not a draft"));
  EXPECT_EQ(finished.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  absl::StatusOr<Caller> member = As("mito-member1", kGetRevision);
  ASSERT_TRUE(member.ok());
  guard_->RecordOutcome(*member, "documents/procedures/revisions/1",
                        absl::OkStatus());  // reads: nothing
  guard_->RecordOutcome(*member, "documents/procedures/revisions/1",
                        absl::NotFoundError("no such revision"));  // nothing
  guard_->RecordOutcome(*member, "documents/procedures/revisions/1",
                        absl::PermissionDeniedError("UNION_ONLY"));

  std::vector<AuditEntry> entries = Entries();
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].outcome, AuditOutcome::kOk);
  EXPECT_EQ(entries[0].status_code, "OK");
  EXPECT_EQ(entries[0].target, "documents/standards/revisions/3");
  EXPECT_EQ(entries[0].method, kCreateRevision);
  EXPECT_EQ(entries[1].outcome, AuditOutcome::kFailed);
  EXPECT_EQ(entries[1].status_code, "ABORTED");
  EXPECT_EQ(entries[1].detail, "stale etag");
  EXPECT_EQ(entries[2].outcome, AuditOutcome::kDenied);
  EXPECT_EQ(entries[2].detail,
            "seccoord://kasama-union/staff1 may not edit a revision that is "
            "not a draft");
  EXPECT_EQ(entries[3].outcome, AuditOutcome::kDenied);
  EXPECT_EQ(entries[3].principal, "seccoord://mito-city/member1");
  EXPECT_EQ(entries[3].method, kGetRevision);

  // The explicit form.
  guard_->RecordOutcome(*member, "/seccoord.v1.PolicyService/AcknowledgeRevision",
                        "documents/basic-policy/revisions/1", absl::OkStatus(),
                        /*is_mutation=*/true);
  entries = Entries();
  ASSERT_EQ(entries.size(), 5u);
  EXPECT_EQ(entries[4].method, "/seccoord.v1.PolicyService/AcknowledgeRevision");
  EXPECT_EQ(entries[4].outcome, AuditOutcome::kOk);
}

TEST_F(RpcGuardTest, OutcomeRecordForAppendIn) {
  absl::StatusOr<Caller> staff = As("staff1", kCreateRevision);
  ASSERT_TRUE(staff.ok());
  std::optional<AuditRecord> record =
      guard_->OutcomeRecord(*staff, "documents/basic-policy/revisions/2",
                            absl::OkStatus());
  ASSERT_TRUE(record.has_value());
  auto tx = db_->db().Begin(db::TxMode::kReadWrite);
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE(audit_->AppendIn(**tx, *record).ok());
  ASSERT_TRUE((*tx)->Commit().ok());
  ASSERT_EQ(Entries().size(), 1u);

  absl::StatusOr<Caller> reader = As("staff1", kGetRevision);
  ASSERT_TRUE(reader.ok());
  EXPECT_FALSE(guard_->OutcomeRecord(*reader, "x", absl::OkStatus()).has_value());
}

}  // namespace
}  // namespace seccoord::runtime
