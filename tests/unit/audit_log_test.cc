// The audit chain on both drivers: appending, listing, and verification that
// names the first altered, removed or reordered entry.
#include "services/runtime/audit/audit_log.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/runtime/db/migrations.h"
#include "tests/support/test_database.h"

namespace seccoord::runtime {
namespace {

#define RT_ASSERT_OK(expr)                                \
  do {                                                    \
    const ::absl::Status rt_status_ = (expr);             \
    ASSERT_TRUE(rt_status_.ok()) << rt_status_;           \
  } while (false)

AuditRecord Record(int i, AuditOutcome outcome = AuditOutcome::kOk) {
  AuditRecord record;
  record.principal = "seccoord://kasama-union/admin1";
  record.method = "/seccoord.v1.PolicyService/PublishRevision";
  record.target = absl::StrCat("documents/basic-policy/revisions/", i);
  record.outcome = outcome;
  record.status_code = outcome == AuditOutcome::kOk ? "OK" : "PERMISSION_DENIED";
  record.detail = outcome == AuditOutcome::kOk ? "" : "lacks permission";
  return record;
}

class AuditLogTest : public seccoord::testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    RT_ASSERT_OK(db::ApplyMigrations(db(), AuditLog::kMigrationComponent,
                                     AuditLog::Migrations()));
    int64_t fake_time = 1775001600000000;  // 2026-04-01T00:00:00Z
    log_ = std::make_unique<AuditLog>(db(), [fake_time]() mutable {
      return fake_time++;
    });
  }

  void AppendN(int n) {
    for (int i = 1; i <= n; ++i) {
      absl::StatusOr<AuditEntry> entry = log_->Append(Record(i));
      ASSERT_TRUE(entry.ok()) << entry.status();
    }
  }

  // Runs a statement in its own transaction (tampering "via SQL").
  void Sql(const std::string& sql, const db::Params& params = {}) {
    auto tx = db().Begin(db::TxMode::kReadWrite);
    ASSERT_TRUE(tx.ok()) << tx.status();
    absl::StatusOr<int64_t> changed = (*tx)->Execute(sql, params);
    ASSERT_TRUE(changed.ok()) << changed.status();
    RT_ASSERT_OK((*tx)->Commit());
  }

  AuditVerification Verify() {
    absl::StatusOr<AuditVerification> result = log_->Verify();
    EXPECT_TRUE(result.ok()) << result.status();
    return result.value_or(AuditVerification{});
  }

  std::unique_ptr<AuditLog> log_;
};

TEST_P(AuditLogTest, EmptyChainIsIntact) {
  AuditVerification v = Verify();
  EXPECT_TRUE(v.intact);
  EXPECT_EQ(v.entries_checked, 0);
  EXPECT_EQ(v.first_bad_sequence, 0);
  EXPECT_EQ(v.head_hash, "");
}

TEST_P(AuditLogTest, AppendsALinkedChain) {
  absl::StatusOr<AuditEntry> first = log_->Append(Record(1));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->sequence, 1);
  EXPECT_EQ(first->previous_hash, "");
  EXPECT_EQ(first->hash.size(), 64u);
  EXPECT_EQ(first->hash, AuditEntryHash("", *first));
  absl::StatusOr<AuditEntry> second = log_->Append(Record(2, AuditOutcome::kDenied));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->sequence, 2);
  EXPECT_EQ(second->previous_hash, first->hash);
  EXPECT_EQ(second->hash, AuditEntryHash(first->hash, *second));

  AuditVerification v = Verify();
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.entries_checked, 2);
  EXPECT_EQ(v.head_hash, second->hash);
}

TEST_P(AuditLogTest, CanonicalEncodingIsPinned) {
  AuditEntry entry;
  entry.sequence = 7;
  entry.time_us = 12;
  entry.principal = "p";
  entry.method = "/m";
  entry.target = "";
  entry.outcome = AuditOutcome::kDenied;
  entry.status_code = "PERMISSION_DENIED";
  entry.detail = "a,b:c";
  EXPECT_EQ(CanonicalAuditEntry(entry),
            "17:seccoord-audit-v1,1:7,2:12,1:p,2:/m,0:,6:DENIED,"
            "17:PERMISSION_DENIED,5:a,b:c,");
}

