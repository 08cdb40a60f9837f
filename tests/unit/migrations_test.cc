// ApplyMigrations on both drivers: applied once, recorded, atomic per
// migration, several components, concurrent starts.
#include "services/runtime/db/migrations.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/runtime/db/database.h"
#include "tests/support/test_database.h"

namespace seccoord::db {
namespace {

#define MIG_ASSERT_OK(expr)                            \
  do {                                                 \
    const ::absl::Status mig_status_ = (expr);         \
    ASSERT_TRUE(mig_status_.ok()) << mig_status_;      \
  } while (false)

std::vector<Migration> PolicyMigrations() {
  // Plain CREATE TABLE (no IF NOT EXISTS): running one twice would fail.
  return {
      {1, "create policies",
       {"CREATE TABLE policies (id TEXT PRIMARY KEY, title TEXT NOT NULL)",
        "CREATE INDEX policies_title ON policies (title)"}},
      {2, "create versions",
       {"CREATE TABLE policy_versions (policy_id TEXT NOT NULL REFERENCES"
        " policies (id), version BIGINT NOT NULL, PRIMARY KEY (policy_id, version))"}},
  };
}

absl::Status Insert(Database& db, std::string_view sql, const Params& params) {
  auto tx = db.Begin(TxMode::kReadWrite);
  if (!tx.ok()) return tx.status();
  absl::Status s = (*tx)->Execute(sql, params).status();
  if (!s.ok()) return s;
  return (*tx)->Commit();
}

bool TableExists(Database& db, std::string_view table) {
  auto tx = db.Begin(TxMode::kReadOnly);
  return tx.ok() && (*tx)->Query(absl::StrCat("SELECT COUNT(*) FROM ", std::string(table))).ok();
}

std::vector<int64_t> Versions(Database& db, std::string_view component) {
  std::vector<int64_t> out;
  absl::StatusOr<std::vector<AppliedMigration>> applied =
      ListAppliedMigrations(db, component);
  EXPECT_TRUE(applied.ok()) << applied.status();
  if (applied.ok()) {
    for (const AppliedMigration& m : *applied) out.push_back(m.version);
  }
  return out;
}

class MigrationsTest : public testing::DatabaseTest {};

TEST_P(MigrationsTest, AppliesAllAndRecordsThem) {
  EXPECT_TRUE(Versions(db(), "policy").empty());  // no table yet
  MIG_ASSERT_OK(ApplyMigrations(db(), "policy", PolicyMigrations()));
  absl::StatusOr<std::vector<AppliedMigration>> applied =
      ListAppliedMigrations(db(), "policy");
  ASSERT_TRUE(applied.ok()) << applied.status();
  ASSERT_EQ(applied->size(), 2u);
  EXPECT_EQ((*applied)[0].version, 1);
  EXPECT_EQ((*applied)[0].name, "create policies");
  EXPECT_EQ((*applied)[1].version, 2);
  EXPECT_EQ((*applied)[1].name, "create versions");
  EXPECT_GT((*applied)[0].applied_at_us, 1600000000000000);  // after 2020
  MIG_ASSERT_OK(Insert(db(), "INSERT INTO policies (id, title) VALUES ($1, $2)",
                       {"p1", "Access control"}));
  MIG_ASSERT_OK(Insert(db(), "INSERT INTO policy_versions (policy_id, version) VALUES ($1, 1)",
                       {"p1"}));
}

TEST_P(MigrationsTest, RerunningIsANoOpAndNewVersionsApplyLater) {
  MIG_ASSERT_OK(ApplyMigrations(db(), "policy", PolicyMigrations()));
  auto before = ListAppliedMigrations(db(), "policy");
  ASSERT_TRUE(before.ok());
  MIG_ASSERT_OK(ApplyMigrations(db(), "policy", PolicyMigrations()));
  MIG_ASSERT_OK(test_db().Reopen());
  MIG_ASSERT_OK(ApplyMigrations(db(), "policy", PolicyMigrations()));
  auto after = ListAppliedMigrations(db(), "policy");
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 2u);
  EXPECT_EQ((*after)[1].applied_at_us, (*before)[1].applied_at_us);