TEST_P(AuditLogTest, ListsInPagesWithFilter) {
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(log_->Append(Record(i, i % 2 == 0 ? AuditOutcome::kDenied
                                                  : AuditOutcome::kOk))
                    .ok());
  }
  absl::StatusOr<AuditPage> page = log_->List(0, 2);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->entries.size(), 2u);
  EXPECT_EQ(page->entries[0].sequence, 1);
  EXPECT_EQ(page->entries[1].sequence, 2);
  EXPECT_TRUE(page->more);
  page = log_->List(4, 2);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_EQ(page->entries[0].sequence, 5);
  EXPECT_FALSE(page->more);

  page = log_->List(0, 10, AuditOutcome::kDenied);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->entries.size(), 2u);
  EXPECT_EQ(page->entries[0].sequence, 2);
  EXPECT_EQ(page->entries[1].sequence, 4);
  EXPECT_EQ(page->entries[0].outcome, AuditOutcome::kDenied);
  EXPECT_EQ(page->entries[0].detail, "lacks permission");

  EXPECT_EQ(log_->List(0, 0).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->List(0, kMaxAuditPageSize + 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->List(-1, 10).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(AuditLogTest, AlteredRowIsNamed) {
  AppendN(5);
  Sql("UPDATE audit_entries SET principal = 'seccoord://kasama-union/staff1'"
      " WHERE sequence = 3");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_sequence, 3);
  EXPECT_NE(v.problem.find("altered"), std::string::npos) << v.problem;
}

TEST_P(AuditLogTest, AlteredOutcomeIsNamed) {
  AppendN(3);
  Sql("UPDATE audit_entries SET outcome = 'FAILED' WHERE sequence = 2");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_sequence, 2);
}

TEST_P(AuditLogTest, DeletedRowIsNamed) {
  AppendN(5);
  Sql("DELETE FROM audit_entries WHERE sequence = 3");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_sequence, 3);
  EXPECT_NE(v.problem.find("entry 3 removed"), std::string::npos) << v.problem;
}

TEST_P(AuditLogTest, DeletedFirstRowIsNamed) {
  AppendN(3);
  Sql("DELETE FROM audit_entries WHERE sequence = 1");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_sequence, 1);
}

TEST_P(AuditLogTest, DeletedLastRowIsNamed) {
  AppendN(4);
  Sql("DELETE FROM audit_entries WHERE sequence = 4");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_sequence, 4);
  EXPECT_NE(v.problem.find("removed"), std::string::npos) << v.problem;
}

TEST_P(AuditLogTest, RenumberedTailAfterDeletionIsNamed) {
  // Deleting entry 3 and moving 4 and 5 down leaves no gap; the links break.
  AppendN(5);
  Sql("DELETE FROM audit_entries WHERE sequence = 3");
  Sql("UPDATE audit_entries SET sequence = sequence - 1 WHERE sequence > 3");
  Sql("UPDATE audit_head SET last_sequence = 4 WHERE id = 1");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_sequence, 3);
}

TEST_P(AuditLogTest, SwappedRowsNameTheFirst) {
  AppendN(6);
  // Reorder: entries 2 and 5 trade places (all content moves with them).
  Sql("UPDATE audit_entries SET sequence = -1 WHERE sequence = 2");
  Sql("UPDATE audit_entries SET sequence = 2 WHERE sequence = 5");
  Sql("UPDATE audit_entries SET sequence = 5 WHERE sequence = -1");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_sequence, 2);
}

TEST_P(AuditLogTest, SwappedAdjacentRowsNameTheFirst) {
  AppendN(4);
  Sql("UPDATE audit_entries SET sequence = -1 WHERE sequence = 2");
  Sql("UPDATE audit_entries SET sequence = 2 WHERE sequence = 3");
  Sql("UPDATE audit_entries SET sequence = 3 WHERE sequence = -1");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_sequence, 2);
  EXPECT_NE(v.problem.find("link"), std::string::npos) << v.problem;
}

TEST_P(AuditLogTest, SwappedPayloadsWithLinksKeptNameTheFirst) {
  // A subtler reorder: the payload columns trade places, the hash columns
  // stay where they were.
  AppendN(4);
  Sql("UPDATE audit_entries SET target = 'swap' WHERE sequence = 2");
  Sql("UPDATE audit_entries SET target = 'documents/basic-policy/revisions/2'"
      " WHERE sequence = 3");
  Sql("UPDATE audit_entries SET target = 'documents/basic-policy/revisions/3'"
      " WHERE sequence = 2");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_sequence, 2);
}