  std::vector<Migration> more = PolicyMigrations();
  more.push_back({3, "add owner", {"ALTER TABLE policies ADD COLUMN owner TEXT"}});
  MIG_ASSERT_OK(ApplyMigrations(db(), "policy", more));
  EXPECT_EQ(Versions(db(), "policy"), (std::vector<int64_t>{1, 2, 3}));
  MIG_ASSERT_OK(Insert(db(), "INSERT INTO policies (id, title, owner) VALUES ('p', 't', $1)",
                       {"ciso"}));
  // An older binary (knows 1..2) starting against it leaves 3 alone.
  MIG_ASSERT_OK(ApplyMigrations(db(), "policy", PolicyMigrations()));
}

TEST_P(MigrationsTest, FailingMigrationLeavesNoTrace) {
  std::vector<Migration> migrations = PolicyMigrations();
  migrations.push_back({3, "broken",
                        {"CREATE TABLE half_done (x BIGINT)",
                         "INSERT INTO half_done (x) VALUES (1)",
                         "ALTER TABLE no_such_table ADD COLUMN y TEXT"}});
  absl::Status status = ApplyMigrations(db(), "policy", migrations);
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  EXPECT_NE(status.message().find("migration policy/3 (broken) statement 3"),
            std::string::npos)
      << status;
  // 1 and 2 stay applied; nothing of 3 is left.
  EXPECT_EQ(Versions(db(), "policy"), (std::vector<int64_t>{1, 2}));
  EXPECT_FALSE(TableExists(db(), "half_done"));

  // Fixed, it applies.
  migrations.back().statements.pop_back();
  MIG_ASSERT_OK(ApplyMigrations(db(), "policy", migrations));
  EXPECT_EQ(Versions(db(), "policy"), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_TRUE(TableExists(db(), "half_done"));
}

TEST_P(MigrationsTest, ComponentsShareTheDatabaseIndependently) {
  MIG_ASSERT_OK(ApplyMigrations(db(), "policy", PolicyMigrations()));
  std::vector<Migration> audit = {
      {1, "create events", {"CREATE TABLE audit_events (seq BIGINT PRIMARY KEY, body TEXT)"}},
  };
  MIG_ASSERT_OK(ApplyMigrations(db(), "audit", audit));
  MIG_ASSERT_OK(ApplyMigrations(db(), "audit", audit));
  EXPECT_EQ(Versions(db(), "policy"), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(Versions(db(), "audit"), (std::vector<int64_t>{1}));
  EXPECT_TRUE(TableExists(db(), "audit_events"));
}

TEST_P(MigrationsTest, ConcurrentStartsApplyEachMigrationOnce) {
  constexpr int kProcesses = 4;
  std::vector<std::unique_ptr<Database>> dbs;
  for (int i = 0; i < kProcesses; ++i) {
    auto other = test_db().OpenAnother();
    ASSERT_TRUE(other.ok()) << other.status();
    dbs.push_back(std::move(*other));
  }
  std::vector<absl::Status> results(kProcesses);
  std::vector<std::thread> threads;
  for (int i = 0; i < kProcesses; ++i) {
    threads.emplace_back([&, i] {
      const char* component = i % 2 == 0 ? "policy" : "policy2";
      std::vector<Migration> migrations = PolicyMigrations();
      if (i % 2 == 1) {  // another component with its own tables
        migrations = {{1, "other", {"CREATE TABLE other_table (x BIGINT)"}}};
      }
      results[i] = ApplyMigrations(*dbs[i], component, migrations);
    });
  }
  for (std::thread& t : threads) t.join();
  for (const absl::Status& s : results) EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(Versions(db(), "policy"), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(Versions(db(), "policy2"), (std::vector<int64_t>{1}));
}

// postgres_statements run after the statements on PostgreSQL only, in the
// migration's transaction; the record is the same on both drivers.
TEST_P(MigrationsTest, PostgresStatementsRunOnPostgresOnly) {
  const std::vector<Migration> migrations = {
      {1, "both and postgres", {"CREATE TABLE on_both (id TEXT)"},
       {"CREATE TABLE on_postgres (id TEXT COLLATE \"C\")"}},
  };
  MIG_ASSERT_OK(ApplyMigrations(db(), "dialects", migrations));
  EXPECT_TRUE(TableExists(db(), "on_both"));
  EXPECT_EQ(TableExists(db(), "on_postgres"), db().dialect() == Dialect::kPostgres);
  EXPECT_EQ(Versions(db(), "dialects"), (std::vector<int64_t>{1}));
}

TEST_P(MigrationsTest, RejectsBadLists) {
  EXPECT_EQ(ApplyMigrations(db(), "", PolicyMigrations()).code(),
            absl::StatusCode::kInvalidArgument);
  std::vector<Migration> unordered = {{2, "b", {}}, {1, "a", {}}};
  EXPECT_EQ(ApplyMigrations(db(), "x", unordered).code(),
            absl::StatusCode::kInvalidArgument);
  std::vector<Migration> zero = {{0, "a", {}}};
  EXPECT_EQ(ApplyMigrations(db(), "x", zero).code(),
            absl::StatusCode::kInvalidArgument);
  // Another migration under a recorded version.
  MIG_ASSERT_OK(ApplyMigrations(db(), "policy", PolicyMigrations()));
  std::vector<Migration> renamed = PolicyMigrations();
  renamed[1].name = "something else";
  absl::Status status = ApplyMigrations(db(), "policy", renamed);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
}

SECCOORD_INSTANTIATE_DATABASE_TEST(MigrationsTest);

}  // namespace
}  // namespace seccoord::db