TEST_P(AuditLogTest, RewrittenHashBreaksTheNextLink) {
  AppendN(3);
  Sql("UPDATE audit_entries SET hash = $1 WHERE sequence = 3",
      {std::string(64, 'a')});
  AuditVerification v = Verify();
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_sequence, 3);
}

TEST_P(AuditLogTest, AppendInCommitsWithTheCallersTransaction) {
  {
    auto tx = db().Begin(db::TxMode::kReadWrite);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(log_->AppendIn(**tx, Record(1)).ok());
    // Not committed: rolled back on destruction.
  }
  absl::StatusOr<AuditPage> page = log_->List(0, 10);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->entries.empty());
  {
    auto tx = db().Begin(db::TxMode::kReadWrite);
    ASSERT_TRUE(tx.ok());
    absl::StatusOr<AuditEntry> entry = log_->AppendIn(**tx, Record(1));
    ASSERT_TRUE(entry.ok());
    EXPECT_EQ(entry->sequence, 1);  // the rolled-back number is reused
    RT_ASSERT_OK((*tx)->Commit());
  }
  EXPECT_TRUE(Verify().intact);
}

TEST_P(AuditLogTest, SanitizesWhatItStores) {
  AuditRecord record = Record(1, AuditOutcome::kFailed);
  record.detail = std::string("bad\xff utf8 and a NUL \0 byte", 26) +
                  std::string(5000, 'x');
  record.target = "対象/ターゲット";
  absl::StatusOr<AuditEntry> entry = log_->Append(record);
  ASSERT_TRUE(entry.ok()) << entry.status();
  EXPECT_EQ(entry->detail.size(), kMaxAuditDetailBytes);
  EXPECT_EQ(entry->detail.substr(0, 8), "bad? utf");
  EXPECT_EQ(entry->detail.find('\0'), std::string::npos);
  absl::StatusOr<AuditPage> page = log_->List(0, 1);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->entries[0].detail, entry->detail);
  EXPECT_EQ(page->entries[0].target, "対象/ターゲット");
  EXPECT_TRUE(Verify().intact);
}

TEST_P(AuditLogTest, ConcurrentAppendsKeepTheChainIntact) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        absl::StatusOr<AuditEntry> entry =
            log_->Append(Record(t * 1000 + i));
        if (!entry.ok()) {
          ADD_FAILURE() << entry.status();
          ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_EQ(failures.load(), 0);
  AuditVerification v = Verify();
  EXPECT_TRUE(v.intact) << v.first_bad_sequence << ": " << v.problem;
  EXPECT_EQ(v.entries_checked, kThreads * kPerThread);
}

TEST_P(AuditLogTest, ConcurrentAppendsFromTwoReplicas) {
  // Two Database objects on the same data, as two server replicas would be.
  absl::StatusOr<std::unique_ptr<db::Database>> other = test_db().OpenAnother();
  ASSERT_TRUE(other.ok()) << other.status();
  AuditLog other_log(**other);
  std::thread a([&] {
    for (int i = 0; i < 20; ++i) EXPECT_TRUE(log_->Append(Record(i)).ok());
  });
  std::thread b([&] {
    for (int i = 0; i < 20; ++i) EXPECT_TRUE(other_log.Append(Record(i)).ok());
  });
  a.join();
  b.join();
  AuditVerification v = Verify();
  EXPECT_TRUE(v.intact) << v.first_bad_sequence << ": " << v.problem;
  EXPECT_EQ(v.entries_checked, 40);
}

TEST_P(AuditLogTest, VerifiesLongChainsAcrossPages) {
  // More than one Verify page (1000 entries), in one transaction for speed.
  {
    auto tx = db().Begin(db::TxMode::kReadWrite);
    ASSERT_TRUE(tx.ok());
    for (int i = 0; i < 1205; ++i) {
      ASSERT_TRUE(log_->AppendIn(**tx, Record(i)).ok());
    }
    RT_ASSERT_OK((*tx)->Commit());
  }
  EXPECT_TRUE(Verify().intact);
  Sql("UPDATE audit_entries SET detail = 'x' WHERE sequence = 1100");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_sequence, 1100);
  EXPECT_EQ(v.entries_checked, 1100);
}

SECCOORD_INSTANTIATE_DATABASE_TEST(AuditLogTest);

}  // namespace
}  // namespace seccoord::runtime
